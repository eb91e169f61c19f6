package keeper

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// CheckDeployment is the deploy gate x/deployments calls before it records a
// deployment (deploymentstypes.DeployGate). The deployment is refused with
// ErrDeployFrozen while an incident freezes its service in its environment,
// unless it is exempt from every such incident: it is a rollback, it
// declares that it fixes that incident, or it carries a break-glass
// justification. Each exemption used emits EventDeploymentFreezeOverridden;
// a refusal emits nothing. Declared fixes must name existing incidents. It
// reads only whether the pair is frozen, its freeze entries if it is, and
// the declared incidents.
func (k Keeper) CheckDeployment(ctx context.Context, d deploymentstypes.Deployment) error {
	// A declared fix must name a real incident: the declaration is part of
	// the audit trail, frozen or not.
	for _, id := range d.FixesIncidents {
		if _, err := k.GetIncident(ctx, id); err != nil {
			return errorsmod.Wrap(err, "fixes_incidents")
		}
	}
	ids, err := k.freezingIncidents(ctx, d.Service, d.Environment)
	if err != nil || len(ids) == 0 {
		return err
	}
	var blocking []types.Incident
	overrides := make([]*types.EventDeploymentFreezeOverridden, 0, len(ids))
	for _, id := range ids {
		reason := freezeExemption(d, id)
		if reason == "" {
			inc, err := k.GetIncident(ctx, id)
			if err != nil {
				return errorsmod.Wrapf(err, "freeze entry of %s/%s", d.Service, d.Environment)
			}
			blocking = append(blocking, inc)
			continue
		}
		overrides = append(overrides, &types.EventDeploymentFreezeOverridden{
			IncidentId:    id,
			Service:       d.Service,
			Environment:   d.Environment,
			Reason:        reason,
			Justification: d.BreakGlass,
			Deployer:      d.Deployer,
			DeploymentId:  d.Id,
		})
	}
	if len(blocking) > 0 {
		return frozenError(d, blocking)
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	for _, ev := range overrides {
		if err := em.EmitTypedEvent(ev); err != nil {
			return err
		}
	}
	return nil
}

// freezingIncidents lists, in id order, the incidents that currently freeze
// deployments of service in environment. A pair that is not frozen, the
// usual case, costs one point read.
func (k Keeper) freezingIncidents(ctx context.Context, service, environment string) ([]uint64, error) {
	pair := collections.Join(service, environment)
	if frozen, err := k.FrozenPairs.Has(ctx, pair); err != nil || !frozen {
		return nil, err
	}
	it, err := k.Freezes.Iterate(ctx, collections.NewPrefixedPairRange[collections.Pair[string, string], uint64](pair))
	if err != nil {
		return nil, err
	}
	keys, err := it.Keys()
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(keys))
	for i, key := range keys {
		ids[i] = key.K2()
	}
	return ids, nil
}

// freezeExemption returns why d may go through the freeze of incident id, or
// "" if it may not.
func freezeExemption(d deploymentstypes.Deployment, id uint64) string {
	switch {
	case d.RollbackOf != 0:
		return types.FreezeOverrideRollback
	case slices.Contains(d.FixesIncidents, id):
		return types.FreezeOverrideFixesIncident
	case d.BreakGlass != "":
		return types.FreezeOverrideBreakGlass
	}
	return ""
}

// frozenError names every incident still blocking d and how to proceed.
func frozenError(d deploymentstypes.Deployment, blocking []types.Incident) error {
	names := make([]string, len(blocking))
	fixes := make([]string, len(blocking))
	for i, inc := range blocking {
		names[i] = fmt.Sprintf("incident %d (%s, %s)", inc.Id, inc.Severity.ShortName(), inc.Status.ShortName())
		fixes[i] = fmt.Sprintf("--fixes-incident %d", inc.Id)
	}
	return errorsmod.Wrapf(types.ErrDeployFrozen,
		"%s/%s is frozen by %s; to deploy anyway record a rollback (--rollback-of DEPLOYMENT_ID), declare the fix (%s), or give a break-glass justification (--break-glass \"why\")",
		d.Service, d.Environment, strings.Join(names, ", "), strings.Join(fixes, " "))
}
