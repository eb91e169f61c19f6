package judge

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

var (
	// ErrInvalidConfig wraps every configuration validation failure.
	ErrInvalidConfig = errors.New("invalid judge config")
	// ErrInvalidSamples wraps every failure caused by the submitted samples.
	ErrInvalidSamples = errors.New("invalid judge samples")
	// ErrInvalidOutcomes wraps every failure of per-metric outcomes given to Recompute.
	ErrInvalidOutcomes = errors.New("invalid metric outcomes")
)

// Defaults, as in Kayenta's NetflixACAJudge.
const (
	DefaultConfidence      Millionths = 980_000   // 0.98
	DefaultEffectTolerance Millionths = 250_000   // +-25% of the Hodges-Lehmann estimate
	DefaultEffectRatio     Millionths = 1_000_000 // canary mean / baseline mean of 1.0
)

// Limits that bound the work of one judgement, so the chain can afford to re-run it.
const (
	MaxMetrics        = 256
	MaxGroups         = 64
	MaxNameLength     = 128
	MaxGroupWeight    = 1_000_000
	MaxSamplesPerSide = 10_000
	// MaxEffectRatio bounds the effect ratio thresholds (1000x).
	MaxEffectRatio Millionths = 1_000 * FixedScale
	minConfidence  Millionths = 500_000
	maxConfidence  Millionths = 999_999
)

// Direction says which change of a metric counts as a failure.
type Direction string

const (
	DirectionEither   Direction = "either" // the default
	DirectionIncrease Direction = "increase"
	DirectionDecrease Direction = "decrease"
)

// NaNStrategy says what missing values (NaN, +-Inf) become.
type NaNStrategy string

const (
	NaNRemove  NaNStrategy = "remove" // the default: missing values are dropped
	NaNReplace NaNStrategy = "replace"
)

// Config is a canary analysis configuration. Zero values of the fields documented
// with a default select that default; Normalized makes them explicit, and both
// Judge and ConfigDigest work on the normalized form, so a config that spells out
// the defaults is the same config.
type Config struct {
	// Confidence level of the Mann-Whitney confidence interval; default 0.98.
	Confidence Millionths `json:"confidence"`
	// EffectTolerance: a metric is high (low) only if the whole confidence interval of
	// the shift lies above (below) +-EffectTolerance * |Hodges-Lehmann estimate|;
	// default 0.25.
	EffectTolerance Millionths `json:"effect_tolerance"`
	// PassScore and MarginalScore are the score thresholds, 0 < MarginalScore <=
	// PassScore <= 100.00 (in hundredths); there is no default.
	PassScore     Score          `json:"pass_score"`
	MarginalScore Score          `json:"marginal_score"`
	Groups        []Group        `json:"groups"`
	Metrics       []MetricConfig `json:"metrics"`
}

// Group is a named set of metrics with a weight in the final score. Weights are
// relative: they need not add up to 100.
type Group struct {
	Name   string `json:"name"`
	Weight int64  `json:"weight"`
}

// MetricConfig describes one metric of the analysis.
type MetricConfig struct {
	Name  string `json:"name"`
	Group string `json:"group"`
	// Direction defaults to either.
	Direction Direction `json:"direction"`
	// Critical: a high or low classification (beyond the critical ratios) or missing
	// data fails the whole canary whatever the score.
	Critical bool `json:"critical"`
	// MustHaveData: missing data counts as a failing metric in the group score
	// (Kayenta's mustHaveData) instead of being left out of it.
	MustHaveData bool `json:"must_have_data"`
	// NaNStrategy defaults to remove; replace turns missing values into 0.
	NaNStrategy NaNStrategy `json:"nan_strategy"`
	// AllowedIncrease: high also needs canary mean / baseline mean >= this; default 1.0.
	AllowedIncrease Millionths `json:"allowed_increase"`
	// AllowedDecrease: low also needs canary mean / baseline mean <= this; default 1.0.
	AllowedDecrease Millionths `json:"allowed_decrease"`
	// CriticalIncrease and CriticalDecrease: a critical metric fails the canary only
	// when its ratio reaches these; default 1.0.
	CriticalIncrease Millionths `json:"critical_increase"`
	CriticalDecrease Millionths `json:"critical_decrease"`
}

// Normalized returns a copy with every defaulted field made explicit and groups and
// metrics sorted by name: neither order has any meaning.
func (c Config) Normalized() Config {
	out := c
	out.Confidence = orDefault(c.Confidence, DefaultConfidence)
	out.EffectTolerance = orDefault(c.EffectTolerance, DefaultEffectTolerance)
	out.Groups = slices.Clone(c.Groups)
	slices.SortFunc(out.Groups, func(a, b Group) int { return strings.Compare(a.Name, b.Name) })
	out.Metrics = make([]MetricConfig, len(c.Metrics))
	for i, m := range c.Metrics {
		if m.Direction == "" {
			m.Direction = DirectionEither
		}
		if m.NaNStrategy == "" {
			m.NaNStrategy = NaNRemove
		}
		m.AllowedIncrease = orDefault(m.AllowedIncrease, DefaultEffectRatio)
		m.AllowedDecrease = orDefault(m.AllowedDecrease, DefaultEffectRatio)
		m.CriticalIncrease = orDefault(m.CriticalIncrease, DefaultEffectRatio)
		m.CriticalDecrease = orDefault(m.CriticalDecrease, DefaultEffectRatio)
		out.Metrics[i] = m
	}
	slices.SortFunc(out.Metrics, func(a, b MetricConfig) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func orDefault(v, fallback Millionths) Millionths {
	if v == 0 {
		return fallback
	}
	return v
}

// Validate checks the configuration (after normalization) and names the first
// offending field.
func (c Config) Validate() error {
	n := c.Normalized()
	if n.Confidence < minConfidence || n.Confidence > maxConfidence {
		return configError("confidence %d millionths is outside [%d, %d]", n.Confidence, minConfidence, maxConfidence)
	}
	if n.EffectTolerance < 0 || n.EffectTolerance > FixedScale {
		return configError("effect tolerance %d millionths is outside [1, %d]", n.EffectTolerance, FixedScale)
	}
	if n.PassScore <= 0 || n.PassScore > MaxScore {
		return configError("pass score %s is outside (0, 100]", n.PassScore)
	}
	if n.MarginalScore <= 0 || n.MarginalScore > n.PassScore {
		return configError("marginal score %s must be above 0 and at most the pass score %s", n.MarginalScore, n.PassScore)
	}
	if len(n.Groups) == 0 {
		return configError("no groups")
	}
	if len(n.Groups) > MaxGroups {
		return configError("%d groups, at most %d allowed", len(n.Groups), MaxGroups)
	}
	if len(n.Metrics) == 0 {
		return configError("no metrics")
	}
	if len(n.Metrics) > MaxMetrics {
		return configError("%d metrics, at most %d allowed", len(n.Metrics), MaxMetrics)
	}
	metricsPerGroup := make(map[string]int, len(n.Groups))
	for i, g := range n.Groups {
		if err := checkName("group", g.Name); err != nil {
			return err
		}
		if i > 0 && n.Groups[i-1].Name == g.Name {
			return configError("group %q declared twice", g.Name)
		}
		if g.Weight <= 0 || g.Weight > MaxGroupWeight {
			return configError("group %q: weight %d is outside [1, %d]", g.Name, g.Weight, MaxGroupWeight)
		}
		metricsPerGroup[g.Name] = 0
	}
	for i, m := range n.Metrics {
		if err := checkName("metric", m.Name); err != nil {
			return err
		}
		if i > 0 && n.Metrics[i-1].Name == m.Name {
			return configError("metric %q declared twice", m.Name)
		}
		if _, ok := metricsPerGroup[m.Group]; !ok {
			return configError("metric %q: group %q is not declared", m.Name, m.Group)
		}
		metricsPerGroup[m.Group]++
		switch m.Direction {
		case DirectionEither, DirectionIncrease, DirectionDecrease:
		default:
			return configError("metric %q: direction %q is not one of increase, decrease, either", m.Name, m.Direction)
		}
		switch m.NaNStrategy {
		case NaNRemove, NaNReplace:
		default:
			return configError("metric %q: nan strategy %q is not one of remove, replace", m.Name, m.NaNStrategy)
		}
		for _, ratio := range []struct {
			field string
			value Millionths
		}{
			{"allowed increase", m.AllowedIncrease},
			{"allowed decrease", m.AllowedDecrease},
			{"critical increase", m.CriticalIncrease},
			{"critical decrease", m.CriticalDecrease},
		} {
			if ratio.value < 0 || ratio.value > MaxEffectRatio {
				return configError("metric %q: %s %d millionths is outside [1, %d]", m.Name, ratio.field, ratio.value, MaxEffectRatio)
			}
		}
	}
	for _, g := range n.Groups {
		if metricsPerGroup[g.Name] == 0 {
			return configError("group %q has no metrics", g.Name)
		}
	}
	return nil
}

func checkName(kind, name string) error {
	if name == "" {
		return configError("%s with an empty name", kind)
	}
	if len(name) > MaxNameLength {
		return configError("%s name %.32q... is longer than %d bytes", kind, name, MaxNameLength)
	}
	return nil
}

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
}

// metricIndex maps metric names to their position in a normalized config.
func (c Config) metricIndex() map[string]int {
	index := make(map[string]int, len(c.Metrics))
	for i, m := range c.Metrics {
		index[m.Name] = i
	}
	return index
}
