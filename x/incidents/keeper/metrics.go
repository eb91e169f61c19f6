package keeper

import (
	"context"
	"math"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// Metrics computes the four DORA metrics over [from, to) for an optional
// service and environment (definitions in the README). It reads the
// successful deployments of the window through the deployments keeper's
// success times (kept in its node-local index) and the incidents opened in
// the window through the opening-time index, so its cost is linear in those
// two sets and never depends on the history outside the window. Integer
// arithmetic only.
func (k Keeper) Metrics(ctx context.Context, service, environment string, from, to time.Time) (types.Metrics, error) {
	if err := types.ValidateMetricsWindow(service, environment, from, to); err != nil {
		return types.Metrics{}, err
	}
	from, to = from.UTC(), to.UTC()
	m := types.Metrics{Service: service, Environment: environment, From: from, To: to}

	var succeeded, failed uint64
	var leadTimes []int64
	var ids []uint64
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
		ids = append(ids, d.Id)
		return false, nil
	})
	if err != nil {
		return types.Metrics{}, errorsmod.Wrap(err, "successful deployments")
	}
	if failed, err = k.countCauses(ctx, ids); err != nil {
		return types.Metrics{}, errorsmod.Wrap(err, "cause links")
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

// countCauses counts the deployments among ids (distinct) that are linked as
// a cause of at least one incident. It reads the cause index once, over the
// id range the window spans, rather than opening an iterator per deployment:
// cause links are far fewer than deployments.
func (k Keeper) countCauses(ctx context.Context, ids []uint64) (uint64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	slices.Sort(ids)
	rng := new(collections.Range[collections.Pair[uint64, uint64]]).
		StartInclusive(collections.Join(ids[0], uint64(0))).
		EndInclusive(collections.Join(ids[len(ids)-1], uint64(math.MaxUint64)))
	it, err := k.Causes.Iterate(ctx, rng)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	var count uint64
	last, counted := uint64(0), false
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return 0, err
		}
		id := key.K1()
		if counted && id == last {
			continue // several incidents name the same deployment: once
		}
		if _, found := slices.BinarySearch(ids, id); found {
			count++
			last, counted = id, true
		}
	}
	return count, nil
}
