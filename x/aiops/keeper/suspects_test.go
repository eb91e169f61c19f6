package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// suspectHistory: onset at genesisTime - 10m on pay/prod, window 24h; ids
// grow with creation time, as in the deployments keeper.
//
//	10: pay/prod 25h before onset (outside the window), FAIL verdict (post-deploy)
//	11: pay/prod 12h before onset, MARGINAL verdict, succeeded
//	12: pay/prod 2h before onset, canary, FAIL verdict, halted
//	13: pay/prod 30m before onset, rolling, shares an artifact with 10
//	14: pay/staging 10m before onset (other pair)
//	15: pay/prod 5m after the onset (excluded)
func suspectHistory(t *testing.T, f *fixture) time.Time {
	t.Helper()
	onset := genesisTime.Add(-10 * time.Minute)
	add := func(id uint64, env string, strategy deploymentstypes.Strategy, before time.Duration, digests ...string) {
		f.deps.add(id, "pay", env, strategy, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, onset.Add(-before), digests...)
	}
	add(10, "prod", deploymentstypes.STRATEGY_ROLLING, 25*time.Hour, digest("shared"), digest("old"))
	add(11, "prod", deploymentstypes.STRATEGY_CANARY, 12*time.Hour, digest("eleven"))
	add(12, "prod", deploymentstypes.STRATEGY_CANARY, 2*time.Hour, digest("twelve"))
	add(13, "prod", deploymentstypes.STRATEGY_ROLLING, 30*time.Minute, digest("thirteen"), digest("shared"))
	add(14, "staging", deploymentstypes.STRATEGY_ROLLING, 10*time.Minute)
	add(15, "prod", deploymentstypes.STRATEGY_ROLLING, -5*time.Minute)
	f.register(t, f.detector, "1.0.0")
	f.submit(t, verdict(t, f.detector, 12, "1.0.0", fail, false))
	post := verdict(t, f.detector, 10, "1.0.0", fail, false)
	post.Phase = types.PHASE_POST_DEPLOY
	f.submit(t, post)
	f.submit(t, verdict(t, f.detector, 11, "1.0.0", marginal, false))
	d := f.deps.records[11]
	d.Status = deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED
	f.deps.records[11] = d
	return onset
}

func TestSuspectsRanking(t *testing.T) {
	f := newFixture(t)
	onset := suspectHistory(t, f)
	res, err := f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{Service: "pay", Environment: "prod", Time: &onset})
	require.NoError(t, err)
	require.Equal(t, onset, res.Onset)
	require.Equal(t, onset.Add(-24*time.Hour), res.WindowStart)

	type row struct {
		id    uint64
		score int64
		kinds []string
	}
	var got []row
	for _, s := range res.Suspects {
		r := row{id: s.DeploymentId, score: s.Score}
		var sum int64
		for _, reason := range s.Reasons {
			r.kinds = append(r.kinds, reason.Kind)
			sum += reason.Points
		}
		require.Equal(t, s.Score, sum, "score is the sum of its reasons")
		got = append(got, r)
	}
	// 12: recency 40*(24h-2h)/24h = 36, +20 same pair, +30 FAIL, +10 halted.
	// 13: recency 40*(24h-30m)/24h = 39, +20, +15 artifact shared with 10.
	// 11: recency 40*(12h)/24h = 20, +20, +15 MARGINAL.
	require.Equal(t, []row{
		{12, 96, []string{"recency", "same_service_environment", "failing_verdict", "final_status"}},
		{13, 74, []string{"recency", "same_service_environment", "shared_artifact"}},
		{11, 55, []string{"recency", "same_service_environment", "marginal_verdict"}},
	}, got)
	require.Equal(t, "verdict 1: canary FAIL", res.Suspects[0].Reasons[2].Detail)
	require.Contains(t, res.Suspects[1].Reasons[2].Detail, "also shipped by deployment 10, judged FAIL")
	require.Equal(t, "deployed 30m0s before the onset", res.Suspects[1].Reasons[0].Detail)

	// The same answer every time, and a limit keeps the best.
	again, err := f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{Service: "pay", Environment: "prod", Time: &onset, Limit: 1})
	require.NoError(t, err)
	require.Equal(t, res.Suspects[:1], again.Suspects)
}

// Suspects of an incident come from its affected pairs and detection time.
func TestSuspectsOfIncident(t *testing.T) {
	f := newFixture(t)
	onset := suspectHistory(t, f)
	f.incs.records[7] = incidentstypes.Incident{
		Id: 7, DetectedAt: onset,
		Affected: []incidentstypes.ServiceEnvironment{{Service: "pay", Environment: "staging"}, {Service: "pay", Environment: "prod"}},
	}
	res, err := f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{IncidentId: 7})
	require.NoError(t, err)
	var ids []uint64
	for _, s := range res.Suspects {
		ids = append(ids, s.DeploymentId)
	}
	// 14: recency 40*(24h-10m)/24h = 39, +20 = 59.
	require.Equal(t, []uint64{12, 13, 14, 11}, ids)

	_, err = f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{IncidentId: 8})
	require.ErrorIs(t, err, types.ErrUnknownIncident)
	_, err = f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{IncidentId: 7, Service: "pay"})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{Service: "pay"})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Suspects(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)

	// Without a time the onset is the block time: 15 is then a suspect too.
	res, err = f.queries.Suspects(f.ctx, &types.QuerySuspectsRequest{Service: "pay", Environment: "prod"})
	require.NoError(t, err)
	require.Equal(t, genesisTime, res.Onset)
	require.Len(t, res.Suspects, 4)
}
