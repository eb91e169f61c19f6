package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// HaltDeployment moves deployment id from in_progress to halted on behalf of
// actor (canonical address string), with reason in the transition. It is
// what x/aiops calls when failing canary verdicts halt a deployment, so,
// unlike UpdateDeploymentStatus, it does not require actor to belong to the
// recording organisation: the caller has already decided on the evidence.
// Every check runs before the first write.
func (k Keeper) HaltDeployment(ctx context.Context, id uint64, actor, reason string) error {
	if _, _, err := k.decodeActor(actor); err != nil {
		return err
	}
	if err := types.ValidateReason(reason); err != nil {
		return err
	}
	d, err := k.GetDeployment(ctx, id)
	if err != nil {
		return err
	}
	from := d.Status
	if err := types.ValidateTransition(from, types.DEPLOYMENT_STATUS_HALTED); err != nil {
		return errorsmod.Wrapf(err, "deployment %d", id)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now, height := sdkCtx.BlockTime().UTC(), sdkCtx.BlockHeight()
	d.Status = types.DEPLOYMENT_STATUS_HALTED
	d.UpdatedAt = now
	d.UpdatedHeight = height
	d.Transitions = append(d.Transitions, types.StatusTransition{
		From:   from,
		To:     types.DEPLOYMENT_STATUS_HALTED,
		Actor:  actor,
		Reason: reason,
		Time:   now,
		Height: height,
	})
	if err := k.Deployments.Set(ctx, id, d); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventDeploymentStatusChanged{
		Id:          id,
		Service:     d.Service,
		Environment: d.Environment,
		From:        from,
		To:          types.DEPLOYMENT_STATUS_HALTED,
		Actor:       actor,
		Reason:      reason,
	})
}

// decodeActor checks that actor is a valid address in its canonical form,
// so transitions never hold two spellings of one account.
func (k Keeper) decodeActor(actor string) (sdk.AccAddress, string, error) {
	bz, err := k.addressCodec.StringToBytes(actor)
	if err != nil || len(bz) == 0 {
		return nil, "", errorsmod.Wrapf(types.ErrInvalidAddress, "actor %q is not an address", actor)
	}
	canonical, err := k.addressCodec.BytesToString(bz)
	if err != nil || canonical != actor {
		return nil, "", errorsmod.Wrapf(types.ErrInvalidAddress, "actor %q is not in canonical form", actor)
	}
	return bz, canonical, nil
}

// WalkServiceEnvDeployments calls fn for the deployments of service in
// environment, newest (highest id) first, until fn returns stop=true or an
// error. It reads one prefix of the service/environment index; x/aiops uses
// it to find the deployments before an anomaly (ids grow with block time).
func (k Keeper) WalkServiceEnvDeployments(ctx context.Context, service, environment string, fn func(d types.Deployment) (stop bool, err error)) error {
	rng := collections.NewPrefixedPairRange[collections.Pair[string, string], uint64](collections.Join(service, environment)).Descending()
	it, err := k.Deployments.Indexes.ServiceEnv.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		id, err := it.PrimaryKey()
		if err != nil {
			return err
		}
		d, err := k.Deployments.Get(ctx, id)
		if err != nil {
			return errorsmod.Wrapf(err, "deployment %d in the service/environment index", id)
		}
		stop, err := fn(d)
		if err != nil || stop {
			return err
		}
	}
	return nil
}
