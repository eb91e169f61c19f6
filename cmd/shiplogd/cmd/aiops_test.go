package cmd_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/cmd/shiplogd/cmd"
)

// writeTinyNAB lays out a NAB-shaped folder: two categories, one file with a
// level shift inside its labelled window and one anomaly-free file.
func writeTinyNAB(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	write := func(rel string, shiftAt int) {
		var b strings.Builder
		b.WriteString("timestamp,value\n")
		for i := range 1200 {
			v := 10 + float64(i%7)
			if shiftAt > 0 && i >= shiftAt {
				v += 100
			}
			fmt.Fprintf(&b, "%s,%g\n", start.Add(time.Duration(i)*5*time.Minute).Format("2006-01-02 15:04:05"), v)
		}
		path := filepath.Join(dir, "data", rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	}
	write("catA/shift.csv", 900)
	write("catB/clean.csv", 0)
	stamp := func(i int) string {
		return start.Add(time.Duration(i)*5*time.Minute).Format("2006-01-02 15:04:05") + ".000000"
	}
	labels := fmt.Sprintf(`{"catA/shift.csv": [["%s", "%s"]], "catB/clean.csv": []}`, stamp(880), stamp(940))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "labels"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "labels", "combined_windows.json"), []byte(labels), 0o644))
	return dir
}

func runAiops(t *testing.T, args ...string) (string, error) {
	t.Helper()
	home := t.TempDir()
	root := cmd.NewRootCmd()
	var out bytes.Buffer
	root.SetArgs(append(append([]string{"aiops"}, args...), "--home", home))
	root.SetOut(&out)
	root.SetErr(&out)
	err := svrcmd.Execute(root, "SHIPLOGD", home)
	return out.String(), err
}

// TestAiopsNabRunAndScore runs the detector over a tiny corpus, checks the
// NAB results layout and that the scorer reads it back: the level shift is
// found and scored, every profile is printed.
func TestAiopsNabRunAndScore(t *testing.T) {
	data, results := writeTinyNAB(t), t.TempDir()

	out, err := runAiops(t, "nab", "--data", data, "--out", results)
	require.NoError(t, err, out)
	require.Contains(t, out, "2 files, 2400 points")
	require.Contains(t, out, "points/s")

	written, err := os.ReadFile(filepath.Join(results, "shiplog", "catA", "shiplog_shift.csv"))
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(written)), "\n")
	require.Len(t, lines, 1201)
	require.Equal(t, "timestamp,value,anomaly_score,label", lines[0])
	require.FileExists(t, filepath.Join(results, "shiplog", "catB", "shiplog_clean.csv"))

	out, err = runAiops(t, "nab-score", "--data", data, "--results", results, "--detector", "shiplog")
	require.NoError(t, err, out)
	for _, profile := range []string{"standard", "reward_low_FP_rate", "reward_low_FN_rate"} {
		require.Contains(t, out, profile)
	}
	require.Contains(t, out, "windows 1/1 detected")
}

// TestAiopsNabErrors: an unknown detector and results that were never
// written are refused, not scored as an empty run.
func TestAiopsNabErrors(t *testing.T) {
	data, results := writeTinyNAB(t), t.TempDir()
	_, err := runAiops(t, "nab", "--data", data, "--out", results, "--detector", "nope")
	require.ErrorContains(t, err, "unknown detector")
	_, err = runAiops(t, "nab-score", "--data", data, "--results", results, "--detector", "shiplog")
	require.ErrorContains(t, err, "malformed results")
}
