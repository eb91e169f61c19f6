package keeper

import (
	"context"
	"math"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// EndBlocker emits EventRemediationOverdue once for every incomplete
// remediation item whose due time is at or before the block time, earliest
// due first, and takes it off the due queue (it stays in the Overdue query
// until completed). It reads only the due prefix of the queue and handles at
// most types.MaxOverduePerBlock items; the rest follow in the next blocks.
func (k Keeper) EndBlocker(ctx context.Context) error {
	now, _ := blockTime(ctx)
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).
		EndInclusive(collections.Join(now, uint64(math.MaxUint64)))
	it, err := k.DueQueue.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	var due []collections.Pair[time.Time, uint64]
	for ; it.Valid() && len(due) < types.MaxOverduePerBlock; it.Next() {
		key, err := it.Key()
		if err != nil {
			it.Close()
			return err
		}
		due = append(due, key)
	}
	if err := it.Close(); err != nil {
		return err
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, key := range due {
		r, err := k.Remediations.Get(ctx, key.K2())
		if err != nil {
			return errorsmod.Wrapf(err, "queued remediation %d", key.K2())
		}
		if err := k.DueQueue.Remove(ctx, key); err != nil {
			return err
		}
		err = em.EmitTypedEvent(&types.EventRemediationOverdue{
			Id:                  r.Id,
			IncidentId:          r.IncidentId,
			OwnerOrganizationId: r.OwnerOrganizationId,
			DueTime:             r.DueTime.Format(timeFormat),
		})
		if err != nil {
			return err
		}
	}
	return nil
}
