// Package nab reads the Numenta Anomaly Benchmark (NAB v1.1) corpus, runs a
// streaming detector over it, writes NAB-format result files and scores them
// with NAB's rules (windows, probation, scaled sigmoid, cost profiles,
// threshold optimisation, normalisation against the null and perfect
// detectors).
package nab

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// TimestampLayout is the timestamp format of NAB data files.
const TimestampLayout = "2006-01-02 15:04:05"

// ErrCorpus marks a data or label file that does not follow NAB's layout.
var ErrCorpus = errors.New("nab: malformed corpus")

// Window is an anomaly window as an inclusive range of row indices.
type Window struct {
	Start, End int
}

// Width is the number of rows the window covers.
func (w Window) Width() int { return w.End - w.Start + 1 }

// Series is one data file: its rows in file order and its anomaly windows.
type Series struct {
	// Name is the path relative to the data folder, e.g. "realKnownCause/nyc_taxi.csv",
	// the key NAB's label files use.
	Name       string
	Timestamps []string
	Times      []time.Time
	Values     []float64
	Windows    []Window
}

// Category is the folder the series lives in.
func (s *Series) Category() string { return filepath.Dir(filepath.FromSlash(s.Name)) }

// File is the data file's base name.
func (s *Series) File() string { return filepath.Base(filepath.FromSlash(s.Name)) }

// Corpus is every series of a NAB data folder, sorted by name.
type Corpus struct {
	Series []*Series
}

// LoadCorpus reads DIR/data/<category>/<file>.csv and the windows of
// DIR/labels/combined_windows.json. A data file without an entry in the label
// file is an error: scoring it as anomaly-free would hide a broken folder.
func LoadCorpus(dir string) (*Corpus, error) {
	windows, err := readWindowLabels(filepath.Join(dir, "labels", "combined_windows.json"))
	if err != nil {
		return nil, err
	}
	dataDir := filepath.Join(dir, "data")
	var names []string
	err = filepath.WalkDir(dataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".csv") {
			return nil
		}
		rel, err := filepath.Rel(dataDir, path)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorpus, err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no data files under %s", ErrCorpus, dataDir)
	}
	sort.Strings(names)
	corpus := &Corpus{}
	for _, name := range names {
		labelled, ok := windows[name]
		if !ok {
			return nil, fmt.Errorf("%w: %s has no entry in combined_windows.json", ErrCorpus, name)
		}
		series, err := readSeries(filepath.Join(dataDir, filepath.FromSlash(name)))
		if err != nil {
			return nil, err
		}
		series.Name = name
		if series.Windows, err = windowRows(series, labelled); err != nil {
			return nil, err
		}
		corpus.Series = append(corpus.Series, series)
	}
	return corpus, nil
}

func readWindowLabels(path string) (map[string][][2]string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorpus, err)
	}
	var windows map[string][][2]string
	if err := json.Unmarshal(raw, &windows); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorpus, path, err)
	}
	return windows, nil
}

func readSeries(path string) (*Series, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorpus, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil || len(header) < 2 || header[0] != "timestamp" || header[1] != "value" {
		return nil, fmt.Errorf("%w: %s: header must be timestamp,value", ErrCorpus, path)
	}
	s := &Series{}
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", ErrCorpus, path, err)
		}
		ts, err := time.Parse(TimestampLayout, rec[0])
		if err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %v", ErrCorpus, path, line, err)
		}
		v, err := strconv.ParseFloat(rec[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%w: %s line %d: %v", ErrCorpus, path, line, err)
		}
		s.Timestamps = append(s.Timestamps, rec[0])
		s.Times = append(s.Times, ts)
		s.Values = append(s.Values, v)
	}
	if len(s.Values) == 0 {
		return nil, fmt.Errorf("%w: %s has no rows", ErrCorpus, path)
	}
	return s, nil
}

// windowRows turns labelled timestamp pairs into row ranges. A window starts at
// the first row carrying its start timestamp and ends at the first row carrying
// its end timestamp: a few files repeat timestamps around clock changes.
func windowRows(s *Series, labelled [][2]string) ([]Window, error) {
	firstRow := make(map[string]int, len(s.Timestamps))
	for i, ts := range s.Timestamps {
		if _, seen := firstRow[ts]; !seen {
			firstRow[ts] = i
		}
	}
	rows := make([]Window, 0, len(labelled))
	for _, pair := range labelled {
		start, okStart := firstRow[labelTimestamp(pair[0])]
		end, okEnd := firstRow[labelTimestamp(pair[1])]
		if !okStart || !okEnd || end < start {
			return nil, fmt.Errorf("%w: %s: window %v does not match its rows", ErrCorpus, s.Name, pair)
		}
		if len(rows) > 0 && start <= rows[len(rows)-1].End {
			return nil, fmt.Errorf("%w: %s: windows overlap or are unsorted", ErrCorpus, s.Name)
		}
		rows = append(rows, Window{Start: start, End: end})
	}
	return rows, nil
}

// labelTimestamp drops the fractional seconds the label files carry.
func labelTimestamp(ts string) string {
	if i := strings.IndexByte(ts, '.'); i >= 0 {
		return ts[:i]
	}
	return ts
}
