package keeper_test

import (
	"fmt"
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// deploy is a deployment of api to prod as the deployments keeper would pass
// it to the gate.
func deploy(mutate ...func(d *deploymentstypes.Deployment)) deploymentstypes.Deployment {
	d := deploymentstypes.Deployment{Id: 77, Service: "api", Environment: "prod", Deployer: "ship1deployer"}
	for _, m := range mutate {
		m(&d)
	}
	return d
}

func (f *fixture) setFreezeSeverity(t testing.TB, sev types.Severity) {
	t.Helper()
	_, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{FreezeSeverity: sev}})
	require.NoError(t, err)
}

func (f *fixture) frozenBy(t testing.TB, service, env string) []uint64 {
	t.Helper()
	res, err := f.queries.Freezes(f.ctx, &types.QueryFreezesRequest{Service: service, Environment: env})
	require.NoError(t, err)
	f.requireFrozenPairsMatchFreezes(t)
	ids := make([]uint64, len(res.Incidents))
	for i, inc := range res.Incidents {
		ids[i] = inc.Id
	}
	return ids
}

// requireFrozenPairsMatchFreezes checks that FrozenPairs holds exactly the
// pairs that have freeze entries.
func (f *fixture) requireFrozenPairsMatchFreezes(t testing.TB) {
	t.Helper()
	freezeIt, err := f.k.Freezes.Iterate(f.ctx, nil)
	require.NoError(t, err)
	freezes, err := freezeIt.Keys()
	require.NoError(t, err)
	var want []string
	for _, key := range freezes {
		name := key.K1().K1() + "/" + key.K1().K2()
		if len(want) == 0 || want[len(want)-1] != name {
			want = append(want, name)
		}
	}
	pairIt, err := f.k.FrozenPairs.Iterate(f.ctx, nil)
	require.NoError(t, err)
	pairs, err := pairIt.Keys()
	require.NoError(t, err)
	var got []string
	for _, p := range pairs {
		got = append(got, p.K1()+"/"+p.K2())
	}
	require.Equal(t, want, got)
}

// The threshold: an incident freezes when its severity is at or above the
// param (numerically at or below); unspecified disables the freeze. The param
// is set before opening (live path) and after opening (rebuild path).
func TestFreezeSeverityThreshold(t *testing.T) {
	params := []types.Severity{types.SEVERITY_UNSPECIFIED, types.SEVERITY_SEV1, types.SEVERITY_SEV2, types.SEVERITY_SEV3, types.SEVERITY_SEV4}
	for _, param := range params {
		for _, sev := range types.Severities {
			want := param != types.SEVERITY_UNSPECIFIED && sev <= param
			for _, paramFirst := range []bool{true, false} {
				t.Run(fmt.Sprintf("param=%s/incident=%s/paramFirst=%v", param.ShortName(), sev.ShortName(), paramFirst), func(t *testing.T) {
					f := newFixture(t)
					if paramFirst {
						f.setFreezeSeverity(t, param)
					}
					id := f.openWith(t, sev)
					if !paramFirst {
						f.setFreezeSeverity(t, param)
					}
					err := f.k.CheckDeployment(f.ctx, deploy())
					f.requireFrozenPairsMatchFreezes(t)
					if want {
						require.ErrorIs(t, err, types.ErrDeployFrozen)
						require.Equal(t, []uint64{id}, f.frozenBy(t, "api", "prod"))
					} else {
						require.NoError(t, err)
						require.Empty(t, f.frozenBy(t, "api", "prod"))
					}
				})
			}
		}
	}
}

func TestFreezeFollowsLifecycle(t *testing.T) {
	f := newFixture(t) // default freeze_severity sev2
	id := f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"), pair("web", "prod"))
	frozen := func(svc, env string) bool {
		f.requireFrozenPairsMatchFreezes(t)
		return f.k.CheckDeployment(f.ctx, deploy(func(d *deploymentstypes.Deployment) { d.Service, d.Environment = svc, env })) != nil
	}

	require.True(t, frozen("api", "prod"))
	require.True(t, frozen("web", "prod"))
	require.False(t, frozen("api", "staging"), "other environment")
	require.False(t, frozen("apiv2", "prod"), "other service sharing a prefix")

	f.setStatus(t, id, types.INCIDENT_STATUS_MITIGATED)
	require.True(t, frozen("api", "prod"), "mitigated still freezes")

	f.setSeverity(t, id, types.SEVERITY_SEV3)
	require.False(t, frozen("api", "prod"), "downgraded below the threshold")
	require.False(t, frozen("web", "prod"))
	f.setSeverity(t, id, types.SEVERITY_SEV1)
	require.True(t, frozen("api", "prod"), "upgraded again")

	f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
	require.False(t, frozen("api", "prod"), "resolved unfreezes")
	require.False(t, frozen("web", "prod"))
	require.Empty(t, f.frozenBy(t, "api", "prod"))

	// A severity change of a resolved incident does not freeze again.
	f.setSeverity(t, id, types.SEVERITY_SEV2)
	require.False(t, frozen("api", "prod"))
	f.close(t, id)
	require.False(t, frozen("api", "prod"))
	f.setFreezeSeverity(t, types.SEVERITY_SEV4)
	require.False(t, frozen("api", "prod"), "a params change does not freeze closed incidents")
}

func TestFreezeExemptions(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(d *deploymentstypes.Deployment)
		reason string // "": refused
	}{
		{"plain deployment", func(*deploymentstypes.Deployment) {}, ""},
		{"rollback", func(d *deploymentstypes.Deployment) { d.RollbackOf = 5 }, types.FreezeOverrideRollback},
		{"fixes the incident", func(d *deploymentstypes.Deployment) { d.FixesIncidents = []uint64{2, 1} }, types.FreezeOverrideFixesIncident},
		{"fixes another incident", func(d *deploymentstypes.Deployment) { d.FixesIncidents = []uint64{2} }, ""},
		{"break glass", func(d *deploymentstypes.Deployment) { d.BreakGlass = "payment provider outage fix" }, types.FreezeOverrideBreakGlass},
		{"rollback wins over break glass", func(d *deploymentstypes.Deployment) { d.RollbackOf = 5; d.BreakGlass = "why" }, types.FreezeOverrideRollback},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			id := f.open(t, validOpen(f.responder))
			other := validOpen(f.responder) // incident 2: sev4 elsewhere, freezes nothing
			other.Severity, other.Affected = types.SEVERITY_SEV4, []types.ServiceEnvironment{{Service: "web", Environment: "prod"}}
			f.open(t, other)
			f.clearEvents()
			d := deploy(tc.mutate)
			if tc.reason == "" {
				f.requireNoEffect(t, func() {
					err := f.k.CheckDeployment(f.ctx, d)
					require.ErrorIs(t, err, types.ErrDeployFrozen)
					require.ErrorContains(t, err, "api/prod is frozen by incident 1 (sev1, open)")
					require.ErrorContains(t, err, "--rollback-of")
					require.ErrorContains(t, err, "--fixes-incident 1")
					require.ErrorContains(t, err, "--break-glass")
				})
				return
			}
			require.NoError(t, f.k.CheckDeployment(f.ctx, d))
			ev := f.eventsOf("shiplog.incidents.v1.EventDeploymentFreezeOverridden")
			require.Equal(t, []map[string]string{{
				"incident_id":   fmt.Sprintf(`"%d"`, id),
				"service":       `"api"`,
				"environment":   `"prod"`,
				"reason":        fmt.Sprintf("%q", tc.reason),
				"justification": fmt.Sprintf("%q", d.BreakGlass),
				"deployer":      `"ship1deployer"`,
				"deployment_id": `"77"`,
			}}, ev)
		})
	}
}

// A declared fix must name an existing incident, whether or not anything is
// frozen.
func TestFixesUnknownIncident(t *testing.T) {
	f := newFixture(t)
	f.requireNoEffect(t, func() {
		err := f.k.CheckDeployment(f.ctx, deploy(func(d *deploymentstypes.Deployment) { d.FixesIncidents = []uint64{42} }))
		require.ErrorIs(t, err, types.ErrNotFound)
		require.ErrorContains(t, err, "incident 42")
	})
}

// Two incidents freeze api/prod; declaring one fixed is not enough, and the
// refusal names only the other one and emits nothing.
func TestFreezeTwoIncidents(t *testing.T) {
	f := newFixture(t)
	a := f.openWith(t, types.SEVERITY_SEV1)
	f.setStatus(t, a, types.INCIDENT_STATUS_MITIGATED)
	b := f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"), pair("api", "staging"))
	require.Equal(t, []uint64{a, b}, f.frozenBy(t, "api", "prod"))
	require.Equal(t, []uint64{b}, f.frozenBy(t, "api", "staging"))

	f.clearEvents()
	err := f.k.CheckDeployment(f.ctx, deploy())
	require.ErrorIs(t, err, types.ErrDeployFrozen)
	require.ErrorContains(t, err, "incident 1 (sev1, mitigated), incident 2 (sev2, open)")
	require.ErrorContains(t, err, "--fixes-incident 1 --fixes-incident 2")

	f.requireNoEffect(t, func() {
		err := f.k.CheckDeployment(f.ctx, deploy(func(d *deploymentstypes.Deployment) { d.FixesIncidents = []uint64{a} }))
		require.ErrorIs(t, err, types.ErrDeployFrozen)
		require.ErrorContains(t, err, "frozen by incident 2 (sev2, open);")
		require.NotContains(t, err.Error(), "incident 1 ")
	})

	require.NoError(t, f.k.CheckDeployment(f.ctx, deploy(func(d *deploymentstypes.Deployment) { d.FixesIncidents = []uint64{a, b} })))
	ev := f.eventsOf("shiplog.incidents.v1.EventDeploymentFreezeOverridden")
	require.Len(t, ev, 2)
	require.Equal(t, `"1"`, ev[0]["incident_id"])
	require.Equal(t, `"2"`, ev[1]["incident_id"])

	// One declared fixed, the other passed by break glass: both overrides
	// are recorded with their own reason.
	f.clearEvents()
	require.NoError(t, f.k.CheckDeployment(f.ctx, deploy(func(d *deploymentstypes.Deployment) {
		d.FixesIncidents = []uint64{b}
		d.BreakGlass = "hotfix"
	})))
	ev = f.eventsOf("shiplog.incidents.v1.EventDeploymentFreezeOverridden")
	require.Equal(t, `"break_glass"`, ev[0]["reason"])
	require.Equal(t, `"fixes_incident"`, ev[1]["reason"])

	// Resolving the first leaves only the second.
	f.setStatus(t, a, types.INCIDENT_STATUS_RESOLVED)
	require.Equal(t, []uint64{b}, f.frozenBy(t, "api", "prod"))
}

func TestFreezesQueryErrors(t *testing.T) {
	f := newFixture(t)
	_, err := f.queries.Freezes(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Freezes(f.ctx, &types.QueryFreezesRequest{Service: "api"})
	require.ErrorIs(t, err, types.ErrInvalidEnvironment)
	_, err = f.queries.Freezes(f.ctx, &types.QueryFreezesRequest{Service: "API", Environment: "prod"})
	require.ErrorIs(t, err, types.ErrInvalidService)
}

// A pair leaves FrozenPairs only when its last freezing incident stops
// freezing it; other pairs of the same incidents follow their own entries.
func TestFrozenPairsFollowTheLastFreeze(t *testing.T) {
	f := newFixture(t)
	a := f.openWith(t, types.SEVERITY_SEV1, pair("api", "prod"), pair("web", "prod"))
	b := f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"))
	has := func(svc, env string) bool {
		t.Helper()
		ok, err := f.k.FrozenPairs.Has(f.ctx, collections.Join(svc, env))
		require.NoError(t, err)
		return ok
	}
	require.True(t, has("api", "prod"))
	require.True(t, has("web", "prod"))

	f.setStatus(t, a, types.INCIDENT_STATUS_RESOLVED)
	require.True(t, has("api", "prod"), "incident b still freezes api/prod")
	require.False(t, has("web", "prod"))
	require.Equal(t, []uint64{b}, f.frozenBy(t, "api", "prod"))
	require.ErrorIs(t, f.k.CheckDeployment(f.ctx, deploy()), types.ErrDeployFrozen)

	f.setSeverity(t, b, types.SEVERITY_SEV3)
	require.False(t, has("api", "prod"))
	require.NoError(t, f.k.CheckDeployment(f.ctx, deploy()))

	// A params change rebuilds both from the open and mitigated incidents.
	f.setFreezeSeverity(t, types.SEVERITY_SEV3)
	require.True(t, has("api", "prod"))
	require.False(t, has("web", "prod"), "resolved incidents never freeze")
	require.Equal(t, []uint64{b}, f.frozenBy(t, "api", "prod"))
	f.setFreezeSeverity(t, types.SEVERITY_UNSPECIFIED)
	require.False(t, has("api", "prod"))
	require.Empty(t, f.frozenBy(t, "api", "prod"))
}
