package nab

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/anomaly"
)

// TestCorpusReport scores the detector on a NAB folder named by NAB_DATA and
// logs the figures, also for each half of the files with the threshold
// chosen on the other half (a check against fitting the files). It asserts
// nothing about the score: benchmarks are not tests. NAB_CONFIG may hold a
// JSON object overriding fields of the default configuration, to compare
// variants of the method.
func TestCorpusReport(t *testing.T) {
	dir := os.Getenv("NAB_DATA")
	if dir == "" {
		t.Skip("NAB_DATA not set")
	}
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := anomaly.DefaultConfig()
	if raw := os.Getenv("NAB_CONFIG"); raw != "" {
		if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
			t.Fatal(err)
		}
	}
	files := make([]ScoredFile, len(c.Series))
	for k, s := range c.Series {
		d := anomaly.New(cfg)
		scores := make([]float64, len(s.Values))
		for i, v := range s.Values {
			scores[i] = d.Score(s.Times[i], v)
		}
		files[k] = ScoredFile{Name: s.Name, Scores: scores, Windows: s.Windows}
	}
	for _, r := range ScoreAll(files) {
		t.Log(r)
	}
	var even, odd []ScoredFile
	for k, f := range files {
		if k%2 == 0 {
			even = append(even, f)
		} else {
			odd = append(odd, f)
		}
	}
	for _, p := range Profiles[:1] {
		onEven, onOdd := Optimise(even, p), Optimise(odd, p)
		t.Logf("held out: even files at odd's threshold %.2f (own %.2f), odd files at even's threshold %.2f (own %.2f)",
			normalise(even, p, onOdd.Threshold), onEven.Score, normalise(odd, p, onEven.Threshold), onOdd.Score)
	}
	if os.Getenv("NAB_VERBOSE") != "" {
		best := Optimise(files, Profiles[0])
		for _, f := range files {
			one := []ScoredFile{f}
			r := Optimise(one, Profiles[0])
			probation := ProbationRows(len(f.Scores))
			var alerts []int
			for i := probation; i < len(f.Scores); i++ {
				if f.Scores[i] >= best.Threshold {
					alerts = append(alerts, i)
				}
			}
			totalAlerts := len(alerts)
			if len(alerts) > 12 {
				alerts = alerts[:12]
			}
			t.Logf("%-50s raw %7.3f (alone %6.3f) n %5d windows %v alerts %d %v", f.Name, RawScoreAt(one, Profiles[0], best.Threshold), r.Raw, len(f.Scores), f.Windows, totalAlerts, alerts)
		}
	}
}

func normalise(files []ScoredFile, p Profile, threshold float64) float64 {
	r := Optimise(files, p)
	return 100 * (RawScoreAt(files, p, threshold) - r.Null) / (r.Perfect - r.Null)
}
