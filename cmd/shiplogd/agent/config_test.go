package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/judge"
)

// validConfig is the README's example.
const validConfig = `chain:
  grpc: 127.0.0.1:9090
  rpc: http://127.0.0.1:26657
  chain_id: shiplog-dev-1
key:
  home: /tmp/keys
  name: detector
prometheus:
  url: http://127.0.0.1:9091
detector:
  name: canary-judge
  version: 1.0.0
state_dir: /tmp/agent-state
analyses:
  - name: checkout-canary
    service: checkout
    environment: production
    baseline: {app: checkout, track: baseline}
    canary: {app: checkout, track: canary, version: $version}
    step: 10s
    interval: 5m
    lifetime: 15m
    pass: 95
    marginal: 75
    groups: {latency: 2, errors: 1}
    metrics:
      - name: p99_latency
        group: latency
        query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{$selector}[1m])))
        direction: increase
        critical: true
        critical_increase: 1.5
      - name: error_rate
        group: errors
        query: sum(rate(http_requests_total{$selector,code=~"5.."}[1m])) / sum(rate(http_requests_total{$selector}[1m]))
        direction: increase
        allowed_increase: 1.1
anomalies:
  - name: checkout_error_rate
    service: checkout
    environment: production
    query: sum(rate(http_requests_total{app="checkout",code=~"5.."}[1m]))
    threshold: 0.8
`

func TestParseConfigExample(t *testing.T) {
	cfg, err := ParseConfig([]byte(validConfig))
	require.NoError(t, err)
	// Defaults.
	require.Equal(t, "test", cfg.Key.Backend)
	require.Equal(t, time.Second, cfg.Chain.PollInterval)
	require.Equal(t, 30*time.Second, cfg.Chain.CommitTimeout)
	require.Equal(t, 8, cfg.Retry.Attempts)
	an := cfg.Analyses[0]
	require.Equal(t, 20*time.Second, an.Delay)
	require.Equal(t, SamplesAuto, an.Samples)
	require.Len(t, an.Windows(time.Unix(0, 0)), 3)
	am := cfg.Anomalies[0]
	require.Equal(t, 15*time.Second, am.Step)
	require.Equal(t, 10*time.Minute, am.Debounce)
	require.Equal(t, 60, am.Window)
	require.Equal(t, 150*15*time.Second, am.Lookback)

	jc, err := an.JudgeConfig()
	require.NoError(t, err)
	require.Equal(t, judge.Score(9500), jc.PassScore)
	require.Equal(t, judge.Score(7500), jc.MarginalScore)
	require.Equal(t, []judge.Group{{Name: "errors", Weight: 1}, {Name: "latency", Weight: 2}}, jc.Groups)
	require.Equal(t, judge.Millionths(1_500_000), jc.Metrics[0].CriticalIncrease)
	require.Equal(t, judge.Millionths(1_100_000), jc.Metrics[1].AllowedIncrease)

	// Selectors: sorted matchers, deployment variables expanded.
	vars := map[string]string{"service": "checkout", "environment": "production", "version": "2.0.0"}
	require.Equal(t, `app="checkout",track="canary",version="2.0.0"`, Selector(an.Canary, vars))
	require.Equal(t, `sum(rate(http_requests_total{app="checkout",track="baseline",code=~"5.."}[1m])) / sum(rate(http_requests_total{app="checkout",track="baseline"}[1m]))`,
		MetricQuery(an.Metrics[1], an.Baseline, vars))

	// The model digest is derived from the analyses and changes with them.
	d1 := cfg.ModelDigest()
	require.True(t, strings.HasPrefix(d1, "sha256:"))
	require.Equal(t, d1, cfg.DetectorRef().ConfigDigest)
	cfg.Analyses[0].Pass = 90
	require.NotEqual(t, d1, cfg.ModelDigest())
}

func TestLoadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.yaml")
	require.NoError(t, os.WriteFile(path, []byte(validConfig), 0o600))
	_, err := LoadConfig(path)
	require.NoError(t, err)
	_, err = LoadConfig(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorIs(t, err, ErrConfig)
}

func TestParseConfigErrors(t *testing.T) {
	cases := map[string]struct {
		old, new string // replace old by new in validConfig
		want     string
	}{
		"unknown field":          {"  chain_id: shiplog-dev-1", "  chain_id: shiplog-dev-1\n  chainid: x", "field chainid not found"},
		"no grpc":                {"  grpc: 127.0.0.1:9090\n", "", "chain.grpc"},
		"bad rpc scheme":         {"rpc: http://127.0.0.1:26657", "rpc: 127.0.0.1:26657", "chain.rpc"},
		"no chain id":            {"  chain_id: shiplog-dev-1\n", "", "chain.chain_id"},
		"no key":                 {"  name: detector\n", "", "key.name"},
		"bad backend":            {"  name: detector\n", "  name: detector\n  backend: vault\n", "key.backend"},
		"no prometheus":          {"  url: http://127.0.0.1:9091\n", "", "prometheus.url"},
		"no state dir":           {"state_dir: /tmp/agent-state\n", "", "state_dir"},
		"bad detector name":      {"  name: canary-judge", "  name: \"\"", "detector"},
		"bad duration":           {"interval: 5m", "interval: five", "cannot unmarshal"},
		"zero interval":          {"interval: 5m", "interval: 0s", "interval"},
		"step above interval":    {"step: 10s", "step: 10m", "step 10m0s must be positive and at most the interval"},
		"lifetime short":         {"lifetime: 15m", "lifetime: 1m", "lifetime 1m0s is shorter than one interval"},
		"no baseline":            {"baseline: {app: checkout, track: baseline}", "baseline: {}", "baseline and canary label matchers are required"},
		"same selectors":         {"canary: {app: checkout, track: canary, version: $version}", "canary: {app: checkout, track: baseline}", "select the same series"},
		"bad label":              {"track: baseline}", "track-x: baseline}", "not a label name"},
		"no selector in query":   {"query: histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{$selector}[1m])))", "query: up", "has no $selector"},
		"bad direction":          {"        direction: increase\n        critical: true", "        direction: up\n        critical: true", `direction "up"`},
		"marginal above pass":    {"marginal: 75", "marginal: 96", "marginal score"},
		"pass above 100":         {"pass: 95", "pass: 101", "pass 101 is outside (0, 100]"},
		"undeclared group":       {"group: errors", "group: availability", `group "availability" is not declared`},
		"confidence out":         {"    pass: 95", "    confidence: 0.3\n    pass: 95", "confidence"},
		"bad samples":            {"    pass: 95", "    samples: sometimes\n    pass: 95", `samples "sometimes"`},
		"duplicate analysis":     {"anomalies:", "  - name: checkout-canary\n    service: x\nanomalies:", `name "checkout-canary" used twice`},
		"same target twice":      {"anomalies:", "  - name: other\n    service: checkout\n    environment: production\nanomalies:", `checkout/production is already judged by analysis "checkout-canary"`},
		"no key home":            {"  home: /tmp/keys\n", "", "key.home"},
		"anomaly threshold":      {"threshold: 0.8", "threshold: 1.5", "threshold 1.5 is outside (0, 1]"},
		"anomaly without query":  {"    query: sum(rate(http_requests_total{app=\"checkout\",code=~\"5..\"}[1m]))\n", "", "query is required"},
		"anomaly without target": {"  - name: checkout_error_rate\n    service: checkout\n", "  - name: checkout_error_rate\n", "service and environment are required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.Contains(t, validConfig, tc.old, "test case does not apply")
			_, err := ParseConfig([]byte(strings.Replace(validConfig, tc.old, tc.new, 1)))
			require.ErrorIs(t, err, ErrConfig)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := ParseConfig(nil)
	require.ErrorContains(t, err, "empty file")
	_, err = ParseConfig([]byte("chain: {grpc: x, rpc: http://x, chain_id: c}\nkey: {name: k, home: h}\nprometheus: {url: http://p}\nstate_dir: s\ndetector: {name: d, version: '1'}\n"))
	require.ErrorContains(t, err, "nothing to do")
}

func TestParseAnalysis(t *testing.T) {
	single := `name: one
pass: 90
marginal: 50
metrics:
  - name: latency
    direction: increase
`
	an, err := ParseAnalysis([]byte(single), "")
	require.NoError(t, err)
	require.Equal(t, "default", an.Metrics[0].Group, "one group by default")

	an, err = ParseAnalysis([]byte(validConfig), "")
	require.NoError(t, err, "an agent config with one analysis needs no name")
	require.Equal(t, "checkout-canary", an.Name)
	_, err = ParseAnalysis([]byte(validConfig), "search-canary")
	require.ErrorContains(t, err, `analysis "search-canary" not found; the file has [checkout-canary]`)

	_, err = ParseAnalysis([]byte("name: x\npass: 90\nmarginal: 50\n"), "")
	require.ErrorContains(t, err, "no metrics")
	_, err = ParseAnalysis([]byte("name: x\npass: 90\nmarginal: 50\nmetrix: []\n"), "")
	require.ErrorContains(t, err, "field metrix not found")
}
