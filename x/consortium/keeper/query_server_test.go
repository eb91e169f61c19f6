package keeper_test

import (
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestQueryParams(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	res, err := f.queries.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), res.Params)
}

func TestQueryNilRequests(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	calls := map[string]func() error{
		"Organizations": func() error { _, err := f.queries.Organizations(f.ctx, nil); return err },
		"Organization":  func() error { _, err := f.queries.Organization(f.ctx, nil); return err },
		"Members":       func() error { _, err := f.queries.Members(f.ctx, nil); return err },
		"Member":        func() error { _, err := f.queries.Member(f.ctx, nil); return err },
		"Validators":    func() error { _, err := f.queries.Validators(f.ctx, nil); return err },
		"Proposals":     func() error { _, err := f.queries.Proposals(f.ctx, nil); return err },
		"Proposal":      func() error { _, err := f.queries.Proposal(f.ctx, nil); return err },
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			require.Equal(t, codes.InvalidArgument, status.Code(call()))
		})
	}
}

func TestQueryOrganizations(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	res, err := f.queries.Organizations(f.ctx, &types.QueryOrganizationsRequest{})
	require.NoError(t, err)
	require.Equal(t, threeOrgGenesis(t).Organizations, res.Organizations)

	page, err := f.queries.Organizations(f.ctx, &types.QueryOrganizationsRequest{Pagination: &query.PageRequest{Limit: 2, CountTotal: true}})
	require.NoError(t, err)
	require.Len(t, page.Organizations, 2)
	require.EqualValues(t, 3, page.Pagination.Total)
	page, err = f.queries.Organizations(f.ctx, &types.QueryOrganizationsRequest{Pagination: &query.PageRequest{Key: page.Pagination.NextKey}})
	require.NoError(t, err)
	require.Equal(t, []types.Organization{{Id: "initech", Name: "Initech"}}, page.Organizations)

	one, err := f.queries.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "globex"})
	require.NoError(t, err)
	require.Equal(t, types.Organization{Id: "globex", Name: "Globex"}, one.Organization)

	_, err = f.queries.Organization(f.ctx, &types.QueryOrganizationRequest{Id: "hooli"})
	require.ErrorIs(t, err, types.ErrUnknownOrganization)
}

func addresses(members []types.Member) []string {
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = m.Address
	}
	return out
}

// allPages pages through Members with limit 1 and returns every member seen.
func allMemberPages(t *testing.T, f *fixture, req types.QueryMembersRequest) []string {
	t.Helper()
	var seen []string
	req.Pagination = &query.PageRequest{Limit: 1}
	for range 20 {
		res, err := f.queries.Members(f.ctx, &req)
		require.NoError(t, err)
		require.LessOrEqual(t, len(res.Members), 1)
		seen = append(seen, addresses(res.Members)...)
		if len(res.Pagination.GetNextKey()) == 0 {
			return seen
		}
		req.Pagination = &query.PageRequest{Key: res.Pagination.NextKey, Limit: 1}
	}
	t.Fatal("pagination does not end")
	return nil
}

func TestQueryMembers(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	b := func(ns ...byte) []string {
		out := make([]string, len(ns))
		for i, n := range ns {
			out[i] = bech(t, n)
		}
		return out
	}

	tests := []struct {
		name string
		req  types.QueryMembersRequest
		want []string
	}{
		{"all", types.QueryMembersRequest{}, b(nAcmeAdmin, nGlobexAdmin, nInitechAdmin, nAcmeDeployer, nAcmeInactive, nGlobexDeploy, nAcmeOperator)},
		{"by organization", types.QueryMembersRequest{OrganizationId: "acme"}, b(nAcmeAdmin, nAcmeDeployer, nAcmeInactive, nAcmeOperator)},
		{"by role", types.QueryMembersRequest{Role: types.ROLE_DEPLOYER}, b(nAcmeDeployer, nAcmeInactive, nGlobexDeploy)},
		{"by second role", types.QueryMembersRequest{Role: types.ROLE_ATTESTOR}, b(nGlobexDeploy)},
		{"by organization and role", types.QueryMembersRequest{OrganizationId: "acme", Role: types.ROLE_DEPLOYER}, b(nAcmeDeployer, nAcmeInactive)},
		{"admins", types.QueryMembersRequest{Role: types.ROLE_ADMIN}, b(nAcmeAdmin, nGlobexAdmin, nInitechAdmin)},
		{"organization without match", types.QueryMembersRequest{OrganizationId: "initech", Role: types.ROLE_DEPLOYER}, nil},
		{"unknown organization", types.QueryMembersRequest{OrganizationId: "hooli"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := tc.req
			res, err := f.queries.Members(f.ctx, &req)
			require.NoError(t, err)
			require.ElementsMatch(t, tc.want, addresses(res.Members))
			require.ElementsMatch(t, tc.want, allMemberPages(t, f, tc.req), "limit 1, page by page")
		})
	}

	_, err := f.queries.Members(f.ctx, &types.QueryMembersRequest{OrganizationId: "Not A Slug"})
	require.ErrorIs(t, err, types.ErrInvalidOrganization)
	_, err = f.queries.Members(f.ctx, &types.QueryMembersRequest{Role: types.Role(99)})
	require.ErrorIs(t, err, types.ErrInvalidMember)
}

func TestQueryMember(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	res, err := f.queries.Member(f.ctx, &types.QueryMemberRequest{Address: bech(t, nAcmeInactive)})
	require.NoError(t, err)
	require.Equal(t, member(t, nAcmeInactive, "acme", false, types.ROLE_DEPLOYER), res.Member)

	_, err = f.queries.Member(f.ctx, &types.QueryMemberRequest{Address: badAddress})
	require.ErrorIs(t, err, types.ErrInvalidMember)
	_, err = f.queries.Member(f.ctx, &types.QueryMemberRequest{Address: ""})
	require.ErrorIs(t, err, types.ErrInvalidMember)
	_, err = f.queries.Member(f.ctx, &types.QueryMemberRequest{Address: bech(t, nNonMember)})
	require.ErrorIs(t, err, types.ErrNotMember)
}

func TestQueryValidators(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	res, err := f.queries.Validators(f.ctx, &types.QueryValidatorsRequest{})
	require.NoError(t, err)
	require.ElementsMatch(t, threeOrgGenesis(t).Validators, res.Validators)
	require.EqualValues(t, 40, res.TotalPower)

	require.NoError(t, f.setVal(validator(kNew1, "new-1", "globex", 7)))
	page, err := f.queries.Validators(f.ctx, &types.QueryValidatorsRequest{Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, page.Validators, 2)
	require.NotEmpty(t, page.Pagination.NextKey)
	require.EqualValues(t, 47, page.TotalPower, "total power covers the whole set, not the page")
}

func TestQueryProposals(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))         // 1 open
	f.mustSubmit(nGlobexAdmin, f.addOrg("umbrella", "Umbrella")) // 2 withdrawn
	require.NoError(t, f.withdraw(nGlobexAdmin, 2))              //
	f.mustSubmit(nInitechAdmin, f.addOrg("massive", "Massive"))  // 3 open
	f.mustSubmit(nAcmeAdmin, f.addOrg("soylent", "Soylent"))     // 4 executed
	_, err := f.approve(nGlobexAdmin, 4)                         //
	require.NoError(t, err)
	f.nextBlock(time.Second)

	ids := func(ps []types.Proposal) []uint64 {
		out := make([]uint64, len(ps))
		for i, p := range ps {
			out[i] = p.Id
		}
		return out
	}
	tests := []struct {
		name   string
		status types.ProposalStatus
		want   []uint64
	}{
		{"all, newest first", types.PROPOSAL_STATUS_UNSPECIFIED, []uint64{4, 3, 2, 1}},
		{"open", types.PROPOSAL_STATUS_OPEN, []uint64{3, 1}},
		{"executed", types.PROPOSAL_STATUS_EXECUTED, []uint64{4}},
		{"withdrawn", types.PROPOSAL_STATUS_WITHDRAWN, []uint64{2}},
		{"expired", types.PROPOSAL_STATUS_EXPIRED, []uint64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.queries.Proposals(f.ctx, &types.QueryProposalsRequest{Status: tc.status})
			require.NoError(t, err)
			require.Equal(t, tc.want, ids(res.Proposals))
			for _, p := range res.Proposals {
				require.NotNil(t, p.Messages[0].GetCachedValue())
			}

			// Page by page with limit 1, same order.
			var got []uint64
			page := &query.PageRequest{Limit: 1}
			for range 10 {
				res, err := f.queries.Proposals(f.ctx, &types.QueryProposalsRequest{Status: tc.status, Pagination: page})
				require.NoError(t, err)
				got = append(got, ids(res.Proposals)...)
				if len(res.Pagination.GetNextKey()) == 0 {
					break
				}
				page = &query.PageRequest{Key: res.Pagination.NextKey, Limit: 1}
			}
			require.Equal(t, tc.want, append([]uint64{}, got...))

			// reverse=true asks for oldest first.
			res, err = f.queries.Proposals(f.ctx, &types.QueryProposalsRequest{Status: tc.status, Pagination: &query.PageRequest{Reverse: true}})
			require.NoError(t, err)
			oldest := ids(res.Proposals)
			for i, j := 0, len(oldest)-1; i < j; i, j = i+1, j-1 {
				oldest[i], oldest[j] = oldest[j], oldest[i]
			}
			require.Equal(t, tc.want, oldest)
		})
	}

	_, err = f.queries.Proposals(f.ctx, &types.QueryProposalsRequest{Status: types.ProposalStatus(99)})
	require.ErrorIs(t, err, types.ErrInvalidProposal)

	one, err := f.queries.Proposal(f.ctx, &types.QueryProposalRequest{Id: 4})
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, one.Proposal.Status)
	require.Equal(t, f.proposal(4), one.Proposal)

	_, err = f.queries.Proposal(f.ctx, &types.QueryProposalRequest{Id: 5})
	require.ErrorIs(t, err, types.ErrUnknownProposal)
	_, err = f.queries.Proposal(f.ctx, &types.QueryProposalRequest{Id: 0})
	require.ErrorIs(t, err, types.ErrUnknownProposal)
}
