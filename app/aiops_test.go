package app_test

import (
	"encoding/json"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/judge"
	aiopskeeper "github.com/shiplog/shiplog/x/aiops/keeper"
	aiopstypes "github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

var aiopsModel = aiopstypes.DetectorRef{Name: "canary-judge", Version: "1.0.0", ConfigDigest: digest}

// failingVerdict judges a canary whose error rate went from ~1 to ~9 and
// returns the verdict with its samples.
func failingVerdict(t *testing.T, detector string, deployment uint64, now time.Time) *aiopstypes.MsgSubmitVerdict {
	t.Helper()
	cfg := judge.Config{
		PassScore: 9500, MarginalScore: 7500,
		Groups:  []judge.Group{{Name: "errors", Weight: 1}},
		Metrics: []judge.MetricConfig{{Name: "http_5xx", Group: "errors", Critical: true}},
	}
	base, canary := make([]float64, 60), make([]float64, 60)
	for i := range base {
		base[i] = 1 + float64(i%5)/10
		canary[i] = 9 + float64(i%5)/10
	}
	samples := []judge.MetricSamples{{Name: "http_5xx", Baseline: base, Canary: canary}}
	res, err := judge.Judge(cfg, samples)
	require.NoError(t, err)
	require.Equal(t, judge.VerdictFail, res.Verdict)
	cd, err := judge.ConfigDigest(cfg)
	require.NoError(t, err)
	ed, err := judge.EvidenceDigest(samples)
	require.NoError(t, err)
	msg := &aiopstypes.MsgSubmitVerdict{
		Detector: detector, DeploymentId: deployment, Phase: aiopstypes.PHASE_CANARY, Model: aiopsModel,
		WindowStart: now.Add(-10 * time.Minute), WindowEnd: now.Add(-time.Second),
		Config: aiopstypes.JudgeConfigFrom(cfg), JudgeConfigDigest: aiopstypes.DigestString(cd),
		EvidenceDigest: aiopstypes.DigestString(ed),
		Samples:        []aiopstypes.MetricSamples{{Name: "http_5xx", Baseline: base, Canary: canary}},
	}
	msg.SetResult(res)
	return msg
}

func eventTypes(res *abci.ExecTxResult) []string {
	var out []string
	for _, ev := range res.Events {
		out = append(out, ev.Type)
	}
	return out
}

// A FAIL canary verdict submitted as a transaction halts the deployment in
// the same block and emits rollback_required; a tampered verdict is
// refused; a severe anomaly opens an incident whose suspects rank the
// halted deployment first; everything survives export and import.
func TestCanaryVerdictHaltsThroughFinalizeBlock(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	admin := addr(c.admin) // holds every role, detector included

	res := c.nextBlock(c.signTx(c.admin, nil, recordMsg(admin, "canary-1")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	res = c.nextBlock(c.signTx(c.admin, nil, &aiopstypes.MsgRegisterDetector{
		Detector: admin, Name: aiopsModel.Name, Version: aiopsModel.Version, ConfigDigest: aiopsModel.ConfigDigest,
	}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)

	// A member without the detector role is stopped by the ante gate.
	watcherVerdict := failingVerdict(t, addr(c.watcher), 1, c.time)
	require.NotZero(t, c.checkTx(c.signTx(c.watcher, nil, watcherVerdict)).Code)

	tampered := failingVerdict(t, admin, 1, c.time)
	tampered.Metrics[0].Classification = aiopstypes.METRIC_CLASS_PASS
	res = c.nextBlock(c.signTx(c.admin, nil, tampered))
	require.Equal(t, aiopstypes.ErrRecomputationMismatch.ABCICode(), res.TxResults[0].Code, res.TxResults[0].Log)
	require.Contains(t, res.TxResults[0].Log, `metric "http_5xx": classification is Pass, the judge computes High`)

	res = c.nextBlock(c.signTx(c.admin, nil, failingVerdict(t, admin, 1, c.time)))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Contains(t, eventTypes(res.TxResults[0]), "shiplog.aiops.v1.EventRollbackRequired")
	require.Contains(t, eventTypes(res.TxResults[0]), "shiplog.deployments.v1.EventDeploymentStatusChanged")
	d, err := c.app.DeploymentsKeeper.GetDeployment(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_HALTED, d.Status)
	require.Contains(t, d.Transitions[len(d.Transitions)-1].Reason, "aiops verdict 1: canary FAIL")

	res = c.nextBlock(c.signTx(c.admin, nil, &aiopstypes.MsgReportAnomaly{
		Detector: admin, Model: aiopsModel, Service: "checkout", Environment: "production", Metric: "http_5xx",
		Onset: c.time, Score: 9200, EvidenceDigest: digest,
	}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	inc, err := c.app.IncidentsKeeper.GetIncident(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, incidentstypes.Source{Kind: incidentstypes.SOURCE_KIND_AIOPS_ANOMALY, Reference: "anomaly:1"}, inc.Source)

	suspects, err := aiopskeeper.NewQueryServerImpl(c.app.AIOpsKeeper).Suspects(c.ctx(), &aiopstypes.QuerySuspectsRequest{IncidentId: 1})
	require.NoError(t, err)
	require.Len(t, suspects.Suspects, 1)
	require.Equal(t, uint64(1), suspects.Suspects[0].DeploymentId)
	require.Equal(t, "failing_verdict", suspects.Suspects[0].Reasons[2].Kind)

	exported, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	c2 := newChain(t, dbm.NewMemDB())
	c2.importChain(exported)
	again, err := c2.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	var a, b map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(exported.AppState, &a))
	require.NoError(t, json.Unmarshal(again.AppState, &b))
	require.JSONEq(t, string(a[aiopstypes.ModuleName]), string(b[aiopstypes.ModuleName]))
	v, err := c2.app.AIOpsKeeper.GetVerdict(c2.ctx(), 1)
	require.NoError(t, err)
	require.True(t, v.Halted)
}
