package keeper

import (
	"context"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// Metrics computes the four DORA metrics over [from, to) for an optional
// service and environment (definitions in the README). It reads the
// successful deployments of the window through the deployments keeper's
// success-time index and the incidents opened in the window through the
// opening-time index, so its cost is linear in those two sets and never
// depends on the history outside the window. Integer arithmetic only.
func (k Keeper) Metrics(ctx context.Context, service, environment string, from, to time.Time) (types.Metrics, error) {
	if err := types.ValidateMetricsWindow(service, environment, from, to); err != nil {
		return types.Metrics{}, err
	}
	from, to = from.UTC(), to.UTC()
	m := types.Metrics{Service: service, Environment: environment, From: from, To: to}

	var succeeded, failed uint64
	var leadTimes []int64
	err := k.deployments.IterateSucceeded(ctx, from, to, func(d deploymentstypes.Deployment, succeededAt time.Time) (bool, error) {
		if (service != "" && d.Service != service) || (environment != "" && d.Environment != environment) {
			return false, nil
		}
		succeeded++
		// A commit time after the success (clock skew, a wrong commit) would
		// give a negative lead time: such deployments are left out of it.
		if ct := d.Source.CommitTime; ct != nil && !succeededAt.Before(*ct) {
			leadTimes = append(leadTimes, types.WholeSeconds(*ct, succeededAt))
		}
		linked, err := k.isCause(ctx, d.Id)
		if err != nil {
			return true, err
		}
		if linked {
			failed++
		}
		return false, nil
	})
	if err != nil {
		return types.Metrics{}, errorsmod.Wrap(err, "successful deployments")
	}
	window := uint64(to.Unix() - from.Unix())
	m.SuccessfulDeployments = succeeded
	m.DeploymentFrequency = types.NewFraction(succeeded*types.SecondsPerDay, window)
	m.LeadTime = types.NewDurationStats(leadTimes)
	m.FailedDeployments = failed
	m.ChangeFailureRate = types.NewFraction(failed, succeeded)

	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).
		StartInclusive(collections.Join(from, uint64(0))).
		EndExclusive(collections.Join(to, uint64(0)))
	it, err := k.IncidentsByOpened.Iterate(ctx, rng)
	if err != nil {
		return types.Metrics{}, err
	}
	defer it.Close()
	var restores []int64
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return types.Metrics{}, err
		}
		inc, err := k.Incidents.Get(ctx, key.K2())
		if err != nil {
			return types.Metrics{}, errorsmod.Wrapf(err, "indexed incident %d", key.K2())
		}
		if !containsPair(inc.Affected, service, environment) {
			continue
		}
		m.IncidentsOpened++
		if inc.ResolvedAt == nil {
			m.UnresolvedIncidents++
			continue
		}
		restores = append(restores, types.WholeSeconds(inc.OpenedAt, *inc.ResolvedAt))
	}
	m.TimeToRestore = types.NewDurationStats(restores)
	return m, nil
}

// isCause reports whether deployment id is linked as a cause of any incident.
func (k Keeper) isCause(ctx context.Context, id uint64) (bool, error) {
	it, err := k.Causes.Iterate(ctx, collections.NewPrefixedPairRange[uint64, uint64](id))
	if err != nil {
		return false, err
	}
	defer it.Close()
	return it.Valid(), nil
}
