package types

import (
	"encoding/hex"
	"strings"

	"github.com/shiplog/shiplog/x/aiops/judge"
)

// MaxScore is a perfect score, 100.00 in hundredths.
const MaxScore = int64(judge.MaxScore)

// DigestString prints a sha256 digest as "sha256:<hex>".
func DigestString(d [32]byte) string { return "sha256:" + hex.EncodeToString(d[:]) }

// JudgeConfig converts the on-chain config to the judge's.
func (c JudgeConfig) JudgeConfig() judge.Config {
	out := judge.Config{
		Confidence:      judge.Millionths(c.Confidence),
		EffectTolerance: judge.Millionths(c.EffectTolerance),
		PassScore:       judge.Score(c.PassScore),
		MarginalScore:   judge.Score(c.MarginalScore),
		Groups:          make([]judge.Group, len(c.Groups)),
		Metrics:         make([]judge.MetricConfig, len(c.Metrics)),
	}
	for i, g := range c.Groups {
		out.Groups[i] = judge.Group{Name: g.Name, Weight: g.Weight}
	}
	for i, m := range c.Metrics {
		out.Metrics[i] = judge.MetricConfig{
			Name:             m.Name,
			Group:            m.Group,
			Direction:        judge.Direction(m.Direction),
			Critical:         m.Critical,
			MustHaveData:     m.MustHaveData,
			NaNStrategy:      judge.NaNStrategy(m.NanStrategy),
			AllowedIncrease:  judge.Millionths(m.AllowedIncrease),
			AllowedDecrease:  judge.Millionths(m.AllowedDecrease),
			CriticalIncrease: judge.Millionths(m.CriticalIncrease),
			CriticalDecrease: judge.Millionths(m.CriticalDecrease),
		}
	}
	return out
}

// JudgeConfigFrom converts a judge config to its on-chain form.
func JudgeConfigFrom(c judge.Config) JudgeConfig {
	out := JudgeConfig{
		Confidence:      int64(c.Confidence),
		EffectTolerance: int64(c.EffectTolerance),
		PassScore:       int64(c.PassScore),
		MarginalScore:   int64(c.MarginalScore),
	}
	for _, g := range c.Groups {
		out.Groups = append(out.Groups, JudgeGroup{Name: g.Name, Weight: g.Weight})
	}
	for _, m := range c.Metrics {
		out.Metrics = append(out.Metrics, JudgeMetric{
			Name:             m.Name,
			Group:            m.Group,
			Direction:        string(m.Direction),
			Critical:         m.Critical,
			MustHaveData:     m.MustHaveData,
			NanStrategy:      string(m.NaNStrategy),
			AllowedIncrease:  int64(m.AllowedIncrease),
			AllowedDecrease:  int64(m.AllowedDecrease),
			CriticalIncrease: int64(m.CriticalIncrease),
			CriticalDecrease: int64(m.CriticalDecrease),
		})
	}
	return out
}

// classPairs lists the judge classification of each metric class.
var classPairs = []struct {
	judge judge.Classification
	class MetricClass
}{
	{judge.ClassPass, METRIC_CLASS_PASS},
	{judge.ClassHigh, METRIC_CLASS_HIGH},
	{judge.ClassLow, METRIC_CLASS_LOW},
	{judge.ClassNodata, METRIC_CLASS_NODATA},
	{judge.ClassNodataFail, METRIC_CLASS_NODATA_FAIL},
}

// MetricClassFrom converts a judge classification (unspecified if unknown).
func MetricClassFrom(c judge.Classification) MetricClass {
	for _, p := range classPairs {
		if p.judge == c {
			return p.class
		}
	}
	return METRIC_CLASS_UNSPECIFIED
}

// JudgeClass converts to the judge's classification ("" if unspecified).
func (c MetricClass) JudgeClass() judge.Classification {
	for _, p := range classPairs {
		if p.class == c {
			return p.judge
		}
	}
	return ""
}

// ShortName is the lowercase name ("nodata_fail").
func (c MetricClass) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(c.String(), "METRIC_CLASS_"))
}

// OutcomeFrom converts a judge verdict.
func OutcomeFrom(v judge.Verdict) Outcome {
	switch v {
	case judge.VerdictPass:
		return OUTCOME_PASS
	case judge.VerdictMarginal:
		return OUTCOME_MARGINAL
	case judge.VerdictFail:
		return OUTCOME_FAIL
	}
	return OUTCOME_UNSPECIFIED
}

// IsSet reports whether o is PASS, MARGINAL or FAIL.
func (o Outcome) IsSet() bool {
	return o == OUTCOME_PASS || o == OUTCOME_MARGINAL || o == OUTCOME_FAIL
}

// ShortName is the upper-case verdict name ("FAIL").
func (o Outcome) ShortName() string { return strings.TrimPrefix(o.String(), "OUTCOME_") }

// ParseOutcome accepts "fail", "FAIL" or "OUTCOME_FAIL".
func ParseOutcome(s string) (Outcome, bool) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "OUTCOME_") {
		name = "OUTCOME_" + name
	}
	v, ok := Outcome_value[name]
	if !ok || !Outcome(v).IsSet() {
		return OUTCOME_UNSPECIFIED, false
	}
	return Outcome(v), true
}

// IsSet reports whether p is canary or post_deploy.
func (p Phase) IsSet() bool { return p == PHASE_CANARY || p == PHASE_POST_DEPLOY }

// ShortName is the lowercase name ("post_deploy").
func (p Phase) ShortName() string { return strings.ToLower(strings.TrimPrefix(p.String(), "PHASE_")) }

// Outcomes returns the per-metric outcomes Recompute takes.
func Outcomes(metrics []MetricResult) []judge.MetricOutcome {
	out := make([]judge.MetricOutcome, len(metrics))
	for i, m := range metrics {
		out[i] = judge.MetricOutcome{Name: m.Name, Classification: m.Classification.JudgeClass(), CriticalFailure: m.CriticalFailure}
	}
	return out
}

// JudgeSamples converts submitted samples.
func JudgeSamples(samples []MetricSamples) []judge.MetricSamples {
	out := make([]judge.MetricSamples, len(samples))
	for i, s := range samples {
		out[i] = judge.MetricSamples{Name: s.Name, Baseline: s.Baseline, Canary: s.Canary}
	}
	return out
}

// MetricResultsFrom converts the judge's per-metric results.
func MetricResultsFrom(results []judge.MetricResult) []MetricResult {
	out := make([]MetricResult, len(results))
	for i, r := range results {
		out[i] = MetricResult{
			Name:            r.Name,
			Group:           r.Group,
			Classification:  MetricClassFrom(r.Classification),
			CriticalFailure: r.CriticalFailure,
			Statistic:       r.Statistic,
			PValue:          r.PValue,
			Effect:          r.Effect,
			MeanRatio:       r.MeanRatio,
			TwiceU:          r.Exact.TwiceU,
			TwiceEffect:     r.Exact.TwiceEffect,
			Method:          string(r.Exact.Method),
			Baseline:        summaryFrom(r.Baseline),
			Canary:          summaryFrom(r.Canary),
			Reason:          r.Reason,
		}
	}
	return out
}

func summaryFrom(s judge.Summary) Summary {
	return Summary{Count: int64(s.Count), Min: s.Min, Max: s.Max, Mean: s.Mean, Median: s.Median}
}

// GroupScoresFrom converts the judge's group scores.
func GroupScoresFrom(groups []judge.GroupScore) []GroupScore {
	out := make([]GroupScore, len(groups))
	for i, g := range groups {
		out[i] = GroupScore{Name: g.Name, Weight: g.Weight, Score: int64(g.Score), NoData: g.NoData}
	}
	return out
}

// SetResult fills a MsgSubmitVerdict's judgement fields from a judge
// result: what the agent submits and what the chain recomputes.
func (m *MsgSubmitVerdict) SetResult(r judge.Result) {
	m.Metrics = MetricResultsFrom(r.Metrics)
	m.Groups = GroupScoresFrom(r.Groups)
	m.Score = int64(r.Score)
	m.Outcome = OutcomeFrom(r.Verdict)
	m.Reason = r.Reason
}
