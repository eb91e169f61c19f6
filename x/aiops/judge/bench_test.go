package judge

import "testing"

// BenchmarkJudgeLarge: the largest sample the judge accepts on both sides.
func BenchmarkJudgeLarge(b *testing.B) {
	cfg := oneMetricConfig(MetricConfig{})
	s := []MetricSamples{{Name: "latency", Baseline: normalSamples(1, 10000, 100, 5), Canary: normalSamples(2, 10000, 101, 5)}}
	for b.Loop() {
		if _, err := Judge(cfg, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJudgeExactWorst: the exact method at its most expensive, a tiny tie-free
// canary against the largest baseline, where the null distribution has the most terms.
func BenchmarkJudgeExactWorst(b *testing.B) {
	cfg := oneMetricConfig(MetricConfig{})
	base := make([]float64, 10000)
	for i := range base {
		base[i] = float64(i) * 0.001
	}
	can := []float64{4.0001, 4.0002, 4.0003, 4.0004, 6.0001, 6.0002, 6.0003, 6.0004}
	s := []MetricSamples{{Name: "latency", Baseline: base, Canary: can}}
	for b.Loop() {
		if _, err := Judge(cfg, s); err != nil {
			b.Fatal(err)
		}
	}
}
