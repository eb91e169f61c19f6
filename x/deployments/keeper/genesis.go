package keeper

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// InitGenesis validates gs, stores every record and rebuilds the indexes
// (success times included, from the transitions), external references and
// the current map from them. Deploy gates are not consulted: genesis records
// already exist.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	// Records come from blocks before this chain's first (an export sets
	// the new chain's initial height above its own). A record updated after
	// the first block would break updateCurrent's rule: the next recorded
	// deployment becomes current at once, though the rule ranks the genesis
	// record newer, so an export of this chain would not import to the same
	// Current map. InitChain's height is 0 for a chain starting at 1.
	first := max(sdk.UnwrapSDKContext(ctx).BlockHeight(), 1)
	for _, gd := range gs.Deployments {
		if d := gd.Deployment; d.UpdatedHeight > first {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "deployment %d: updated_height %d is after the chain's first block %d (set the genesis initial_height above the exported chain's height)", d.Id, d.UpdatedHeight, first)
		}
	}
	if err := k.DeploymentSeq.Set(ctx, gs.NextDeploymentId-1); err != nil {
		return err
	}
	for _, gd := range gs.Deployments {
		d := gd.Deployment
		if _, _, err := k.decodeAddress(d.Deployer); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "deployment %d: deployer: %s", d.Id, err)
		}
		for i, t := range d.Transitions {
			if _, _, err := k.decodeAddress(t.Actor); err != nil {
				return errorsmod.Wrapf(types.ErrInvalidGenesis, "deployment %d: transition %d actor: %s", d.Id, i, err)
			}
		}
		if err := k.storeNew(ctx, d); err != nil {
			return errorsmod.Wrapf(err, "deployment %d", d.Id)
		}
		// A review that came due before genesis had its overdue event on the
		// exporting chain; only the later ones are queued again.
		if r := d.BreakGlassReview; r != nil && r.Reviewer == "" && r.Due.After(sdk.UnwrapSDKContext(ctx).BlockTime()) {
			if err := k.BreakGlassDueQueue.Set(ctx, collections.Join(r.Due, d.Id)); err != nil {
				return err
			}
		}
		if d.ExternalId != "" {
			ref := types.ExternalRef{DeploymentId: d.Id, ContentDigest: gd.ContentDigest}
			if err := k.ExternalRefs.Set(ctx, collections.Join(d.OrganizationId, d.ExternalId), ref); err != nil {
				return err
			}
		}
	}
	// Current is derived once all records are in, in id order, so the result
	// does not depend on the order of the genesis list.
	succeeded := make([]types.Deployment, 0, len(gs.Deployments))
	for _, gd := range gs.Deployments {
		if gd.Deployment.Status == types.DEPLOYMENT_STATUS_SUCCEEDED {
			succeeded = append(succeeded, gd.Deployment)
		}
	}
	slices.SortFunc(succeeded, func(a, b types.Deployment) int { return cmp.Compare(a.Id, b.Id) })
	for _, d := range succeeded {
		if err := k.updateCurrent(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis returns every record in id order with the content digest of
// its external id.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	issued, err := k.DeploymentSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{NextDeploymentId: issued + 1}
	err = k.Deployments.Walk(ctx, nil, func(id uint64, d types.Deployment) (bool, error) {
		gd := types.GenesisDeployment{Deployment: d}
		if d.ExternalId != "" {
			ref, err := k.ExternalRefs.Get(ctx, collections.Join(d.OrganizationId, d.ExternalId))
			if errors.Is(err, collections.ErrNotFound) {
				return true, errorsmod.Wrapf(types.ErrNotFound, "external ref of deployment %d", id)
			}
			if err != nil {
				return true, err
			}
			gd.ContentDigest = ref.ContentDigest
		}
		gs.Deployments = append(gs.Deployments, gd)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return gs, nil
}
