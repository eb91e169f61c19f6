package cmd_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const judgeAnalysis = `name: checkout
pass: 95
marginal: 75
groups: {latency: 2, errors: 1}
metrics:
  - name: latency
    group: latency
    direction: increase
    critical: true
  - name: errors
    group: errors
    direction: increase
`

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	return path
}

// TestAiopsJudge runs `shiplogd aiops judge` on sample files: a degraded
// canary fails on its critical metric, a healthy one passes, and missing
// values may be written as "NaN".
func TestAiopsJudge(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "analysis.yaml", judgeAnalysis)
	baseline := writeFile(t, dir, "baseline.json", `{"latency": [0.10, 0.11, 0.09, 0.10, 0.12, 0.10, 0.11, 0.09, 0.10, 0.11],
		"errors": [0, 1, 0, 0, 1, 0, 0, 0, 1, 0]}`)
	bad := writeFile(t, dir, "bad.json", `{"latency": [0.30, 0.31, 0.29, 0.33, 0.30, 0.32, 0.31, 0.30, 0.29, "NaN"],
		"errors": [0, 1, 0, 0, 1, 0, 0, 0, 1, 0]}`)

	out, err := runAiops(t, "judge", "--config", cfg, "--baseline", baseline, "--canary", bad)
	require.NoError(t, err, out)
	var res struct {
		Outcome        string `json:"outcome"`
		Score          string `json:"score"`
		ConfigDigest   string `json:"judge_config_digest"`
		EvidenceDigest string `json:"evidence_digest"`
		Result         struct {
			Metrics []struct {
				Name           string `json:"name"`
				Classification string `json:"classification"`
				Canary         struct {
					Count int `json:"count"`
				} `json:"canary"`
			} `json:"metrics"`
		} `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &res), out)
	require.Equal(t, "FAIL", res.Outcome)
	require.Equal(t, "0.00", res.Score)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, res.ConfigDigest)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, res.EvidenceDigest)
	require.Equal(t, "errors", res.Result.Metrics[0].Name)
	require.Equal(t, "Pass", res.Result.Metrics[0].Classification)
	require.Equal(t, "High", res.Result.Metrics[1].Classification)
	require.Equal(t, 9, res.Result.Metrics[1].Canary.Count, "the NaN is dropped")

	_, err = runAiops(t, "judge", "--config", cfg, "--baseline", baseline, "--canary", bad, "--exit-code")
	require.ErrorContains(t, err, "canary FAIL (score 0.00)")

	out, err = runAiops(t, "judge", "--config", cfg, "--baseline", baseline, "--canary", baseline, "--exit-code")
	require.NoError(t, err, out)
	require.NoError(t, json.Unmarshal([]byte(out), &res))
	require.Equal(t, "PASS", res.Outcome)
	require.Equal(t, "100.00", res.Score)
}

func TestAiopsJudgeErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "analysis.yaml", judgeAnalysis)
	good := writeFile(t, dir, "good.json", `{"latency": [1, 2], "errors": [0, 0]}`)
	cases := map[string]struct {
		config, baseline, canary string
		want                     string
	}{
		"missing metric":   {cfg, good, writeFile(t, dir, "a.json", `{"latency": [1]}`), `metric "errors": no samples in`},
		"unknown metric":   {cfg, good, writeFile(t, dir, "b.json", `{"latency": [1], "errors": [1], "cpu": [1]}`), `samples of metric "cpu", which the analysis does not have`},
		"not an object":    {cfg, good, writeFile(t, dir, "c.json", `[1, 2]`), "want a JSON object of metric name to an array of values"},
		"bad value":        {cfg, good, writeFile(t, dir, "d.json", `{"latency": ["fast"], "errors": [1]}`), `latency[0] = "fast" is not a number`},
		"bad config":       {writeFile(t, dir, "e.yaml", "name: x\npass: 90\nmarginal: 95\nmetrics: [{name: m}]\n"), good, good, "marginal score"},
		"missing file":     {cfg, good, filepath.Join(dir, "nope.json"), "no such file"},
		"huge sample":      {cfg, good, writeFile(t, dir, "f.json", `{"latency": [1e13], "errors": [1]}`), "invalid judge samples"},
		"unknown yaml key": {writeFile(t, dir, "g.yaml", judgeAnalysis+"threshold: 3\n"), good, good, "field threshold not found"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := runAiops(t, "judge", "--config", tc.config, "--baseline", tc.baseline, "--canary", tc.canary)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestAiopsWatchBadConfig: the agent refuses a bad config before it
// connects to anything, naming the field.
func TestAiopsWatchBadConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "agent.yaml", "chain: {rpc: http://127.0.0.1:1, chain_id: c}\n")
	_, err := runAiops(t, "watch", "--config", cfg)
	require.ErrorContains(t, err, "chain.grpc (host:port of the node's gRPC server) is required")
	_, err = runAiops(t, "watch")
	require.ErrorContains(t, err, `required flag(s) "config" not set`)
}
