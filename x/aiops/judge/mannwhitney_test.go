package judge

import (
	"encoding/json"
	"math"
	"math/big"
	"os"
	"slices"
	"testing"
)

// vectorFile is written by scripts/judge-vectors/gen.py from scipy.stats.mannwhitneyu.
type vectorFile struct {
	Scipy          string `json:"scipy"`
	CriticalValues []struct {
		AlphaMillionths int64   `json:"alpha_millionths"`
		Z               float64 `json:"z"`
	} `json:"critical_values"`
	Vectors []struct {
		Name          string    `json:"name"`
		Canary        []float64 `json:"canary"`
		Baseline      []float64 `json:"baseline"`
		Statistic     float64   `json:"statistic"`
		PValue        float64   `json:"pvalue"`
		Method        Method    `json:"method"`
		HodgesLehmann float64   `json:"hodges_lehmann"`
	} `json:"vectors"`
	Classifications []struct {
		Name           string         `json:"name"`
		Canary         []float64      `json:"canary"`
		Baseline       []float64      `json:"baseline"`
		Classification Classification `json:"classification"`
		PHigh          float64        `json:"p_high"`
		PLow           float64        `json:"p_low"`
	} `json:"classifications"`
}

func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	raw, err := os.ReadFile("testdata/mannwhitney_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var file vectorFile
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	if len(file.Vectors) < 400 {
		t.Fatalf("only %d vectors", len(file.Vectors))
	}
	return file
}

func sortedFixed(values []float64) []int64 {
	fixed := make([]int64, len(values))
	for i, v := range values {
		fixed[i] = toFixed(v)
	}
	slices.Sort(fixed)
	return fixed
}

func relativeError(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Max(math.Abs(want), math.SmallestNonzeroFloat64)
}

// The p-values, U statistics and methods agree with scipy to 1e-9 relative.
func TestMannWhitneyMatchesScipy(t *testing.T) {
	file := loadVectors(t)
	var worstP, worstU, worstEffect float64
	var worstName string
	for _, v := range file.Vectors {
		canary, baseline := sortedFixed(v.Canary), sortedFixed(v.Baseline)
		test := newMannWhitney(plainKeys(canary), plainKeys(baseline))
		if got := test.method(); got != v.Method {
			t.Errorf("%s: method %s, scipy's auto picks %s", v.Name, got, v.Method)
		}
		pErr := relativeError(test.PValue(), v.PValue)
		uErr := relativeError(test.U(), v.Statistic)
		effect := ratFloat(fixedRat(big.NewInt(twiceHodgesLehmann(canary, baseline)), 2))
		effectErr := math.Abs(effect-v.HodgesLehmann) / math.Max(1, math.Abs(v.HodgesLehmann))
		if pErr > 1e-9 || uErr > 1e-9 || effectErr > 1e-9 {
			t.Errorf("%s: p %.17g (scipy %.17g), U %g (scipy %g), effect %.17g (numpy %.17g)",
				v.Name, test.PValue(), v.PValue, test.U(), v.Statistic, effect, v.HodgesLehmann)
		}
		if pErr > worstP {
			worstP, worstName = pErr, v.Name
		}
		worstU = max(worstU, uErr)
		worstEffect = max(worstEffect, effectErr)
	}
	t.Logf("%d vectors (scipy %s): max relative error p-value %.3g (%s), U %.3g, Hodges-Lehmann %.3g",
		len(file.Vectors), file.Scipy, worstP, worstName, worstU, worstEffect)
}

// The integer decision agrees with comparing the displayed p-value to alpha
// wherever the p-value is not within float noise of alpha.
func TestRejectsAgreesWithPValue(t *testing.T) {
	file := loadVectors(t)
	alphas := []Millionths{1_000, 10_000, 20_000, 50_000, 100_000, 500_000}
	for _, v := range file.Vectors {
		test := newMannWhitney(plainKeys(sortedFixed(v.Canary)), plainKeys(sortedFixed(v.Baseline)))
		p := test.PValue()
		for _, alpha := range alphas {
			a := float64(alpha) / FixedScale
			if math.Abs(p-a) <= 1e-9*a {
				continue
			}
			if got, want := test.rejects(alpha), p <= a; got != want {
				t.Errorf("%s alpha %d: rejects %v, p-value %.17g", v.Name, alpha, got, p)
			}
		}
	}
}

// Whole metric classifications agree with an independent implementation of the
// rule in the generator, which inverts the test with scipy on shifted samples.
func TestClassificationMatchesScipyReference(t *testing.T) {
	file := loadVectors(t)
	if len(file.Classifications) < 200 {
		t.Fatalf("only %d classification vectors", len(file.Classifications))
	}
	const alpha = 0.02
	counts := map[Classification]int{}
	for _, v := range file.Classifications {
		if math.Abs(v.PHigh-alpha) <= 1e-9 || math.Abs(v.PLow-alpha) <= 1e-9 {
			continue // on the boundary, float noise in the reference decides
		}
		cfg := oneMetricConfig(MetricConfig{})
		result, err := Judge(cfg, []MetricSamples{{Name: "latency", Baseline: v.Baseline, Canary: v.Canary}})
		if err != nil {
			t.Fatal(err)
		}
		if got := result.Metrics[0].Classification; got != v.Classification {
			t.Errorf("%s: %s, reference %s (p high %.6g, p low %.6g)", v.Name, got, v.Classification, v.PHigh, v.PLow)
		}
		counts[v.Classification]++
	}
	t.Logf("classifications checked: %v", counts)
}

func TestCriticalValueMatchesScipy(t *testing.T) {
	file := loadVectors(t)
	for _, c := range file.CriticalValues {
		squared, _ := squaredCriticalValue(Millionths(c.AlphaMillionths)).Float64()
		if err := relativeError(math.Sqrt(squared), c.Z); err > 1e-12 {
			t.Errorf("alpha %d millionths: z %.17g, scipy %.17g", c.AlphaMillionths, math.Sqrt(squared), c.Z)
		}
	}
}

func TestExactTailCountsArrangements(t *testing.T) {
	// Sizes 2 and 3: the 10 arrangements have U = 0,1,2,2,3,3,4,4,5,6.
	test := mannWhitney{canaryCount: 2, baselineCount: 3}
	wantTail := []int64{1, 2, 4, 6, 8, 9, 10}
	for k, want := range wantTail {
		tail, total := test.exactTail(int64(k))
		if tail.Int64() != want || total.Int64() != 10 {
			t.Errorf("k=%d: tail %v of %v, want %d of 10", k, tail, total, want)
		}
	}
}

func TestToleranceShiftIsExact(t *testing.T) {
	cases := []struct {
		tolerance   Millionths
		twiceEffect int64
		whole       int64
		fractional  bool
	}{
		{250_000, 8, 1, false},  // 0.25 * 4 = 1
		{250_000, 10, 1, true},  // 0.25 * 5 = 1.25
		{250_000, -10, 1, true}, // |HL| is used
		{250_000, 0, 0, false},
		{1_000_000, 1 << 61, 1 << 60, false},
		{333_333, 6, 0, true}, // 0.333333 * 3 = 0.999999
	}
	for _, c := range cases {
		whole, fractional := toleranceShift(c.tolerance, c.twiceEffect)
		if whole != c.whole || fractional != c.fractional {
			t.Errorf("toleranceShift(%d, %d) = %d, %v; want %d, %v", c.tolerance, c.twiceEffect, whole, fractional, c.whole, c.fractional)
		}
	}
}

func TestHodgesLehmannOnPairs(t *testing.T) {
	// differences canary - baseline: {1-0, 1-2, 5-0, 5-2} = {1, -1, 5, 3}: median 2
	if got := twiceHodgesLehmann([]int64{1, 5}, []int64{0, 2}); got != 4 {
		t.Errorf("twice HL = %d, want 4", got)
	}
	// odd count: {3-1, 3-2, 3-10} = {2, 1, -7}: median 1
	if got := twiceHodgesLehmann([]int64{3}, []int64{1, 2, 10}); got != 2 {
		t.Errorf("twice HL = %d, want 2", got)
	}
}

// A nudged shift by whole+fraction must rank exactly like the real shift. On
// integer data, shifting by q plus any fraction in (0, 1) is the same as shifting
// the doubled data by 2q+1 with no nudge at all; compare both ways.
func TestNudgedShiftRanksLikeRealShift(t *testing.T) {
	file := loadVectors(t)
	for _, v := range file.Classifications {
		canary, baseline := sortedFixed(v.Canary), sortedFixed(v.Baseline)
		doubled := func(values []int64) []int64 {
			out := make([]int64, len(values))
			for i, x := range values {
				out[i] = 2 * x
			}
			return out
		}
		for _, whole := range []int64{0, 1, FixedScale / 2, 3 * FixedScale} {
			for _, direction := range []int64{-1, 1} {
				nudged := newMannWhitney(shiftedKeys(canary, direction*whole, int8(direction)), plainKeys(baseline))
				real := newMannWhitney(shiftedKeys(doubled(canary), direction*(2*whole+1), 0), plainKeys(doubled(baseline)))
				if nudged != real {
					t.Fatalf("%s shift %d%+d/2: nudged %+v, real %+v", v.Name, whole, direction, nudged, real)
				}
			}
		}
	}
}

// Kayenta's MannWhitney suite expects the 95% interval [6, 39] for baseline
// 1, 2, 3, 4 and canary 10, 20, 30, 40. Test inversion must place every shift just
// outside it as rejected and every shift just inside it as not.
func TestInversionReproducesKayentaInterval(t *testing.T) {
	baseline := sortedFixed([]float64{1, 2, 3, 4})
	canary := sortedFixed([]float64{10, 20, 30, 40})
	const alpha Millionths = 50_000
	cases := []struct {
		shift       int64 // fixed-point units
		aboveShift  bool  // the whole interval lies above the shift
		belowShift  bool  // the whole interval lies below the shift
		description string
	}{
		{6*FixedScale - 1, true, false, "just below the lower end"},
		{6*FixedScale + 1, false, false, "just above the lower end"},
		{39*FixedScale - 1, false, false, "just below the upper end"},
		{39*FixedScale + 1, false, true, "just above the upper end"},
	}
	for _, c := range cases {
		keys := shiftedKeys(canary, -c.shift, 0)
		if got := rejectsWithCanary(keys, baseline, alpha, +1); got != c.aboveShift {
			t.Errorf("%s: interval above the shift = %v, want %v", c.description, got, c.aboveShift)
		}
		if got := rejectsWithCanary(keys, baseline, alpha, -1); got != c.belowShift {
			t.Errorf("%s: interval below the shift = %v, want %v", c.description, got, c.belowShift)
		}
	}
	if got := twiceHodgesLehmann(canary, baseline); got != 45*FixedScale {
		t.Errorf("twice HL = %d, want 2 * 22.5", got)
	}
}
