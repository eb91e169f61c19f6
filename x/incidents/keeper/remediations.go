package keeper

import (
	"context"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// AddRemediation adds a follow-up item to incident msg.IncidentId, owned by
// organisation msg.OwnerOrganizationId and due at msg.DueTime (after the
// block time), and returns its id.
func (k Keeper) AddRemediation(ctx context.Context, actor string, msg *types.MsgAddRemediation) (uint64, error) {
	inc, err := k.openForChange(ctx, msg.IncidentId)
	if err != nil {
		return 0, err
	}
	now, height := blockTime(ctx)
	due := msg.DueTime.UTC()
	if !due.After(now) {
		return 0, errorsmod.Wrapf(types.ErrInvalidDueTime, "due_time %s is not after the block time %s", due.Format(timeFormat), now.Format(timeFormat))
	}
	if due.Sub(now) > types.MaxRemediationDueHorizon {
		return 0, errorsmod.Wrapf(types.ErrInvalidDueTime, "due_time %s is more than %s after the block time", due.Format(timeFormat), types.MaxRemediationDueHorizon)
	}
	if len(inc.RemediationIds) >= types.MaxRemediationsPerIncident {
		return 0, errorsmod.Wrapf(types.ErrTooManyRemediations, "incident %d already has %d remediation items", inc.Id, len(inc.RemediationIds))
	}

	issued, err := k.RemediationSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	id := issued + 1
	r := types.Remediation{
		Id:                  id,
		IncidentId:          inc.Id,
		Title:               msg.Title,
		OwnerOrganizationId: msg.OwnerOrganizationId,
		DueTime:             due,
		CreatedBy:           actor,
		CreatedAt:           now,
	}
	if err := k.Remediations.Set(ctx, id, r); err != nil {
		return 0, err
	}
	key := collections.Join(due, id)
	if err := k.DueQueue.Set(ctx, key); err != nil {
		return 0, err
	}
	if err := k.IncompleteRemediations.Set(ctx, key); err != nil {
		return 0, err
	}
	inc.RemediationIds = append(slices.Clone(inc.RemediationIds), id)
	inc.Timeline = append(slices.Clone(inc.Timeline), types.TimelineEntry{
		Kind: types.TIMELINE_KIND_REMEDIATION_ADDED, Note: msg.Title, RemediationId: id,
		Actor: actor, Time: now, Height: height,
	})
	if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRemediationAdded{
		Id:                  id,
		IncidentId:          inc.Id,
		OwnerOrganizationId: r.OwnerOrganizationId,
		DueTime:             due.Format(timeFormat),
	})
}

// CompleteRemediation marks item id completed by actor, a responder of
// organisation orgID, which must own the item. It works on the items of a
// closed incident too: follow-ups usually outlive the incident, and the
// completion is appended to the incident's timeline.
func (k Keeper) CompleteRemediation(ctx context.Context, actor, orgID string, id uint64, note string) error {
	r, err := k.GetRemediation(ctx, id)
	if err != nil {
		return err
	}
	if r.Completed {
		return errorsmod.Wrapf(types.ErrAlreadyCompleted, "remediation %d was completed at %s by %s", id, r.CompletedAt.Format(timeFormat), r.CompletedBy)
	}
	if r.OwnerOrganizationId != orgID {
		return errorsmod.Wrapf(types.ErrOtherOrganization, "remediation %d is owned by organization %q; %s belongs to %q", id, r.OwnerOrganizationId, actor, orgID)
	}
	inc, err := k.GetIncident(ctx, r.IncidentId)
	if err != nil {
		return errorsmod.Wrapf(err, "incident of remediation %d", id)
	}

	now, height := blockTime(ctx)
	r.Completed = true
	r.CompletedAt = &now
	r.CompletedBy = actor
	r.CompletionNote = note
	if err := k.Remediations.Set(ctx, id, r); err != nil {
		return err
	}
	key := collections.Join(r.DueTime, id)
	if err := k.DueQueue.Remove(ctx, key); err != nil {
		return err
	}
	if err := k.IncompleteRemediations.Remove(ctx, key); err != nil {
		return err
	}
	inc.Timeline = append(slices.Clone(inc.Timeline), types.TimelineEntry{
		Kind: types.TIMELINE_KIND_REMEDIATION_COMPLETED, Note: note, RemediationId: id,
		Actor: actor, Time: now, Height: height,
	})
	if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventRemediationCompleted{
		Id: id, IncidentId: r.IncidentId, Actor: actor,
	})
}
