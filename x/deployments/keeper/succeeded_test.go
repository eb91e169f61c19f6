package keeper_test

import (
	"errors"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// hit is one IterateSucceeded callback.
type hit struct {
	id uint64
	at time.Time
}

var (
	beginningOfTime = time.Date(-100, 1, 1, 0, 0, 0, 0, time.UTC)
	farFuture       = time.Date(20000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// succeeded collects IterateSucceeded over [from, to), from the record
// index brought up to date and from a keeper without it, which must agree,
// and checks that every record handed out is succeeded at the time it is
// reported with.
func (f *fixture) succeeded(t testing.TB, from, to time.Time) []hit {
	t.Helper()
	f.reindex(t)
	indexed := collectSucceeded(t, f.k, f.ctx, from, to)
	require.Equal(t, indexed, collectSucceeded(t, f.bare, f.ctx, from, to), "without the record index")
	return indexed
}

func collectSucceeded(t testing.TB, k keeper.Keeper, ctx sdk.Context, from, to time.Time) []hit {
	t.Helper()
	var out []hit
	err := k.IterateSucceeded(ctx, from, to, func(d types.Deployment, at time.Time) (bool, error) {
		require.Equal(t, types.DEPLOYMENT_STATUS_SUCCEEDED, d.Status, "deployment %d", d.Id)
		want, ok := types.SucceededAt(d)
		require.True(t, ok)
		require.Equal(t, want, at, "deployment %d", d.Id)
		out = append(out, hit{d.Id, at})
		return false, nil
	})
	require.NoError(t, err)
	return out
}

// succeededScenario records, over three blocks t0 < t1 < t2:
//
//	t0: 1 in_progress, 2 recorded succeeded
//	t1: 3 recorded succeeded, 1 -> succeeded, 4 in_progress
//	t2: 4 -> failed, 5 failed, 6 rolled_back, 7 in_progress -> rolled_back, 8 halted
//
// so the succeeded ones are (t0, 2), (t1, 1), (t1, 3).
func succeededScenario(t *testing.T) (f *fixture, t0, t1, t2 time.Time) {
	f = newFixture(t)
	rec := func(st types.DeploymentStatus) uint64 {
		m := validMsg(f.deployer)
		m.Status = st
		return f.record(t, m)
	}
	t0 = f.ctx.BlockTime()
	require.Equal(t, uint64(1), rec(types.DEPLOYMENT_STATUS_UNSPECIFIED))
	require.Equal(t, uint64(2), rec(types.DEPLOYMENT_STATUS_SUCCEEDED))
	f.nextBlock()
	t1 = f.ctx.BlockTime()
	require.Equal(t, uint64(3), rec(types.DEPLOYMENT_STATUS_SUCCEEDED))
	f.setStatus(t, f.deployer, 1, types.DEPLOYMENT_STATUS_SUCCEEDED)
	require.Equal(t, uint64(4), rec(types.DEPLOYMENT_STATUS_IN_PROGRESS))
	f.nextBlock()
	t2 = f.ctx.BlockTime()
	f.setStatus(t, f.deployer, 4, types.DEPLOYMENT_STATUS_FAILED)
	rec(types.DEPLOYMENT_STATUS_FAILED)
	rec(types.DEPLOYMENT_STATUS_ROLLED_BACK)
	seven := rec(types.DEPLOYMENT_STATUS_IN_PROGRESS)
	f.setStatus(t, f.deployer, seven, types.DEPLOYMENT_STATUS_ROLLED_BACK)
	rec(types.DEPLOYMENT_STATUS_HALTED)
	return f, t0, t1, t2
}

// Success times come from both paths, the time of the transition to
// succeeded, and iterate by that time, then id; no other status appears.
func TestSucceededIndex(t *testing.T) {
	f, t0, t1, _ := succeededScenario(t)
	want := []hit{{2, t0}, {1, t1}, {3, t1}}
	require.Equal(t, want, f.succeeded(t, beginningOfTime, farFuture))

	// Recorded succeeded: created_at. Moved to succeeded: the update time.
	d2, err := f.k.GetDeployment(f.ctx, 2)
	require.NoError(t, err)
	require.Equal(t, d2.CreatedAt, t0)
	d1, err := f.k.GetDeployment(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, t0, d1.CreatedAt)
	require.Equal(t, t1, d1.UpdatedAt)

	// Exactly three index entries: failed, rolled_back and halted records
	// have none.
	n := 0
	require.NoError(t, f.index.Succeeded(beginningOfTime, farFuture, func(time.Time, uint64) (bool, error) {
		n++
		return false, nil
	}))
	require.Equal(t, 3, n)
}

// The record index reflects the latest block; a walk on an older state
// skips the records that state does not hold, and those that had not
// succeeded yet there.
func TestIterateSucceededOnOlderState(t *testing.T) {
	f, t0, t1, t2 := succeededScenario(t)
	inProgress := f.record(t, validMsg(f.deployer))
	before := []hit{{2, t0}, {1, t1}, {3, t1}}
	require.Equal(t, before, f.succeeded(t, beginningOfTime, farFuture))

	older := f.ctx
	newer, _ := f.ctx.CacheContext()
	f.ctx = newer.WithBlockTime(t2.Add(time.Second))
	f.setStatus(t, f.deployer, inProgress, types.DEPLOYMENT_STATUS_SUCCEEDED)
	m := validMsg(f.deployer)
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	recorded := f.record(t, m)
	at := f.ctx.BlockTime()
	require.Equal(t, append(before, hit{inProgress, at}, hit{recorded, at}), f.succeeded(t, beginningOfTime, farFuture))

	// The index now names both; in the older state one is in progress and
	// the other does not exist.
	require.Equal(t, before, collectSucceeded(t, f.k, older, beginningOfTime, farFuture))
}

// The window is half-open: from is included, to is not, to the nanosecond.
func TestIterateSucceededWindow(t *testing.T) {
	f, t0, t1, t2 := succeededScenario(t)
	ns := time.Nanosecond
	cases := []struct {
		name     string
		from, to time.Time
		want     []uint64
	}{
		{"everything", beginningOfTime, farFuture, []uint64{2, 1, 3}},
		{"first block", t0, t1, []uint64{2}},
		{"from is inclusive", t0, t0.Add(ns), []uint64{2}},
		{"to is exclusive", beginningOfTime, t0, nil},
		{"just after t0", t0.Add(ns), t1, nil},
		{"second block", t1, t2, []uint64{1, 3}},
		{"to just after t1", t0, t1.Add(ns), []uint64{2, 1, 3}},
		{"to just before t1", t0, t1.Add(-ns), []uint64{2}},
		{"later blocks", t2, farFuture, nil},
		{"empty window", t1, t1, nil},
		{"reversed window", t2, t0, nil},
		{"before year 0", time.Date(-100, 1, 1, 0, 0, 0, 0, time.UTC), t1, []uint64{2}},
		{"entirely before year 0", time.Date(-100, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), nil},
		{"entirely after year 9999", farFuture, farFuture.Add(time.Hour), nil},
		{"other time zone", t1.In(time.FixedZone("CET", 3600)), t2.In(time.FixedZone("PST", -8*3600)), []uint64{1, 3}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var got []uint64
			for _, h := range f.succeeded(t, tc.from, tc.to) {
				got = append(got, h.id)
			}
			require.Equal(t, tc.want, got)
		})
	}
}

func TestIterateSucceededStopAndError(t *testing.T) {
	f, _, _, _ := succeededScenario(t)
	f.reindex(t)
	for name, k := range map[string]keeper.Keeper{"indexed": f.k, "without the record index": f.bare} {
		t.Run(name, func(t *testing.T) {
			var seen []uint64
			err := k.IterateSucceeded(f.ctx, beginningOfTime, farFuture, func(d types.Deployment, _ time.Time) (bool, error) {
				seen = append(seen, d.Id)
				return len(seen) == 2, nil
			})
			require.NoError(t, err)
			require.Equal(t, []uint64{2, 1}, seen)

			boom := errors.New("boom")
			calls := 0
			err = k.IterateSucceeded(f.ctx, beginningOfTime, farFuture, func(types.Deployment, time.Time) (bool, error) {
				calls++
				return false, boom
			})
			require.ErrorIs(t, err, boom)
			require.Equal(t, 1, calls)
		})
	}
}

// A larger history: the iteration is exactly the succeeded records, sorted
// by (success time, id), and an export/import rebuilds the same index.
func TestIterateSucceededGenesisRebuild(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	all := f.succeeded(t, beginningOfTime, farFuture)

	var want []hit
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	for _, gd := range exported.Deployments {
		if at, ok := types.SucceededAt(gd.Deployment); ok {
			want = append(want, hit{gd.Deployment.Id, at})
		}
	}
	require.NotEmpty(t, want)
	require.ElementsMatch(t, want, all)
	for i := 1; i < len(all); i++ {
		prev, cur := all[i-1], all[i]
		require.True(t, prev.at.Before(cur.at) || (prev.at.Equal(cur.at) && prev.id < cur.id), "%v before %v", prev, cur)
	}

	g := importingFixture(t, f)
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	require.Equal(t, all, g.succeeded(t, beginningOfTime, farFuture))
	// A window in the middle too.
	from, to := all[1].at, all[len(all)-1].at
	require.Equal(t, f.succeeded(t, from, to), g.succeeded(t, from, to))
}
