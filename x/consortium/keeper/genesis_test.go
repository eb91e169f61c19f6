package keeper_test

import (
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestInitGenesisReturnsGenesisValidators(t *testing.T) {
	gs := threeOrgGenesis(t)
	f := newFixture(t, gs)

	want := make([]abci.ValidatorUpdate, 0, len(gs.Validators))
	for _, v := range gs.Validators {
		want = append(want, updateOf(v.PubKey, v.Power))
	}
	require.Equal(t, want, f.genesisUpdates)

	total, err := f.k.TotalPower(f.ctx)
	require.NoError(t, err)
	require.EqualValues(t, 40, total)

	// Genesis validators are already known to CometBFT: nothing is pending.
	require.Empty(t, f.endBlock())
}

func TestInitGenesisCreatesAccountsForActiveMembers(t *testing.T) {
	gs := threeOrgGenesis(t)
	f := newFixture(t, gs)

	for _, m := range gs.Members {
		a, err := ac.StringToBytes(m.Address)
		require.NoError(t, err)
		require.Equal(t, m.Active, f.accounts.HasAccount(f.ctx, a), "account of %s (active=%v)", m.Address, m.Active)
	}
	require.Len(t, f.accounts.sets, len(gs.Members)-1)

	// An existing account is not recreated.
	f2 := newBareFixture(t)
	f2.accounts.SetAccount(f2.ctx, f2.accounts.NewAccountWithAddress(f2.ctx, addr(nAcmeAdmin)))
	f2.accounts.sets = nil
	_, err := f2.k.InitGenesis(f2.ctx, singleOrgGenesis(t))
	require.NoError(t, err)
	require.Equal(t, []sdk.AccAddress{addr(nAcmeDeployer)}, f2.accounts.sets)
}

func TestInitGenesisRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*types.GenesisState)
		err    error
	}{
		{"no validators", func(gs *types.GenesisState) { gs.Validators = nil }, types.ErrInvalidGenesis},
		{"invalid params", func(gs *types.GenesisState) { gs.Params.ThresholdDenominator = 0 }, types.ErrInvalidParams},
		{"duplicate organization", func(gs *types.GenesisState) {
			gs.Organizations = append(gs.Organizations, gs.Organizations[0])
		}, types.ErrInvalidGenesis},
		{"zero next proposal id", func(gs *types.GenesisState) { gs.NextProposalId = 0 }, types.ErrInvalidGenesis},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newBareFixture(t)
			gs := threeOrgGenesis(t)
			tc.mutate(gs)
			_, err := f.k.InitGenesis(f.ctx, gs)
			require.ErrorIs(t, err, tc.err)
			require.Empty(t, f.dump(), "a refused genesis writes nothing")
			require.Empty(t, f.accounts.sets)
		})
	}
}

// genesisWithProposals is the three-org consortium with an open, an
// executed and a failed proposal in flight.
func genesisWithProposals(t *testing.T, authority string) *types.GenesisState {
	gs := threeOrgGenesis(t)
	anyOf := func(m sdk.Msg) *codectypes.Any {
		a, err := codectypes.NewAnyWithValue(m)
		require.NoError(t, err)
		return a
	}
	submit := genesisTime.Add(-time.Hour)
	gs.Proposals = []types.Proposal{
		{
			Id: 2, Proposer: bech(t, nAcmeAdmin), OrganizationId: "acme", Title: "add hooli", Summary: "s",
			Messages:   []*codectypes.Any{anyOf(&types.MsgAddOrganization{Authority: authority, Organization: types.Organization{Id: "hooli", Name: "Hooli"}})},
			Status:     types.PROPOSAL_STATUS_OPEN,
			Approvals:  []types.Approval{{OrganizationId: "acme", Approver: bech(t, nAcmeAdmin), Height: 7}},
			SubmitTime: submit, ExpiryTime: submit.Add(types.DefaultProposalLifetime), SubmitHeight: 7,
		},
		{
			Id: 1, Proposer: bech(t, nGlobexAdmin), OrganizationId: "globex", Title: "params", Summary: "",
			Messages: []*codectypes.Any{anyOf(&types.MsgUpdateParams{Authority: authority, Params: types.DefaultParams()})},
			Status:   types.PROPOSAL_STATUS_EXECUTED,
			Approvals: []types.Approval{
				{OrganizationId: "globex", Approver: bech(t, nGlobexAdmin), Height: 3},
				{OrganizationId: "initech", Approver: bech(t, nInitechAdmin), Height: 4},
			},
			SubmitTime: submit.Add(-time.Hour), ExpiryTime: submit.Add(-time.Hour).Add(types.DefaultProposalLifetime),
			SubmitHeight: 3, FinalHeight: 4,
		},
	}
	gs.NextProposalId = 5
	return gs
}

func TestExportGenesisRoundTrip(t *testing.T) {
	f := newBareFixture(t)
	gs := genesisWithProposals(t, f.authority)
	gs.Params = types.Params{ThresholdNumerator: 2, ThresholdDenominator: 3, ProposalLifetime: 48 * time.Hour}
	_, err := f.k.InitGenesis(f.ctx, gs)
	require.NoError(t, err)

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())

	want := *gs
	normalize(&want)
	require.Equal(t, string(f.cdc.MustMarshalJSON(&want)), string(f.cdc.MustMarshalJSON(exported)))
	require.EqualValues(t, 5, exported.NextProposalId)
	// Proposal messages come back decoded, ready to execute.
	for _, p := range exported.Proposals {
		for _, m := range p.Messages {
			require.NotNil(t, m.GetCachedValue())
		}
	}

	// Import the export into a fresh chain: identical state, and the open
	// proposal is back in the expiry queue and the id sequence continues.
	g := newBareFixture(t)
	_, err = g.k.InitGenesis(g.ctx, exported)
	require.NoError(t, err)
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, string(f.cdc.MustMarshalJSON(exported)), string(g.cdc.MustMarshalJSON(again)))

	g.nextBlock(time.Second)
	res, err := g.submit(nAcmeAdmin, "next", g.addOrg("umbrella", "Umbrella"))
	require.NoError(t, err)
	require.EqualValues(t, 5, res.ProposalId)

	g.ctx = g.ctx.WithBlockTime(g.proposal(2).ExpiryTime.Add(-time.Nanosecond))
	g.endBlock()
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, g.proposal(2).Status)
	g.ctx = g.ctx.WithBlockTime(g.proposal(2).ExpiryTime)
	g.endBlock()
	require.Equal(t, types.PROPOSAL_STATUS_EXPIRED, g.proposal(2).Status)
}

func TestExportGenesisAfterActivity(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
	f.mustSubmit(nGlobexAdmin, f.addOrg("umbrella", "Umbrella"))
	_, err := f.approve(nInitechAdmin, 1)
	require.NoError(t, err)
	f.endBlock()

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.EqualValues(t, 3, exported.NextProposalId)
	require.Len(t, exported.Proposals, 2)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, exported.Proposals[0].Status)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, exported.Proposals[1].Status)
	require.Len(t, exported.Organizations, 4)

	g := newBareFixture(t)
	_, err = g.k.InitGenesis(g.ctx, exported)
	require.NoError(t, err)
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, string(f.cdc.MustMarshalJSON(exported)), string(g.cdc.MustMarshalJSON(again)))
}
