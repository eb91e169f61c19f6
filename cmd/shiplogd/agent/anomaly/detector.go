// Package anomaly is a streaming anomaly detector for one metric: it reads
// a series point by point and returns, for each point, an anomaly score in
// [0, 1] computed from that point and the past only, in constant memory and
// constant time per point. Identical input gives identical scores.
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
	// LongMemory is the time constant, in points, of the slow statistics
	// (distribution of values and of each view's evidence).
	LongMemory float64
	// ShortMemory is the time constant of the short average each view's
	// evidence is judged by: a few consecutive surprises weigh more than one.
	ShortMemory float64
	// FastMemory is the time constant of the one-step predictor.
	FastMemory float64
	// Levels is the number of quantisation levels of the context view, and
	// ContextLength the number of consecutive levels forming one context.
	Levels        int
	ContextLength int
	// Refractory is the time constant, in points, with which the memory of
	// the last reported surprise fades: a surprise is reported once, at its
	// onset, not for as long as it lasts.
	Refractory float64
}

// DefaultConfig is the configuration measured on NAB (see README.md).
func DefaultConfig() Config {
	return Config{
		Warmup:        150,
		LongMemory:    2000,
		ShortMemory:   8,
		FastMemory:    8,
		Levels:        8,
		ContextLength: 4,
		Refractory:    150,
	}
}

// contextBits is log2 of the size of the set of seen contexts. The set is a
// fixed bitmap so memory does not grow with the series; collisions only make
// the detector a little less eager to call a context new.
const contextBits = 16

// Detector scores one series. Create one per series with New.
type Detector struct {
	cfg Config
	n   int

	// value statistics over the long memory
	mean, variance float64
	lo, hi         float64
	// one-step predictor
	fast float64

	views [numViews]evidence

	levels  []int // last ContextLength levels, ring
	seen    []uint64
	lastOut float64 // memory of recent reported surprise
}

const (
	viewTail    = iota // how far the value is from the long-run distribution
	viewError          // how far it is from the short-term prediction
	viewContext        // whether its recent shape has been seen before
	numViews
)

// New returns a detector with the given configuration.
func New(cfg Config) *Detector {
	return &Detector{
		cfg:    cfg,
		levels: make([]int, cfg.ContextLength),
		seen:   make([]uint64, 1<<contextBits/64),
	}
}

// Score consumes the next point and returns its anomaly score in [0, 1].
func (d *Detector) Score(_ time.Time, x float64) float64 {
	d.n++
	if d.n == 1 {
		d.mean, d.fast, d.lo, d.hi = x, x, x, x
		return 0
	}
	std := math.Sqrt(d.variance)
	scale := math.Max(std, 1e-9*math.Max(1, math.Abs(d.mean)))
	span := d.hi - d.lo

	var raw [numViews]float64
	raw[viewTail] = math.Abs(x-d.mean) / scale
	raw[viewError] = math.Abs(x-d.fast) / scale
	raw[viewContext] = d.contextNovelty(x, span)

	combined := 0.0
	for v := range d.views {
		combined = math.Max(combined, d.views[v].likelihood(raw[v], d.n, d.cfg))
	}

	// update the value statistics after scoring: the score uses the past only
	alphaLong := 1 / math.Min(float64(d.n), d.cfg.LongMemory)
	delta := x - d.mean
	d.mean += alphaLong * delta
	d.variance = (1 - alphaLong) * (d.variance + alphaLong*delta*delta)
	d.fast += (x - d.fast) / math.Min(float64(d.n), d.cfg.FastMemory)
	d.lo, d.hi = math.Min(d.lo, x), math.Max(d.hi, x)

	if d.n <= d.cfg.Warmup {
		return 0
	}
	// Log scale spreads the likelihoods that matter, those close to 1.
	surprise := math.Min(1, -math.Log10(1-combined+1e-10)/10)
	out := math.Max(0, surprise-d.lastOut)
	d.lastOut = math.Max(surprise, d.lastOut*math.Exp(-1/d.cfg.Refractory))
	return out
}

// contextNovelty is 1 when the last ContextLength quantised values form a
// shape not seen before in this series, 0 otherwise.
func (d *Detector) contextNovelty(x, span float64) float64 {
	level := 0
	if span > 0 {
		level = int(float64(d.cfg.Levels) * (x - d.lo) / span)
	}
	level = max(-1, min(d.cfg.Levels, level)) // outside the known range: its own level
	copy(d.levels, d.levels[1:])
	d.levels[len(d.levels)-1] = level
	if d.n < len(d.levels) {
		return 0
	}
	h := uint64(14695981039346656037)
	for _, l := range d.levels {
		h ^= uint64(l + 2)
		h *= 1099511628211
	}
	bit := h >> (64 - contextBits)
	word, mask := bit/64, uint64(1)<<(bit%64)
	if d.seen[word]&mask != 0 {
		return 0
	}
	d.seen[word] |= mask
	return 1
}

// evidence turns one view's raw surprise into a likelihood in [0, 1] by
// comparing its short-term average with the long-run distribution of that
// average, as HTM's anomaly likelihood does: it adapts each view to the
// series' own noise, so one threshold fits every series.
type evidence struct {
	short          float64
	mean, variance float64
}

func (e *evidence) likelihood(raw float64, n int, cfg Config) float64 {
	e.short += (raw - e.short) / math.Min(float64(n), cfg.ShortMemory)
	std := math.Max(math.Sqrt(e.variance), 1e-3+0.05*e.mean)
	z := (e.short - e.mean) / std
	l := 0.5 * math.Erfc(-z/math.Sqrt2)
	alpha := 1 / math.Min(float64(n), cfg.LongMemory)
	delta := e.short - e.mean
	e.mean += alpha * delta
	e.variance = (1 - alpha) * (e.variance + alpha*delta*delta)
	return l
}
