package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// OpenIncident stores a new incident opened by responder (canonical address)
// of organization orgID from a validated msg and returns its id. Every check
// runs before the first write.
func (k Keeper) OpenIncident(ctx context.Context, responder, orgID string, msg *types.MsgOpenIncident) (uint64, error) {
	now, height := blockTime(ctx)
	detectedAt := now
	if msg.DetectedAt != nil {
		detectedAt = msg.DetectedAt.UTC()
		if detectedAt.After(now) {
			return 0, errorsmod.Wrapf(types.ErrInvalidDetectedAt, "detected_at %s is after the block time %s", detectedAt.Format(timeFormat), now.Format(timeFormat))
		}
	}
	for i, id := range msg.SuspectedDeployments {
		if err := k.requireDeployment(ctx, fmt.Sprintf("suspected_deployments[%d]", i), id); err != nil {
			return 0, err
		}
	}
	params, err := k.GetParams(ctx)
	if err != nil {
		return 0, err
	}

	issued, err := k.IncidentSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	id := issued + 1
	inc := types.Incident{
		Id:                   id,
		Title:                msg.Title,
		Severity:             msg.Severity,
		Status:               types.INCIDENT_STATUS_OPEN,
		Affected:             slices.Clone(msg.Affected),
		Summary:              msg.Summary,
		DetectedAt:           detectedAt,
		OpenedAt:             now,
		OpenedHeight:         height,
		SuspectedDeployments: slices.Clone(msg.SuspectedDeployments),
		Source:               msg.Source,
		OpenedBy:             responder,
		OrganizationId:       orgID,
		Timeline: []types.TimelineEntry{{
			Kind:       types.TIMELINE_KIND_OPENED,
			ToStatus:   types.INCIDENT_STATUS_OPEN,
			ToSeverity: msg.Severity,
			Actor:      responder,
			Time:       now,
			Height:     height,
		}},
	}
	if msg.Document != nil {
		doc := *msg.Document
		inc.Document = &doc
	}
	if err := k.storeNewIncident(ctx, params, inc); err != nil {
		return 0, err
	}
	return id, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventIncidentOpened{
		Id:             id,
		Severity:       inc.Severity,
		Affected:       affectedPtrs(inc.Affected),
		OpenedBy:       responder,
		OrganizationId: orgID,
		Source:         inc.Source.Kind,
	})
}

// UpdateIncident adds a timeline entry to incident msg.Id: a note, and
// optionally a forward status change (to mitigated or resolved) and/or a
// severity change. Each change gets its own entry carrying the note; a
// note alone is a NOTE entry.
func (k Keeper) UpdateIncident(ctx context.Context, actor string, msg *types.MsgUpdateIncident) error {
	inc, err := k.GetIncident(ctx, msg.Id)
	if err != nil {
		return err
	}
	if inc.Status == types.INCIDENT_STATUS_CLOSED {
		return errorsmod.Wrapf(types.ErrIncidentClosed, "incident %d was closed; it takes no more updates", inc.Id)
	}
	changeStatus := msg.Status != types.INCIDENT_STATUS_UNSPECIFIED
	changeSeverity := msg.Severity != types.SEVERITY_UNSPECIFIED
	if changeStatus {
		if err := types.ValidateUpdateTransition(inc.Status, msg.Status); err != nil {
			return errorsmod.Wrapf(err, "incident %d", inc.Id)
		}
	}
	if changeSeverity && msg.Severity == inc.Severity {
		return errorsmod.Wrapf(types.ErrInvalidSeverity, "incident %d is already %s", inc.Id, inc.Severity.ShortName())
	}
	params, err := k.GetParams(ctx)
	if err != nil {
		return err
	}

	now, height := blockTime(ctx)
	before := inc
	inc.Timeline = slices.Clone(inc.Timeline)
	entry := types.TimelineEntry{Note: msg.Note, Actor: actor, Time: now, Height: height}
	if changeStatus {
		e := entry
		e.Kind, e.FromStatus, e.ToStatus = types.TIMELINE_KIND_STATUS_CHANGE, inc.Status, msg.Status
		inc.Timeline = append(inc.Timeline, e)
		inc.Status = msg.Status
		switch msg.Status {
		case types.INCIDENT_STATUS_MITIGATED:
			inc.MitigatedAt = &now
		case types.INCIDENT_STATUS_RESOLVED:
			inc.ResolvedAt = &now
		}
	}
	if changeSeverity {
		e := entry
		e.Kind, e.FromSeverity, e.ToSeverity = types.TIMELINE_KIND_SEVERITY_CHANGE, inc.Severity, msg.Severity
		inc.Timeline = append(inc.Timeline, e)
		inc.Severity = msg.Severity
	}
	if !changeStatus && !changeSeverity {
		entry.Kind = types.TIMELINE_KIND_NOTE
		inc.Timeline = append(inc.Timeline, entry)
	}
	if err := k.saveIncident(ctx, params, before, inc); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventIncidentUpdated{
		Id:           inc.Id,
		FromStatus:   before.Status,
		ToStatus:     inc.Status,
		FromSeverity: before.Severity,
		ToSeverity:   inc.Severity,
		Actor:        actor,
	})
}

// LinkCause names deployment msg.DeploymentId as a cause of incident
// msg.IncidentId.
func (k Keeper) LinkCause(ctx context.Context, actor string, msg *types.MsgLinkCause) error {
	inc, err := k.openForChange(ctx, msg.IncidentId)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(inc.Causes, func(c types.CauseLink) bool { return c.DeploymentId == msg.DeploymentId }) {
		return errorsmod.Wrapf(types.ErrCauseExists, "deployment %d is already a cause of incident %d", msg.DeploymentId, inc.Id)
	}
	if len(inc.Causes) >= types.MaxCauseLinks {
		return errorsmod.Wrapf(types.ErrTooManyCauses, "incident %d already has %d cause links", inc.Id, len(inc.Causes))
	}
	if err := k.requireDeployment(ctx, "deployment_id", msg.DeploymentId); err != nil {
		return err
	}
	now, height := blockTime(ctx)
	inc.Causes = append(slices.Clone(inc.Causes), types.CauseLink{
		DeploymentId: msg.DeploymentId,
		Note:         msg.Note,
		LinkedBy:     actor,
		LinkedAt:     now,
		Height:       height,
	})
	inc.Timeline = append(slices.Clone(inc.Timeline), types.TimelineEntry{
		Kind: types.TIMELINE_KIND_CAUSE_LINKED, Note: msg.Note, DeploymentId: msg.DeploymentId,
		Actor: actor, Time: now, Height: height,
	})
	if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
		return err
	}
	if err := k.Causes.Set(ctx, collections.Join(msg.DeploymentId, inc.Id)); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventCauseLinked{
		IncidentId: inc.Id, DeploymentId: msg.DeploymentId, Actor: actor,
	})
}

// UnlinkCause removes the cause link of deployment msg.DeploymentId from
// incident msg.IncidentId; the timeline keeps both the link and the unlink.
func (k Keeper) UnlinkCause(ctx context.Context, actor string, msg *types.MsgUnlinkCause) error {
	inc, err := k.openForChange(ctx, msg.IncidentId)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(inc.Causes, func(c types.CauseLink) bool { return c.DeploymentId == msg.DeploymentId })
	if i < 0 {
		return errorsmod.Wrapf(types.ErrCauseNotFound, "deployment %d is not a cause of incident %d", msg.DeploymentId, inc.Id)
	}
	now, height := blockTime(ctx)
	inc.Causes = slices.Delete(slices.Clone(inc.Causes), i, i+1)
	inc.Timeline = append(slices.Clone(inc.Timeline), types.TimelineEntry{
		Kind: types.TIMELINE_KIND_CAUSE_UNLINKED, Note: msg.Note, DeploymentId: msg.DeploymentId,
		Actor: actor, Time: now, Height: height,
	})
	if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
		return err
	}
	if err := k.Causes.Remove(ctx, collections.Join(msg.DeploymentId, inc.Id)); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventCauseUnlinked{
		IncidentId: inc.Id, DeploymentId: msg.DeploymentId, Actor: actor,
	})
}

// CloseIncident closes a resolved incident. sev1 and sev2 need a postmortem;
// any postmortem given must name its causes consistently with the links.
func (k Keeper) CloseIncident(ctx context.Context, actor string, msg *types.MsgCloseIncident) error {
	inc, err := k.openForChange(ctx, msg.Id)
	if err != nil {
		return err
	}
	if inc.Status != types.INCIDENT_STATUS_RESOLVED {
		return errorsmod.Wrapf(types.ErrIllegalTransition, "incident %d is %s; only a resolved incident can be closed (tx incidents update %d --status resolved)", inc.Id, inc.Status.ShortName(), inc.Id)
	}
	if msg.Postmortem == nil && inc.Severity.RequiresPostmortem() {
		return errorsmod.Wrapf(types.ErrPostmortemRequired, "incident %d is %s: closing it needs a postmortem (document digest and location, root cause, and cause links or no_deployment_involved)", inc.Id, inc.Severity.ShortName())
	}
	if msg.Postmortem != nil {
		if err := types.CheckPostmortemCauses(*msg.Postmortem, len(inc.Causes)); err != nil {
			return errorsmod.Wrapf(err, "incident %d", inc.Id)
		}
	}
	params, err := k.GetParams(ctx)
	if err != nil {
		return err
	}

	now, height := blockTime(ctx)
	before := inc
	inc.Timeline = slices.Clone(inc.Timeline)
	if msg.Postmortem != nil {
		pm := *msg.Postmortem
		pm.Author, pm.Time = actor, now
		inc.Postmortem = &pm
		inc.Timeline = append(inc.Timeline, types.TimelineEntry{
			Kind: types.TIMELINE_KIND_POSTMORTEM, Note: msg.Note, Actor: actor, Time: now, Height: height,
		})
	}
	inc.Timeline = append(inc.Timeline, types.TimelineEntry{
		Kind: types.TIMELINE_KIND_STATUS_CHANGE, Note: msg.Note,
		FromStatus: inc.Status, ToStatus: types.INCIDENT_STATUS_CLOSED,
		Actor: actor, Time: now, Height: height,
	})
	inc.Status = types.INCIDENT_STATUS_CLOSED
	inc.ClosedAt = &now
	if err := k.saveIncident(ctx, params, before, inc); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventIncidentClosed{
		Id:                   inc.Id,
		Postmortem:           inc.Postmortem != nil,
		NoDeploymentInvolved: inc.Postmortem != nil && inc.Postmortem.NoDeploymentInvolved,
		Actor:                actor,
	})
}

// openForChange loads an incident that may still change: not closed.
func (k Keeper) openForChange(ctx context.Context, id uint64) (types.Incident, error) {
	inc, err := k.GetIncident(ctx, id)
	if err != nil {
		return inc, err
	}
	if inc.Status == types.INCIDENT_STATUS_CLOSED {
		return inc, errorsmod.Wrapf(types.ErrIncidentClosed, "incident %d was closed; it takes no more changes", id)
	}
	return inc, nil
}

func affectedPtrs(pairs []types.ServiceEnvironment) []*types.ServiceEnvironment {
	out := make([]*types.ServiceEnvironment, len(pairs))
	for i := range pairs {
		p := pairs[i]
		out[i] = &p
	}
	return out
}
