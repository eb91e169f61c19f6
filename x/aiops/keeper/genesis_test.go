package keeper_test

import (
	"testing"
	"time"

	"github.com/shiplog/shiplog/x/internal/consortiumtest"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/keeper"
	"github.com/shiplog/shiplog/x/aiops/types"
)

// Export, encode as JSON, decode and import into an empty store: the store
// (records and every index) is byte-for-byte the same and exports the same.
func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	queryHistory(t, f)
	_, err := f.msgs.ReportAnomaly(f.ctx, later(anomaly(f.detector, "1.0.0", 9000), time.Minute)) // opens an incident
	require.NoError(t, err)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Len(t, exported.Detectors, 2)
	require.Len(t, exported.Verdicts, 4)
	require.Len(t, exported.Anomalies, 4)
	require.Len(t, exported.AutoIncidents, 1)
	require.Equal(t, uint64(5), exported.NextVerdictId)
	require.NoError(t, exported.Validate())

	bz, err := f.cdc.MarshalJSON(exported)
	require.NoError(t, err)
	var decoded types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &decoded))

	g := newFixture(t)
	g.deps = f.deps
	g.k = keeper.NewKeeper(g.cdc, runtimeService(g), ac, consortiumtest.Keeper{}, f.deps, f.incs, g.authority)
	clearStore(t, g)
	require.NoError(t, g.k.InitGenesis(g.ctx, decoded))
	require.Equal(t, f.dump(t), g.dump(t))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)
}

func TestGenesisValidation(t *testing.T) {
	f := newFixture(t)
	queryHistory(t, f)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	cases := map[string]func(gs *types.GenesisState){
		"params":           func(gs *types.GenesisState) { gs.Params.HaltQuorum = 0 },
		"next id":          func(gs *types.GenesisState) { gs.NextVerdictId = 4 },
		"duplicate id":     func(gs *types.GenesisState) { gs.Verdicts[1].Id = gs.Verdicts[0].Id },
		"unknown detector": func(gs *types.GenesisState) { gs.Anomalies[0].DetectorId = 9 },
		"descriptor twice": func(gs *types.GenesisState) { gs.Detectors[1].Address = gs.Detectors[0].Address },
		"no next ids":      func(gs *types.GenesisState) { gs.NextDetectorId = 0 },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			var gs types.GenesisState
			bz := f.cdc.MustMarshalJSON(exported)
			f.cdc.MustUnmarshalJSON(bz, &gs)
			mutate(&gs)
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis)
		})
	}
	// A verdict's deployment must exist when imported.
	var gs types.GenesisState
	f.cdc.MustUnmarshalJSON(f.cdc.MustMarshalJSON(exported), &gs)
	gs.Verdicts[0].DeploymentId = 99
	g := newFixture(t)
	clearStore(t, g)
	require.ErrorIs(t, g.k.InitGenesis(g.ctx, gs), types.ErrInvalidGenesis)
	require.NoError(t, types.DefaultGenesis().Validate())
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.SuspectWindow = 2 * time.Hour
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.detector, Params: p}, types.ErrUnauthorized, "consortium proposal")
	bad := p
	bad.IncidentSeverity = 7
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.authority, Params: bad}, types.ErrInvalidParams, "incident_severity 7")
	bad = p
	bad.SuspectWindow = time.Second
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.authority, Params: bad}, types.ErrInvalidParams, "suspect_window")
	bad = p
	bad.SampleGas = 0
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.authority, Params: bad}, types.ErrInvalidParams, "sample_gas")
	require.NoError(t, f.send(&types.MsgUpdateParams{Authority: f.authority, Params: p}))
	got, err := f.k.GetParams(f.ctx)
	require.NoError(t, err)
	require.Equal(t, p, got)
	require.Len(t, f.eventsOf("shiplog.aiops.v1.EventParamsUpdated"), 1)
}
