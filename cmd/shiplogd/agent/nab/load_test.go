package nab

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A window maps to the first row carrying each boundary timestamp, even when
// the file repeats a timestamp (clock changes do that in NAB).
func TestLoadCorpusMapsWindowsToRows(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "data", "cat", "a.csv"), "timestamp,value\n"+
		"2014-01-01 00:00:00,1\n"+
		"2014-01-01 00:05:00,2\n"+
		"2014-01-01 00:05:00,3\n"+
		"2014-01-01 00:10:00,4.5\n"+
		"2014-01-01 00:15:00,5\n")
	writeFile(t, filepath.Join(dir, "labels", "combined_windows.json"),
		`{"cat/a.csv": [["2014-01-01 00:05:00.000000", "2014-01-01 00:10:00.000000"]]}`)
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := c.Series[0]
	if s.Name != "cat/a.csv" || s.Category() != "cat" || s.File() != "a.csv" {
		t.Fatalf("names %q %q %q", s.Name, s.Category(), s.File())
	}
	if len(s.Values) != 5 || s.Values[3] != 4.5 {
		t.Fatalf("values %v", s.Values)
	}
	if len(s.Windows) != 1 || s.Windows[0] != (Window{Start: 1, End: 3}) {
		t.Fatalf("windows %v", s.Windows)
	}

	out := t.TempDir()
	if err := WriteResults(ResultsPath(out, "d", s), s, []float64{0, 0.5, 0, 1, 0}); err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(filepath.Join(out, "d", "cat", "d_a.csv"))
	want := "timestamp,value,anomaly_score,label\n" +
		"2014-01-01 00:00:00,1,0,0\n" +
		"2014-01-01 00:05:00,2,0.5,1\n" +
		"2014-01-01 00:05:00,3,0,1\n" +
		"2014-01-01 00:10:00,4.5,1,1\n" +
		"2014-01-01 00:15:00,5,0,0\n"
	if string(written) != want {
		t.Fatalf("results file:\n%s\nwant:\n%s", written, want)
	}
	files, err := ReadResults(c, out, "d")
	if err != nil || len(files) != 1 || files[0].Scores[1] != 0.5 || files[0].Scores[3] != 1 {
		t.Fatalf("read back %v, %v", files, err)
	}
}

func TestLoadCorpusRejectsBrokenFolders(t *testing.T) {
	cases := map[string]struct{ data, labels string }{
		"file without labels":      {"timestamp,value\n2014-01-01 00:00:00,1\n", `{}`},
		"window not in the data":   {"timestamp,value\n2014-01-01 00:00:00,1\n", `{"cat/a.csv": [["2015-01-01 00:00:00.000000", "2015-01-01 00:00:00.000000"]]}`},
		"bad value":                {"timestamp,value\n2014-01-01 00:00:00,x\n", `{"cat/a.csv": []}`},
		"bad header":               {"time,value\n2014-01-01 00:00:00,1\n", `{"cat/a.csv": []}`},
		"labels are not json":      {"timestamp,value\n2014-01-01 00:00:00,1\n", `[`},
		"no rows after the header": {"timestamp,value\n", `{"cat/a.csv": []}`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "data", "cat", "a.csv"), c.data)
			writeFile(t, filepath.Join(dir, "labels", "combined_windows.json"), c.labels)
			if _, err := LoadCorpus(dir); !errors.Is(err, ErrCorpus) {
				t.Fatalf("err %v, want ErrCorpus", err)
			}
		})
	}
}
