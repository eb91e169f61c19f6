package keeper_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

func TestJudgeFixturesProduceEachOutcome(t *testing.T) {
	for kind, want := range map[string]types.Outcome{pass: types.OUTCOME_PASS, marginal: types.OUTCOME_MARGINAL, fail: types.OUTCOME_FAIL} {
		require.Equal(t, want, verdict(t, "x", 1, "1", kind, false).Outcome, kind)
	}
}

func TestRegisterDetector(t *testing.T) {
	f := newFixture(t)
	require.Equal(t, uint64(1), f.register(t, f.detector, "1.0.0"))
	require.Equal(t, uint64(2), f.register(t, f.detector, "1.1.0"))
	// Another account may use the same name and version.
	require.Equal(t, uint64(3), f.register(t, f.other, "1.0.0"))
	d, err := f.k.GetDetector(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, "acme", d.OrganizationId)
	require.Equal(t, f.detector, d.Address)
	require.Equal(t, genesisTime, d.RegisteredAt)
	require.Len(t, f.eventsOf("shiplog.aiops.v1.EventDetectorRegistered"), 3)

	m := model("1.0.0")
	valid := func(signer string) *types.MsgRegisterDetector {
		return &types.MsgRegisterDetector{Detector: signer, Name: m.Name, Version: "2.0.0", ConfigDigest: m.ConfigDigest}
	}
	dup := valid(f.detector)
	dup.Version = "1.0.0"
	f.requireRejected(t, dup, types.ErrDetectorExists, "already registered detector canary-judge version 1.0.0 as id 1")
	bad := valid(f.detector)
	bad.ConfigDigest = "sha256:abc"
	f.requireRejected(t, bad, types.ErrInvalidDigest, "config_digest")
	bad = valid(f.detector)
	bad.Name = "Canary Judge"
	f.requireRejected(t, bad, types.ErrInvalidDetector, "detector name")
	bad = valid(f.detector)
	bad.Version = ""
	f.requireRejected(t, bad, types.ErrInvalidDetector, "detector version is required")
	f.requireRejected(t, valid(f.deployer), consortiumtypes.ErrMissingRole, "may not act as a detector")
	f.requireRejected(t, valid(f.inactive), consortiumtypes.ErrInactiveMember)
	f.requireRejected(t, valid(f.nonMember), consortiumtypes.ErrNotMember)
	f.requireRejected(t, valid(f.noOrg), types.ErrUnauthorized, "has no organization")
	f.requireRejected(t, valid("cosmos1xyz"), types.ErrInvalidAddress)
}

// A FAIL canary verdict with samples is replayed and halts the in-progress
// canary in the same call, naming the verdict in the transition.
func TestFailingCanaryVerdictHaltsDeployment(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	res := f.submit(t, verdict(t, f.detector, 1, "1.0.0", fail, true))
	require.Equal(t, uint64(1), res.Id)
	require.True(t, res.Halted)

	d := f.deps.records[1]
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_HALTED, d.Status)
	last := d.Transitions[len(d.Transitions)-1]
	require.Equal(t, f.detector, last.Actor)
	require.Contains(t, last.Reason, "aiops verdict 1: canary FAIL, score 33.33")

	v, err := f.k.GetVerdict(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, v.Halted)
	require.Equal(t, types.VERIFICATION_REPLAYED, v.Verification)
	require.Equal(t, types.OUTCOME_FAIL, v.Outcome)
	require.Equal(t, int64(3333), v.Score)
	require.Equal(t, "acme", v.OrganizationId)
	require.Empty(t, v.Reason)

	rb := f.eventsOf("shiplog.aiops.v1.EventRollbackRequired")
	require.Len(t, rb, 1)
	require.Equal(t, `"1"`, rb[0]["deployment_id"])
	require.Equal(t, `"1"`, rb[0]["verdict_id"])
	require.Equal(t, `"api"`, rb[0]["service"])
	require.Len(t, f.eventsOf("shiplog.aiops.v1.EventVerdictSubmitted"), 1)

	// The artifact of a failing deployment is remembered for suspects.
	has, err := f.k.FailingArtifacts.Has(f.ctx, joinPair(digest("api-1"), 1))
	require.NoError(t, err)
	require.True(t, has)

	// A later FAIL on the halted deployment is recorded without effect.
	f.nextBlock()
	f.register(t, f.other, "1.0.0")
	res = f.submit(t, verdict(t, f.other, 1, "1.0.0", fail, false))
	require.False(t, res.Halted)
	require.Equal(t, 1, f.deps.halts)
	require.Len(t, f.eventsOf("shiplog.aiops.v1.EventRollbackRequired"), 1)
}

func TestPassingAndMarginalVerdicts(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	res := f.submit(t, verdict(t, f.detector, 1, "1.0.0", pass, false))
	require.False(t, res.Halted)
	v, err := f.k.GetVerdict(f.ctx, res.Id)
	require.NoError(t, err)
	require.Equal(t, types.VERIFICATION_SCORE_ONLY, v.Verification)
	require.Equal(t, types.OUTCOME_PASS, v.Outcome)
	require.Equal(t, int64(10000), v.Score)
	require.Empty(t, f.eventsOf("shiplog.aiops.v1.EventHumanDecisionRequired"))

	m := verdict(t, f.detector, 1, "1.0.0", marginal, true)
	m.WindowEnd = m.WindowEnd.Add(30 * time.Second)
	res = f.submit(t, m)
	require.False(t, res.Halted)
	hd := f.eventsOf("shiplog.aiops.v1.EventHumanDecisionRequired")
	require.Len(t, hd, 1)
	require.Equal(t, `"6667"`, hd[0]["score"])
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, f.deps.records[1].Status)
	require.Zero(t, f.deps.halts)
}

// Verdicts on deployments that cannot be halted are recorded only: a
// post-deploy FAIL on a rolling deployment, a canary FAIL on a finished one.
func TestFailWithoutEffect(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	post := verdict(t, f.detector, 2, "1.0.0", fail, false)
	post.Phase = types.PHASE_POST_DEPLOY
	require.False(t, f.submit(t, post).Halted)
	require.False(t, f.submit(t, verdict(t, f.detector, 3, "1.0.0", fail, false)).Halted)
	require.Zero(t, f.deps.halts)
	require.Empty(t, f.eventsOf("shiplog.aiops.v1.EventRollbackRequired"))
	require.Len(t, f.eventsOf("shiplog.aiops.v1.EventVerdictSubmitted"), 2)
}

// With halt_quorum 2, FAIL verdicts count once per detector account.
func TestHaltQuorumCountsDistinctDetectors(t *testing.T) {
	f := newFixture(t)
	p := types.DefaultParams()
	p.HaltQuorum = 2
	_, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
	f.register(t, f.detector, "1.0.0")
	f.register(t, f.detector, "1.1.0")
	f.register(t, f.other, "1.0.0")

	require.False(t, f.submit(t, verdict(t, f.detector, 1, "1.0.0", fail, false)).Halted)
	// A second descriptor of the same account does not make a quorum.
	require.False(t, f.submit(t, verdict(t, f.detector, 1, "1.1.0", fail, false)).Halted)
	// A PASS from another account does not either.
	okVerdict := verdict(t, f.other, 1, "1.0.0", pass, false)
	okVerdict.WindowStart = okVerdict.WindowStart.Add(-time.Minute)
	require.False(t, f.submit(t, okVerdict).Halted)
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, f.deps.records[1].Status)

	res := f.submit(t, verdict(t, f.other, 1, "1.0.0", fail, false))
	require.True(t, res.Halted)
	require.Equal(t, uint64(4), res.Id)
	rb := f.eventsOf("shiplog.aiops.v1.EventRollbackRequired")
	require.Len(t, rb, 1)
	require.Equal(t, `["1","4"]`, rb[0]["fail_verdict_ids"])
	require.Contains(t, f.deps.records[1].Transitions[len(f.deps.records[1].Transitions)-1].Reason, "halt quorum 2 reached by verdicts [1 4]")
}

func TestSubmitVerdictRejections(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	f.submit(t, verdict(t, f.detector, 4, "1.0.0", pass, false)) // for the duplicate case

	type tc struct {
		name     string
		mutate   func(m *types.MsgSubmitVerdict)
		samples  bool
		class    error
		contains []string
	}
	cases := []tc{
		{"replay: classification differs", func(m *types.MsgSubmitVerdict) {
			m.Metrics[1].Classification = types.METRIC_CLASS_PASS // p99 (sorted second)
		}, true, types.ErrRecomputationMismatch, []string{`metric "p99": classification is Pass, the judge computes High`}},
		{"replay: exact statistic differs", func(m *types.MsgSubmitVerdict) { m.Metrics[0].TwiceU++ }, true,
			types.ErrRecomputationMismatch, []string{`metric "errors": twice_u`}},
		{"replay: sample count differs", func(m *types.MsgSubmitVerdict) { m.Metrics[0].Canary.Count = 3 }, true,
			types.ErrRecomputationMismatch, []string{`metric "errors": canary.count is 3`}},
		{"replay: score differs", func(m *types.MsgSubmitVerdict) { m.Score = 7000; m.Outcome = types.OUTCOME_MARGINAL }, true,
			types.ErrRecomputationMismatch, []string{"score 70.00, recomputed 66.67"}},
		{"replay: evidence digest", func(m *types.MsgSubmitVerdict) { m.Samples[0].Canary[0] = 1 }, true,
			types.ErrEvidenceDigestMismatch, []string{"the samples hash to"}},
		{"replay: samples of an unknown metric", func(m *types.MsgSubmitVerdict) {
			m.Samples = append(m.Samples, types.MetricSamples{Name: "cpu", Baseline: []float64{1}, Canary: []float64{1}})
			m.EvidenceDigest = evidenceOf(t, m.Samples)
		}, true, types.ErrInvalidSamples, []string{`metric "cpu" is not in the config`}},
		{"replay: too many samples per side", func(m *types.MsgSubmitVerdict) {
			m.Samples[0].Canary = series(1, types.MaxSamplesPerSide+1)
		}, true, types.ErrTooManySamples, []string{"1001 canary samples, at most 1000 per side"}},
		{"score only: score differs", func(m *types.MsgSubmitVerdict) { m.Score = 6600 }, false,
			types.ErrInconsistentScore, []string{"score 66.00, recomputed 66.67"}},
		{"score only: outcome differs", func(m *types.MsgSubmitVerdict) { m.Outcome = types.OUTCOME_PASS }, false,
			types.ErrInconsistentScore, []string{"outcome PASS, recomputed MARGINAL"}},
		{"score only: group score differs", func(m *types.MsgSubmitVerdict) { m.Groups[0].Score = 5000 }, false,
			types.ErrInconsistentScore, []string{`group "errors"`}},
		{"score only: impossible classification", func(m *types.MsgSubmitVerdict) {
			m.Metrics[1].Classification = types.METRIC_CLASS_LOW // p99 only fails on increase
		}, false, types.ErrInconsistentScore, []string{`metric "p99": Low contradicts direction increase`}},
		{"score only: metric missing", func(m *types.MsgSubmitVerdict) { m.Metrics = m.Metrics[:1] }, false,
			types.ErrInconsistentScore, []string{`metric "p99" has no outcome`}},
		{"score only: wrong group", func(m *types.MsgSubmitVerdict) { m.Metrics[1].Group = "errors" }, false,
			types.ErrInconsistentScore, []string{`metric "p99": group "errors", but the config puts it in "latency"`}},
		{"config digest", func(m *types.MsgSubmitVerdict) { m.JudgeConfigDigest = digest("other") }, false,
			types.ErrConfigDigestMismatch, []string{"the config hashes to"}},
		{"invalid config", func(m *types.MsgSubmitVerdict) { m.Config.PassScore = 20000 }, false, types.ErrInvalidConfig, nil},
		{"unknown deployment", func(m *types.MsgSubmitVerdict) { m.DeploymentId = 99 }, false,
			types.ErrUnknownDeployment, []string{"deployment 99 does not exist"}},
		{"not a canary", func(m *types.MsgSubmitVerdict) { m.DeploymentId = 2 }, false,
			types.ErrNotCanary, []string{"deployment 2 has strategy rolling"}},
		{"detector not registered", func(m *types.MsgSubmitVerdict) { m.Model.Version = "9.9.9" }, false,
			types.ErrDetectorNotRegistered, []string{"has not registered detector canary-judge version 9.9.9"}},
		{"detector config digest", func(m *types.MsgSubmitVerdict) { m.Model.ConfigDigest = digest("changed") }, false,
			types.ErrDetectorMismatch, []string{"register a new version"}},
		{"duplicate window", func(m *types.MsgSubmitVerdict) { m.DeploymentId = 4 }, false,
			types.ErrDuplicateVerdict, []string{"verdict 1 already judged deployment 4"}},
		{"window after block time", func(m *types.MsgSubmitVerdict) { m.WindowEnd = genesisTime.Add(time.Second) }, false,
			types.ErrInvalidTime, []string{"after the block time"}},
		{"window before the deployment", func(m *types.MsgSubmitVerdict) {
			m.WindowStart, m.WindowEnd = genesisTime.Add(-3*time.Hour), genesisTime.Add(-2*time.Hour)
		}, false, types.ErrInvalidVerdict, []string{"is before deployment 1 was recorded"}},
		{"window reversed", func(m *types.MsgSubmitVerdict) { m.WindowStart = m.WindowEnd }, false,
			types.ErrInvalidTime, []string{"is not before window_end"}},
		{"no phase", func(m *types.MsgSubmitVerdict) { m.Phase = types.PHASE_UNSPECIFIED }, false, types.ErrInvalidVerdict, []string{"phase"}},
		{"no metrics", func(m *types.MsgSubmitVerdict) { m.Metrics = nil }, false, types.ErrInvalidVerdict, []string{"0 metric results"}},
		{"score out of range", func(m *types.MsgSubmitVerdict) { m.Score = 10001 }, false, types.ErrInvalidVerdict, nil},
		{"evidence digest format", func(m *types.MsgSubmitVerdict) { m.EvidenceDigest = "md5:00" }, false, types.ErrInvalidDigest, []string{"evidence_digest"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kind := marginal
			m := verdict(t, f.detector, 1, "1.0.0", kind, c.samples)
			c.mutate(m)
			f.requireRejected(t, m, c.class, c.contains...)
		})
	}
	t.Run("role", func(t *testing.T) {
		f.requireRejected(t, verdict(t, f.deployer, 1, "1.0.0", fail, false), consortiumtypes.ErrMissingRole)
	})
	t.Run("too many samples in all", func(t *testing.T) {
		m := verdict(t, f.detector, 1, "1.0.0", fail, false)
		for i := range 11 {
			m.Samples = append(m.Samples, types.MetricSamples{Name: fmt.Sprint("m", i), Baseline: series(1, 1000), Canary: series(1, 1000)})
		}
		f.requireRejected(t, m, types.ErrTooManySamples, "22000 samples in all, at most 20000")
	})
}

func evidenceOf(t testing.TB, samples []types.MetricSamples) string {
	t.Helper()
	d, err := judgeEvidence(types.JudgeSamples(samples))
	require.NoError(t, err)
	return d
}

// Samples cost gas in proportion to their number.
func TestSampleGas(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	gasOf := func(m *types.MsgSubmitVerdict) uint64 {
		ctx := f.ctx.WithGasMeter(newGasMeter())
		_, err := f.msgs.SubmitVerdict(ctx, m)
		require.NoError(t, err)
		return ctx.GasMeter().GasConsumed()
	}
	without := gasOf(verdict(t, f.detector, 1, "1.0.0", pass, false))
	with := verdict(t, f.detector, 4, "1.0.0", pass, true)
	n := uint64(with.SampleCount())
	require.Equal(t, uint64(160), n)
	require.GreaterOrEqual(t, gasOf(with), without+n*types.DefaultSampleGas)
}

// The order of metric results, group scores and samples in a verdict does
// not matter: the chain compares by name.
func TestVerdictOrderDoesNotMatter(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	for i, withSamples := range []bool{true, false} {
		m := verdict(t, f.detector, 1, "1.0.0", marginal, withSamples)
		m.WindowEnd = m.WindowEnd.Add(time.Duration(i) * time.Second)
		slices.Reverse(m.Metrics)
		slices.Reverse(m.Groups)
		slices.Reverse(m.Samples)
		f.submit(t, m)
	}
}

// A sample beyond the judge's fixed-point range is refused, naming it.
func TestSampleOutOfRange(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	m := verdict(t, f.detector, 1, "1.0.0", pass, true)
	m.Samples[0].Canary[3] = 2e12
	m.EvidenceDigest = evidenceOf(t, m.Samples)
	f.requireRejected(t, m, types.ErrInvalidSamples, "canary sample 3 is 2e+12")
}
