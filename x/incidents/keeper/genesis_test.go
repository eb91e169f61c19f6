package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// populate builds a state that exercises every part of genesis: each
// status, causes, postmortems, completed, pending and already-reported
// remediation items, and freezes.
func (f *fixture) populate(t testing.TB) {
	t.Helper()
	open := f.openWith(t, types.SEVERITY_SEV1, pair("api", "prod"), pair("web", "prod"))
	f.nextBlock()
	mitigated := f.openWith(t, types.SEVERITY_SEV2, pair("api", "staging"))
	f.setStatus(t, mitigated, types.INCIDENT_STATUS_MITIGATED)
	f.link(t, mitigated, 4)
	f.nextBlock()
	resolved := f.openWith(t, types.SEVERITY_SEV3)
	f.setStatus(t, resolved, types.INCIDENT_STATUS_RESOLVED)
	f.nextBlock()
	closed := f.openWith(t, types.SEVERITY_SEV1, pair("web", "staging"))
	f.link(t, closed, 5)
	f.link(t, closed, 1)
	now := f.ctx.BlockTime()
	f.addItem(t, open, now.Add(time.Hour))                     // 1: reported overdue below
	f.addItem(t, open, now.Add(48*time.Hour))                  // 2: pending
	f.addItem(t, closed, now.Add(2*time.Hour))                 // 3: completed after the close
	f.addItem(t, mitigated, now.Add(time.Hour+30*time.Minute)) // 4: reported overdue below
	f.close(t, closed)
	m := validOpen(f.other)
	m.Document = &types.Document{Digest: digest("d"), Location: "loc"}
	m.SuspectedDeployments = []uint64{2, 3}
	m.DetectedAt = ptr(f.ctx.BlockTime().Add(-time.Hour))
	f.open(t, m)

	_, err := f.msgs.CompleteRemediation(f.ctx, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 3, Note: "done"})
	require.NoError(t, err)
	f.ctx = f.ctx.WithBlockTime(now.Add(3 * time.Hour)).WithBlockHeight(f.ctx.BlockHeight() + 1)
	require.Equal(t, []string{`"1"`, `"4"`}, f.endBlock(t))
}

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.setFreezeSeverity(t, types.SEVERITY_SEV1)
	f.populate(t)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Equal(t, types.Params{FreezeSeverity: types.SEVERITY_SEV1}, exported.Params)
	require.Len(t, exported.Incidents, 5)
	require.Len(t, exported.Remediations, 4)
	require.Equal(t, uint64(6), exported.NextIncidentId)
	require.Equal(t, uint64(5), exported.NextRemediationId)
	require.Equal(t, []uint64{1, 4}, exported.OverdueReported)

	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight()).WithBlockTime(f.ctx.BlockTime())
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)

	// The raw stores are identical: every index, the queues, the freezes and
	// the sequences were rebuilt.
	require.Equal(t, f.dump(t), g.dump(t))

	// The imported chain keeps going: reported items are not reported again,
	// the pending one is reported when due, ids continue, freezes hold.
	require.Empty(t, g.endBlock(t))
	require.Equal(t, []uint64{1, 5}, g.frozenBy(t, "api", "prod"))
	require.Empty(t, g.frozenBy(t, "api", "staging"), "sev2 does not freeze under sev1")
	g.ctx = g.ctx.WithBlockTime(g.ctx.BlockTime().Add(48 * time.Hour))
	require.Equal(t, []string{`"2"`}, g.endBlock(t))
	require.Equal(t, uint64(6), g.open(t, validOpen(g.responder)))
	require.Equal(t, uint64(5), g.addItem(t, 6, g.ctx.BlockTime().Add(time.Hour)))
	require.Equal(t, []uint64{4}, g.byDeployment(t, 5))
}

func TestGenesisDefault(t *testing.T) {
	f := newFixture(t)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultGenesis(), exported)
}

func TestInitGenesisErrors(t *testing.T) {
	src := newFixture(t)
	src.populate(t)
	base, err := src.k.ExportGenesis(src.ctx)
	require.NoError(t, err)

	cases := []struct {
		name   string
		mutate func(gs *types.GenesisState)
		part   string
	}{
		{"invalid state", func(gs *types.GenesisState) { gs.NextIncidentId = 0 }, "next_incident_id"},
		{"bad opened_by", func(gs *types.GenesisState) { gs.Incidents[0].OpenedBy = "cosmos1xyz" }, "opened_by"},
		{"bad timeline actor", func(gs *types.GenesisState) { gs.Incidents[1].Timeline[1].Actor = "x" }, "timeline[1].actor"},
		{"bad linked_by", func(gs *types.GenesisState) { gs.Incidents[1].Causes[0].LinkedBy = "x" }, "causes[0].linked_by"},
		{"bad postmortem author", func(gs *types.GenesisState) { gs.Incidents[3].Postmortem.Author = "x" }, "postmortem.author"},
		{"unknown cause deployment", func(gs *types.GenesisState) { gs.Incidents[1].Causes[0].DeploymentId = 99 }, "deployment 99"},
		{"unknown suspect", func(gs *types.GenesisState) { gs.Incidents[4].SuspectedDeployments[0] = 98 }, "deployment 98"},
		{"bad created_by", func(gs *types.GenesisState) { gs.Remediations[0].CreatedBy = "x" }, "created_by"},
		{"bad completed_by", func(gs *types.GenesisState) { gs.Remediations[2].CompletedBy = "x" }, "completed_by"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := cloneGenesis(t, src, base)
			tc.mutate(gs)
			g := newFixture(t)
			err := g.k.InitGenesis(g.ctx, *gs)
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.part)
		})
	}
}

// cloneGenesis deep-copies gs through its protobuf encoding.
func cloneGenesis(t testing.TB, f *fixture, gs *types.GenesisState) *types.GenesisState {
	t.Helper()
	bz, err := f.cdc.Marshal(gs)
	require.NoError(t, err)
	var out types.GenesisState
	require.NoError(t, f.cdc.Unmarshal(bz, &out))
	return &out
}
