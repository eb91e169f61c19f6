package nab

import (
	"math"
	"math/rand/v2"
	"testing"
)

const eps = 1e-6

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > eps {
		t.Fatalf("%s = %.9f, want %.9f", what, got, want)
	}
}

func TestProbationRows(t *testing.T) {
	for n, want := range map[int]int{100: 15, 1243: 186, 4032: 604, 5000: 750, 15902: 750} {
		if got := ProbationRows(n); got != want {
			t.Fatalf("ProbationRows(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestScaledSigmoidReferenceValues(t *testing.T) {
	near(t, "sigma(-1)", ScaledSigmoid(-1), 0.986614)
	near(t, "sigma(-0.5)", ScaledSigmoid(-0.5), 0.848284)
	near(t, "sigma(0)", ScaledSigmoid(0), 0)
	near(t, "sigma(1)", ScaledSigmoid(1), -0.986614)
	near(t, "sigma(3.0001)", ScaledSigmoid(3.0001), -1)
}

// alertsAt is a 100-row file (probation 15 rows) with one window, rows
// 40..49 (width 10), alerting exactly on the given rows.
func alertsAt(rows ...int) ScoredFile {
	f := ScoredFile{Name: "x", Scores: make([]float64, 100), Windows: []Window{{Start: 40, End: 49}}}
	for _, r := range rows {
		f.Scores[r] = 1
	}
	return f
}

func TestWindowAndFalseAlertTerms(t *testing.T) {
	std := Profiles[0]
	cases := []struct {
		name string
		rows []int
		want float64
	}{
		{"nothing: missed window", nil, -1},
		{"first row of the window", []int{40}, 1},
		// y = -(49-45+1)/10 = -0.5: sigma(-0.5)/sigma(-1)
		{"middle of the window", []int{45}, 0.848284 / 0.986614},
		// y = -1/10 on the last row
		{"last row of the window", []int{49}, ScaledSigmoid(-0.1) / ScaledSigmoid(-1)},
		{"only the earliest alert in a window counts", []int{45, 41, 47}, ScaledSigmoid(-0.9) / ScaledSigmoid(-1)},
		{"alert inside probation is ignored", []int{10}, -1},
		{"false alert before any window", []int{20}, -1 - 0.11},
		// y = (58-49)/(10-1) = 1: 0.11 sigma(1)
		{"false alert one width after the window", []int{58}, -1 + 0.11*-0.986614},
		// y = 1/9: barely punished
		{"false alert just after the window", []int{50}, -1 + 0.11*ScaledSigmoid(1.0/9)},
		{"far after the window: full penalty", []int{90}, -1 - 0.11},
		{"each false alert on its own", []int{20, 21, 40}, 1 - 2*0.11},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			near(t, "raw", RawScoreAt([]ScoredFile{alertsAt(c.rows...)}, std, 0.5), c.want)
		})
	}
}

func TestFalseAlertPenaltyUsesClosestEndedWindow(t *testing.T) {
	f := ScoredFile{Scores: make([]float64, 200), Windows: []Window{{Start: 40, End: 49}, {Start: 100, End: 119}}}
	f.Scores[140] = 1 // y = (140-119)/19 after the second window
	near(t, "raw", RawScoreAt([]ScoredFile{f}, Profiles[0], 0.5), -2+0.11*ScaledSigmoid(21.0/19))
}

func TestWindowStartingInProbationKeepsItsWidth(t *testing.T) {
	// 100 rows, probation 15: window 10..29 (width 20); row 15 is its first scored row.
	f := ScoredFile{Scores: make([]float64, 100), Windows: []Window{{Start: 10, End: 29}}}
	f.Scores[12], f.Scores[15] = 1, 1
	near(t, "raw", RawScoreAt([]ScoredFile{f}, Profiles[0], 0.5), ScaledSigmoid(-15.0/20)/ScaledSigmoid(-1))
	near(t, "optimised", Optimise([]ScoredFile{f}, Profiles[0]).Raw, ScaledSigmoid(-15.0/20)/ScaledSigmoid(-1))
}

func TestProfilesWeighTerms(t *testing.T) {
	f := alertsAt(45, 20)
	tp := 0.848284 / 0.986614
	near(t, "standard", RawScoreAt([]ScoredFile{f}, Profiles[0], 0.5), tp-0.11)
	near(t, "low FP", RawScoreAt([]ScoredFile{f}, Profiles[1], 0.5), tp-0.22)
	near(t, "low FN", RawScoreAt([]ScoredFile{alertsAt(20)}, Profiles[2], 0.5), -2-0.11)
}

// TestThresholdSweepByHand: window 40..49; scores 0.9 on a false alert at
// row 20, 0.8 on row 45, 0.7 on row 40, 0.6 on rows 60..99. Candidates:
// no alert -1; T=0.9: -1.11; T=0.8: 0.8598-0.11; T=0.7: 1-0.11; T=0.6:
// 0.89 plus 40 penalties, worse. The best is T = 0.7.
func TestThresholdSweepByHand(t *testing.T) {
	f := alertsAt()
	f.Scores[20], f.Scores[45], f.Scores[40] = 0.9, 0.8, 0.7
	for i := 60; i < 100; i++ {
		f.Scores[i] = 0.6
	}
	r := Optimise([]ScoredFile{f}, Profiles[0])
	near(t, "threshold", r.Threshold, 0.7)
	near(t, "raw", r.Raw, 0.89)
	near(t, "null", r.Null, -1)
	near(t, "perfect", r.Perfect, 1)
	near(t, "score", r.Score, 100*(0.89+1)/2)
	if r.Detected != 1 || r.FalseAlerts != 1 || r.Windows != 1 {
		t.Fatalf("counts %+v", r)
	}
}

func TestThresholdSweepKeepsHighestAmongEqualScores(t *testing.T) {
	f := alertsAt()
	f.Scores[40] = 0.8
	f.Scores[45] = 0.5 // adds nothing once row 40 alerts
	r := Optimise([]ScoredFile{f}, Profiles[0])
	near(t, "threshold", r.Threshold, 0.8)
}

func TestNormalisationOfReferenceDetectors(t *testing.T) {
	files := []ScoredFile{alertsAt(), {Scores: make([]float64, 300), Windows: []Window{{Start: 100, End: 129}, {Start: 200, End: 209}}}}
	for _, p := range Profiles {
		null := Optimise(files, p)
		near(t, p.Name+" null score", null.Score, 0)
		near(t, p.Name+" null raw", null.Raw, -3*p.FN)

		perfect := []ScoredFile{alertsAt(40), {Scores: make([]float64, 300), Windows: files[1].Windows}}
		perfect[1].Scores[100], perfect[1].Scores[200] = 1, 1
		near(t, p.Name+" perfect score", Optimise(perfect, p).Score, 100)
	}
}

// TestSweepAgreesWithRowByRowScoring: on random scores the optimum of the
// sweep equals the best of the rules applied at every distinct score.
func TestSweepAgreesWithRowByRowScoring(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var files []ScoredFile
	for k := range 4 {
		n := 200 + 50*k
		f := ScoredFile{Scores: make([]float64, n), Windows: []Window{{Start: 60, End: 79}, {Start: 150, End: 169}}}
		for i := range f.Scores {
			f.Scores[i] = math.Round(rng.Float64()*40) / 40 // ties on purpose
		}
		files = append(files, f)
	}
	for _, p := range Profiles {
		best, bestT := RawScoreAt(files, p, 2), 2.0
		for s := 40; s >= 0; s-- {
			T := float64(s) / 40
			if raw := RawScoreAt(files, p, T); raw > best+1e-12 {
				best, bestT = raw, T
			}
		}
		r := Optimise(files, p)
		near(t, p.Name+" raw", r.Raw, best)
		if bestT <= 1 {
			near(t, p.Name+" threshold", r.Threshold, bestT)
		}
	}
}
