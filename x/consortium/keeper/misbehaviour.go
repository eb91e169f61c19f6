package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/comet"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// BeginBlocker records the misbehaviour evidence CometBFT committed in this
// block and takes each misbehaving validator out of the set. There is no
// x/evidence or x/slashing in the app: the consortium owns the validator set,
// so it is the module that reacts. CometBFT has already verified the evidence
// and dropped evidence older than the consensus params' max age.
func (k Keeper) BeginBlocker(ctx context.Context) error {
	info := sdk.UnwrapSDKContext(ctx).CometInfo()
	if info == nil {
		return nil
	}
	evidence := info.GetEvidence()
	if evidence == nil {
		return nil
	}
	// The block fixes the order of the evidence, so handling it in that order
	// is deterministic.
	for i := 0; i < evidence.Len(); i++ {
		if err := k.HandleMisbehaviour(ctx, evidence.Get(i)); err != nil {
			return err
		}
	}
	return nil
}

func misbehaviourKind(t comet.MisbehaviorType) types.MisbehaviourKind {
	switch t {
	case comet.DuplicateVote:
		return types.MISBEHAVIOUR_KIND_DUPLICATE_VOTE
	case comet.LightClientAttack:
		return types.MISBEHAVIOUR_KIND_LIGHT_CLIENT_ATTACK
	default:
		return types.MISBEHAVIOUR_KIND_UNSPECIFIED
	}
}

func misbehaviourKey(consAddr []byte, height int64, kind types.MisbehaviourKind) collections.Triple[[]byte, int64, int32] {
	return collections.Join3(consAddr, height, int32(kind))
}

// HandleMisbehaviour records one piece of evidence and removes the validator
// it names from the set. Evidence
// of an unknown kind, against a validator the consortium never had (or
// removed by proposal), or already recorded is ignored. The last validator is
// never removed: the record says it was kept.
func (k Keeper) HandleMisbehaviour(ctx context.Context, e comet.Evidence) error {
	if e == nil || e.Validator() == nil {
		return nil
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	logger := sdkCtx.Logger().With("module", "x/"+types.ModuleName)
	kind, consAddr, infractionHeight := misbehaviourKind(e.Type()), e.Validator().Address(), e.Height()
	if kind == types.MISBEHAVIOUR_KIND_UNSPECIFIED {
		logger.Error("ignored evidence of unknown type", "validator", sdk.ConsAddress(consAddr).String(), "height", infractionHeight)
		return nil
	}

	active := true
	v, err := k.Validators.Get(ctx, consAddr)
	if errors.Is(err, collections.ErrNotFound) {
		active = false
		removed, rerr := k.RemovedValidators.Get(ctx, consAddr)
		if errors.Is(rerr, collections.ErrNotFound) {
			logger.Info("ignored evidence against an unknown validator", "validator", sdk.ConsAddress(consAddr).String(), "height", infractionHeight, "kind", kind.String())
			return nil
		} else if rerr != nil {
			return rerr
		}
		v = removed.Validator
	} else if err != nil {
		return err
	}

	if _, err := k.Misbehaviours.Indexes.Evidence.MatchExact(ctx, misbehaviourKey(consAddr, infractionHeight, kind)); err == nil {
		return nil // already recorded
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}

	id, err := k.MisbehaviourSeq.Next(ctx)
	if err != nil {
		return err
	}
	rec := types.Misbehaviour{
		Id:               id,
		ConsensusAddress: sdk.ConsAddress(consAddr).String(),
		Moniker:          v.Moniker,
		OrganizationId:   v.OrganizationId,
		PubKey:           v.PubKey,
		Kind:             kind,
		InfractionHeight: infractionHeight,
		InfractionTime:   e.Time(),
		ValidatorPower:   e.Validator().Power(),
		TotalVotingPower: e.TotalVotingPower(),
		Height:           sdkCtx.BlockHeight(),
		Time:             sdkCtx.BlockTime(),
		Outcome:          types.MISBEHAVIOUR_OUTCOME_ALREADY_REMOVED,
	}
	if active {
		removed, err := k.forceRemoveValidator(ctx, consAddr, v)
		if err != nil {
			return err
		}
		if removed {
			rec.Outcome = types.MISBEHAVIOUR_OUTCOME_REMOVED
			if err := k.RemovedValidators.Set(ctx, consAddr, types.RemovedValidator{Validator: v, MisbehaviourId: id, Height: rec.Height}); err != nil {
				return err
			}
		} else {
			rec.Outcome = types.MISBEHAVIOUR_OUTCOME_KEPT_LAST_VALIDATOR
		}
	}
	if err := k.Misbehaviours.Set(ctx, id, rec); err != nil {
		return err
	}
	logger.Error("validator misbehaved", "validator", v.Describe(), "kind", kind.String(),
		"infraction_height", infractionHeight, "outcome", rec.Outcome.String())
	em := sdkCtx.EventManager()
	if err := em.EmitTypedEvent(&types.EventValidatorMisbehaved{
		MisbehaviourId: id, ConsensusAddress: rec.ConsensusAddress, Moniker: v.Moniker, OrganizationId: v.OrganizationId,
		Kind: kind, InfractionHeight: infractionHeight, Outcome: rec.Outcome,
	}); err != nil {
		return err
	}
	if rec.Outcome == types.MISBEHAVIOUR_OUTCOME_REMOVED {
		return em.EmitTypedEvent(&types.EventValidatorRemoved{
			Moniker: v.Moniker, OrganizationId: v.OrganizationId, ConsensusAddress: rec.ConsensusAddress,
		})
	}
	return nil
}

// forceRemoveValidator takes a misbehaving validator out of the set without
// the power guard: a validator that signs conflicting votes must not keep its
// power, however much of the set it holds. The change reaches CometBFT
// through PendingPower in this block's EndBlock, like any other. It refuses
// (returns false) only when the validator is the last one with power.
func (k Keeper) forceRemoveValidator(ctx context.Context, consAddr []byte, v types.Validator) (bool, error) {
	total, err := k.TotalPower(ctx)
	if err != nil {
		return false, err
	}
	if total-v.Power <= 0 {
		return false, nil
	}
	has, err := k.PendingPower.Has(ctx, consAddr)
	if err != nil {
		return false, err
	}
	if !has {
		if err := k.PendingPower.Set(ctx, consAddr, v); err != nil {
			return false, err
		}
	}
	return true, k.Validators.Remove(ctx, consAddr)
}
