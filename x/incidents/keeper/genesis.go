package keeper

import (
	"context"
	"fmt"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// InitGenesis validates gs, decodes every address, checks that every
// referenced deployment exists (x/deployments must be initialised first),
// stores the records and rebuilds every index: status, severity, opening
// time, affected pairs, freezes (under gs.Params), causes, and the due and
// incomplete queues. An incomplete item listed in overdue_reported does not
// go back into the due queue, so its overdue event is not emitted again.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	if err := k.IncidentSeq.Set(ctx, gs.NextIncidentId-1); err != nil {
		return err
	}
	if err := k.RemediationSeq.Set(ctx, gs.NextRemediationId-1); err != nil {
		return err
	}
	for _, inc := range gs.Incidents {
		if err := k.checkGenesisIncident(ctx, inc); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "incident %d: %s", inc.Id, err)
		}
		if err := k.storeNewIncident(ctx, gs.Params, inc); err != nil {
			return errorsmod.Wrapf(err, "incident %d", inc.Id)
		}
	}
	reported := make(map[uint64]bool, len(gs.OverdueReported))
	for _, id := range gs.OverdueReported {
		reported[id] = true
	}
	for _, r := range gs.Remediations {
		if _, _, err := k.decodeAddress(r.CreatedBy); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "remediation %d: created_by: %s", r.Id, err)
		}
		if r.Completed {
			if _, _, err := k.decodeAddress(r.CompletedBy); err != nil {
				return errorsmod.Wrapf(types.ErrInvalidGenesis, "remediation %d: completed_by: %s", r.Id, err)
			}
		}
		if err := k.Remediations.Set(ctx, r.Id, r); err != nil {
			return err
		}
		if r.Completed {
			continue
		}
		key := collections.Join(r.DueTime, r.Id)
		if err := k.IncompleteRemediations.Set(ctx, key); err != nil {
			return err
		}
		if reported[r.Id] {
			continue
		}
		if err := k.DueQueue.Set(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// checkGenesisIncident decodes the addresses of a record and resolves its
// deployment references.
func (k Keeper) checkGenesisIncident(ctx context.Context, inc types.Incident) error {
	addrs := []struct {
		what, addr string
	}{{"opened_by", inc.OpenedBy}}
	for i, c := range inc.Causes {
		addrs = append(addrs, struct{ what, addr string }{fmt.Sprintf("causes[%d].linked_by", i), c.LinkedBy})
	}
	for i, e := range inc.Timeline {
		addrs = append(addrs, struct{ what, addr string }{fmt.Sprintf("timeline[%d].actor", i), e.Actor})
	}
	if inc.Postmortem != nil {
		addrs = append(addrs, struct{ what, addr string }{"postmortem.author", inc.Postmortem.Author})
	}
	for _, a := range addrs {
		if _, _, err := k.decodeAddress(a.addr); err != nil {
			return errorsmod.Wrap(err, a.what)
		}
	}
	for i, id := range inc.SuspectedDeployments {
		if err := k.requireDeployment(ctx, fmt.Sprintf("suspected_deployments[%d]", i), id); err != nil {
			return err
		}
	}
	for i, c := range inc.Causes {
		if err := k.requireDeployment(ctx, fmt.Sprintf("causes[%d]", i), c.DeploymentId); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis returns the params, every record in id order, the next ids,
// and the incomplete items whose overdue event was already emitted (those
// no longer in the due queue), in id order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	incIssued, err := k.IncidentSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	remIssued, err := k.RemediationSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params, NextIncidentId: incIssued + 1, NextRemediationId: remIssued + 1}
	err = k.Incidents.Walk(ctx, nil, func(_ uint64, inc types.Incident) (bool, error) {
		gs.Incidents = append(gs.Incidents, inc)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Remediations.Walk(ctx, nil, func(id uint64, r types.Remediation) (bool, error) {
		gs.Remediations = append(gs.Remediations, r)
		if r.Completed {
			return false, nil
		}
		queued, err := k.DueQueue.Has(ctx, collections.Join(r.DueTime, id))
		if err != nil {
			return true, err
		}
		if !queued {
			gs.OverdueReported = append(gs.OverdueReported, id)
		}
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return gs, nil
}
