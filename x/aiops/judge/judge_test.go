package judge

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// normalSamples draws n values around mean with a fixed seed, rounded to 1e-3 so
// that the samples are exactly what the judge sees.
func normalSamples(seed uint64, n int, mean, stddev float64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	values := make([]float64, n)
	for i := range values {
		values[i] = math.Round((mean+stddev*rng.NormFloat64())*1000) / 1000
	}
	return values
}

func oneMetricConfig(m MetricConfig) Config {
	if m.Name == "" {
		m.Name = "latency"
	}
	if m.Group == "" {
		m.Group = "performance"
	}
	return Config{
		PassScore:     9500,
		MarginalScore: 7500,
		Groups:        []Group{{Name: m.Group, Weight: 100}},
		Metrics:       []MetricConfig{m},
	}
}

func judgeOne(t *testing.T, m MetricConfig, baseline, canary []float64) (MetricResult, Result) {
	t.Helper()
	cfg := oneMetricConfig(m)
	result, err := Judge(cfg, []MetricSamples{{Name: cfg.Metrics[0].Name, Baseline: baseline, Canary: canary}})
	if err != nil {
		t.Fatal(err)
	}
	return result.Metrics[0], result
}

func TestDirectionDecidesWhichChangeFails(t *testing.T) {
	baseline := normalSamples(1, 120, 100, 5)
	higher := normalSamples(2, 120, 130, 5)
	lower := normalSamples(3, 120, 70, 5)
	cases := []struct {
		name      string
		direction Direction
		canary    []float64
		want      Classification
	}{
		{"either, higher", DirectionEither, higher, ClassHigh},
		{"either, lower", DirectionEither, lower, ClassLow},
		{"default is either", "", higher, ClassHigh},
		{"increase, higher", DirectionIncrease, higher, ClassHigh},
		{"increase, lower", DirectionIncrease, lower, ClassPass},
		{"decrease, higher", DirectionDecrease, higher, ClassPass},
		{"decrease, lower", DirectionDecrease, lower, ClassLow},
		{"either, same distribution", DirectionEither, normalSamples(4, 120, 100, 5), ClassPass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, result := judgeOne(t, MetricConfig{Direction: c.direction}, baseline, c.canary)
			if got.Classification != c.want {
				t.Fatalf("classification %s, want %s (p %.3g, effect %g)", got.Classification, c.want, got.PValue, got.Effect)
			}
			wantVerdict := VerdictPass
			if c.want != ClassPass {
				wantVerdict = VerdictFail
			}
			if result.Verdict != wantVerdict {
				t.Errorf("verdict %s, want %s", result.Verdict, wantVerdict)
			}
		})
	}
}

func TestEffectToleranceAndRatioThresholds(t *testing.T) {
	baseline := normalSamples(10, 200, 100, 2)
	canary := normalSamples(11, 200, 110, 2) // clearly 10% higher
	cases := []struct {
		name   string
		metric MetricConfig
		want   Classification
	}{
		{"defaults", MetricConfig{}, ClassHigh},
		{"allowed increase 1.2 tolerates 10%", MetricConfig{AllowedIncrease: 1_200_000}, ClassPass},
		{"allowed increase 1.05 does not", MetricConfig{AllowedIncrease: 1_050_000}, ClassHigh},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, _ := judgeOne(t, c.metric, baseline, canary)
			if got.Classification != c.want {
				t.Fatalf("classification %s, want %s (mean ratio %g)", got.Classification, c.want, got.MeanRatio)
			}
		})
	}

	// Small noisy samples: the shift is significant at 0.98 but its confidence
	// interval reaches below 25% of the estimate, so the metric passes; with a
	// tolerance of one millionth the plain significance decides.
	small := []float64{10, 11, 12, 13, 14, 15, 16, 17, 18, 19}
	shifted := []float64{15, 16, 17, 18, 19, 20, 21, 22, 23, 24}
	got, _ := judgeOne(t, MetricConfig{}, small, shifted)
	if got.Classification != ClassPass {
		t.Errorf("tolerance 0.25: %s, want %s (p %.4g)", got.Classification, ClassPass, got.PValue)
	}
	cfg := oneMetricConfig(MetricConfig{})
	cfg.EffectTolerance = 1
	result, err := Judge(cfg, []MetricSamples{{Name: "latency", Baseline: small, Canary: shifted}})
	if err != nil {
		t.Fatal(err)
	}
	if got := result.Metrics[0]; got.PValue > 0.02 || got.Classification != ClassHigh {
		t.Errorf("tolerance 1e-6: %s with p %.4g, want %s with p <= 0.02", got.Classification, got.PValue, ClassHigh)
	}
}

func TestCriticalMetrics(t *testing.T) {
	baseline := normalSamples(20, 100, 50, 3)
	canary := normalSamples(21, 100, 60, 3) // ratio about 1.2
	cfg := Config{
		PassScore:     5000,
		MarginalScore: 2500,
		Groups:        []Group{{Name: "errors", Weight: 1}, {Name: "latency", Weight: 1}},
		Metrics: []MetricConfig{
			{Name: "error_rate", Group: "errors", Critical: true},
			{Name: "p50", Group: "latency"},
			{Name: "p99", Group: "latency"},
		},
	}
	healthy := normalSamples(22, 100, 50, 3)
	samples := []MetricSamples{
		{Name: "error_rate", Baseline: baseline, Canary: canary},
		{Name: "p50", Baseline: baseline, Canary: healthy},
		{Name: "p99", Baseline: baseline, Canary: healthy},
	}
	result, err := Judge(cfg, samples)
	if err != nil {
		t.Fatal(err)
	}
	errorRate := result.Metrics[0]
	if errorRate.Classification != ClassHigh || !errorRate.CriticalFailure {
		t.Fatalf("error_rate: %s critical=%v, want High and a critical failure", errorRate.Classification, errorRate.CriticalFailure)
	}
	// Without the critical flag the score would be (0 + 1)/2 = 50.00, a pass.
	if result.Verdict != VerdictFail || result.Score != 0 || !strings.Contains(result.Reason, "error_rate") {
		t.Errorf("verdict %s score %s reason %q, want FAIL 0.00 naming error_rate", result.Verdict, result.Score, result.Reason)
	}

	// A critical increase of 1.5 is not reached by a 1.2 ratio: High, not critical.
	cfg.Metrics[0].CriticalIncrease = 1_500_000
	result, err = Judge(cfg, samples)
	if err != nil {
		t.Fatal(err)
	}
	if m := result.Metrics[0]; m.Classification != ClassHigh || m.CriticalFailure {
		t.Errorf("with critical increase 1.5: %s critical=%v, want High, not critical", m.Classification, m.CriticalFailure)
	}
	if result.Verdict != VerdictPass || result.Score != 5000 {
		t.Errorf("verdict %s score %s, want PASS 50.00", result.Verdict, result.Score)
	}
}

func TestMissingData(t *testing.T) {
	nan := math.NaN()
	values := normalSamples(30, 40, 10, 1)
	cases := []struct {
		name     string
		metric   MetricConfig
		baseline []float64
		canary   []float64
		want     Classification
		critical bool
		verdict  Verdict
	}{
		{"no canary samples", MetricConfig{}, values, nil, ClassNodata, false, VerdictFail},
		{"only NaN and Inf", MetricConfig{}, values, []float64{nan, math.Inf(1), math.Inf(-1)}, ClassNodata, false, VerdictFail},
		{"critical without data", MetricConfig{Critical: true}, nil, values, ClassNodata, true, VerdictFail},
		{"must have data", MetricConfig{MustHaveData: true}, values, []float64{nan}, ClassNodataFail, false, VerdictFail},
		{"replace strategy with no samples passes", MetricConfig{NaNStrategy: NaNReplace}, values, nil, ClassPass, false, VerdictPass},
		{"NaNs removed, rest judged", MetricConfig{}, values, append(slices.Clone(values), nan, nan), ClassPass, false, VerdictPass},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, result := judgeOne(t, c.metric, c.baseline, c.canary)
			if got.Classification != c.want || got.CriticalFailure != c.critical || result.Verdict != c.verdict {
				t.Fatalf("%s critical=%v verdict %s; want %s critical=%v verdict %s",
					got.Classification, got.CriticalFailure, result.Verdict, c.want, c.critical, c.verdict)
			}
		})
	}

	// Replace turns NaN into 0: a canary full of zeros is low.
	allNaN := slices.Repeat([]float64{nan}, 40)
	got, _ := judgeOne(t, MetricConfig{NaNStrategy: NaNReplace}, values, allNaN)
	if got.Classification != ClassLow || got.Canary.Count != 40 || got.Canary.Max != 0 {
		t.Errorf("replace: %s with canary %+v, want Low over 40 zeros", got.Classification, got.Canary)
	}
}

func TestTooManyMetricsWithoutData(t *testing.T) {
	cfg := Config{
		PassScore: 9000, MarginalScore: 5000,
		Groups: []Group{{Name: "g", Weight: 1}},
		Metrics: []MetricConfig{
			{Name: "a", Group: "g"}, {Name: "b", Group: "g"},
			{Name: "c", Group: "g"}, {Name: "d", Group: "g"},
		},
	}
	outcomes := []MetricOutcome{
		{Name: "a", Classification: ClassPass}, {Name: "b", Classification: ClassPass},
		{Name: "c", Classification: ClassNodata}, {Name: "d", Classification: ClassPass},
	}
	card, err := Recompute(cfg, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if card.Verdict != VerdictPass || card.Score != MaxScore {
		t.Errorf("one of four without data: %s %s, want PASS 100.00 (nodata left out)", card.Verdict, card.Score)
	}
	outcomes[0].Classification = ClassNodata
	card, err = Recompute(cfg, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if card.Verdict != VerdictFail || card.Score != 0 || !strings.Contains(card.Reason, "no data") {
		t.Errorf("two of four without data: %s %s %q, want FAIL 0.00", card.Verdict, card.Score, card.Reason)
	}
}

func TestGroupWeightsAndThresholds(t *testing.T) {
	cfg := Config{
		PassScore: 9000, MarginalScore: 6000,
		Groups: []Group{{Name: "latency", Weight: 3}, {Name: "errors", Weight: 1}, {Name: "saturation", Weight: 2}},
		Metrics: []MetricConfig{
			{Name: "p50", Group: "latency"}, {Name: "p90", Group: "latency"}, {Name: "p99", Group: "latency"},
			{Name: "5xx", Group: "errors"},
			{Name: "cpu", Group: "saturation", MustHaveData: true},
		},
	}
	outcomes := []MetricOutcome{
		{Name: "p50", Classification: ClassPass}, {Name: "p90", Classification: ClassPass},
		{Name: "p99", Classification: ClassHigh}, {Name: "5xx", Classification: ClassPass},
		{Name: "cpu", Classification: ClassNodataFail},
	}
	card, err := Recompute(cfg, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	// (3 * 2/3 + 1 * 1 + 2 * 0) / 6 = 0.5
	if card.Score != 5000 || card.Verdict != VerdictFail {
		t.Errorf("score %s verdict %s, want 50.00 FAIL", card.Score, card.Verdict)
	}
	wantGroups := map[string]Score{"errors": 10000, "latency": 6667, "saturation": 0}
	for _, g := range card.Groups {
		if g.Score != wantGroups[g.Name] {
			t.Errorf("group %s score %s, want %s", g.Name, g.Score, wantGroups[g.Name])
		}
	}
	if names := []string{card.Groups[0].Name, card.Groups[1].Name, card.Groups[2].Name}; !slices.IsSorted(names) {
		t.Errorf("groups not sorted by name: %v", names)
	}

	// Thresholds are inclusive: 50.00 >= 50.00 passes.
	for _, c := range []struct {
		pass, marginal Score
		want           Verdict
	}{
		{5000, 4000, VerdictPass},
		{5001, 5000, VerdictMarginal},
		{5001, 4999, VerdictMarginal},
		{5002, 5001, VerdictFail},
	} {
		cfg.PassScore, cfg.MarginalScore = c.pass, c.marginal
		card, err := Recompute(cfg, outcomes)
		if err != nil {
			t.Fatal(err)
		}
		if card.Verdict != c.want {
			t.Errorf("pass %s marginal %s: %s, want %s", c.pass, c.marginal, card.Verdict, c.want)
		}
	}

	// A group whose only metric has no data counts as 100, as in Kayenta, and the
	// score rounds half up: (3 * 2/3 + 1 * 1 + 2 * 1) / 6 = 5/6 = 83.333...
	cfg.PassScore, cfg.MarginalScore = 9000, 6000
	cfg.Metrics[4].MustHaveData = false
	outcomes[4].Classification = ClassNodata
	card, err = Recompute(cfg, outcomes)
	if err != nil {
		t.Fatal(err)
	}
	if card.Score != 8333 || card.Verdict != VerdictMarginal || !card.Groups[2].NoData {
		t.Errorf("score %s verdict %s groups %+v, want 83.33 MARGINAL with saturation no-data", card.Score, card.Verdict, card.Groups)
	}
}

func TestRoundScoreHalfUp(t *testing.T) {
	cases := []struct {
		pass, judged int64
		want         Score
	}{
		{1, 3, 3333}, {2, 3, 6667}, {1, 8, 1250}, {1, 16, 625}, {1, 32, 313}, {0, 5, 0}, {5, 5, 10000},
	}
	for _, c := range cases {
		if got := roundScore(bigRat(c.pass, c.judged)); got != c.want {
			t.Errorf("%d/%d: %s, want %s", c.pass, c.judged, got, c.want)
		}
	}
}

func TestRecomputeRejectsImpossibleOutcomes(t *testing.T) {
	cfg := Config{
		PassScore: 9000, MarginalScore: 5000,
		Groups: []Group{{Name: "g", Weight: 1}},
		Metrics: []MetricConfig{
			{Name: "up", Group: "g", Direction: DirectionIncrease},
			{Name: "crit", Group: "g", Critical: true},
			{Name: "needed", Group: "g", MustHaveData: true},
			{Name: "zeros", Group: "g", NaNStrategy: NaNReplace},
		},
	}
	valid := []MetricOutcome{
		{Name: "up", Classification: ClassPass},
		{Name: "crit", Classification: ClassPass},
		{Name: "needed", Classification: ClassPass},
		{Name: "zeros", Classification: ClassPass},
	}
	cases := []struct {
		name   string
		change func([]MetricOutcome) []MetricOutcome
		want   string
	}{
		{"unknown metric", func(o []MetricOutcome) []MetricOutcome {
			return append(o, MetricOutcome{Name: "x", Classification: ClassPass})
		}, `"x" is not in the config`},
		{"duplicate", func(o []MetricOutcome) []MetricOutcome { return append(o, o[0]) }, `"up" has two outcomes`},
		{"missing", func(o []MetricOutcome) []MetricOutcome { return o[1:] }, `"up" has no outcome`},
		{"unknown class", func(o []MetricOutcome) []MetricOutcome { o[0].Classification = "Weird"; return o }, `unknown classification "Weird"`},
		{"against direction", func(o []MetricOutcome) []MetricOutcome { o[0].Classification = ClassLow; return o }, "contradicts direction increase"},
		{"critical on non-critical", func(o []MetricOutcome) []MetricOutcome {
			o[0].Classification, o[0].CriticalFailure = ClassHigh, true
			return o
		}, "not critical"},
		{"critical nodata not failing", func(o []MetricOutcome) []MetricOutcome { o[1].Classification = ClassNodata; return o }, "is a critical failure"},
		{"passing critical failure", func(o []MetricOutcome) []MetricOutcome { o[1].CriticalFailure = true; return o }, "passing metric cannot fail critically"},
		{"nodata on must-have-data", func(o []MetricOutcome) []MetricOutcome { o[2].Classification = ClassNodata; return o }, "must have data"},
		{"nodata under replace", func(o []MetricOutcome) []MetricOutcome { o[3].Classification = ClassNodata; return o }, "always has data"},
		{"nodata-fail without must-have-data", func(o []MetricOutcome) []MetricOutcome { o[0].Classification = ClassNodataFail; return o }, "only possible"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Recompute(cfg, c.change(slices.Clone(valid)))
			if !errors.Is(err, ErrInvalidOutcomes) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrInvalidOutcomes containing %q", err, c.want)
			}
		})
	}
	if _, err := Recompute(cfg, valid); err != nil {
		t.Fatalf("valid outcomes rejected: %v", err)
	}
}

func TestConfigValidation(t *testing.T) {
	valid := func() Config {
		return Config{
			PassScore: 9500, MarginalScore: 7500,
			Groups:  []Group{{Name: "g", Weight: 1}},
			Metrics: []MetricConfig{{Name: "m", Group: "g"}},
		}
	}
	cases := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"confidence too low", func(c *Config) { c.Confidence = 400_000 }, "confidence 400000"},
		{"confidence 1", func(c *Config) { c.Confidence = 1_000_000 }, "confidence 1000000"},
		{"negative tolerance", func(c *Config) { c.EffectTolerance = -1 }, "effect tolerance -1"},
		{"tolerance above 1", func(c *Config) { c.EffectTolerance = 1_000_001 }, "effect tolerance 1000001"},
		{"no pass score", func(c *Config) { c.PassScore = 0 }, "pass score 0.00"},
		{"pass above 100", func(c *Config) { c.PassScore = 10_001 }, "pass score 100.01"},
		{"marginal above pass", func(c *Config) { c.MarginalScore = 9600 }, "marginal score 96.00"},
		{"no marginal", func(c *Config) { c.MarginalScore = 0 }, "marginal score 0.00"},
		{"no groups", func(c *Config) { c.Groups = nil }, "no groups"},
		{"no metrics", func(c *Config) { c.Metrics = nil }, "no metrics"},
		{"empty group name", func(c *Config) { c.Groups = append(c.Groups, Group{Weight: 1}) }, "group with an empty name"},
		{"duplicate group", func(c *Config) { c.Groups = append(c.Groups, c.Groups[0]) }, `group "g" declared twice`},
		{"zero weight", func(c *Config) { c.Groups[0].Weight = 0 }, `group "g": weight 0`},
		{"huge weight", func(c *Config) { c.Groups[0].Weight = MaxGroupWeight + 1 }, "weight 1000001"},
		{"empty group", func(c *Config) { c.Groups = append(c.Groups, Group{Name: "h", Weight: 1}) }, `group "h" has no metrics`},
		{"empty metric name", func(c *Config) { c.Metrics[0].Name = "" }, "metric with an empty name"},
		{"long metric name", func(c *Config) { c.Metrics[0].Name = strings.Repeat("x", MaxNameLength+1) }, "longer than 128 bytes"},
		{"duplicate metric", func(c *Config) { c.Metrics = append(c.Metrics, c.Metrics[0]) }, `metric "m" declared twice`},
		{"undeclared group", func(c *Config) { c.Metrics[0].Group = "nope" }, `group "nope" is not declared`},
		{"bad direction", func(c *Config) { c.Metrics[0].Direction = "up" }, `direction "up"`},
		{"bad nan strategy", func(c *Config) { c.Metrics[0].NaNStrategy = "zero" }, `nan strategy "zero"`},
		{"negative ratio", func(c *Config) { c.Metrics[0].AllowedDecrease = -5 }, "allowed decrease -5"},
		{"huge ratio", func(c *Config) { c.Metrics[0].CriticalIncrease = MaxEffectRatio + 1 }, "critical increase"},
		{"too many metrics", func(c *Config) {
			for i := range MaxMetrics {
				c.Metrics = append(c.Metrics, MetricConfig{Name: strings.Repeat("n", 1+i%100) + string(rune('a'+i/100)), Group: "g"})
			}
		}, "at most 256"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := valid()
			c.change(&cfg)
			err := cfg.Validate()
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrInvalidConfig containing %q", err, c.want)
			}
			if _, err := Judge(cfg, nil); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("Judge accepted the config: %v", err)
			}
			if _, err := ConfigDigest(cfg); !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("ConfigDigest accepted the config: %v", err)
			}
		})
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid config rejected: %v", err)
	}
}

func TestSampleValidation(t *testing.T) {
	cfg := Config{
		PassScore: 9500, MarginalScore: 7500,
		Groups:  []Group{{Name: "g", Weight: 1}},
		Metrics: []MetricConfig{{Name: "m", Group: "g"}},
	}
	ok := []float64{1, 2, 3}
	cases := []struct {
		name    string
		samples []MetricSamples
		want    string
	}{
		{"unknown metric", []MetricSamples{{Name: "m", Baseline: ok, Canary: ok}, {Name: "x"}}, `"x" is not in the config`},
		{"duplicate", []MetricSamples{{Name: "m"}, {Name: "m"}}, `"m" has samples twice`},
		{"missing", nil, `"m" has no samples`},
		{"too many", []MetricSamples{{Name: "m", Baseline: make([]float64, MaxSamplesPerSide+1), Canary: ok}}, "10001 baseline samples"},
		{"too large", []MetricSamples{{Name: "m", Baseline: ok, Canary: []float64{1, 2e12}}}, "canary sample 1 is 2e+12"},
		{"too small", []MetricSamples{{Name: "m", Baseline: []float64{-1.5e12}, Canary: ok}}, "baseline sample 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Judge(cfg, c.samples)
			if !errors.Is(err, ErrInvalidSamples) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrInvalidSamples containing %q", err, c.want)
			}
		})
	}
}

func TestToFixedRoundsExactly(t *testing.T) {
	cases := []struct {
		in   float64
		want int64
	}{
		{0, 0}, {1, 1_000_000}, {-1, -1_000_000}, {0.1, 100_000}, {1.234567, 1_234_567},
		// 1/128 is exactly 7812.5 millionths: half away from zero.
		{1.0 / 128, 7813}, {-1.0 / 128, -7813},
		// The float64 nearest 5e-7 lies just below it, so exact rounding gives 0.
		{5e-7, 0}, {-5e-7, 0}, {5.000001e-7, 1},
		{1e12, 1_000_000_000_000_000_000}, {-1e12, -1_000_000_000_000_000_000},
		{123456.789012, 123_456_789_012},
	}
	for _, c := range cases {
		if got := toFixed(c.in); got != c.want {
			t.Errorf("toFixed(%g) = %d, want %d", c.in, got, c.want)
		}
	}
}

func TestOutlierRemoval(t *testing.T) {
	ramp := func(n int) []int64 {
		values := make([]int64, n)
		for i := range values {
			values[i] = int64(i+1) * 1000
		}
		return values
	}
	// Under 100 values the 1st/99th percentiles are the extremes: nothing is removed.
	small := append(ramp(50), 1_000_000_000)
	if got := removeOutliers(small); len(got) != len(small) {
		t.Errorf("51 values: kept %d, want all", len(got))
	}
	// 120 values: Q1 = 30.25k, Q3 = 90.75k (legacy estimate), so the upper IQR fence
	// is 90.75k + 3*60.5k = 272.25k; P99 sits at 272250.79, just below the spike.
	big := append(ramp(118), 272_250, 272_251)
	slices.Sort(big)
	got := removeOutliers(big)
	if len(got) != 119 || got[len(got)-1] != 272_250 {
		t.Errorf("kept %d values ending %d, want 119 ending at the fence 272250", len(got), got[len(got)-1])
	}
	// Mirrored: Q1 = 28.25k, Q3 = 88.75k, lower IQR fence -153.25k; P1 -153250.79.
	low := append([]int64{-153_251, -153_250}, ramp(118)...)
	got = removeOutliers(low)
	if len(got) != 119 || got[0] != -153_250 {
		t.Errorf("kept %d values starting %d, want 119 starting at the fence -153250", len(got), got[0])
	}
	if got := hundredfoldPercentile(ramp(118), 25); got.Int64() != 2_975_000 {
		t.Errorf("Q1 of 118 values = %v/100, want 29750", got)
	}
	if got := removeOutliers(nil); len(got) != 0 {
		t.Errorf("empty input kept %d", len(got))
	}
}

func TestOutliersDoNotDecideTheJudgement(t *testing.T) {
	baseline := normalSamples(40, 200, 100, 5)
	canary := normalSamples(41, 200, 100, 5)
	spiked := append(slices.Clone(canary), 1e6, 2e6) // two scrape glitches
	plain, _ := judgeOne(t, MetricConfig{}, baseline, canary)
	withSpikes, _ := judgeOne(t, MetricConfig{}, baseline, spiked)
	if withSpikes.Canary.Count != 200 || withSpikes.Canary.Max != plain.Canary.Max {
		t.Errorf("spikes kept: canary summary %+v", withSpikes.Canary)
	}
	if withSpikes.Classification != ClassPass {
		t.Errorf("classification %s, want Pass", withSpikes.Classification)
	}
}

func TestDegenerateSamples(t *testing.T) {
	values := normalSamples(50, 30, 10, 1)
	same, _ := judgeOne(t, MetricConfig{}, values, slices.Clone(values))
	if same.Classification != ClassPass || same.Reason != "canary and baseline data are identical" {
		t.Errorf("identical: %s %q", same.Classification, same.Reason)
	}
	constant, _ := judgeOne(t, MetricConfig{}, []float64{5, 5, 5}, []float64{5, 5})
	if constant.Classification != ClassPass || constant.PValue != 1 {
		t.Errorf("one value everywhere: %s p %g", constant.Classification, constant.PValue)
	}
	// Two different constants: Kayenta adds Gaussian noise here; exact ranks need none.
	twoConstants, _ := judgeOne(t, MetricConfig{}, slices.Repeat([]float64{1}, 30), slices.Repeat([]float64{2}, 30))
	if twoConstants.Classification != ClassHigh || twoConstants.Effect != 1 {
		t.Errorf("two constants: %s effect %g, want High effect 1", twoConstants.Classification, twoConstants.Effect)
	}
}

func TestSummaries(t *testing.T) {
	got, _ := judgeOne(t, MetricConfig{}, []float64{4, 1, 3, 2}, []float64{0.5, 0.25, 0.125})
	if want := (Summary{Count: 4, Min: 1, Max: 4, Mean: 2.5, Median: 2.5}); got.Baseline != want {
		t.Errorf("baseline %+v, want %+v", got.Baseline, want)
	}
	if want := (Summary{Count: 3, Min: 0.125, Max: 0.5, Mean: 0.875 / 3, Median: 0.25}); got.Canary != want {
		t.Errorf("canary %+v, want %+v", got.Canary, want)
	}
	if got.MeanRatio != (0.875/3)/2.5 {
		t.Errorf("mean ratio %.17g", got.MeanRatio)
	}
}

// The same samples in any order, and the same config in any order, give the
// identical result, field for field.
func TestDeterministicUnderShuffling(t *testing.T) {
	cfg := Config{
		PassScore: 9000, MarginalScore: 6000,
		Groups: []Group{{Name: "latency", Weight: 2}, {Name: "errors", Weight: 1}},
		Metrics: []MetricConfig{
			{Name: "p50", Group: "latency"},
			{Name: "p99", Group: "latency", Direction: DirectionIncrease},
			{Name: "5xx", Group: "errors", Critical: true, CriticalIncrease: 3_000_000},
			{Name: "throughput", Group: "errors", Direction: DirectionDecrease, NaNStrategy: NaNReplace},
		},
	}
	samples := []MetricSamples{
		{Name: "p50", Baseline: normalSamples(60, 300, 20, 2), Canary: normalSamples(61, 280, 20.5, 2)},
		{Name: "p99", Baseline: normalSamples(62, 300, 80, 10), Canary: append(normalSamples(63, 280, 95, 10), math.NaN())},
		{Name: "5xx", Baseline: normalSamples(64, 7, 1, 0.1), Canary: normalSamples(65, 5, 1.4, 0.1)},
		{Name: "throughput", Baseline: normalSamples(66, 50, 1000, 50), Canary: append(normalSamples(67, 50, 990, 50), math.NaN())},
	}
	reference, err := Judge(cfg, samples)
	if err != nil {
		t.Fatal(err)
	}
	referenceEvidence, _ := EvidenceDigest(samples)
	referenceConfig, _ := ConfigDigest(cfg)
	rng := rand.New(rand.NewPCG(99, 1))
	for round := range 20 {
		shuffledCfg := cfg
		shuffledCfg.Metrics = slices.Clone(cfg.Metrics)
		shuffledCfg.Groups = slices.Clone(cfg.Groups)
		rng.Shuffle(len(shuffledCfg.Metrics), func(i, j int) {
			shuffledCfg.Metrics[i], shuffledCfg.Metrics[j] = shuffledCfg.Metrics[j], shuffledCfg.Metrics[i]
		})
		rng.Shuffle(len(shuffledCfg.Groups), func(i, j int) {
			shuffledCfg.Groups[i], shuffledCfg.Groups[j] = shuffledCfg.Groups[j], shuffledCfg.Groups[i]
		})
		shuffled := make([]MetricSamples, len(samples))
		for i, s := range samples {
			shuffled[i] = MetricSamples{Name: s.Name, Baseline: slices.Clone(s.Baseline), Canary: slices.Clone(s.Canary)}
			rng.Shuffle(len(shuffled[i].Baseline), func(a, b int) {
				shuffled[i].Baseline[a], shuffled[i].Baseline[b] = shuffled[i].Baseline[b], shuffled[i].Baseline[a]
			})
			rng.Shuffle(len(shuffled[i].Canary), func(a, b int) {
				shuffled[i].Canary[a], shuffled[i].Canary[b] = shuffled[i].Canary[b], shuffled[i].Canary[a]
			})
		}
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

		got, err := Judge(shuffledCfg, shuffled)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, reference) {
			t.Fatalf("round %d: result differs:\n got %+v\nwant %+v", round, got, reference)
		}
		if digest, _ := ConfigDigest(shuffledCfg); digest != referenceConfig {
			t.Fatalf("round %d: config digest depends on order", round)
		}
		if digest, _ := EvidenceDigest(shuffled); digest == referenceEvidence {
			t.Fatalf("round %d: evidence digest ignores the order of values in a series", round)
		}
	}
	// The verdict recomputes to itself from the outcomes alone.
	card, err := Recompute(cfg, reference.Outcomes())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(card, reference.Scorecard) {
		t.Errorf("recomputed %+v, judged %+v", card, reference.Scorecard)
	}
	classes := map[Classification]int{}
	for _, m := range reference.Metrics {
		classes[m.Classification]++
	}
	if classes[ClassPass] == len(reference.Metrics) {
		t.Errorf("fixture too easy: every metric passes (%v)", classes)
	}
}

func TestDigests(t *testing.T) {
	cfg := Config{
		PassScore: 9500, MarginalScore: 7500,
		Groups:  []Group{{Name: "g", Weight: 1}},
		Metrics: []MetricConfig{{Name: "m", Group: "g"}},
	}
	explicit := cfg
	explicit.Confidence, explicit.EffectTolerance = DefaultConfidence, DefaultEffectTolerance
	explicit.Metrics = []MetricConfig{{
		Name: "m", Group: "g", Direction: DirectionEither, NaNStrategy: NaNRemove,
		AllowedIncrease: DefaultEffectRatio, AllowedDecrease: DefaultEffectRatio,
		CriticalIncrease: DefaultEffectRatio, CriticalDecrease: DefaultEffectRatio,
	}}
	a, err := ConfigDigest(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := ConfigDigest(explicit); a != b {
		t.Error("spelled-out defaults change the config digest")
	}
	changed := cfg
	changed.Metrics = []MetricConfig{{Name: "m", Group: "g", Critical: true}}
	if b, _ := ConfigDigest(changed); a == b {
		t.Error("critical flag does not change the config digest")
	}

	samples := []MetricSamples{
		{Name: "a", Baseline: []float64{1, 2}, Canary: []float64{3}},
		{Name: "b", Baseline: []float64{math.NaN()}, Canary: nil},
	}
	first, err := EvidenceDigest(samples)
	if err != nil {
		t.Fatal(err)
	}
	reordered := []MetricSamples{samples[1], samples[0]}
	otherNaN := []MetricSamples{samples[0], {Name: "b", Baseline: []float64{math.Float64frombits(0x7FF8000000000BAD)}}}
	if d, _ := EvidenceDigest(reordered); d != first {
		t.Error("metric order changes the evidence digest")
	}
	if d, _ := EvidenceDigest(otherNaN); d != first {
		t.Error("NaN payload changes the evidence digest")
	}
	// Moving a value from one side to the other must change the digest.
	moved := []MetricSamples{{Name: "a", Baseline: []float64{1}, Canary: []float64{2, 3}}, samples[1]}
	if d, _ := EvidenceDigest(moved); d == first {
		t.Error("side boundaries are not part of the evidence digest")
	}
	if _, err := EvidenceDigest(append(samples, samples[0])); !errors.Is(err, ErrInvalidSamples) {
		t.Errorf("duplicate metric: %v", err)
	}
}

func TestScoreString(t *testing.T) {
	for s, want := range map[Score]string{0: "0.00", 5: "0.05", 9550: "95.50", 10000: "100.00", -250: "-2.50"} {
		if got := s.String(); got != want {
			t.Errorf("Score(%d) = %q, want %q", int64(s), got, want)
		}
	}
}

func bigRat(num, den int64) *big.Rat { return big.NewRat(num, den) }
