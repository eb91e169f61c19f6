package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/x/consortium/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the consortium Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

func (q queryServer) Params(ctx context.Context, _ *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	p, err := q.k.Params.Get(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

func (q queryServer) Organizations(ctx context.Context, req *types.QueryOrganizationsRequest) (*types.QueryOrganizationsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	orgs, page, err := query.CollectionPaginate(ctx, q.k.Organizations, req.Pagination,
		func(_ string, o types.Organization) (types.Organization, error) { return o, nil })
	if err != nil {
		return nil, err
	}
	return &types.QueryOrganizationsResponse{Organizations: orgs, Pagination: page}, nil
}

func (q queryServer) Organization(ctx context.Context, req *types.QueryOrganizationRequest) (*types.QueryOrganizationResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	o, err := q.k.Organizations.Get(ctx, req.Id)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrUnknownOrganization, "%q", req.Id)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryOrganizationResponse{Organization: o}, nil
}

// Members lists members, by organisation through the index when one is given.
func (q queryServer) Members(ctx context.Context, req *types.QueryMembersRequest) (*types.QueryMembersResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, ok := types.Role_name[int32(req.Role)]; !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidMember, "unknown role %d", req.Role)
	}
	hasRole := func(m types.Member) bool { return req.Role == types.ROLE_UNSPECIFIED || m.HasRole(req.Role) }
	if req.OrganizationId == "" {
		members, page, err := query.CollectionFilteredPaginate(ctx, q.k.Members, req.Pagination,
			func(_ sdk.AccAddress, m types.Member) (bool, error) { return hasRole(m), nil },
			func(_ sdk.AccAddress, m types.Member) (types.Member, error) { return m, nil })
		if err != nil {
			return nil, err
		}
		return &types.QueryMembersResponse{Members: members, Pagination: page}, nil
	}
	if err := types.ValidateOrganizationID(req.OrganizationId); err != nil {
		return nil, err
	}
	members, page, err := query.CollectionFilteredPaginate(ctx, q.k.Members.Indexes.Organization, req.Pagination,
		func(key collections.Pair[string, sdk.AccAddress], _ collections.NoValue) (bool, error) {
			m, err := q.k.Members.Get(ctx, key.K2())
			return err == nil && hasRole(m), err
		},
		func(key collections.Pair[string, sdk.AccAddress], _ collections.NoValue) (types.Member, error) {
			return q.k.Members.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[string, sdk.AccAddress](req.OrganizationId))
	if err != nil {
		return nil, err
	}
	return &types.QueryMembersResponse{Members: members, Pagination: page}, nil
}

func (q queryServer) Member(ctx context.Context, req *types.QueryMemberRequest) (*types.QueryMemberResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	m, err := q.k.memberByAddress(ctx, req.Address)
	if err != nil {
		return nil, err
	}
	return &types.QueryMemberResponse{Member: m}, nil
}

func (q queryServer) Validators(ctx context.Context, req *types.QueryValidatorsRequest) (*types.QueryValidatorsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	vals, page, err := query.CollectionPaginate(ctx, q.k.Validators, req.Pagination,
		func(_ []byte, v types.Validator) (types.Validator, error) { return v, nil })
	if err != nil {
		return nil, err
	}
	total, err := q.k.TotalPower(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryValidatorsResponse{Validators: vals, TotalPower: total, Pagination: page}, nil
}

// Proposals lists proposals newest first (pagination.reverse=true: oldest
// first), by status through the index when one is given.
func (q queryServer) Proposals(ctx context.Context, req *types.QueryProposalsRequest) (*types.QueryProposalsResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	if _, ok := types.ProposalStatus_name[int32(req.Status)]; !ok {
		return nil, errorsmod.Wrapf(types.ErrInvalidProposal, "unknown status %d", req.Status)
	}
	page := newestFirst(req.Pagination)
	if req.Status == types.PROPOSAL_STATUS_UNSPECIFIED {
		props, res, err := query.CollectionPaginate(ctx, q.k.Proposals, page,
			func(_ uint64, p types.Proposal) (types.Proposal, error) { return p, nil })
		if err != nil {
			return nil, err
		}
		return &types.QueryProposalsResponse{Proposals: props, Pagination: res}, nil
	}
	props, res, err := query.CollectionPaginate(ctx, q.k.Proposals.Indexes.Status, page,
		func(key collections.Pair[int32, uint64], _ collections.NoValue) (types.Proposal, error) {
			return q.k.Proposals.Get(ctx, key.K2())
		},
		query.WithCollectionPaginationPairPrefix[int32, uint64](int32(req.Status)))
	if err != nil {
		return nil, err
	}
	return &types.QueryProposalsResponse{Proposals: props, Pagination: res}, nil
}

func (q queryServer) Proposal(ctx context.Context, req *types.QueryProposalRequest) (*types.QueryProposalResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	p, err := q.k.Proposals.Get(ctx, req.Id)
	if errorsmod.IsOf(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrUnknownProposal, "proposal %d", req.Id)
	}
	if err != nil {
		return nil, err
	}
	return &types.QueryProposalResponse{Proposal: p}, nil
}

// newestFirst flips the SDK's default order so lists show the latest first.
func newestFirst(req *query.PageRequest) *query.PageRequest {
	if req == nil {
		return &query.PageRequest{Reverse: true}
	}
	page := *req
	page.Reverse = !req.Reverse
	return &page
}

// Misbehaviours lists misbehaviour records newest first (pagination.reverse=
// true: oldest first), of one validator through the index when one is given,
// with the validators currently removed for misbehaviour.
func (q queryServer) Misbehaviours(ctx context.Context, req *types.QueryMisbehavioursRequest) (*types.QueryMisbehavioursResponse, error) {
	if req == nil {
		return nil, status.Error(codes.InvalidArgument, "empty request")
	}
	page := newestFirst(req.Pagination)
	var (
		recs []types.Misbehaviour
		res  *query.PageResponse
		err  error
		only []byte
	)
	if req.Validator == "" {
		recs, res, err = query.CollectionPaginate(ctx, q.k.Misbehaviours, page,
			func(_ uint64, m types.Misbehaviour) (types.Misbehaviour, error) { return m, nil })
	} else {
		if only, err = sdk.ConsAddressFromBech32(req.Validator); err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidValidator, "validator %q is not a consensus address: %v", req.Validator, err)
		}
		recs, res, err = query.CollectionPaginate(ctx, q.k.Misbehaviours.Indexes.Validator, page,
			func(key collections.Pair[[]byte, uint64], _ collections.NoValue) (types.Misbehaviour, error) {
				return q.k.Misbehaviours.Get(ctx, key.K2())
			},
			query.WithCollectionPaginationPairPrefix[[]byte, uint64](only))
	}
	if err != nil {
		return nil, err
	}
	var removed []types.RemovedValidator
	err = q.k.RemovedValidators.Walk(ctx, nil, func(consAddr []byte, r types.RemovedValidator) (bool, error) {
		if only == nil || string(consAddr) == string(only) {
			removed = append(removed, r)
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryMisbehavioursResponse{Misbehaviours: recs, Pagination: res, RemovedValidators: removed}, nil
}
