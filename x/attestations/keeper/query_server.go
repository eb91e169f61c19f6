package keeper

import (
	"context"
	"math"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/shiplog/shiplog/x/attestations/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

// maxEvaluateDigests bounds the artifacts one Evaluate query checks.
const maxEvaluateDigests = 64

var pageLimits = idpage.Limits{Default: types.DefaultQueryLimit, Max: types.MaxQueryLimit}

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// AttestorKey returns one key by id.
func (q queryServer) AttestorKey(ctx context.Context, req *types.QueryAttestorKeyRequest) (*types.QueryAttestorKeyResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateKeyID(req.KeyId); err != nil {
		return nil, err
	}
	key, err := q.k.GetKey(ctx, req.KeyId)
	if err != nil {
		return nil, err
	}
	return &types.QueryAttestorKeyResponse{Key: key}, nil
}

// AttestorKeys lists keys in key id order, of one organisation (one prefix
// of the organisation index) or all. pagination.key is the key id to
// continue from.
func (q queryServer) AttestorKeys(ctx context.Context, req *types.QueryAttestorKeysRequest) (*types.QueryAttestorKeysResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	limit := uint64(types.DefaultQueryLimit)
	var from string
	if p := req.Pagination; p != nil {
		if p.Offset != 0 || p.CountTotal || p.Reverse {
			return nil, errorsmod.Wrap(types.ErrInvalidRequest, "pagination supports key and limit only")
		}
		from = string(p.Key)
		if p.Limit != 0 {
			limit = min(p.Limit, types.MaxQueryLimit)
		}
	}
	resp := &types.QueryAttestorKeysResponse{Pagination: &query.PageResponse{}, Keys: []types.AttestorKey{}}
	add := func(id string) (bool, error) {
		if uint64(len(resp.Keys)) == limit {
			resp.Pagination.NextKey = []byte(id)
			return true, nil
		}
		key, err := q.k.Keys.Get(ctx, id)
		if err != nil {
			return true, err
		}
		resp.Keys = append(resp.Keys, key)
		return false, nil
	}
	if req.OrganizationId == "" {
		rng := new(collections.Range[string])
		if from != "" {
			rng = rng.StartInclusive(from)
		}
		err := q.k.Keys.Walk(ctx, rng, func(id string, _ types.AttestorKey) (bool, error) { return add(id) })
		return resp, err
	}
	if err := types.ValidateOrganizationID(req.OrganizationId); err != nil {
		return nil, err
	}
	rng := collections.NewPrefixedPairRange[string, string](req.OrganizationId)
	if from != "" {
		rng = rng.StartInclusive(from)
	}
	err := q.k.KeysByOrganization.Walk(ctx, rng, func(pair collections.Pair[string, string]) (bool, error) { return add(pair.K2()) })
	return resp, err
}

// Attestation returns one attestation by id.
func (q queryServer) Attestation(ctx context.Context, req *types.QueryAttestationRequest) (*types.QueryAttestationResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	a, err := q.k.GetAttestation(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryAttestationResponse{Attestation: a}, nil
}

// Attestations lists attestations newest first. It walks the most selective
// index the filters allow (subject digest > key > organisation > predicate
// type) and checks the others on each record.
func (q queryServer) Attestations(ctx context.Context, req *types.QueryAttestationsRequest) (*types.QueryAttestationsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.SubjectDigest != "" {
		if err := types.ValidateDigest(req.SubjectDigest); err != nil {
			return nil, err
		}
	}
	if req.KeyId != "" {
		if err := types.ValidateKeyID(req.KeyId); err != nil {
			return nil, err
		}
	}
	if req.OrganizationId != "" {
		if err := types.ValidateOrganizationID(req.OrganizationId); err != nil {
			return nil, err
		}
	}
	if req.PredicateType != "" {
		if err := types.ValidatePredicateType(req.PredicateType); err != nil {
			return nil, err
		}
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64, pageLimits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	idx := q.k.Attestations.Indexes
	var src idpage.Source
	switch {
	case req.SubjectDigest != "":
		src, err = idpage.PairKeys(ctx, q.k.AttestationsBySubject, req.SubjectDigest, 0, start)
	case req.KeyId != "":
		src, err = idpage.Multi(ctx, idx.Key, req.KeyId, 0, start)
	case req.OrganizationId != "":
		src, err = idpage.Multi(ctx, idx.Organization, req.OrganizationId, 0, start)
	case req.PredicateType != "":
		src, err = idpage.Multi(ctx, idx.Predicate, req.PredicateType, 0, start)
	default:
		src, err = idpage.Records[types.Attestation](ctx, q.k.Attestations, 0, start)
	}
	if err != nil {
		return nil, err
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Attestation, bool, error) {
		a, err := q.k.Attestations.Get(ctx, id)
		if err != nil {
			return a, false, errorsmod.Wrapf(err, "indexed attestation %d", id)
		}
		keep := (req.KeyId == "" || a.KeyId == req.KeyId) &&
			(req.OrganizationId == "" || a.OrganizationId == req.OrganizationId) &&
			(req.PredicateType == "" || a.PredicateType == req.PredicateType)
		return a, keep, nil
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryAttestationsResponse{Attestations: out, Pagination: page}, nil
}

// Policy returns the current or a given version of an environment's policy.
func (q queryServer) Policy(ctx context.Context, req *types.QueryPolicyRequest) (*types.QueryPolicyResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateEnvironment(req.Environment); err != nil {
		return nil, err
	}
	p, err := q.k.GetPolicy(ctx, req.Environment, req.Version)
	if err != nil {
		return nil, err
	}
	return &types.QueryPolicyResponse{Policy: p}, nil
}

// Policies lists every environment's current policy, by environment.
func (q queryServer) Policies(ctx context.Context, req *types.QueryPoliciesRequest) (*types.QueryPoliciesResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	resp := &types.QueryPoliciesResponse{Policies: []types.Policy{}}
	err := q.k.CurrentPolicy.Walk(ctx, nil, func(env string, version uint64) (bool, error) {
		p, err := q.k.Policies.Get(ctx, collections.Join(env, version))
		if err != nil {
			return true, errorsmod.Wrapf(err, "current policy %d of %q", version, env)
		}
		resp.Policies = append(resp.Policies, p)
		return false, nil
	})
	return resp, err
}

// Evaluate returns the decision a deployment of the digests to the
// environment would get now.
func (q queryServer) Evaluate(ctx context.Context, req *types.QueryEvaluateRequest) (*types.QueryEvaluateResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateEnvironment(req.Environment); err != nil {
		return nil, err
	}
	if len(req.Digests) == 0 || len(req.Digests) > maxEvaluateDigests {
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "give 1 to %d artifact digests, got %d", maxEvaluateDigests, len(req.Digests))
	}
	for _, d := range req.Digests {
		if err := types.ValidateDigest(d); err != nil {
			return nil, err
		}
	}
	if req.OrganizationId != "" {
		if err := types.ValidateOrganizationID(req.OrganizationId); err != nil {
			return nil, err
		}
	}
	dec, err := q.k.Evaluate(ctx, req.Environment, req.OrganizationId, slices.Clone(req.Digests), req.BreakGlass)
	if err != nil {
		return nil, err
	}
	return &types.QueryEvaluateResponse{Decision: dec, Allowed: Admits(dec), Message: DecisionMessage(dec, req.BreakGlass)}, nil
}
