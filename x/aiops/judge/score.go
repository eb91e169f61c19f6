package judge

import (
	"fmt"
	"math/big"
)

// Score is a canary or group score in hundredths of a point: 10000 is 100.00.
type Score int64

// MaxScore is a perfect score, 100.00.
const MaxScore Score = 10_000

func (s Score) String() string {
	sign := ""
	if s < 0 {
		sign, s = "-", -s
	}
	return fmt.Sprintf("%s%d.%02d", sign, s/100, s%100)
}

// Classification is the outcome for one metric.
type Classification string

const (
	ClassPass   Classification = "Pass"
	ClassHigh   Classification = "High"
	ClassLow    Classification = "Low"
	ClassNodata Classification = "Nodata"
	// ClassNodataFail is missing data for a metric that must have data: it counts as
	// a failure in its group score (Kayenta's NodataFailMetric).
	ClassNodataFail Classification = "NodataFail"
)

// Verdict is the outcome for the canary.
type Verdict string

const (
	VerdictPass     Verdict = "PASS"
	VerdictMarginal Verdict = "MARGINAL"
	VerdictFail     Verdict = "FAIL"
)

// nodataFailShare: when this share (in percent) of the metrics or more have no
// data, the canary fails (Kayenta's NODATA_THRESHOLD).
const nodataFailShare = 50

// MetricOutcome is what the score is computed from: one metric's classification
// and whether it fails the canary as a critical metric.
type MetricOutcome struct {
	Name            string         `json:"name"`
	Classification  Classification `json:"classification"`
	CriticalFailure bool           `json:"critical_failure"`
}

// GroupScore is the share of a group's metrics that passed.
type GroupScore struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight"`
	// Score is the share of passing metrics among those with a result (pass, high,
	// low, nodata-fail), rounded half up to hundredths; 0 when NoData.
	Score Score `json:"score_hundredths"`
	// NoData: no metric of the group had a result; the group then counts as 100 in
	// the final score, as in Kayenta.
	NoData     bool `json:"no_data"`
	Pass       int  `json:"pass"`
	High       int  `json:"high"`
	Low        int  `json:"low"`
	Nodata     int  `json:"nodata"`
	NodataFail int  `json:"nodata_fail"`
}

// Scorecard is the canary-level result.
type Scorecard struct {
	Groups []GroupScore `json:"groups"`
	// Score is sum(weight * group share) / sum(weight), rounded half up to
	// hundredths of a point; 0 when a critical metric failed or too many metrics
	// had no data.
	Score         Score   `json:"score_hundredths"`
	Verdict       Verdict `json:"verdict"`
	Reason        string  `json:"reason,omitempty"`
	PassScore     Score   `json:"pass_score_hundredths"`
	MarginalScore Score   `json:"marginal_score_hundredths"`
}

// Recompute derives the scorecard from per-metric outcomes alone, the check the
// chain runs on a verdict submitted without samples. Every configured metric must
// have exactly one outcome, and each outcome must be one the judge could produce
// for that metric's configuration. Judge uses the same function, so a correct
// verdict always recomputes to itself.
func Recompute(cfg Config, outcomes []MetricOutcome) (Scorecard, error) {
	if err := cfg.Validate(); err != nil {
		return Scorecard{}, err
	}
	normalized := cfg.Normalized()
	ordered, err := orderOutcomes(normalized, outcomes)
	if err != nil {
		return Scorecard{}, err
	}
	return score(normalized, ordered), nil
}

// orderOutcomes checks outcomes against the config and returns them in the
// normalized config's metric order.
func orderOutcomes(cfg Config, outcomes []MetricOutcome) ([]MetricOutcome, error) {
	index := cfg.metricIndex()
	ordered := make([]MetricOutcome, len(cfg.Metrics))
	seen := make([]bool, len(cfg.Metrics))
	for _, o := range outcomes {
		i, ok := index[o.Name]
		if !ok {
			return nil, outcomeError("metric %q is not in the config", o.Name)
		}
		if seen[i] {
			return nil, outcomeError("metric %q has two outcomes", o.Name)
		}
		seen[i] = true
		metric := cfg.Metrics[i]
		switch o.Classification {
		case ClassPass, ClassHigh, ClassLow, ClassNodata, ClassNodataFail:
		default:
			return nil, outcomeError("metric %q: unknown classification %q", o.Name, o.Classification)
		}
		if o.Classification == ClassNodataFail && (!metric.MustHaveData || metric.Critical) {
			return nil, outcomeError("metric %q: %s is only possible for a non-critical metric that must have data", o.Name, ClassNodataFail)
		}
		if o.Classification == ClassNodata && metric.MustHaveData && !metric.Critical {
			return nil, outcomeError("metric %q must have data: missing data is %s, not %s", o.Name, ClassNodataFail, ClassNodata)
		}
		if o.Classification == ClassHigh && metric.Direction == DirectionDecrease ||
			o.Classification == ClassLow && metric.Direction == DirectionIncrease {
			return nil, outcomeError("metric %q: %s contradicts direction %s", o.Name, o.Classification, metric.Direction)
		}
		if metric.NaNStrategy == NaNReplace && (o.Classification == ClassNodata || o.Classification == ClassNodataFail) {
			return nil, outcomeError("metric %q replaces missing values: it always has data", o.Name)
		}
		if o.CriticalFailure && !metric.Critical {
			return nil, outcomeError("metric %q: critical failure on a metric that is not critical", o.Name)
		}
		if o.Classification == ClassNodata && metric.Critical && !o.CriticalFailure {
			return nil, outcomeError("metric %q: missing data on a critical metric is a critical failure", o.Name)
		}
		if o.CriticalFailure && o.Classification == ClassPass {
			return nil, outcomeError("metric %q: a passing metric cannot fail critically", o.Name)
		}
		ordered[i] = o
	}
	for i, m := range cfg.Metrics {
		if !seen[i] {
			return nil, outcomeError("metric %q has no outcome", m.Name)
		}
	}
	return ordered, nil
}

func outcomeError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidOutcomes, fmt.Sprintf(format, args...))
}

// score is Kayenta's WeightedSumScorer and ThresholdScoreClassifier with exact
// rational arithmetic. outcomes are in cfg.Metrics order.
func score(cfg Config, outcomes []MetricOutcome) Scorecard {
	card := Scorecard{PassScore: cfg.PassScore, MarginalScore: cfg.MarginalScore}
	groupIndex := make(map[string]int, len(cfg.Groups))
	for i, g := range cfg.Groups {
		groupIndex[g.Name] = i
		card.Groups = append(card.Groups, GroupScore{Name: g.Name, Weight: g.Weight})
	}
	nodata := 0
	firstCritical := ""
	for i, o := range outcomes {
		group := &card.Groups[groupIndex[cfg.Metrics[i].Group]]
		switch o.Classification {
		case ClassPass:
			group.Pass++
		case ClassHigh:
			group.High++
		case ClassLow:
			group.Low++
		case ClassNodata:
			group.Nodata++
			nodata++
		case ClassNodataFail:
			group.NodataFail++
		}
		if o.CriticalFailure && firstCritical == "" {
			firstCritical = fmt.Sprintf("critical metric %q classified %s", o.Name, o.Classification)
		}
	}

	// summary = sum_g weight_g * share_g / sum_g weight_g, share_g = pass/judged or 1.
	summary := new(big.Rat)
	var totalWeight int64
	for i := range card.Groups {
		group := &card.Groups[i]
		judged := group.Pass + group.High + group.Low + group.NodataFail
		share := big.NewRat(1, 1)
		if judged == 0 {
			group.NoData = true
		} else {
			share = big.NewRat(int64(group.Pass), int64(judged))
			group.Score = roundScore(share)
		}
		summary.Add(summary, new(big.Rat).Mul(share, big.NewRat(group.Weight, 1)))
		totalWeight += group.Weight
	}
	summary.Quo(summary, big.NewRat(totalWeight, 1))

	switch {
	case firstCritical != "":
		card.Verdict, card.Reason = VerdictFail, firstCritical
	case 100*nodata >= nodataFailShare*len(outcomes):
		card.Verdict = VerdictFail
		card.Reason = fmt.Sprintf("%d of %d metrics had no data (%d%% or more)", nodata, len(outcomes), nodataFailShare)
	default:
		card.Score = roundScore(summary)
		card.Verdict = classifyScore(card.Score, cfg.PassScore, cfg.MarginalScore)
	}
	return card
}

// roundScore turns a share in [0, 1] into hundredths of a point, rounding half up.
func roundScore(share *big.Rat) Score {
	scaled := new(big.Rat).Mul(share, big.NewRat(int64(MaxScore), 1))
	// floor(scaled + 1/2) = floor((2*num + den) / (2*den)) for non-negative values
	num := new(big.Int).Mul(scaled.Num(), big.NewInt(2))
	num.Add(num, scaled.Denom())
	den := new(big.Int).Mul(scaled.Denom(), big.NewInt(2))
	return Score(new(big.Int).Quo(num, den).Int64())
}

func classifyScore(s, pass, marginal Score) Verdict {
	switch {
	case s >= pass:
		return VerdictPass
	case s >= marginal:
		return VerdictMarginal
	}
	return VerdictFail
}
