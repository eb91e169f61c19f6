package keeper_test

import (
	"testing"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/types"
)

func verdictIDs(vs []types.Verdict) []uint64 {
	out := make([]uint64, len(vs))
	for i, v := range vs {
		out[i] = v.Id
	}
	return out
}

// history: verdicts 1 (dep 1 detector FAIL), 2 (dep 4 detector PASS),
// 3 (dep 4 other MARGINAL), 4 (dep 3 other FAIL); anomalies 1 api/prod,
// 2 web/prod, 3 api/staging.
func queryHistory(t *testing.T, f *fixture) {
	t.Helper()
	f.register(t, f.detector, "1.0.0")
	f.register(t, f.other, "1.0.0")
	f.submit(t, verdict(t, f.detector, 1, "1.0.0", fail, false))
	f.submit(t, verdict(t, f.detector, 4, "1.0.0", pass, false))
	f.submit(t, verdict(t, f.other, 4, "1.0.0", marginal, false))
	f.submit(t, verdict(t, f.other, 3, "1.0.0", fail, false))
	for _, p := range [][2]string{{"api", "prod"}, {"web", "prod"}, {"api", "staging"}} {
		m := anomaly(f.detector, "1.0.0", 100)
		m.Service, m.Environment = p[0], p[1]
		_, err := f.msgs.ReportAnomaly(f.ctx, m)
		require.NoError(t, err)
	}
}

func TestVerdictQueries(t *testing.T) {
	f := newFixture(t)
	queryHistory(t, f)
	list := func(req *types.QueryVerdictsRequest) []uint64 {
		res, err := f.queries.Verdicts(f.ctx, req)
		require.NoError(t, err)
		return verdictIDs(res.Verdicts)
	}
	require.Equal(t, []uint64{4, 3, 2, 1}, list(&types.QueryVerdictsRequest{}))
	require.Equal(t, []uint64{3, 2}, list(&types.QueryVerdictsRequest{DeploymentId: 4}))
	require.Equal(t, []uint64{4, 3}, list(&types.QueryVerdictsRequest{Detector: f.other}))
	require.Equal(t, []uint64{4, 1}, list(&types.QueryVerdictsRequest{Outcome: types.OUTCOME_FAIL}))
	require.Equal(t, []uint64{3}, list(&types.QueryVerdictsRequest{DeploymentId: 4, Detector: f.other}))
	require.Equal(t, []uint64{4}, list(&types.QueryVerdictsRequest{Detector: f.other, Outcome: types.OUTCOME_FAIL}))
	require.Empty(t, list(&types.QueryVerdictsRequest{DeploymentId: 2}))

	// Pages continue from next_key.
	res, err := f.queries.Verdicts(f.ctx, &types.QueryVerdictsRequest{Pagination: &query.PageRequest{Limit: 3}})
	require.NoError(t, err)
	require.Equal(t, []uint64{4, 3, 2}, verdictIDs(res.Verdicts))
	require.Equal(t, []uint64{1}, list(&types.QueryVerdictsRequest{Pagination: &query.PageRequest{Key: res.Pagination.NextKey}}))

	_, err = f.queries.Verdicts(f.ctx, &types.QueryVerdictsRequest{Detector: "nope"})
	require.ErrorIs(t, err, types.ErrInvalidAddress)
	_, err = f.queries.Verdicts(f.ctx, &types.QueryVerdictsRequest{Outcome: 9})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Verdicts(f.ctx, &types.QueryVerdictsRequest{Pagination: &query.PageRequest{Offset: 1}})
	require.ErrorIs(t, err, types.ErrInvalidRequest)

	v, err := f.queries.Verdict(f.ctx, &types.QueryVerdictRequest{Id: 3})
	require.NoError(t, err)
	require.Equal(t, types.OUTCOME_MARGINAL, v.Verdict.Outcome)
	_, err = f.queries.Verdict(f.ctx, &types.QueryVerdictRequest{Id: 9})
	require.ErrorIs(t, err, types.ErrNotFound)
	_, err = f.queries.Verdict(f.ctx, &types.QueryVerdictRequest{})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestAnomalyAndDetectorQueries(t *testing.T) {
	f := newFixture(t)
	queryHistory(t, f)
	anomalies := func(req *types.QueryAnomaliesRequest) []uint64 {
		res, err := f.queries.Anomalies(f.ctx, req)
		require.NoError(t, err)
		var ids []uint64
		for _, a := range res.Anomalies {
			ids = append(ids, a.Id)
		}
		return ids
	}
	require.Equal(t, []uint64{3, 2, 1}, anomalies(&types.QueryAnomaliesRequest{}))
	require.Equal(t, []uint64{3, 1}, anomalies(&types.QueryAnomaliesRequest{Service: "api"}))
	require.Equal(t, []uint64{1}, anomalies(&types.QueryAnomaliesRequest{Service: "api", Environment: "prod"}))
	_, err := f.queries.Anomalies(f.ctx, &types.QueryAnomaliesRequest{Environment: "prod"})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	a, err := f.queries.Anomaly(f.ctx, &types.QueryAnomalyRequest{Id: 2})
	require.NoError(t, err)
	require.Equal(t, "web", a.Anomaly.Service)
	_, err = f.queries.Anomaly(f.ctx, &types.QueryAnomalyRequest{Id: 7})
	require.ErrorIs(t, err, types.ErrNotFound)

	ds, err := f.queries.Detectors(f.ctx, &types.QueryDetectorsRequest{})
	require.NoError(t, err)
	require.Len(t, ds.Detectors, 2)
	require.Equal(t, uint64(2), ds.Detectors[0].Id)
	ds, err = f.queries.Detectors(f.ctx, &types.QueryDetectorsRequest{Address: f.detector})
	require.NoError(t, err)
	require.Len(t, ds.Detectors, 1)
	require.Equal(t, f.detector, ds.Detectors[0].Address)
	d, err := f.queries.Detector(f.ctx, &types.QueryDetectorRequest{Id: 2})
	require.NoError(t, err)
	require.Equal(t, f.other, d.Detector.Address)
	_, err = f.queries.Detector(f.ctx, &types.QueryDetectorRequest{Id: 3})
	require.ErrorIs(t, err, types.ErrNotFound)

	p, err := f.queries.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), p.Params)
}
