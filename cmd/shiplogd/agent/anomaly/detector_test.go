package anomaly

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// alertLevel is the score taken as a detection in these tests, about the
// threshold NAB's standard profile chooses for DefaultConfig.
const alertLevel = 0.37

const (
	step       = 5 * time.Minute
	pointsADay = int(24 * time.Hour / step)
)

var start = time.Date(2024, 3, 4, 0, 0, 0, 0, time.UTC)

// seasonal is a daily cycle of amplitude 10 around 50 with Gaussian noise of
// standard deviation 1, seeded so every run sees the same series.
func seasonal(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = 50 + 10*math.Sin(2*math.Pi*float64(i)/float64(pointsADay)) + rng.NormFloat64()
	}
	return xs
}

func scores(xs []float64) []float64 {
	d := New(DefaultConfig())
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = d.Score(start.Add(time.Duration(i)*step), x)
	}
	return out
}

// firstAlert is the first index at or after from scoring alertLevel, or -1.
func firstAlert(s []float64, from int) int {
	for i := from; i < len(s); i++ {
		if s[i] >= alertLevel {
			return i
		}
	}
	return -1
}

const (
	days  = 10
	onset = 8 * 288 // anomalies start on day 9, after a week of history
)

func TestDetectsKnownAnomaliesWithinBoundedDelay(t *testing.T) {
	cases := []struct {
		name     string
		inject   func(xs []float64, rng *rand.Rand)
		maxDelay int
	}{
		{"spike", func(xs []float64, _ *rand.Rand) { xs[onset] += 30 }, 0},
		{"dip", func(xs []float64, _ *rand.Rand) { xs[onset] -= 30 }, 0},
		{"level shift", func(xs []float64, _ *rand.Rand) {
			for i := onset; i < len(xs); i++ {
				xs[i] += 8
			}
		}, 6},
		{"variance change", func(xs []float64, rng *rand.Rand) {
			for i := onset; i < len(xs); i++ {
				xs[i] += 5 * rng.NormFloat64()
			}
		}, 24},
		{"seasonal break: the cycle stops", func(xs []float64, rng *rand.Rand) {
			for i := onset; i < len(xs); i++ {
				xs[i] = 50 + rng.NormFloat64()
			}
		}, pointsADay / 2},
		{"flat line: the metric freezes at a normal value", func(xs []float64, _ *rand.Rand) {
			for i := onset + 1; i < len(xs); i++ {
				xs[i] = xs[onset]
			}
		}, pointsADay / 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			xs := seasonal(days*pointsADay, 1)
			c.inject(xs, rand.New(rand.NewPCG(2, 3)))
			s := scores(xs)
			if early := firstAlert(s[:onset], 0); early >= 0 {
				t.Fatalf("alert at %d before the anomaly (score %.3f)", early, s[early])
			}
			got := firstAlert(s, onset)
			if got < 0 || got > onset+c.maxDelay {
				t.Fatalf("first alert at %d, want within [%d, %d]; max score after onset %.3f", got, onset, onset+c.maxDelay, maxOf(s[onset:]))
			}
		})
	}
}

func TestNoAlertOnCleanSeasonalNoise(t *testing.T) {
	for seed := uint64(1); seed <= 10; seed++ {
		s := scores(seasonal(days*pointsADay, seed))
		if i := firstAlert(s, 0); i >= 0 {
			t.Fatalf("seed %d: alert at %d (score %.3f)", seed, i, s[i])
		}
	}
}

// TestScoresOnlyAtOnset: a lasting shift is reported once, not for as long
// as it lasts, which is what NAB and an operator both want.
func TestScoresOnlyAtOnset(t *testing.T) {
	xs := seasonal(days*pointsADay, 4)
	for i := onset; i < len(xs); i++ {
		xs[i] += 20
	}
	s := scores(xs)
	alerts := 0
	for _, v := range s[onset:] {
		if v >= alertLevel {
			alerts++
		}
	}
	if alerts < 1 || alerts > 3 {
		t.Fatalf("%d alerts after a lasting shift, want 1 to 3", alerts)
	}
}

func TestScoresAreDeterministicInRangeAndUseOnlyThePast(t *testing.T) {
	xs := seasonal(3*pointsADay, 9)
	a, b := scores(xs), scores(xs)
	for i := range a {
		if a[i] != b[i] || a[i] < 0 || a[i] > 1 || math.IsNaN(a[i]) {
			t.Fatalf("point %d: %v then %v", i, a[i], b[i])
		}
	}
	// changing the future does not change the past scores
	changed := append([]float64(nil), xs...)
	changed[len(changed)-1] = 1e9
	c := scores(changed)
	for i := 0; i < len(c)-1; i++ {
		if c[i] != a[i] {
			t.Fatalf("score %d depends on a later point", i)
		}
	}
}

// TestScoresDoNotDependOnUnits: the same series in bytes or in KiB scores
// the same, which is what lets one threshold serve every metric. (A power of
// two keeps the floating-point arithmetic exact.)
func TestScoresDoNotDependOnUnits(t *testing.T) {
	xs := seasonal(days*pointsADay, 6)
	xs[onset] += 30
	scaled := make([]float64, len(xs))
	for i, x := range xs {
		scaled[i] = x * 1024
	}
	a, b := scores(xs), scores(scaled)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("point %d: %v in one unit, %v in the other", i, a[i], b[i])
		}
	}
}

func TestOddInputsStayInRange(t *testing.T) {
	d := New(DefaultConfig())
	for i, x := range []float64{0, 0, 0, 1e300, -1e300, 0, 5, 5, 5, 1e-300} {
		for k := 0; k < 100; k++ {
			s := d.Score(start.Add(time.Duration(i*100+k)*step), x)
			if s < 0 || s > 1 || math.IsNaN(s) {
				t.Fatalf("score %v for %v", s, x)
			}
		}
	}
}

func maxOf(xs []float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, x)
	}
	return m
}

// BenchmarkScore measures points per second on one core.
func BenchmarkScore(b *testing.B) {
	xs := seasonal(10000, 1)
	d := New(DefaultConfig())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Score(start.Add(time.Duration(i)*step), xs[i%len(xs)])
	}
}

func TestRankHistogramTails(t *testing.T) {
	h := newRankHistogram(1e12) // no fading: plain counts
	for i := 1; i <= 100; i++ {
		h.add(float64(i))
	}
	if p := h.upperTail(1); p < 0.95 {
		t.Fatalf("tail at the smallest value %.3f", p)
	}
	if p := h.upperTail(50); p < 0.4 || p > 0.65 {
		t.Fatalf("tail at the middle %.3f", p)
	}
	beyond, twiceBeyond := h.upperTail(300), h.upperTail(600)
	if beyond > 0.01 || math.Abs(twiceBeyond/beyond-0.5) > 1e-9 {
		t.Fatalf("beyond the maximum %.5f, one octave further %.5f: want halving", beyond, twiceBeyond)
	}
	if m := h.median(); m < 32 || m > 64 {
		t.Fatalf("median %.1f, want the bin holding 50", m)
	}
}
