package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis is an empty consortium with default params. A chain cannot
// start from it: InitGenesis needs at least one validator.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextProposalId: 1}
}

// Validate rejects duplicates, references to unknown organisations, bad keys
// and powers, and proposals that do not fit the state.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return err
	}
	orgs := make(map[string]bool, len(gs.Organizations))
	for _, o := range gs.Organizations {
		if err := o.Validate(); err != nil {
			return err
		}
		if orgs[o.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate organization %q", o.Id)
		}
		orgs[o.Id] = true
	}
	members := make(map[string]bool, len(gs.Members))
	for _, m := range gs.Members {
		if err := m.Validate(); err != nil {
			return err
		}
		if members[m.Address] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate member %s", m.Address)
		}
		members[m.Address] = true
		if !orgs[m.OrganizationId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "member %s names unknown organization %q", m.Address, m.OrganizationId)
		}
	}
	keys := make(map[string]bool, len(gs.Validators))
	monikers := make(map[string]bool, len(gs.Validators))
	for _, v := range gs.Validators {
		if err := v.Validate(); err != nil {
			return err
		}
		k := string(v.PubKey)
		if keys[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate validator key of %s", v.Moniker)
		}
		if monikers[v.Moniker] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate validator moniker %q", v.Moniker)
		}
		keys[k], monikers[v.Moniker] = true, true
		if !orgs[v.OrganizationId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "validator %s names unknown organization %q", v.Moniker, v.OrganizationId)
		}
	}
	for _, p := range gs.Proposals {
		if p.Id == 0 || p.Id >= gs.NextProposalId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "proposal id %d must be in [1, next_proposal_id=%d)", p.Id, gs.NextProposalId)
		}
		if p.Status == PROPOSAL_STATUS_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "proposal %d has no status", p.Id)
		}
	}
	if gs.NextProposalId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_proposal_id must be at least 1")
	}
	return nil
}

// String names a validator for error messages.
func (v Validator) Describe() string {
	return fmt.Sprintf("%s (%s, power %d)", v.Moniker, ConsensusAddress(v.PubKey), v.Power)
}
