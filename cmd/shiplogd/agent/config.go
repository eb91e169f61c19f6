// Package agent is the shiplog AIOps agent (`shiplogd aiops watch`): it
// follows the chain for new canary deployments, judges each from
// Prometheus telemetry with the canary judge of x/aiops, anchors the
// verdict on chain signed with its detector key, and reports anomalies of
// streamed metrics. See README.md.
package agent

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

// ErrConfig wraps every configuration error.
var ErrConfig = errors.New("agent config")

// Config is the agent's YAML configuration.
type Config struct {
	Chain      ChainConfig      `yaml:"chain" json:"chain"`
	Key        KeyConfig        `yaml:"key" json:"key"`
	Prometheus PrometheusConfig `yaml:"prometheus" json:"prometheus"`
	Detector   DetectorConfig   `yaml:"detector" json:"detector"`
	// StateDir holds the agent's local record (state.json) and, when
	// evidence is kept, the evidence files.
	StateDir string      `yaml:"state_dir" json:"state_dir"`
	Evidence Evidence    `yaml:"evidence" json:"evidence"`
	Retry    RetryConfig `yaml:"retry" json:"retry"`
	// Analyses are the canary analyses; each applies to the canary
	// deployments of its service and environment.
	Analyses []Analysis `yaml:"analyses" json:"analyses"`
	// Anomalies are streamed metrics scored by the anomaly detector.
	Anomalies []AnomalyMetric `yaml:"anomalies" json:"anomalies"`
}

// ChainConfig says how to reach the chain.
type ChainConfig struct {
	// GRPC is host:port of the node's gRPC server (queries, broadcast).
	GRPC string `yaml:"grpc" json:"grpc"`
	// RPC is the CometBFT RPC URL (blocks and their events).
	RPC     string `yaml:"rpc" json:"rpc"`
	ChainID string `yaml:"chain_id" json:"chain_id"`
	// PollInterval is how often the agent asks for new blocks; default 1s.
	PollInterval time.Duration `yaml:"poll_interval" json:"poll_interval"`
	// StartHeight is the first block read when the state has none; 0 starts
	// at the latest block.
	StartHeight int64 `yaml:"start_height" json:"start_height"`
	// CommitTimeout bounds the wait for a broadcast tx to be in a block;
	// default 30s.
	CommitTimeout time.Duration `yaml:"commit_timeout" json:"commit_timeout"`
}

// KeyConfig names the detector key in a keyring.
type KeyConfig struct {
	Home    string `yaml:"home" json:"home"`
	Backend string `yaml:"backend" json:"backend"`
	Name    string `yaml:"name" json:"name"`
}

// PrometheusConfig says how to reach Prometheus.
type PrometheusConfig struct {
	URL     string        `yaml:"url" json:"url"`
	Timeout time.Duration `yaml:"timeout" json:"timeout"`
}

// DetectorConfig is the model descriptor registered on chain.
type DetectorConfig struct {
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// ConfigDigest defaults to the digest of the analyses and anomaly
	// metrics of this file (ModelDigest).
	ConfigDigest string `yaml:"config_digest" json:"config_digest"`
	Description  string `yaml:"description" json:"description"`
}

// Evidence says where the samples behind a verdict are kept off chain.
type Evidence struct {
	// Dir: when set, every verdict's samples are written to
	// Dir/<evidence digest hex>.json.
	Dir string `yaml:"dir" json:"dir"`
	// URL: when set, the verdict's evidence_location is URL/<hex>.json.
	URL string `yaml:"url" json:"url"`
}

// RetryConfig is the backoff of transient failures.
type RetryConfig struct {
	Initial  time.Duration `yaml:"initial" json:"initial"`
	Max      time.Duration `yaml:"max" json:"max"`
	Attempts int           `yaml:"attempts" json:"attempts"`
}

// Samples says whether a verdict carries its samples.
type Samples string

const (
	// SamplesAuto submits the samples when they fit the chain's bounds, so
	// the chain re-runs the judge; otherwise only the results and digest.
	SamplesAuto   Samples = "auto"
	SamplesAlways Samples = "always"
	SamplesNever  Samples = "never"
)

// Analysis is one canary analysis.
type Analysis struct {
	Name        string `yaml:"name" json:"name"`
	Service     string `yaml:"service" json:"service"`
	Environment string `yaml:"environment" json:"environment"`
	// Baseline and Canary are label matchers (name: value) that select each
	// side's series; $service, $environment and $version in a value are
	// replaced by the deployment's.
	Baseline map[string]string `yaml:"baseline" json:"baseline"`
	Canary   map[string]string `yaml:"canary" json:"canary"`
	// Step is the query_range resolution; default 1s.
	Step time.Duration `yaml:"step" json:"step"`
	// Interval is the length of one analysis window.
	Interval time.Duration `yaml:"interval" json:"interval"`
	// Lifetime is how long after the deployment the canary is analysed;
	// windows are [created + k*Interval, created + (k+1)*Interval) while
	// they end within Lifetime. Default: one window.
	Lifetime time.Duration `yaml:"lifetime" json:"lifetime"`
	// Delay is waited after a window ends before querying, so the last
	// scrapes are in; default 2 steps.
	Delay time.Duration `yaml:"delay" json:"delay"`
	// Pass and Marginal are score thresholds (0-100).
	Pass     float64 `yaml:"pass" json:"pass"`
	Marginal float64 `yaml:"marginal" json:"marginal"`
	// Confidence (default 0.98) and EffectTolerance (default 0.25).
	Confidence      float64 `yaml:"confidence" json:"confidence"`
	EffectTolerance float64 `yaml:"effect_tolerance" json:"effect_tolerance"`
	// Groups are weights by group name; default: one group "default" of
	// weight 1.
	Groups  map[string]int64 `yaml:"groups" json:"groups"`
	Metrics []Metric         `yaml:"metrics" json:"metrics"`
	Samples Samples          `yaml:"samples" json:"samples"`
}

// Metric is one metric of an analysis.
type Metric struct {
	Name string `yaml:"name" json:"name"`
	// Query is PromQL with $selector where the side's label matchers go,
	// e.g. rate(http_errors_total{$selector}[30s]).
	Query            string  `yaml:"query" json:"query"`
	Group            string  `yaml:"group" json:"group"`
	Direction        string  `yaml:"direction" json:"direction"`
	Critical         bool    `yaml:"critical" json:"critical"`
	MustHaveData     bool    `yaml:"must_have_data" json:"must_have_data"`
	NaNStrategy      string  `yaml:"nan_strategy" json:"nan_strategy"`
	AllowedIncrease  float64 `yaml:"allowed_increase" json:"allowed_increase"`
	AllowedDecrease  float64 `yaml:"allowed_decrease" json:"allowed_decrease"`
	CriticalIncrease float64 `yaml:"critical_increase" json:"critical_increase"`
	CriticalDecrease float64 `yaml:"critical_decrease" json:"critical_decrease"`
}

// AnomalyMetric is a metric streamed to the anomaly detector.
type AnomalyMetric struct {
	Name        string `yaml:"name" json:"name"`
	Service     string `yaml:"service" json:"service"`
	Environment string `yaml:"environment" json:"environment"`
	// Query is complete PromQL returning one series (others are ignored).
	Query string `yaml:"query" json:"query"`
	// Step is the resolution points are read at; default 15s.
	Step time.Duration `yaml:"step" json:"step"`
	// Threshold in (0, 1]: a point scoring at least this is reported.
	Threshold float64 `yaml:"threshold" json:"threshold"`
	// Debounce: after a report, none for this long; default 10m.
	Debounce time.Duration `yaml:"debounce" json:"debounce"`
	// Window is how many recent points make the reported evidence; default 60.
	Window int `yaml:"window" json:"window"`
	// Warmup overrides the detector's warm-up in points (0: its default).
	Warmup int `yaml:"warmup" json:"warmup"`
	// Lookback is how far back the first query reads, to warm the detector
	// up; default Warmup*Step.
	Lookback time.Duration `yaml:"lookback" json:"lookback"`
}

// LoadConfig reads, defaults and validates a YAML config file.
func LoadConfig(path string) (*Config, error) {
	bz, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	cfg, err := ParseConfig(bz)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes YAML (unknown fields are errors), applies defaults
// and validates.
func ParseConfig(bz []byte) (*Config, error) {
	var cfg Config
	if err := decodeStrict(bz, &cfg); err != nil {
		return nil, err
	}
	cfg.applyDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func decodeStrict(bz []byte, out any) error {
	dec := yaml.NewDecoder(bytes.NewReader(bz))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: empty file", ErrConfig)
		}
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return nil
}

func (c *Config) applyDefaults() {
	if c.Chain.PollInterval == 0 {
		c.Chain.PollInterval = time.Second
	}
	if c.Chain.CommitTimeout == 0 {
		c.Chain.CommitTimeout = 30 * time.Second
	}
	if c.Key.Backend == "" {
		c.Key.Backend = "test"
	}
	if c.Prometheus.Timeout == 0 {
		c.Prometheus.Timeout = 30 * time.Second
	}
	if c.Retry.Initial == 0 {
		c.Retry.Initial = 500 * time.Millisecond
	}
	if c.Retry.Max == 0 {
		c.Retry.Max = 30 * time.Second
	}
	if c.Retry.Attempts == 0 {
		c.Retry.Attempts = 8
	}
	for i := range c.Analyses {
		c.Analyses[i].applyDefaults()
	}
	for i := range c.Anomalies {
		a := &c.Anomalies[i]
		if a.Step == 0 {
			a.Step = 15 * time.Second
		}
		if a.Debounce == 0 {
			a.Debounce = 10 * time.Minute
		}
		if a.Window == 0 {
			a.Window = 60
		}
		if a.Lookback == 0 {
			warmup := a.Warmup
			if warmup == 0 {
				warmup = 150
			}
			a.Lookback = time.Duration(warmup) * a.Step
		}
	}
}

func (a *Analysis) applyDefaults() {
	if a.Step == 0 {
		a.Step = time.Second
	}
	if a.Lifetime == 0 {
		a.Lifetime = a.Interval
	}
	if a.Delay == 0 {
		a.Delay = 2 * a.Step
	}
	if a.Samples == "" {
		a.Samples = SamplesAuto
	}
	if len(a.Groups) == 0 {
		a.Groups = map[string]int64{"default": 1}
	}
	for i := range a.Metrics {
		if a.Metrics[i].Group == "" && len(a.Groups) == 1 {
			for g := range a.Groups {
				a.Metrics[i].Group = g
			}
		}
	}
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// Validate checks the whole config and names the first offending field.
func (c *Config) Validate() error {
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrConfig, fmt.Sprintf(format, args...))
	}
	switch {
	case c.Chain.GRPC == "":
		return errf("chain.grpc (host:port of the node's gRPC server) is required")
	case c.Chain.RPC == "":
		return errf("chain.rpc (CometBFT RPC URL) is required")
	case !strings.HasPrefix(c.Chain.RPC, "http://") && !strings.HasPrefix(c.Chain.RPC, "https://") && !strings.HasPrefix(c.Chain.RPC, "tcp://"):
		return errf("chain.rpc %q: want http(s):// or tcp://", c.Chain.RPC)
	case c.Chain.ChainID == "":
		return errf("chain.chain_id is required")
	case c.Chain.PollInterval < 0 || c.Chain.CommitTimeout < 0 || c.Chain.StartHeight < 0:
		return errf("chain.poll_interval, chain.commit_timeout and chain.start_height must not be negative")
	case c.Key.Name == "":
		return errf("key.name (the detector key) is required")
	case !slices.Contains([]string{"test", "file", "os", "memory", "kwallet", "pass"}, c.Key.Backend):
		return errf("key.backend %q: want test, file, os, kwallet, pass or memory", c.Key.Backend)
	case c.Key.Home == "" && (c.Key.Backend == "test" || c.Key.Backend == "file"):
		return errf("key.home (the keyring's folder) is required with backend %s", c.Key.Backend)
	case c.Prometheus.URL == "":
		return errf("prometheus.url is required")
	case !strings.HasPrefix(c.Prometheus.URL, "http://") && !strings.HasPrefix(c.Prometheus.URL, "https://"):
		return errf("prometheus.url %q: want http(s)://", c.Prometheus.URL)
	case c.Prometheus.Timeout < 0:
		return errf("prometheus.timeout must not be negative")
	case c.StateDir == "":
		return errf("state_dir is required (the agent's record of what it submitted)")
	case c.Retry.Initial < 0 || c.Retry.Max < c.Retry.Initial || c.Retry.Attempts < 1:
		return errf("retry: want 0 <= initial <= max and attempts >= 1")
	case len(c.Analyses) == 0 && len(c.Anomalies) == 0:
		return errf("nothing to do: no analyses and no anomalies")
	}
	d := types.DetectorRef{Name: c.Detector.Name, Version: c.Detector.Version, ConfigDigest: c.Detector.ConfigDigest}
	if d.ConfigDigest == "" {
		d.ConfigDigest = "sha256:" + strings.Repeat("0", 64)
	}
	if err := types.ValidateDescriptor(d); err != nil {
		return errf("detector: %v", err)
	}
	if len(c.Detector.Description) > types.MaxDescriptionLength {
		return errf("detector.description is longer than %d bytes", types.MaxDescriptionLength)
	}
	names := map[string]bool{}
	targets := map[string]string{}
	for i := range c.Analyses {
		a := &c.Analyses[i]
		if names[a.Name] {
			return errf("analyses[%d]: name %q used twice", i, a.Name)
		}
		names[a.Name] = true
		target := a.Service + "/" + a.Environment
		if other, ok := targets[target]; ok && a.Service != "" {
			return errf("analyses[%d] (%s): %s is already judged by analysis %q; one analysis per service and environment", i, a.Name, target, other)
		}
		targets[target] = a.Name
		if err := a.Validate(); err != nil {
			return errf("analyses[%d] (%s): %v", i, a.Name, err)
		}
	}
	for i, m := range c.Anomalies {
		where := fmt.Sprintf("anomalies[%d] (%s)", i, m.Name)
		switch {
		case m.Name == "" || len(m.Name) > types.MaxMetricNameLength:
			return errf("anomalies[%d]: name must be 1 to %d bytes", i, types.MaxMetricNameLength)
		case names["anomaly:"+m.Name]:
			return errf("%s: name used twice", where)
		case m.Service == "" || m.Environment == "":
			return errf("%s: service and environment are required", where)
		case m.Query == "":
			return errf("%s: query is required", where)
		case m.Step <= 0 || m.Debounce < 0 || m.Lookback < 0:
			return errf("%s: step must be positive, debounce and lookback not negative", where)
		case !(m.Threshold > 0 && m.Threshold <= 1):
			return errf("%s: threshold %v is outside (0, 1]", where, m.Threshold)
		case m.Window < 1 || m.Window > types.MaxSamplesPerSide:
			return errf("%s: window %d is outside [1, %d] points", where, m.Window, types.MaxSamplesPerSide)
		case m.Warmup < 0:
			return errf("%s: warmup must not be negative", where)
		}
		names["anomaly:"+m.Name] = true
	}
	return nil
}

// Validate checks one analysis, including the judge config it makes.
func (a *Analysis) Validate() error {
	switch {
	case a.Name == "":
		return errors.New("name is required")
	case a.Service == "" || a.Environment == "":
		return errors.New("service and environment are required")
	case len(a.Baseline) == 0 || len(a.Canary) == 0:
		return errors.New("baseline and canary label matchers are required")
	case a.Interval <= 0:
		return errors.New("interval (the analysis window) must be positive")
	case a.Step <= 0 || a.Step > a.Interval:
		return fmt.Errorf("step %s must be positive and at most the interval %s", a.Step, a.Interval)
	case a.Lifetime < a.Interval:
		return fmt.Errorf("lifetime %s is shorter than one interval %s", a.Lifetime, a.Interval)
	case a.Lifetime > types.MaxAnalysisWindow:
		return fmt.Errorf("lifetime %s is longer than %s", a.Lifetime, types.MaxAnalysisWindow)
	case a.Delay < 0:
		return errors.New("delay must not be negative")
	case !slices.Contains([]Samples{SamplesAuto, SamplesAlways, SamplesNever}, a.Samples):
		return fmt.Errorf("samples %q: want auto, always or never", a.Samples)
	}
	if a.Interval/a.Step > types.MaxSamplesPerSide && a.Samples == SamplesAlways {
		return fmt.Errorf("samples always: %d points per window exceed the chain's %d per side", a.Interval/a.Step, types.MaxSamplesPerSide)
	}
	for side, matchers := range map[string]map[string]string{"baseline": a.Baseline, "canary": a.Canary} {
		for k := range matchers {
			if !labelName.MatchString(k) {
				return fmt.Errorf("%s: %q is not a label name", side, k)
			}
		}
	}
	if Selector(a.Baseline, nil) == Selector(a.Canary, nil) {
		return errors.New("baseline and canary select the same series")
	}
	for i, m := range a.Metrics {
		if m.Query == "" {
			return fmt.Errorf("metrics[%d] (%s): query is required", i, m.Name)
		}
		if !strings.Contains(m.Query, "$selector") {
			return fmt.Errorf("metrics[%d] (%s): query %q has no $selector to put the baseline and canary label matchers in", i, m.Name, m.Query)
		}
	}
	return a.ValidateJudge()
}

// ValidateJudge checks what the judge needs: metrics, groups, thresholds.
func (a *Analysis) ValidateJudge() error {
	if len(a.Metrics) == 0 {
		return errors.New("no metrics")
	}
	for i, m := range a.Metrics {
		if m.Group == "" {
			return fmt.Errorf("metrics[%d] (%s): group is required when there are several groups", i, m.Name)
		}
	}
	cfg, err := a.JudgeConfig()
	if err != nil {
		return err
	}
	if len(cfg.Metrics) > types.MaxVerdictMetrics || len(cfg.Groups) > types.MaxVerdictGroups {
		return fmt.Errorf("%d metrics and %d groups: the chain takes at most %d and %d", len(cfg.Metrics), len(cfg.Groups), types.MaxVerdictMetrics, types.MaxVerdictGroups)
	}
	return cfg.Validate()
}

// JudgeConfig is the judge configuration of the analysis (fractions become
// millionths, scores hundredths).
func (a *Analysis) JudgeConfig() (judge.Config, error) {
	frac := func(field string, v float64) (judge.Millionths, error) {
		if math.IsNaN(v) || v < 0 || v > float64(judge.MaxEffectRatio/judge.FixedScale) {
			return 0, fmt.Errorf("%s %v is out of range", field, v)
		}
		return judge.Millionths(math.Round(v * judge.FixedScale)), nil
	}
	score := func(field string, v float64) (judge.Score, error) {
		if math.IsNaN(v) || v <= 0 || v > 100 {
			return 0, fmt.Errorf("%s %v is outside (0, 100]", field, v)
		}
		return judge.Score(math.Round(v * 100)), nil
	}
	var cfg judge.Config
	var err error
	if cfg.PassScore, err = score("pass", a.Pass); err != nil {
		return cfg, err
	}
	if cfg.MarginalScore, err = score("marginal", a.Marginal); err != nil {
		return cfg, err
	}
	if cfg.Confidence, err = frac("confidence", a.Confidence); err != nil {
		return cfg, err
	}
	if cfg.EffectTolerance, err = frac("effect_tolerance", a.EffectTolerance); err != nil {
		return cfg, err
	}
	groups := make([]string, 0, len(a.Groups))
	for g := range a.Groups {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		cfg.Groups = append(cfg.Groups, judge.Group{Name: g, Weight: a.Groups[g]})
	}
	for _, m := range a.Metrics {
		mc := judge.MetricConfig{
			Name: m.Name, Group: m.Group, Direction: judge.Direction(m.Direction), Critical: m.Critical,
			MustHaveData: m.MustHaveData, NaNStrategy: judge.NaNStrategy(m.NaNStrategy),
		}
		for _, r := range []struct {
			field string
			v     float64
			out   *judge.Millionths
		}{
			{"allowed_increase", m.AllowedIncrease, &mc.AllowedIncrease},
			{"allowed_decrease", m.AllowedDecrease, &mc.AllowedDecrease},
			{"critical_increase", m.CriticalIncrease, &mc.CriticalIncrease},
			{"critical_decrease", m.CriticalDecrease, &mc.CriticalDecrease},
		} {
			if *r.out, err = frac(fmt.Sprintf("metric %q: %s", m.Name, r.field), r.v); err != nil {
				return cfg, err
			}
		}
		cfg.Metrics = append(cfg.Metrics, mc)
	}
	return cfg, nil
}

// Selector renders label matchers as PromQL (name="value", sorted by name),
// replacing $service, $environment and $version in values from vars.
func Selector(matchers map[string]string, vars map[string]string) string {
	names := make([]string, 0, len(matchers))
	for k := range matchers {
		names = append(names, k)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = k + "=" + strconv.Quote(expand(matchers[k], vars))
	}
	return strings.Join(parts, ",")
}

func expand(s string, vars map[string]string) string {
	if len(vars) == 0 {
		return s
	}
	return strings.NewReplacer("$service", vars["service"], "$environment", vars["environment"], "$version", vars["version"]).Replace(s)
}

// MetricQuery is the PromQL of one side of a metric.
func MetricQuery(m Metric, matchers map[string]string, vars map[string]string) string {
	return strings.ReplaceAll(m.Query, "$selector", Selector(matchers, vars))
}

// ModelDigest is the detector's configuration digest: the configured one,
// or "sha256:<hex>" of the JSON encoding of the analyses and anomaly
// metrics (what decides verdicts and reports), so changing them changes the
// descriptor and needs a new detector version.
func (c *Config) ModelDigest() string {
	if c.Detector.ConfigDigest != "" {
		return c.Detector.ConfigDigest
	}
	bz, err := json.Marshal(struct {
		Analyses  []Analysis      `json:"analyses"`
		Anomalies []AnomalyMetric `json:"anomalies"`
	}{c.Analyses, c.Anomalies})
	if err != nil {
		panic(err) // plain structs and maps always encode
	}
	sum := sha256.Sum256(bz)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// DetectorRef is the descriptor the agent registers and signs with.
func (c *Config) DetectorRef() types.DetectorRef {
	return types.DetectorRef{Name: c.Detector.Name, Version: c.Detector.Version, ConfigDigest: c.ModelDigest()}
}

// ParseAnalysis decodes a file holding either one analysis or an agent
// config; name picks the analysis of an agent config (needed when it has
// several). Used by `shiplogd aiops judge`.
func ParseAnalysis(bz []byte, name string) (*Analysis, error) {
	var probe map[string]any
	if err := yaml.Unmarshal(bz, &probe); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if _, ok := probe["analyses"]; ok {
		var cfg Config
		if err := decodeStrict(bz, &cfg); err != nil {
			return nil, err
		}
		var picked *Analysis
		for i := range cfg.Analyses {
			if cfg.Analyses[i].Name == name || name == "" && len(cfg.Analyses) == 1 {
				picked = &cfg.Analyses[i]
			}
		}
		if picked == nil {
			names := make([]string, len(cfg.Analyses))
			for i, a := range cfg.Analyses {
				names[i] = a.Name
			}
			return nil, fmt.Errorf("%w: analysis %q not found; the file has %v", ErrConfig, name, names)
		}
		picked.applyDefaults()
		if err := picked.ValidateJudge(); err != nil {
			return nil, fmt.Errorf("%w: analysis %s: %w", ErrConfig, picked.Name, err)
		}
		return picked, nil
	}
	var a Analysis
	if err := decodeStrict(bz, &a); err != nil {
		return nil, err
	}
	a.applyDefaults()
	if err := a.ValidateJudge(); err != nil {
		return nil, fmt.Errorf("%w: analysis %s: %w", ErrConfig, a.Name, err)
	}
	return &a, nil
}
