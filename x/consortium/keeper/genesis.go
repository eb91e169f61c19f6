package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// InitGenesis loads the consortium and returns the initial validator set,
// which CometBFT adopts (genesis.json keeps validators empty).
func (k Keeper) InitGenesis(ctx context.Context, gs *types.GenesisState) ([]abci.ValidatorUpdate, error) {
	if err := gs.Validate(); err != nil {
		return nil, err
	}
	if len(gs.Validators) == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidGenesis, "at least one validator is required")
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return nil, err
	}
	for _, o := range gs.Organizations {
		if err := k.Organizations.Set(ctx, o.Id, o); err != nil {
			return nil, err
		}
	}
	for _, m := range gs.Members {
		addr, err := k.addressCodec.StringToBytes(m.Address)
		if err != nil {
			return nil, err
		}
		if err := k.Members.Set(ctx, addr, m); err != nil {
			return nil, err
		}
		if m.Active && !k.accountKeeper.HasAccount(ctx, addr) {
			k.accountKeeper.SetAccount(ctx, k.accountKeeper.NewAccountWithAddress(ctx, addr))
		}
	}
	updates := make([]abci.ValidatorUpdate, 0, len(gs.Validators))
	for _, v := range gs.Validators {
		if err := k.Validators.Set(ctx, types.ConsensusAddress(v.PubKey), v); err != nil {
			return nil, err
		}
		updates = append(updates, validatorUpdate(v.PubKey, v.Power))
	}
	for _, p := range gs.Proposals {
		if err := k.Proposals.Set(ctx, p.Id, p); err != nil {
			return nil, err
		}
		if p.Status == types.PROPOSAL_STATUS_OPEN {
			if err := k.ExpiryQueue.Set(ctx, collections.Join(p.ExpiryTime, p.Id)); err != nil {
				return nil, err
			}
		}
	}
	// The sequence holds the id that Next hands out next.
	if err := k.ProposalSeq.Set(ctx, gs.NextProposalId); err != nil {
		return nil, err
	}
	for _, m := range gs.Misbehaviours {
		if err := k.Misbehaviours.Set(ctx, m.Id, m); err != nil {
			return nil, err
		}
	}
	// Genesis files written before misbehaviour records existed leave the
	// next id at 0; ids start at 1.
	if err := k.MisbehaviourSeq.Set(ctx, max(gs.NextMisbehaviourId, 1)); err != nil {
		return nil, err
	}
	for _, r := range gs.RemovedValidators {
		if err := k.RemovedValidators.Set(ctx, types.ConsensusAddress(r.Validator.PubKey), r); err != nil {
			return nil, err
		}
	}
	return updates, nil
}

// ExportGenesis writes out all consortium state.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	gs := &types.GenesisState{}
	var err error
	if gs.Params, err = k.Params.Get(ctx); err != nil {
		return nil, err
	}
	if err = k.Organizations.Walk(ctx, nil, func(_ string, o types.Organization) (bool, error) {
		gs.Organizations = append(gs.Organizations, o)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err = k.Members.Walk(ctx, nil, func(_ sdk.AccAddress, m types.Member) (bool, error) {
		gs.Members = append(gs.Members, m)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err = k.Validators.Walk(ctx, nil, func(_ []byte, v types.Validator) (bool, error) {
		gs.Validators = append(gs.Validators, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err = k.Proposals.Walk(ctx, nil, func(_ uint64, p types.Proposal) (bool, error) {
		gs.Proposals = append(gs.Proposals, p)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextProposalId, err = k.ProposalSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if err = k.Misbehaviours.Walk(ctx, nil, func(_ uint64, m types.Misbehaviour) (bool, error) {
		gs.Misbehaviours = append(gs.Misbehaviours, m)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if gs.NextMisbehaviourId, err = k.MisbehaviourSeq.Peek(ctx); err != nil {
		return nil, err
	}
	if err = k.RemovedValidators.Walk(ctx, nil, func(_ []byte, r types.RemovedValidator) (bool, error) {
		gs.RemovedValidators = append(gs.RemovedValidators, r)
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
