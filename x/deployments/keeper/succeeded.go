package keeper

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// IterateSucceeded calls fn for every deployment that became succeeded in
// [from, to), in order of that time, then id. fn returns stop=true to end early.
//
// The success times come from the node-local record index, which reflects
// the latest block: every candidate is loaded from the state ctx reads and
// kept only if it had become succeeded at that time there, so a query at an
// older height sees exactly the records of that height (a success time never
// changes once set). A keeper without the index walks every record.
func (k Keeper) IterateSucceeded(ctx context.Context, from, to time.Time, fn func(d types.Deployment, succeededAt time.Time) (stop bool, err error)) error {
	if !from.Before(to) {
		return nil
	}
	if k.recordIndex == nil {
		return k.walkSucceeded(ctx, from, to, fn)
	}
	return k.recordIndex.Succeeded(from, to, func(at time.Time, id uint64) (bool, error) {
		d, err := k.Deployments.Get(ctx, id)
		if errors.Is(err, collections.ErrNotFound) {
			return false, nil // recorded after the queried height
		}
		if err != nil {
			return true, errorsmod.Wrapf(err, "deployment %d in the success-time index", id)
		}
		if stateAt, ok := types.SucceededAt(d); !ok || !stateAt.Equal(at) {
			return false, nil // not succeeded yet at the queried height
		}
		return fn(d, at)
	})
}

// walkSucceeded is IterateSucceeded without the record index: it reads
// every record and sorts the window's by success time.
func (k Keeper) walkSucceeded(ctx context.Context, from, to time.Time, fn func(d types.Deployment, succeededAt time.Time) (stop bool, err error)) error {
	type success struct {
		d  types.Deployment
		at time.Time
	}
	var window []success
	err := k.records.Walk(ctx, nil, func(_ uint64, d types.Deployment) (bool, error) {
		if at, ok := types.SucceededAt(d); ok && !at.Before(from) && at.Before(to) {
			window = append(window, success{d, at})
		}
		return false, nil
	})
	if err != nil {
		return err
	}
	slices.SortFunc(window, func(a, b success) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.d.Id, b.d.Id))
	})
	for _, s := range window {
		if stop, err := fn(s.d, s.at); err != nil || stop {
			return err
		}
	}
	return nil
}
