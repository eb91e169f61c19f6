package nab

import (
	"fmt"
	"math"
	"sort"
)

// Profile is one of NAB's cost profiles: the weight of a detected window, a
// missed window and a false alert.
type Profile struct {
	Name       string
	TP, FN, FP float64
}

// Profiles are NAB v1.1's three cost profiles, standard first.
var Profiles = []Profile{
	{Name: "standard", TP: 1.0, FN: 1.0, FP: 0.11},
	{Name: "reward_low_FP_rate", TP: 1.0, FN: 1.0, FP: 0.22},
	{Name: "reward_low_FN_rate", TP: 1.0, FN: 2.0, FP: 0.11},
}

// ProbationRows is the length of NAB's learning period for a file of n rows:
// 15% of the file, at most 750 rows (15% of 5,000).
func ProbationRows(n int) int {
	return min(int(math.Floor(0.15*float64(n))), 750)
}

// ScaledSigmoid is NAB's reward/penalty shape: 2/(1+e^(5y)) - 1, and -1 past y = 3.
func ScaledSigmoid(y float64) float64 {
	if y > 3 {
		return -1
	}
	return 2/(1+math.Exp(5*y)) - 1
}

// ScoredFile is what the scorer needs from one file: its anomaly scores, one
// per row, and its windows.
type ScoredFile struct {
	Name    string
	Scores  []float64
	Windows []Window
}

// rowValue is what one row adds to a file's raw score when it alerts.
type rowValue struct {
	score  float64
	window int // global window index, or -1 for a false alert
	value  float64
}

// rowValues lists every scored row (past probation) with the reward it earns
// as a window's earliest alert or the penalty it costs as a false alert.
// windowBase numbers this file's windows after those of earlier files.
func rowValues(f ScoredFile, p Profile, windowBase int, out []rowValue) ([]rowValue, int) {
	probation := ProbationRows(len(f.Scores))
	scored := 0
	windowOf := make([]int, len(f.Scores))
	for i := range windowOf {
		windowOf[i] = -1
	}
	globalIndex := make([]int, len(f.Windows))
	for j, w := range f.Windows {
		if w.End < probation {
			continue // no row after probation: NAB leaves such a window out
		}
		for i := max(w.Start, probation); i <= min(w.End, len(f.Scores)-1); i++ {
			windowOf[i] = j
		}
		globalIndex[j] = windowBase + scored
		scored++
	}
	sigmaAtStart := ScaledSigmoid(-1)
	var ended *Window // the closest window that ended before the current row
	for i := probation; i < len(f.Scores); i++ {
		if j := windowOf[i]; j >= 0 {
			w := f.Windows[j]
			y := -float64(w.End-i+1) / float64(w.Width())
			out = append(out, rowValue{score: f.Scores[i], window: globalIndex[j], value: p.TP * ScaledSigmoid(y) / sigmaAtStart})
			continue
		}
		for k := range f.Windows {
			if f.Windows[k].End < i && (ended == nil || f.Windows[k].End > ended.End) {
				ended = &f.Windows[k]
			}
		}
		penalty := -p.FP
		if ended != nil {
			y := float64(i-ended.End) / float64(ended.Width()-1)
			penalty = p.FP * ScaledSigmoid(y)
		}
		out = append(out, rowValue{score: f.Scores[i], window: -1, value: penalty})
	}
	return out, scored
}

// Result is a profile's outcome on a set of files at its optimised threshold.
type Result struct {
	Profile   Profile
	Threshold float64
	Raw       float64
	// Null and Perfect are the raw scores of the detector that never alerts
	// and of the one alerting exactly on every window's first row.
	Null, Perfect float64
	// Score is NAB's normalised score: 100 (raw-null)/(perfect-null).
	Score   float64
	Windows int
	// Detected windows and false alerts (rows outside windows) at the threshold.
	Detected, FalseAlerts int
}

// Optimise finds the single threshold that maximises the profile's raw score
// over all files and normalises it. The raw score changes only at the scores
// the detector produced, so rows are swept once in descending score order
// with running sums; among equal raw scores the highest threshold is kept, as
// NAB does. "No alert anywhere" is the first candidate, with a threshold
// above every score.
func Optimise(files []ScoredFile, p Profile) Result {
	var rows []rowValue
	windows := 0
	maxScore := math.Inf(-1)
	for _, f := range files {
		var n int
		rows, n = rowValues(f, p, windows, rows)
		windows += n
		for _, s := range f.Scores {
			maxScore = max(maxScore, s)
		}
	}
	sort.SliceStable(rows, func(a, b int) bool { return rows[a].score > rows[b].score })

	null := -p.FN * float64(windows)
	best := Result{Profile: p, Raw: null, Threshold: math.Nextafter(maxScore, math.Inf(1)), Windows: windows}
	if len(rows) == 0 {
		best.Threshold = 1
	}
	earliest := make([]float64, windows) // reward of each window's earliest alert so far
	detected := make([]bool, windows)
	raw, hits, falseAlerts := null, 0, 0
	for i := 0; i < len(rows); {
		s := rows[i].score
		for ; i < len(rows) && rows[i].score == s; i++ {
			r := rows[i]
			switch {
			case r.window < 0:
				raw += r.value
				falseAlerts++
			case !detected[r.window]:
				detected[r.window] = true
				earliest[r.window] = r.value
				raw += p.FN + r.value
				hits++
			case r.value > earliest[r.window]:
				raw += r.value - earliest[r.window]
				earliest[r.window] = r.value
			}
		}
		if raw > best.Raw {
			best.Raw, best.Threshold, best.Detected, best.FalseAlerts = raw, s, hits, falseAlerts
		}
	}
	best.Null = null
	best.Perfect = p.TP * float64(windows)
	if best.Perfect > best.Null {
		best.Score = 100 * (best.Raw - best.Null) / (best.Perfect - best.Null)
	}
	return best
}

// RawScoreAt scores the files at a fixed threshold by the rules as written,
// row by row; the sweep in Optimise must agree with it at every threshold.
func RawScoreAt(files []ScoredFile, p Profile, threshold float64) float64 {
	raw := 0.0
	for _, f := range files {
		probation := ProbationRows(len(f.Scores))
		for _, w := range f.Windows {
			if w.End < probation {
				continue
			}
			term := -p.FN
			for i := max(w.Start, probation); i <= w.End; i++ {
				if f.Scores[i] >= threshold {
					y := -float64(w.End-i+1) / float64(w.Width())
					term = p.TP * ScaledSigmoid(y) / ScaledSigmoid(-1)
					break
				}
			}
			raw += term
		}
		for i := probation; i < len(f.Scores); i++ {
			if f.Scores[i] < threshold || inWindow(f.Windows, i) {
				continue
			}
			penalty := -p.FP
			for k := len(f.Windows) - 1; k >= 0; k-- {
				if w := f.Windows[k]; w.End < i {
					penalty = p.FP * ScaledSigmoid(float64(i-w.End)/float64(w.Width()-1))
					break
				}
			}
			raw += penalty
		}
	}
	return raw
}

func inWindow(windows []Window, i int) bool {
	for _, w := range windows {
		if i >= w.Start && i <= w.End {
			return true
		}
	}
	return false
}

// String is one line of the score table.
func (r Result) String() string {
	return fmt.Sprintf("%-20s score %6.2f  threshold %.6f  raw %8.3f  windows %d/%d detected, %d false alerts",
		r.Profile.Name, r.Score, r.Threshold, r.Raw, r.Detected, r.Windows, r.FalseAlerts)
}
