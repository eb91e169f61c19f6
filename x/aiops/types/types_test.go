package types_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

const dg = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

func TestParamsValidate(t *testing.T) {
	require.NoError(t, types.DefaultParams().Validate())
	cases := map[string]func(p *types.Params){
		"quorum 0":        func(p *types.Params) { p.HaltQuorum = 0 },
		"quorum 17":       func(p *types.Params) { p.HaltQuorum = 17 },
		"score negative":  func(p *types.Params) { p.IncidentScore = -1 },
		"score too high":  func(p *types.Params) { p.IncidentScore = 10001 },
		"severity 0":      func(p *types.Params) { p.IncidentSeverity = 0 },
		"severity 5":      func(p *types.Params) { p.IncidentSeverity = 5 },
		"window short":    func(p *types.Params) { p.SuspectWindow = time.Second },
		"window long":     func(p *types.Params) { p.SuspectWindow = 31 * 24 * time.Hour },
		"sample gas 0":    func(p *types.Params) { p.SampleGas = 0 },
		"sample gas huge": func(p *types.Params) { p.SampleGas = types.MaxSampleGas + 1 },
	}
	for name, mutate := range cases {
		p := types.DefaultParams()
		mutate(&p)
		require.ErrorIs(t, p.Validate(), types.ErrInvalidParams, name)
	}
	p := types.DefaultParams()
	require.True(t, p.OpensIncident(8000))
	require.False(t, p.OpensIncident(7999))
	p.IncidentScore = 0
	require.False(t, p.OpensIncident(10000))
}

func TestJudgeConfigRoundTrip(t *testing.T) {
	cfg := judge.Config{
		Confidence: 950_000, EffectTolerance: 100_000, PassScore: 9000, MarginalScore: 7000,
		Groups: []judge.Group{{Name: "a", Weight: 3}},
		Metrics: []judge.MetricConfig{{
			Name: "m", Group: "a", Direction: judge.DirectionDecrease, Critical: true, MustHaveData: true,
			NaNStrategy: judge.NaNReplace, AllowedIncrease: 1_100_000, AllowedDecrease: 900_000,
			CriticalIncrease: 2_000_000, CriticalDecrease: 500_000,
		}},
	}
	require.Equal(t, cfg, types.JudgeConfigFrom(cfg).JudgeConfig())
}

func TestEnums(t *testing.T) {
	for _, c := range []judge.Classification{judge.ClassPass, judge.ClassHigh, judge.ClassLow, judge.ClassNodata, judge.ClassNodataFail} {
		mc := types.MetricClassFrom(c)
		require.NotEqual(t, types.METRIC_CLASS_UNSPECIFIED, mc)
		require.Equal(t, c, mc.JudgeClass())
	}
	require.Equal(t, judge.Classification(""), types.METRIC_CLASS_UNSPECIFIED.JudgeClass())
	require.Equal(t, "nodata_fail", types.METRIC_CLASS_NODATA_FAIL.ShortName())
	for s, want := range map[string]types.Outcome{"fail": types.OUTCOME_FAIL, "PASS": types.OUTCOME_PASS, "OUTCOME_MARGINAL": types.OUTCOME_MARGINAL} {
		got, ok := types.ParseOutcome(s)
		require.True(t, ok, s)
		require.Equal(t, want, got)
	}
	_, ok := types.ParseOutcome("unspecified")
	require.False(t, ok)
	require.Equal(t, "post_deploy", types.PHASE_POST_DEPLOY.ShortName())
	require.Equal(t, types.OUTCOME_MARGINAL, types.OutcomeFrom(judge.VerdictMarginal))
}

func TestRegisterDetectorValidate(t *testing.T) {
	ok := types.MsgRegisterDetector{Detector: "x", Name: "canary-judge", Version: "1.0.0", ConfigDigest: dg}
	require.NoError(t, ok.Validate())
	for name, c := range map[string]struct {
		mutate func(m *types.MsgRegisterDetector)
		class  error
	}{
		"name":        {func(m *types.MsgRegisterDetector) { m.Name = "" }, types.ErrInvalidDetector},
		"long name":   {func(m *types.MsgRegisterDetector) { m.Name = strings.Repeat("a", 65) }, types.ErrInvalidDetector},
		"version":     {func(m *types.MsgRegisterDetector) { m.Version = "1\x00" }, types.ErrInvalidDetector},
		"digest":      {func(m *types.MsgRegisterDetector) { m.ConfigDigest = "sha512:00" }, types.ErrInvalidDigest},
		"description": {func(m *types.MsgRegisterDetector) { m.Description = strings.Repeat("d", 513) }, types.ErrInvalidDetector},
	} {
		m := ok
		c.mutate(&m)
		require.ErrorIs(t, m.Validate(), c.class, name)
	}
	var nilMsg *types.MsgRegisterDetector
	require.ErrorIs(t, nilMsg.Validate(), types.ErrInvalidDetector)
}

func TestSampleBounds(t *testing.T) {
	side := make([]float64, types.MaxSamplesPerSide)
	require.NoError(t, types.ValidateSampleBounds([]types.MetricSamples{{Name: "a", Baseline: side, Canary: side}}))
	require.ErrorIs(t, types.ValidateSampleBounds([]types.MetricSamples{{Name: "a", Baseline: append(side, 1)}}), types.ErrTooManySamples)
	many := make([]types.MetricSamples, types.MaxVerdictMetrics+1)
	require.ErrorIs(t, types.ValidateSampleBounds(many), types.ErrTooManySamples)
	m := &types.MsgSubmitVerdict{Samples: []types.MetricSamples{{Baseline: []float64{1, 2}, Canary: []float64{3}}}}
	require.Equal(t, 3, m.SampleCount())
}

func TestAnomalyReference(t *testing.T) {
	require.Equal(t, "anomaly:12", types.AnomalyReference(12))
	require.Equal(t, "sha256:"+strings.Repeat("00", 32), types.DigestString([32]byte{}))
}
