package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// The success-time keys are sdk.TimeKey: fixed-width UTC text that sorts
// correctly only for years 0000 to 9999 (a later year would be truncated,
// an earlier one is wider). A bound outside that span is left open instead of
// being encoded; no block time lies outside it.
var (
	minTimeKey = time.Date(0, time.January, 1, 0, 0, 0, 0, time.UTC)
	maxTimeKey = time.Date(9999, time.December, 31, 23, 59, 59, 999999999, time.UTC)
)

// IterateSucceeded calls fn for every deployment that became succeeded in
// [from, to), in order of that time, then id. fn returns stop=true to end early.
func (k Keeper) IterateSucceeded(ctx context.Context, from, to time.Time, fn func(d types.Deployment, succeededAt time.Time) (stop bool, err error)) error {
	if !from.Before(to) || !to.After(minTimeKey) || from.After(maxTimeKey) {
		return nil
	}
	// Bounds are time prefixes of the (time, id) keys: every id at from is
	// in, every id at to is out.
	r := new(collections.Range[collections.Pair[time.Time, uint64]])
	if !from.Before(minTimeKey) {
		r.StartInclusive(collections.PairPrefix[time.Time, uint64](from))
	}
	if !to.After(maxTimeKey) {
		r.EndExclusive(collections.PairPrefix[time.Time, uint64](to))
	}
	return k.SucceededAt.Walk(ctx, r, func(key collections.Pair[time.Time, uint64]) (bool, error) {
		d, err := k.Deployments.Get(ctx, key.K2())
		if err != nil {
			return true, errorsmod.Wrapf(err, "deployment %d in the success-time index", key.K2())
		}
		return fn(d, key.K1())
	})
}
