package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// maxOverduePerBlock bounds the overdue events one EndBlock emits; the rest
// follow in the next blocks (the queue is time ordered, nothing is skipped).
const maxOverduePerBlock = 1000

// ReviewBreakGlass records that reviewer (canonical address), an admin of
// organization reviewerOrg, reviewed break-glass deployment id. The review
// must come from another organisation than the deployer's, and only once.
func (k Keeper) ReviewBreakGlass(ctx context.Context, reviewer, reviewerOrg string, id uint64, note string) error {
	d, err := k.GetDeployment(ctx, id)
	if err != nil {
		return err
	}
	review := d.BreakGlassReview
	switch {
	case review == nil:
		return errorsmod.Wrapf(types.ErrNoReviewPending, "deployment %d was not let through on a break-glass justification", id)
	case review.Reviewer != "":
		return errorsmod.Wrapf(types.ErrNoReviewPending, "deployment %d was already reviewed by %s (%s) at height %d",
			id, review.Reviewer, review.ReviewerOrganizationId, review.ReviewedHeight)
	case reviewerOrg == d.OrganizationId:
		return errorsmod.Wrapf(types.ErrUnauthorized, "deployment %d was recorded by organization %q; its break-glass review must come from an admin of another organization",
			id, d.OrganizationId)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime().UTC()
	overdue := !now.Before(review.Due)
	key := collections.Join(review.Due, id)
	review.Reviewer = reviewer
	review.ReviewerOrganizationId = reviewerOrg
	review.Note = note
	review.ReviewedAt = &now
	review.ReviewedHeight = sdkCtx.BlockHeight()
	if err := k.Deployments.Set(ctx, id, d); err != nil {
		return err
	}
	if err := k.BreakGlassPending.Remove(ctx, key); err != nil {
		return err
	}
	if err := k.BreakGlassDueQueue.Remove(ctx, key); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventBreakGlassReviewed{
		Id:                     id,
		Reviewer:               reviewer,
		ReviewerOrganizationId: reviewerOrg,
		Overdue:                overdue,
	})
}

// EndBlocker emits EventBreakGlassReviewOverdue for every unreviewed
// break-glass deployment whose review came due at or before the block time,
// once, in due order, at most maxOverduePerBlock per block.
func (k Keeper) EndBlocker(ctx context.Context) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now := sdkCtx.BlockTime().UTC()
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).EndInclusive(collections.Join(now, ^uint64(0)))
	it, err := k.BreakGlassDueQueue.Iterate(ctx, rng)
	if err != nil {
		return err
	}
	keys := make([]collections.Pair[time.Time, uint64], 0)
	for ; it.Valid() && len(keys) < maxOverduePerBlock; it.Next() {
		key, err := it.Key()
		if err != nil {
			it.Close()
			return err
		}
		keys = append(keys, key)
	}
	if err := it.Close(); err != nil {
		return err
	}
	for _, key := range keys {
		d, err := k.GetDeployment(ctx, key.K2())
		if err != nil {
			return errorsmod.Wrap(err, "break-glass due queue")
		}
		if err := k.BreakGlassDueQueue.Remove(ctx, key); err != nil {
			return err
		}
		err = sdkCtx.EventManager().EmitTypedEvent(&types.EventBreakGlassReviewOverdue{
			Id:             d.Id,
			Environment:    d.Environment,
			OrganizationId: d.OrganizationId,
			ReviewDue:      key.K1().Format(time.RFC3339),
		})
		if err != nil {
			return err
		}
	}
	return nil
}
