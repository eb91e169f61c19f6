package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/types"
)

// RegisterDetector stores a model descriptor of detector (canonical
// address) of organization orgID from a validated msg and returns its id.
// A (name, version) is registered once per account: a changed configuration
// is a new version.
func (k Keeper) RegisterDetector(ctx context.Context, detector, orgID string, msg *types.MsgRegisterDetector) (uint64, error) {
	existing, err := k.Detectors.Indexes.Descriptor.MatchExact(ctx, collections.Join3(detector, msg.Name, msg.Version))
	switch {
	case err == nil:
		return 0, errorsmod.Wrapf(types.ErrDetectorExists, "%s already registered detector %s version %s as id %d; register a new version", detector, msg.Name, msg.Version, existing)
	case !errors.Is(err, collections.ErrNotFound):
		return 0, err
	}
	id, err := nextID(ctx, k.DetectorSeq)
	if err != nil {
		return 0, err
	}
	now, height := blockTime(ctx)
	d := types.Detector{
		Id:               id,
		Address:          detector,
		OrganizationId:   orgID,
		Name:             msg.Name,
		Version:          msg.Version,
		ConfigDigest:     msg.ConfigDigest,
		Description:      msg.Description,
		RegisteredAt:     now,
		RegisteredHeight: height,
	}
	if err := k.Detectors.Set(ctx, id, d); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventDetectorRegistered{
		Id: id, Address: detector, Name: d.Name, Version: d.Version, ConfigDigest: d.ConfigDigest,
	})
}
