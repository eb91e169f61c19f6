package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func validGenesis() types.GenesisState {
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	return types.GenesisState{
		Params:        types.DefaultParams(),
		Organizations: []types.Organization{{Id: "acme", Name: "Acme"}, {Id: "globex", Name: "Globex"}},
		Members: []types.Member{
			{Address: shipAddr(1), OrganizationId: "acme", Roles: []types.Role{types.ROLE_ADMIN}, Active: true},
			{Address: shipAddr(2), OrganizationId: "globex", Roles: []types.Role{types.ROLE_ADMIN}, Active: true},
		},
		Validators: []types.Validator{
			{Moniker: "acme-1", OrganizationId: "acme", PubKey: key(1), Power: 10},
			{Moniker: "globex-1", OrganizationId: "globex", PubKey: key(2), Power: 10},
		},
		Proposals: []types.Proposal{
			{Id: 1, Status: types.PROPOSAL_STATUS_EXECUTED, SubmitTime: now, ExpiryTime: now.Add(time.Hour)},
			{Id: 2, Status: types.PROPOSAL_STATUS_OPEN, SubmitTime: now, ExpiryTime: now.Add(time.Hour)},
		},
		NextProposalId: 3,
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesis().Validate())
	require.EqualValues(t, 1, types.DefaultGenesis().NextProposalId)
	require.NoError(t, validGenesis().Validate())

	tests := []struct {
		name   string
		mutate func(*types.GenesisState)
		err    error
	}{
		{"invalid params", func(gs *types.GenesisState) { gs.Params.ThresholdDenominator = 0 }, types.ErrInvalidParams},
		{"invalid organization", func(gs *types.GenesisState) { gs.Organizations[1].Id = "Globex" }, types.ErrInvalidOrganization},
		{"duplicate organization", func(gs *types.GenesisState) {
			gs.Organizations = append(gs.Organizations, types.Organization{Id: "acme", Name: "Acme 2"})
		}, types.ErrInvalidGenesis},
		{"invalid member", func(gs *types.GenesisState) { gs.Members[0].Roles = nil }, types.ErrInvalidMember},
		{"duplicate member", func(gs *types.GenesisState) {
			gs.Members = append(gs.Members, types.Member{Address: shipAddr(1), OrganizationId: "globex", Roles: []types.Role{types.ROLE_DEPLOYER}})
		}, types.ErrInvalidGenesis},
		{"member of unknown organization", func(gs *types.GenesisState) { gs.Members[1].OrganizationId = "initech" }, types.ErrInvalidGenesis},
		{"duplicate validator key", func(gs *types.GenesisState) { gs.Validators[1].PubKey = key(1) }, types.ErrInvalidGenesis},
		{"duplicate moniker", func(gs *types.GenesisState) { gs.Validators[1].Moniker = "acme-1" }, types.ErrInvalidGenesis},
		{"validator of unknown organization", func(gs *types.GenesisState) { gs.Validators[1].OrganizationId = "initech" }, types.ErrInvalidGenesis},
		{"validator with zero power", func(gs *types.GenesisState) { gs.Validators[0].Power = 0 }, types.ErrInvalidValidator},
		{"validator with bad key size", func(gs *types.GenesisState) { gs.Validators[0].PubKey = key(1)[:20] }, types.ErrInvalidValidator},
		{"proposal id equal to next id", func(gs *types.GenesisState) { gs.Proposals[1].Id = 3 }, types.ErrInvalidGenesis},
		{"proposal id above next id", func(gs *types.GenesisState) { gs.Proposals[1].Id = 9 }, types.ErrInvalidGenesis},
		{"proposal id zero", func(gs *types.GenesisState) { gs.Proposals[0].Id = 0 }, types.ErrInvalidGenesis},
		{"proposal without status", func(gs *types.GenesisState) { gs.Proposals[0].Status = types.PROPOSAL_STATUS_UNSPECIFIED }, types.ErrInvalidGenesis},
		{"next id zero", func(gs *types.GenesisState) { gs.Proposals = nil; gs.NextProposalId = 0 }, types.ErrInvalidGenesis},
		{"next id zero with proposals", func(gs *types.GenesisState) { gs.NextProposalId = 0 }, types.ErrInvalidGenesis},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := validGenesis()
			tc.mutate(&gs)
			require.ErrorIs(t, gs.Validate(), tc.err)
		})
	}
}
