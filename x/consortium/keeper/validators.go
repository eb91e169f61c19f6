package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// setValidator adds a validator or changes its moniker or power. The change
// reaches CometBFT in this block's EndBlock.
func (k Keeper) setValidator(ctx context.Context, v types.Validator) error {
	if err := v.Validate(); err != nil {
		return err
	}
	if err := k.requireOrganization(ctx, v.OrganizationId); err != nil {
		return err
	}
	consAddr := types.ConsensusAddress(v.PubKey)
	prev, err := k.Validators.Get(ctx, consAddr)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		prev = types.Validator{PubKey: v.PubKey}
	case err != nil:
		return err
	case prev.OrganizationId != v.OrganizationId:
		return errorsmod.Wrapf(types.ErrInvalidValidator, "%s belongs to %s, not %s", prev.Moniker, prev.OrganizationId, v.OrganizationId)
	}
	if err := k.requireUniqueMoniker(ctx, v.Moniker, consAddr); err != nil {
		return err
	}
	if err := k.checkPowerChange(ctx, consAddr, prev, v.Power); err != nil {
		return err
	}
	if err := k.Validators.Set(ctx, consAddr, v); err != nil {
		return err
	}
	// A validator removed for misbehaviour comes back only this way: a
	// proposal that sets it again explicitly.
	if err := k.RemovedValidators.Remove(ctx, consAddr); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventValidatorSet{
		Moniker: v.Moniker, OrganizationId: v.OrganizationId, ConsensusAddress: consAddr.String(),
		Power: v.Power, PreviousPower: prev.Power,
	})
}

// removeValidator takes a validator out of the set.
func (k Keeper) removeValidator(ctx context.Context, pubKey []byte) error {
	consAddr := types.ConsensusAddress(pubKey)
	prev, err := k.Validators.Get(ctx, consAddr)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrUnknownValidator, "no validator with consensus address %s", consAddr)
	} else if err != nil {
		return err
	}
	if err := k.checkPowerChange(ctx, consAddr, prev, 0); err != nil {
		return err
	}
	if err := k.Validators.Remove(ctx, consAddr); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventValidatorRemoved{
		Moniker: prev.Moniker, OrganizationId: prev.OrganizationId, ConsensusAddress: consAddr.String(),
	})
}

func (k Keeper) requireUniqueMoniker(ctx context.Context, moniker string, self []byte) error {
	it, err := k.Validators.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		kv, err := it.KeyValue()
		if err != nil {
			return err
		}
		if kv.Value.Moniker == moniker && string(kv.Key) != string(self) {
			return errorsmod.Wrapf(types.ErrInvalidValidator, "moniker %q is taken by %s", moniker, sdk.ConsAddress(kv.Key))
		}
	}
	return nil
}

// checkPowerChange records the change in PendingPower and refuses it when the
// validator-set changes of this block would together move more than a third
// of the power the set had at the start of the block, or empty the set.
// CometBFT's light clients rely on at least 2/3 of the trusted power carrying
// over from one block to the next.
func (k Keeper) checkPowerChange(ctx context.Context, consAddr []byte, prev types.Validator, newPower int64) error {
	start, err := k.PendingPower.Get(ctx, consAddr)
	if errors.Is(err, collections.ErrNotFound) {
		start = prev
	} else if err != nil {
		return err
	}
	total, err := k.TotalPower(ctx)
	if err != nil {
		return err
	}
	var startTotal, moved int64
	startTotal = total
	pit, err := k.PendingPower.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	defer pit.Close()
	for ; pit.Valid(); pit.Next() {
		kv, err := pit.KeyValue()
		if err != nil {
			return err
		}
		cur, err := k.currentPower(ctx, kv.Key)
		if err != nil {
			return err
		}
		startTotal += kv.Value.Power - cur
		if string(kv.Key) != string(consAddr) {
			moved += abs(cur - kv.Value.Power)
		}
	}
	moved += abs(newPower - start.Power)
	newTotal := total - prev.Power + newPower
	if newTotal <= 0 {
		return errorsmod.Wrapf(types.ErrEmptyValidatorSet, "removing %s would leave no validator", describe(prev))
	}
	if moved*3 > startTotal {
		return errorsmod.Wrapf(types.ErrPowerChangeTooLarge,
			"changing %s to power %d moves %d of %d power in one block; at most a third may move (split the change over several blocks)",
			describe(prev), newPower, moved, startTotal)
	}
	return k.PendingPower.Set(ctx, consAddr, start)
}

func (k Keeper) currentPower(ctx context.Context, consAddr []byte) (int64, error) {
	v, err := k.Validators.Get(ctx, consAddr)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	return v.Power, err
}

// TotalPower sums the power of the stored validator set.
func (k Keeper) TotalPower(ctx context.Context) (int64, error) {
	var total int64
	err := k.Validators.Walk(ctx, nil, func(_ []byte, v types.Validator) (bool, error) {
		total += v.Power
		return false, nil
	})
	return total, err
}

func describe(v types.Validator) string {
	if v.Moniker == "" {
		return "new validator " + types.ConsensusAddress(v.PubKey).String()
	}
	return v.Describe()
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
