package keeper

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

// verifyVerdict checks a verdict's judgement against the chain's own
// computation and returns how it was checked. With samples it re-runs the
// judge and compares every exact field; without, it recomputes the group
// scores, score and outcome from the per-metric classifications. No
// decision depends on a floating-point value: p-values, statistics and
// summary values are display only and never compared.
func verifyVerdict(msg *types.MsgSubmitVerdict) (types.Verification, error) {
	cfg := msg.Config.JudgeConfig()
	digest, err := judge.ConfigDigest(cfg)
	if err != nil {
		return 0, errorsmod.Wrap(types.ErrInvalidConfig, err.Error())
	}
	if got := types.DigestString(digest); got != msg.JudgeConfigDigest {
		return 0, errorsmod.Wrapf(types.ErrConfigDigestMismatch, "judge_config_digest is %s but the config hashes to %s", msg.JudgeConfigDigest, got)
	}
	if err := checkMetricGroups(cfg.Normalized(), msg.Metrics); err != nil {
		return 0, err
	}
	if len(msg.Samples) == 0 {
		card, err := judge.Recompute(cfg, types.Outcomes(msg.Metrics))
		if err != nil {
			return 0, errorsmod.Wrap(types.ErrInconsistentScore, err.Error())
		}
		if err := compareScorecard(types.ErrInconsistentScore, card, msg); err != nil {
			return 0, err
		}
		return types.VERIFICATION_SCORE_ONLY, nil
	}

	samples := types.JudgeSamples(msg.Samples)
	evidence, err := judge.EvidenceDigest(samples)
	if err != nil {
		return 0, errorsmod.Wrap(types.ErrInvalidSamples, err.Error())
	}
	if got := types.DigestString(evidence); got != msg.EvidenceDigest {
		return 0, errorsmod.Wrapf(types.ErrEvidenceDigestMismatch, "evidence_digest is %s but the samples hash to %s", msg.EvidenceDigest, got)
	}
	result, err := judge.Judge(cfg, samples)
	if err != nil {
		if errors.Is(err, judge.ErrInvalidSamples) {
			return 0, errorsmod.Wrap(types.ErrInvalidSamples, err.Error())
		}
		return 0, errorsmod.Wrap(types.ErrInvalidConfig, err.Error())
	}
	if err := compareMetrics(result.Metrics, msg.Metrics); err != nil {
		return 0, err
	}
	if err := compareScorecard(types.ErrRecomputationMismatch, result.Scorecard, msg); err != nil {
		return 0, err
	}
	return types.VERIFICATION_REPLAYED, nil
}

// checkMetricGroups requires each submitted metric to name the group the
// config puts it in (Recompute reads the group from the config).
func checkMetricGroups(cfg judge.Config, metrics []types.MetricResult) error {
	for _, m := range metrics {
		i := slices.IndexFunc(cfg.Metrics, func(c judge.MetricConfig) bool { return c.Name == m.Name })
		if i < 0 {
			return errorsmod.Wrapf(types.ErrInconsistentScore, "metric %q is not in the config", m.Name)
		}
		if cfg.Metrics[i].Group != m.Group {
			return errorsmod.Wrapf(types.ErrInconsistentScore, "metric %q: group %q, but the config puts it in %q", m.Name, m.Group, cfg.Metrics[i].Group)
		}
	}
	return nil
}

// compareMetrics compares the submitted per-metric results with the
// recomputed ones (sorted by name) and names the first metric that differs.
func compareMetrics(want []judge.MetricResult, got []types.MetricResult) error {
	sorted := slices.Clone(got)
	slices.SortStableFunc(sorted, func(a, b types.MetricResult) int { return strings.Compare(a.Name, b.Name) })
	for i, w := range want {
		if i >= len(sorted) || sorted[i].Name != w.Name {
			return errorsmod.Wrapf(types.ErrRecomputationMismatch, "metric %q: no submitted result", w.Name)
		}
		g := sorted[i]
		diffs := []struct {
			field     string
			got, want any
		}{
			{"classification", g.Classification.JudgeClass(), w.Classification},
			{"critical_failure", g.CriticalFailure, w.CriticalFailure},
			{"twice_u", g.TwiceU, w.Exact.TwiceU},
			{"twice_effect", g.TwiceEffect, w.Exact.TwiceEffect},
			{"method", g.Method, string(w.Exact.Method)},
			{"baseline.count", g.Baseline.Count, int64(w.Baseline.Count)},
			{"canary.count", g.Canary.Count, int64(w.Canary.Count)},
		}
		for _, d := range diffs {
			if d.got != d.want {
				return errorsmod.Wrapf(types.ErrRecomputationMismatch, "metric %q: %s is %v, the judge computes %v", w.Name, d.field, d.got, d.want)
			}
		}
	}
	if len(sorted) > len(want) {
		return errorsmod.Wrapf(types.ErrRecomputationMismatch, "metric %q: not in the config", sorted[len(want)].Name)
	}
	return nil
}

// compareScorecard compares group scores (by name), score and outcome.
func compareScorecard(class *errorsmod.Error, card judge.Scorecard, msg *types.MsgSubmitVerdict) error {
	groups := slices.Clone(msg.Groups)
	slices.SortStableFunc(groups, func(a, b types.GroupScore) int { return strings.Compare(a.Name, b.Name) })
	want := slices.Clone(card.Groups)
	slices.SortStableFunc(want, func(a, b judge.GroupScore) int { return cmp.Compare(a.Name, b.Name) })
	if len(groups) != len(want) {
		return errorsmod.Wrapf(class, "%d group scores submitted, the config has %d groups", len(groups), len(want))
	}
	for i, w := range want {
		g := groups[i]
		if g.Name != w.Name {
			return errorsmod.Wrapf(class, "group %q: no submitted score", w.Name)
		}
		if g.Weight != w.Weight || g.Score != int64(w.Score) || g.NoData != w.NoData {
			return errorsmod.Wrapf(class, "group %q: weight %d score %s no_data %t, recomputed weight %d score %s no_data %t",
				w.Name, g.Weight, judge.Score(g.Score), g.NoData, w.Weight, w.Score, w.NoData)
		}
	}
	if msg.Score != int64(card.Score) {
		return errorsmod.Wrapf(class, "score %s, recomputed %s", judge.Score(msg.Score), card.Score)
	}
	if outcome := types.OutcomeFrom(card.Verdict); msg.Outcome != outcome {
		return errorsmod.Wrapf(class, "outcome %s, recomputed %s%s", msg.Outcome.ShortName(), outcome.ShortName(), reasonSuffix(card.Reason))
	}
	return nil
}

func reasonSuffix(reason string) string {
	if reason == "" {
		return ""
	}
	return fmt.Sprintf(" (%s)", reason)
}
