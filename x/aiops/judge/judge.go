package judge

import (
	"fmt"
	"math/big"
	"slices"
)

// MetricSamples are one metric's observations over the analysis window, as
// float64 values straight from the telemetry source. NaN and +-Inf are missing
// values; finite values must satisfy |v| <= MaxAbsSample.
type MetricSamples struct {
	Name     string    `json:"name"`
	Baseline []float64 `json:"baseline"`
	Canary   []float64 `json:"canary"`
}

// Summary describes one side of a metric after missing values and outliers were
// removed. Every float64 here is the correctly rounded value of an exact rational,
// hence identical on every machine.
type Summary struct {
	Count  int     `json:"count"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	Median float64 `json:"median"`
}

// ExactStatistics are the integers a metric's classification was decided from. A
// verifier compares these, never the float64 display fields.
type ExactStatistics struct {
	// TwiceU is 2*U for the canary sample.
	TwiceU int64 `json:"twice_u"`
	// TwiceEffect is 2 * the Hodges-Lehmann shift in fixed-point units (millionths).
	TwiceEffect int64 `json:"twice_effect"`
	// Method is how the p-value was obtained: exact, asymptotic or none.
	Method Method `json:"method"`
}

// MetricResult is the judgement of one metric.
type MetricResult struct {
	Name            string         `json:"name"`
	Group           string         `json:"group"`
	Classification  Classification `json:"classification"`
	CriticalFailure bool           `json:"critical_failure"`
	Reason          string         `json:"reason,omitempty"`
	// Statistic is the Mann-Whitney U of the canary against the baseline
	// (scipy.stats.mannwhitneyu(canary, baseline).statistic).
	Statistic float64 `json:"statistic"`
	// PValue is the two-sided p-value (scipy's method="auto"); 1 when no test ran.
	// Display only: computed with floating point, it decides nothing.
	PValue float64 `json:"p_value"`
	// Effect is the Hodges-Lehmann estimate of canary minus baseline, in sample units.
	Effect float64 `json:"effect"`
	// MeanRatio is canary mean / baseline mean (1 when the baseline mean is 0).
	MeanRatio float64         `json:"mean_ratio"`
	Exact     ExactStatistics `json:"exact"`
	Baseline  Summary         `json:"baseline"`
	Canary    Summary         `json:"canary"`
}

// Result is a whole judgement: metrics sorted by name, then the scorecard.
type Result struct {
	Metrics []MetricResult `json:"metrics"`
	Scorecard
}

// Outcomes returns the per-metric outcomes that Recompute takes.
func (r Result) Outcomes() []MetricOutcome {
	outcomes := make([]MetricOutcome, len(r.Metrics))
	for i, m := range r.Metrics {
		outcomes[i] = MetricOutcome{Name: m.Name, Classification: m.Classification, CriticalFailure: m.CriticalFailure}
	}
	return outcomes
}

// Judge classifies every configured metric from its samples and scores the canary.
// Every configured metric needs exactly one MetricSamples entry; the order of
// entries and of the values inside them does not change the result.
func Judge(cfg Config, samples []MetricSamples) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	normalized := cfg.Normalized()
	bySample, err := matchSamples(normalized, samples)
	if err != nil {
		return Result{}, err
	}
	result := Result{Metrics: make([]MetricResult, len(normalized.Metrics))}
	outcomes := make([]MetricOutcome, len(normalized.Metrics))
	for i, metric := range normalized.Metrics {
		baseline, err := prepare(metric, "baseline", bySample[i].Baseline)
		if err != nil {
			return Result{}, err
		}
		canary, err := prepare(metric, "canary", bySample[i].Canary)
		if err != nil {
			return Result{}, err
		}
		result.Metrics[i] = classifyMetric(normalized, metric, baseline, canary)
		outcomes[i] = MetricOutcome{
			Name:            metric.Name,
			Classification:  result.Metrics[i].Classification,
			CriticalFailure: result.Metrics[i].CriticalFailure,
		}
	}
	result.Scorecard = score(normalized, outcomes)
	return result, nil
}

// matchSamples returns the samples in the normalized config's metric order.
func matchSamples(cfg Config, samples []MetricSamples) ([]MetricSamples, error) {
	index := cfg.metricIndex()
	ordered := make([]MetricSamples, len(cfg.Metrics))
	seen := make([]bool, len(cfg.Metrics))
	for _, s := range samples {
		i, ok := index[s.Name]
		if !ok {
			return nil, samplesError("metric %q is not in the config", s.Name)
		}
		if seen[i] {
			return nil, samplesError("metric %q has samples twice", s.Name)
		}
		seen[i] = true
		ordered[i] = s
	}
	for i, m := range cfg.Metrics {
		if !seen[i] {
			return nil, samplesError("metric %q has no samples", m.Name)
		}
	}
	return ordered, nil
}

func samplesError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidSamples, fmt.Sprintf(format, args...))
}

// prepare applies the NaN strategy, converts to fixed point, sorts and removes
// outliers, as Kayenta's transformMetric does for each side separately.
func prepare(metric MetricConfig, side string, values []float64) ([]int64, error) {
	if len(values) > MaxSamplesPerSide {
		return nil, samplesError("metric %q: %d %s samples, at most %d allowed", metric.Name, len(values), side, MaxSamplesPerSide)
	}
	fixed := make([]int64, 0, len(values))
	for i, v := range values {
		if !usableSample(v) {
			if metric.NaNStrategy == NaNReplace {
				fixed = append(fixed, 0)
			}
			continue
		}
		if v > MaxAbsSample || v < -MaxAbsSample {
			return nil, samplesError("metric %q: %s sample %d is %g, beyond +-%g", metric.Name, side, i, v, MaxAbsSample)
		}
		fixed = append(fixed, toFixed(v))
	}
	slices.Sort(fixed)
	return removeOutliers(fixed), nil
}

// classifyMetric is Kayenta's MannWhitneyClassifier on fixed-point samples. Both
// inputs are sorted ascending.
func classifyMetric(cfg Config, metric MetricConfig, baseline, canary []int64) MetricResult {
	result := MetricResult{
		Name:      metric.Name,
		Group:     metric.Group,
		PValue:    1,
		MeanRatio: 1,
		Exact:     ExactStatistics{Method: MethodNone},
		Baseline:  summarize(baseline),
		Canary:    summarize(canary),
	}
	if len(baseline) == 0 || len(canary) == 0 {
		switch {
		case metric.NaNStrategy == NaNReplace:
			// Kayenta passes an empty metric whose NaNs were to be replaced.
			result.Classification = ClassPass
		case metric.MustHaveData && !metric.Critical:
			result.Classification = ClassNodataFail
			result.Reason = "missing data for a metric that must have data"
		default:
			result.Classification = ClassNodata
			result.CriticalFailure = metric.Critical
			result.Reason = "missing data"
		}
		return result
	}

	test := newMannWhitney(plainKeys(canary), plainKeys(baseline))
	twiceEffect := twiceHodgesLehmann(canary, baseline)
	ratio := meanRatio(canary, baseline)
	result.Statistic = test.U()
	result.PValue = test.PValue()
	result.Effect = ratFloat(fixedRat(big.NewInt(twiceEffect), 2))
	result.MeanRatio = ratFloat(ratio)
	result.Exact = ExactStatistics{TwiceU: test.twiceU, TwiceEffect: twiceEffect, Method: test.method()}
	result.Classification = ClassPass

	if slices.Equal(canary, baseline) {
		result.Reason = "canary and baseline data are identical"
		return result
	}
	if canary[0] == canary[len(canary)-1] && baseline[0] == baseline[len(baseline)-1] && canary[0] == baseline[0] {
		result.Reason = "every value is the same"
		return result
	}

	shift, fractional := toleranceShift(cfg.EffectTolerance, twiceEffect)
	var nudge int8
	if fractional {
		nudge = 1
	}
	alpha := FixedScale - cfg.Confidence
	// High: the confidence interval of the shift lies above +tolerance*|HL|, i.e. the
	// test of canary - tolerance*|HL| against the baseline rejects, canary higher.
	isHigh := metric.Direction != DirectionDecrease &&
		ratioAtLeast(ratio, metric.AllowedIncrease) &&
		rejectsWithCanary(shiftedKeys(canary, -shift, -nudge), baseline, alpha, +1)
	// Low: the interval lies below -tolerance*|HL|.
	isLow := !isHigh && metric.Direction != DirectionIncrease &&
		ratioAtMost(ratio, metric.AllowedDecrease) &&
		rejectsWithCanary(shiftedKeys(canary, shift, nudge), baseline, alpha, -1)

	switch {
	case isHigh:
		result.Classification = ClassHigh
		result.CriticalFailure = metric.Critical && ratioAtLeast(ratio, metric.CriticalIncrease)
		result.Reason = "canary higher than baseline beyond the effect tolerance"
	case isLow:
		result.Classification = ClassLow
		result.CriticalFailure = metric.Critical && ratioAtMost(ratio, metric.CriticalDecrease)
		result.Reason = "canary lower than baseline beyond the effect tolerance"
	}
	return result
}

// rejectsWithCanary runs the two-sided test at level alpha on the (shifted) canary
// and reports a rejection only when the canary lies on the given side (+1 above,
// -1 below) of the baseline.
func rejectsWithCanary(canary []rankKey, baseline []int64, alpha Millionths, side int) bool {
	test := newMannWhitney(canary, plainKeys(baseline))
	above := test.twiceU > test.pairs()
	below := test.twiceU < test.pairs()
	if side > 0 && !above || side < 0 && !below {
		return false
	}
	return test.rejects(alpha)
}

// meanRatio is canary mean / baseline mean as an exact rational, or 1 when the
// baseline mean is 0 (Kayenta's deviation).
func meanRatio(canary, baseline []int64) *big.Rat {
	baselineSum := sum(baseline)
	if baselineSum.Sign() == 0 {
		return big.NewRat(1, 1)
	}
	num := new(big.Int).Mul(sum(canary), big.NewInt(int64(len(baseline))))
	den := new(big.Int).Mul(baselineSum, big.NewInt(int64(len(canary))))
	return new(big.Rat).SetFrac(num, den)
}

func ratioAtLeast(ratio *big.Rat, threshold Millionths) bool {
	return ratio.Cmp(big.NewRat(int64(threshold), FixedScale)) >= 0
}

func ratioAtMost(ratio *big.Rat, threshold Millionths) bool {
	return ratio.Cmp(big.NewRat(int64(threshold), FixedScale)) <= 0
}

func sum(values []int64) *big.Int {
	total := new(big.Int)
	for _, v := range values {
		total.Add(total, big.NewInt(v))
	}
	return total
}

// summarize describes a sorted sample; an empty sample is all zeros.
func summarize(sorted []int64) Summary {
	n := len(sorted)
	if n == 0 {
		return Summary{}
	}
	twiceMedian := new(big.Int).Add(big.NewInt(sorted[(n-1)/2]), big.NewInt(sorted[n/2]))
	return Summary{
		Count:  n,
		Min:    ratFloat(fixedRat(big.NewInt(sorted[0]), 1)),
		Max:    ratFloat(fixedRat(big.NewInt(sorted[n-1]), 1)),
		Mean:   ratFloat(fixedRat(sum(sorted), int64(n))),
		Median: ratFloat(fixedRat(twiceMedian, 2)),
	}
}
