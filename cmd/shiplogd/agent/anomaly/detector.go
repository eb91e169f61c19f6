// Package anomaly is a streaming anomaly detector for one metric: it reads
// a series point by point and returns, for each point, an anomaly score in
// [0, 1] computed from that point and the past only, in constant memory and
// constant time per point. Identical input gives identical scores.
//
// Each point is looked at through a few views, each giving a raw evidence
// value (how far the point is from the long-run level; how far the recent
// points are from the baseline that has predicted this series best so far:
// flat, daily, weekly or drifting). Each
// view ranks its evidence among its own past values, which turns it into a
// tail probability that means the same on every series whatever its units
// and noise, so one threshold fits all. The smallest probability, corrected
// for the number of views, becomes the surprise; the score reports a surprise
// only when it rises above the fading memory of the last one reported, so an
// anomaly scores high at its onset and not for as long as it lasts.
package anomaly

import (
	"math"
	"time"
)

// Config holds the detector's parameters. DefaultConfig is the one
// configuration used for every series; nothing in it depends on a particular
// series.
type Config struct {
	// Warmup is the number of points scored 0 while the statistics settle.
	Warmup int
	// LongMemory is the time constant, in points, of the distribution each
	// view's evidence is ranked in, and the longest memory of the level.
	LongMemory float64
	// ShortMemory is the time constant of the recent averages: a few
	// consecutive surprises weigh more than one.
	ShortMemory float64
	// FitMemory is the time constant with which each baseline's error is
	// tracked to choose the best one.
	FitMemory float64
	// DriftMemory is the time constant of the drifting baseline.
	DriftMemory float64
	// Refractory is the time constant, in points, with which the memory of
	// the last reported surprise fades.
	Refractory float64
	// MagnitudeWeight is the power of (usual evidence / evidence) that
	// multiplies a view's tail probability.
	MagnitudeWeight float64
	// HalfScore is the surprise, in decades of improbability (-log10 of
	// the probability), that scores 0.5.
	HalfScore float64
	// Bump (decades) is added to the memory of a surprise that was reported, so a
	// surprise still climbing over the next few points is not reported again
	// and again for a hair more each time.
	Bump float64
}

// DefaultConfig is the configuration measured on NAB (see the nab package's
// README.md).
func DefaultConfig() Config {
	return Config{
		Warmup:          150,
		LongMemory:      2000,
		ShortMemory:     8,
		FitMemory:       2000,
		DriftMemory:     50,
		Refractory:      1000,
		MagnitudeWeight: 0.5,
		HalfScore:       5,
		Bump:            0.35,
	}
}

const (
	viewDeviation = iota // distance from the long-run level
	viewBaseline         // recent average error of the best-fitting baseline
	numViews
)

const (
	baselineLevel  = iota // long-run level: series without pattern
	baselineDaily         // usual value at this half hour of the day
	baselineWeekly        // usual value at this hour of the week
	baselineDrift         // recent level: series that wander
	numBaselines
)

// Detector scores one series. Create one per series with New; it is not
// safe for concurrent use.
type Detector struct {
	cfg Config
	n   int

	level, drift    float64
	daily, weekly   seasonalProfile
	baselineError   [numBaselines]float64 // long-run mean absolute error
	baselineRecent  float64               // recent mean absolute error of the best
	ranks           [numViews]rankHistogram
	reported        float64 // fading memory of the last reported surprise
	fade, shortRate float64
}

// New returns a detector with the given configuration.
func New(cfg Config) *Detector {
	d := &Detector{
		cfg:       cfg,
		daily:     newSeasonalProfile(48),
		weekly:    newSeasonalProfile(7 * 24),
		fade:      math.Exp(-1 / cfg.Refractory),
		shortRate: 1 / cfg.ShortMemory,
	}
	for v := range d.ranks {
		d.ranks[v] = newRankHistogram(cfg.LongMemory)
	}
	return d
}

// Score consumes the next point and returns its anomaly score in [0, 1].
func (d *Detector) Score(at time.Time, x float64) float64 {
	d.n++
	if d.n == 1 {
		d.level, d.drift = x, x
		return 0
	}

	// Every baseline predicts x from the past; the one with the smallest
	// long-run error so far speaks for the series.
	residuals := [numBaselines]float64{
		baselineLevel:  x - d.level,
		baselineDaily:  d.daily.residual(at.Hour()*2+at.Minute()/30, x, d.level),
		baselineWeekly: d.weekly.residual(int(at.Weekday())*24+at.Hour(), x, d.level),
		baselineDrift:  x - d.drift,
	}
	best := 0
	for b := range d.baselineError {
		if d.baselineError[b] < d.baselineError[best] {
			best = b
		}
	}
	d.baselineRecent += d.shortRate * (math.Abs(residuals[best]) - d.baselineRecent)

	evidence := [numViews]float64{
		viewDeviation: math.Abs(x - d.level),
		viewBaseline:  d.baselineRecent,
	}
	p := 1.0
	for v := range d.ranks {
		tail := d.ranks[v].upperTail(evidence[v])
		// Among equally rare values, the one further above the usual
		// level is the more surprising: a record by a hair is not an
		// outage. The rank alone cannot tell them apart.
		if usual := d.ranks[v].median(); usual > 0 && evidence[v] > usual {
			tail *= math.Pow(usual/evidence[v], d.cfg.MagnitudeWeight)
		}
		p = math.Min(p, tail)
		d.ranks[v].add(evidence[v])
	}
	p = math.Min(1, p*numViews) // Bonferroni: several views get several chances

	// Learn from x only after scoring it: the score uses the past only.
	fitRate := 1 / math.Min(float64(d.n), d.cfg.FitMemory)
	for b, r := range residuals {
		d.baselineError[b] += fitRate * (math.Abs(r) - d.baselineError[b])
	}
	d.level += (x - d.level) / math.Min(float64(d.n), d.cfg.LongMemory)
	d.drift += (x - d.drift) / math.Min(float64(d.n), d.cfg.DriftMemory)

	if d.n <= d.cfg.Warmup {
		return 0
	}
	surprise := -math.Log10(p) // in decades of improbability
	reported := 0.0
	remembered := surprise
	if surprise > d.reported {
		reported = surprise
		remembered += d.cfg.Bump
	}
	d.reported = math.Max(remembered, d.reported*d.fade)
	// Squash into [0, 1) without a ceiling, so the rare and the very rare
	// stay apart for the threshold.
	return reported / (reported + d.cfg.HalfScore)
}

// seasonalProfile is the usual value of each time slot of a period (of the
// day, of the week), learnt from the timestamps with fading memory.
type seasonalProfile struct {
	usual []float64
	seen  []float64
}

// seasonalMemory is how many past values of a slot make its usual value.
const seasonalMemory = 30

func newSeasonalProfile(slots int) seasonalProfile {
	return seasonalProfile{usual: make([]float64, slots), seen: make([]float64, slots)}
}

// residual is how far x is above (negative: below) its slot's usual value;
// then the slot learns x. A slot not seen yet uses the fallback.
func (p *seasonalProfile) residual(slot int, x, fallback float64) float64 {
	usual := fallback
	if p.seen[slot] > 0 {
		usual = p.usual[slot]
	}
	p.seen[slot]++
	p.usual[slot] += (x - p.usual[slot]) / math.Min(p.seen[slot], seasonalMemory)
	return x - usual
}
