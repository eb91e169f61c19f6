package types

import (
	"crypto/ed25519"
	"fmt"

	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis is an empty consortium with default params. A chain cannot
// start from it: InitGenesis needs at least one validator.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextProposalId: 1, NextMisbehaviourId: 1}
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
	return gs.validateMisbehaviours(keys)
}

// validateMisbehaviours checks the misbehaviour records and the validators
// removed for misbehaviour. next_misbehaviour_id 0 (genesis files older than
// these records) means 1.
func (gs GenesisState) validateMisbehaviours(activeKeys map[string]bool) error {
	next := max(gs.NextMisbehaviourId, 1)
	ids := make(map[uint64]bool, len(gs.Misbehaviours))
	type evidence struct {
		key    string
		height int64
		kind   MisbehaviourKind
	}
	seen := make(map[evidence]bool, len(gs.Misbehaviours))
	for _, m := range gs.Misbehaviours {
		if m.Id == 0 || m.Id >= next {
			return errorsmod.Wrapf(ErrInvalidGenesis, "misbehaviour id %d must be in [1, next_misbehaviour_id=%d)", m.Id, next)
		}
		if ids[m.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate misbehaviour id %d", m.Id)
		}
		ids[m.Id] = true
		if len(m.PubKey) != ed25519.PublicKeySize {
			return errorsmod.Wrapf(ErrInvalidGenesis, "misbehaviour %d: validator key must be %d bytes", m.Id, ed25519.PublicKeySize)
		}
		if _, ok := MisbehaviourKind_name[int32(m.Kind)]; !ok || m.Kind == MISBEHAVIOUR_KIND_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidGenesis, "misbehaviour %d has no valid kind", m.Id)
		}
		ev := evidence{string(m.PubKey), m.InfractionHeight, m.Kind}
		if seen[ev] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "misbehaviour %d repeats the evidence of another record", m.Id)
		}
		seen[ev] = true
	}
	removed := make(map[string]bool, len(gs.RemovedValidators))
	for _, r := range gs.RemovedValidators {
		if err := r.Validator.Validate(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "removed validator: %v", err)
		}
		k := string(r.Validator.PubKey)
		if removed[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "duplicate removed validator %q", r.Validator.Moniker)
		}
		if activeKeys[k] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "validator %q is both in the set and removed for misbehaviour", r.Validator.Moniker)
		}
		removed[k] = true
	}
	return nil
}

// String names a validator for error messages.
func (v Validator) Describe() string {
	return fmt.Sprintf("%s (%s, power %d)", v.Moniker, ConsensusAddress(v.PubKey), v.Power)
}
