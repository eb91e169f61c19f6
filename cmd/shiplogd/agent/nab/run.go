package nab

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/anomaly"
)

// DefaultDetector is the name results are written under when none is given.
const DefaultDetector = "shiplog"

// ErrUnknownDetector is returned for a detector name not in Detectors.
var ErrUnknownDetector = errors.New("nab: unknown detector")

// ErrResults marks a missing or malformed results file.
var ErrResults = errors.New("nab: malformed results")

// Detector scores one series point by point, using only the past.
type Detector interface {
	Score(at time.Time, value float64) float64
}

// Detectors are the detectors the runner knows, by results name. One
// configuration serves every file: nothing here may depend on the file name.
var Detectors = map[string]func() Detector{
	DefaultDetector: func() Detector { return anomaly.New(anomaly.DefaultConfig()) },
	// null never alerts; NAB's normalisation puts it at 0.
	"null": func() Detector { return nullDetector{} },
}

type nullDetector struct{}

func (nullDetector) Score(time.Time, float64) float64 { return 0 }

// DetectorNames lists the registered detectors, sorted.
func DetectorNames() []string {
	names := make([]string, 0, len(Detectors))
	for name := range Detectors {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// RunStats says how much work the detector did and how long it took, the
// detector's own time only (no file reading or writing).
type RunStats struct {
	Files, Points int
	Detecting     time.Duration
}

// PointsPerSecond is the detector's single-threaded throughput.
func (s RunStats) PointsPerSecond() float64 {
	if s.Detecting <= 0 {
		return 0
	}
	return float64(s.Points) / s.Detecting.Seconds()
}

// Detect runs a fresh detector over every series and returns the scores, one
// slice per series in corpus order.
func Detect(c *Corpus, detector string) ([][]float64, RunStats, error) {
	factory, ok := Detectors[detector]
	if !ok {
		return nil, RunStats{}, fmt.Errorf("%w: %q (known: %v)", ErrUnknownDetector, detector, DetectorNames())
	}
	var stats RunStats
	all := make([][]float64, len(c.Series))
	for k, s := range c.Series {
		scores := make([]float64, len(s.Values))
		d := factory()
		start := time.Now()
		for i, v := range s.Values {
			scores[i] = d.Score(s.Times[i], v)
		}
		stats.Detecting += time.Since(start)
		stats.Files++
		stats.Points += len(s.Values)
		all[k] = scores
	}
	return all, stats, nil
}

// Run detects every series and writes NAB results files under outDir.
func Run(c *Corpus, detector, outDir string) (RunStats, error) {
	all, stats, err := Detect(c, detector)
	if err != nil {
		return stats, err
	}
	for k, s := range c.Series {
		if err := WriteResults(ResultsPath(outDir, detector, s), s, all[k]); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// ResultsPath is where NAB keeps a detector's results for a series:
// OUT/<detector>/<category>/<detector>_<file>.csv.
func ResultsPath(outDir, detector string, s *Series) string {
	return filepath.Join(outDir, detector, s.Category(), detector+"_"+s.File())
}

// WriteResults writes one results file in NAB's format: the data columns,
// the anomaly score and the 0/1 window label NAB's own runner adds.
func WriteResults(path string, s *Series, scores []float64) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	buf := bufio.NewWriter(f)
	w := csv.NewWriter(buf)
	_ = w.Write([]string{"timestamp", "value", "anomaly_score", "label"})
	wi := 0
	for i := range s.Values {
		for wi < len(s.Windows) && s.Windows[wi].End < i {
			wi++
		}
		label := "0"
		if wi < len(s.Windows) && s.Windows[wi].Start <= i {
			label = "1"
		}
		_ = w.Write([]string{
			s.Timestamps[i],
			strconv.FormatFloat(s.Values[i], 'g', -1, 64),
			strconv.FormatFloat(scores[i], 'g', -1, 64),
			label,
		})
	}
	w.Flush()
	if err := errors.Join(w.Error(), buf.Flush()); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ReadResults reads the detector's results for every series of the corpus
// and pairs them with the corpus windows. Every series must have a results
// file with one row per data row: a partial run must not score as a good one.
func ReadResults(c *Corpus, resultsDir, detector string) ([]ScoredFile, error) {
	files := make([]ScoredFile, 0, len(c.Series))
	for _, s := range c.Series {
		path := ResultsPath(resultsDir, detector, s)
		scores, err := readScores(path)
		if err != nil {
			return nil, err
		}
		if len(scores) != len(s.Values) {
			return nil, fmt.Errorf("%w: %s has %d rows, the data file %d", ErrResults, path, len(scores), len(s.Values))
		}
		files = append(files, ScoredFile{Name: s.Name, Scores: scores, Windows: s.Windows})
	}
	return files, nil
}

func readScores(path string) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrResults, err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrResults, path, err)
	}
	column := -1
	for i, name := range header {
		if name == "anomaly_score" {
			column = i
		}
	}
	if column < 0 {
		return nil, fmt.Errorf("%w: %s has no anomaly_score column", ErrResults, path)
	}
	var scores []float64
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return scores, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrResults, path, err)
		}
		v, err := strconv.ParseFloat(rec[column], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %v", ErrResults, path, line, err)
		}
		scores = append(scores, v)
	}
}

// ScoreAll optimises every profile over the files.
func ScoreAll(files []ScoredFile) []Result {
	results := make([]Result, len(Profiles))
	for i, p := range Profiles {
		results[i] = Optimise(files, p)
	}
	return results
}
