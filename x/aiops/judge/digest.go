package judge

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math"
	"slices"
	"strings"
)

// Domain tags keep a config digest from ever equalling an evidence digest and let a
// future encoding change its version.
const (
	configDigestTag   = "shiplog/aiops/judge/config/v1"
	evidenceDigestTag = "shiplog/aiops/judge/evidence/v1"
)

// canonicalNaN is the one bit pattern every NaN is hashed as: NaN payloads carry no
// meaning and differ between producers.
const canonicalNaN = 0x7FF8000000000001

// canonicalWriter feeds a hash with an unambiguous encoding: strings are
// length-prefixed, integers are fixed-width big-endian.
type canonicalWriter struct{ h hash.Hash }

func (w canonicalWriter) uint64(v uint64) {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	w.h.Write(buf[:])
}

func (w canonicalWriter) int64(v int64) { w.uint64(uint64(v)) }

func (w canonicalWriter) string(s string) {
	w.uint64(uint64(len(s)))
	w.h.Write([]byte(s))
}

func (w canonicalWriter) bool(b bool) {
	if b {
		w.uint64(1)
	} else {
		w.uint64(0)
	}
}

func (w canonicalWriter) float64(v float64) {
	if math.IsNaN(v) {
		w.uint64(canonicalNaN)
		return
	}
	w.uint64(math.Float64bits(v))
}

// ConfigDigest is the sha256 of the canonical encoding of the normalized config:
// defaults spelled out, groups and metrics sorted by name, every field in a fixed
// order. Configs that judge identically hash identically.
func ConfigDigest(cfg Config) ([32]byte, error) {
	if err := cfg.Validate(); err != nil {
		return [32]byte{}, err
	}
	n := cfg.Normalized()
	w := canonicalWriter{sha256.New()}
	w.string(configDigestTag)
	w.int64(int64(n.Confidence))
	w.int64(int64(n.EffectTolerance))
	w.int64(int64(n.PassScore))
	w.int64(int64(n.MarginalScore))
	w.uint64(uint64(len(n.Groups)))
	for _, g := range n.Groups {
		w.string(g.Name)
		w.int64(g.Weight)
	}
	w.uint64(uint64(len(n.Metrics)))
	for _, m := range n.Metrics {
		w.string(m.Name)
		w.string(m.Group)
		w.string(string(m.Direction))
		w.bool(m.Critical)
		w.bool(m.MustHaveData)
		w.string(string(m.NaNStrategy))
		w.int64(int64(m.AllowedIncrease))
		w.int64(int64(m.AllowedDecrease))
		w.int64(int64(m.CriticalIncrease))
		w.int64(int64(m.CriticalDecrease))
	}
	var digest [32]byte
	copy(digest[:], w.h.Sum(nil))
	return digest, nil
}

// EvidenceDigest is the sha256 of the canonical encoding of all samples: metrics
// sorted by name (their order means nothing), then for each the baseline and canary
// values in the order given (they are time series), as IEEE-754 bits with every NaN
// written as one canonical NaN. Two entries with the same name are an error.
func EvidenceDigest(samples []MetricSamples) ([32]byte, error) {
	sorted := slices.Clone(samples)
	slices.SortFunc(sorted, func(a, b MetricSamples) int { return strings.Compare(a.Name, b.Name) })
	w := canonicalWriter{sha256.New()}
	w.string(evidenceDigestTag)
	w.uint64(uint64(len(sorted)))
	for i, s := range sorted {
		if i > 0 && sorted[i-1].Name == s.Name {
			return [32]byte{}, samplesError("metric %q has samples twice", s.Name)
		}
		w.string(s.Name)
		for _, side := range [][]float64{s.Baseline, s.Canary} {
			w.uint64(uint64(len(side)))
			for _, v := range side {
				w.float64(v)
			}
		}
	}
	var digest [32]byte
	copy(digest[:], w.h.Sum(nil))
	return digest, nil
}
