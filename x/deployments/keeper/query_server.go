package keeper

import (
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// Deployment returns one deployment by id.
func (q queryServer) Deployment(ctx context.Context, req *types.QueryDeploymentRequest) (*types.QueryDeploymentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	d, err := q.k.GetDeployment(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryDeploymentResponse{Deployment: d}, nil
}

// Current returns the latest succeeded deployment of a service in an environment.
func (q queryServer) Current(ctx context.Context, req *types.QueryCurrentRequest) (*types.QueryCurrentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateService(req.Service); err != nil {
		return nil, err
	}
	if err := types.ValidateEnvironment(req.Environment); err != nil {
		return nil, err
	}
	id, err := q.k.Current.Get(ctx, collections.Join(req.Service, req.Environment))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotFound, "no succeeded deployment of %s in %s", req.Service, req.Environment)
	}
	if err != nil {
		return nil, err
	}
	d, err := q.k.GetDeployment(ctx, id)
	if err != nil {
		return nil, err
	}
	return &types.QueryCurrentResponse{Deployment: d}, nil
}

// DeploymentByExternalID resolves an organisation's idempotency key.
func (q queryServer) DeploymentByExternalID(ctx context.Context, req *types.QueryDeploymentByExternalIDRequest) (*types.QueryDeploymentByExternalIDResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.OrganizationId == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "organization_id is required")
	}
	if req.ExternalId == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidExternalID, "external_id is required")
	}
	if err := types.ValidateExternalID(req.ExternalId); err != nil {
		return nil, err
	}
	ref, err := q.k.ExternalRefs.Get(ctx, collections.Join(req.OrganizationId, req.ExternalId))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotFound, "external id %q of organization %q", req.ExternalId, req.OrganizationId)
	}
	if err != nil {
		return nil, err
	}
	d, err := q.k.GetDeployment(ctx, ref.DeploymentId)
	if err != nil {
		return nil, err
	}
	return &types.QueryDeploymentByExternalIDResponse{Deployment: d}, nil
}

// Deployments lists deployments newest first. It walks the most selective
// index the filters allow and checks the remaining filters on each record;
// without filters it walks the records themselves.
func (q queryServer) Deployments(ctx context.Context, req *types.QueryDeploymentsRequest) (_ *types.QueryDeploymentsResponse, err error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	f, err := q.k.parseFilter(req)
	if err != nil {
		return nil, err
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64,
		idpage.Limits{Default: types.DefaultQueryLimit, Max: types.MaxQueryLimit}, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	src, local, err := q.k.sourceFor(ctx, f, start)
	if err != nil {
		return nil, err
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Deployment, bool, error) {
		d, err := q.k.Deployments.Get(ctx, id)
		if local && errors.Is(err, collections.ErrNotFound) {
			return d, false, nil // recorded after the queried height
		}
		if err != nil {
			return d, false, errorsmod.Wrapf(err, "indexed deployment %d", id)
		}
		return d, f.match(d), nil
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryDeploymentsResponse{Deployments: out, Pagination: page}, nil
}

// filter is a validated QueryDeploymentsRequest.
type filter struct {
	service, environment string
	status               types.DeploymentStatus
	deployer             sdk.AccAddress
	deployerString       string
	digest               string
}

func (k Keeper) parseFilter(req *types.QueryDeploymentsRequest) (filter, error) {
	f := filter{service: req.Service, environment: req.Environment, status: req.Status, digest: req.ArtifactDigest}
	if f.service != "" {
		if err := types.ValidateService(f.service); err != nil {
			return f, err
		}
	}
	if f.environment != "" {
		if err := types.ValidateEnvironment(f.environment); err != nil {
			return f, err
		}
	}
	if !f.status.IsKnown() {
		return f, errorsmod.Wrapf(types.ErrInvalidStatus, "unknown status %d", int32(f.status))
	}
	if req.Deployer != "" {
		addr, canonical, err := k.decodeAddress(req.Deployer)
		if err != nil {
			return f, errorsmod.Wrap(err, "deployer")
		}
		f.deployer, f.deployerString = addr, canonical
	}
	if f.digest != "" {
		if err := types.ValidateDigest(f.digest); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (f filter) match(d types.Deployment) bool {
	switch {
	case f.service != "" && d.Service != f.service,
		f.environment != "" && d.Environment != f.environment,
		f.status != types.DEPLOYMENT_STATUS_UNSPECIFIED && d.Status != f.status,
		f.deployerString != "" && d.Deployer != f.deployerString:
		return false
	case f.digest != "":
		return slices.ContainsFunc(d.Artifacts, func(a types.Artifact) bool { return a.Digest == f.digest })
	}
	return true
}

// sourceFor picks the most selective index the filter allows: artifact digest
// > service+environment > deployer > service > environment > status; with no
// filter it walks the records. local reports a list from the node-local
// record index, which reflects the latest block and may name records the
// queried height does not hold yet. Without that index only the
// service+environment index in state remains, and the other filters are
// checked on every record.
func (k Keeper) sourceFor(ctx context.Context, f filter, start uint64) (src idpage.Source, local bool, err error) {
	idx := k.Deployments.Indexes
	switch {
	case f.digest != "" && k.recordIndex != nil:
		src, err = k.recordIndex.Digest(f.digest, start)
		local = true
	case f.service != "" && f.environment != "":
		src, err = idpage.Multi(ctx, idx.ServiceEnv, collections.Join(f.service, f.environment), 0, start)
	case f.deployer != nil && k.recordIndex != nil:
		src, err = k.recordIndex.Deployer(f.deployer, start)
		local = true
	case f.service != "":
		src, err = k.serviceSource(ctx, f.service, start)
	case k.recordIndex == nil:
		// Not wired (a keeper outside a node): the filter checks every
		// record.
		src, err = idpage.Records[types.Deployment](ctx, k.Deployments, 0, start)
	case f.environment != "":
		src, err = k.recordIndex.Environment(f.environment, start)
		local = true
	case f.status != types.DEPLOYMENT_STATUS_UNSPECIFIED:
		src, err = k.recordIndex.Status(f.status, start)
		local = true
	default:
		src, err = idpage.Records[types.Deployment](ctx, k.Deployments, 0, start)
	}
	return src, local, err
}

// serviceSource merges the per-environment slices of the service+environment
// index: within one service the index is ordered by environment first, so a
// plain prefix walk would not be newest first.
func (k Keeper) serviceSource(ctx context.Context, service string, start uint64) (idpage.Source, error) {
	envs, err := k.environmentsOf(ctx, service)
	if err != nil {
		return nil, err
	}
	srcs := make([]idpage.Source, 0, len(envs))
	for _, env := range envs {
		src, err := idpage.Multi(ctx, k.Deployments.Indexes.ServiceEnv, collections.Join(service, env), 0, start)
		if err != nil {
			_ = idpage.CloseAll(srcs)
			return nil, err
		}
		srcs = append(srcs, src)
	}
	return idpage.Merge(srcs)
}

// environmentsOf lists the environments a service was deployed to, seeking
// past each environment's entries instead of reading them.
func (k Keeper) environmentsOf(ctx context.Context, service string) ([]string, error) {
	type key = collections.Pair[collections.Pair[string, string], uint64]
	svcPrefix := collections.PairPrefix[collections.Pair[string, string], uint64](collections.PairPrefix[string, string](service))
	r := &keyRange[key]{start: collections.RangeKeyExact(svcPrefix), end: collections.RangeKeyPrefixEnd(svcPrefix)}
	var envs []string
	for {
		it, err := k.Deployments.Indexes.ServiceEnv.Iterate(ctx, r)
		if err != nil {
			return nil, err
		}
		if !it.Valid() {
			return envs, it.Close()
		}
		fk, err := it.FullKey()
		if cerr := it.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		env := fk.K1().K2()
		envs = append(envs, env)
		r.start = collections.RangeKeyPrefixEnd(collections.PairPrefix[collections.Pair[string, string], uint64](collections.Join(service, env)))
	}
}

// keyRange is a collections.Ranger with explicit bounds.
type keyRange[K any] struct {
	start, end *collections.RangeKey[K]
	order      collections.Order
}

func (r *keyRange[K]) RangeValues() (start, end *collections.RangeKey[K], order collections.Order, err error) {
	return r.start, r.end, r.order, nil
}

// BreakGlassReviews lists unreviewed break-glass deployments earliest due
// first (then by id), reading one range of the pending-review index; with
// overdue set, only those due at or before the block time. pagination.key
// is the 8-byte id of the deployment to continue from.
func (q queryServer) BreakGlassReviews(ctx context.Context, req *types.QueryBreakGlassReviewsRequest) (*types.QueryBreakGlassReviewsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	startID, limit, err := idpage.ParsePage(req.Pagination, 0,
		idpage.Limits{Default: types.DefaultQueryLimit, Max: types.MaxQueryLimit}, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	rng := new(collections.Range[collections.Pair[time.Time, uint64]])
	if req.Overdue {
		now := sdk.UnwrapSDKContext(ctx).BlockTime().UTC()
		rng = rng.EndInclusive(collections.Join(now, uint64(math.MaxUint64)))
	}
	if startID != 0 {
		d, err := q.k.GetDeployment(ctx, startID)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "pagination.key names deployment %d: %s", startID, err)
		}
		if d.BreakGlassReview == nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "pagination.key names deployment %d, which needs no break-glass review", startID)
		}
		rng = rng.StartInclusive(collections.Join(d.BreakGlassReview.Due, startID))
	}
	it, err := q.k.BreakGlassPending.Iterate(ctx, rng)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	resp := &types.QueryBreakGlassReviewsResponse{Pagination: &query.PageResponse{}, Deployments: []types.Deployment{}}
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return nil, err
		}
		if uint64(len(resp.Deployments)) == limit {
			resp.Pagination.NextKey = idpage.NextKey(key.K2())
			break
		}
		d, err := q.k.GetDeployment(ctx, key.K2())
		if err != nil {
			return nil, errorsmod.Wrap(err, "pending break-glass review")
		}
		resp.Deployments = append(resp.Deployments, d)
	}
	return resp, nil
}
