package anomaly

import "math"

// Raw evidence values are ranked in a histogram with logarithmic bins, so the
// rank does not depend on the series' units or scale: a quarter octave per bin
// from 2^-40 to 2^40.
const (
	binsPerOctave = 4
	minOctave     = -40
	numBins       = 80 * binsPerOctave
)

// rankHistogram estimates how often a raw evidence value at least as large
// as the current one occurred in the recent past, with
// exponentially fading memory. Fading is done by giving each new observation
// a growing weight and rescaling rarely, so an update costs O(1); a query
// sums at most the occupied bins (320 at most), a constant.
type rankHistogram struct {
	counts        [numBins]float64
	total, weight float64
	growth        float64
	lowest        int // lowest and highest bins ever occupied
	highest       int
}

func newRankHistogram(memory float64) rankHistogram {
	return rankHistogram{weight: 1, growth: math.Exp(1 / memory), lowest: numBins, highest: -1}
}

func binOf(r float64) int {
	if !(r > 0) {
		return 0
	}
	b := int(math.Floor((math.Log2(r) - minOctave) * binsPerOctave))
	return max(0, min(numBins-1, b))
}

// upperTail is the faded share of past values at least r, counting half of
// r's own bin and one pseudo-observation (so it is never 0).
func (h *rankHistogram) upperTail(r float64) float64 {
	b := binOf(r)
	if b > h.highest {
		// beyond anything seen: each octave further halves the estimate
		return h.weight / (h.total + h.weight) * math.Exp2(-float64(b-h.highest)/binsPerOctave)
	}
	above := 0.5 * h.counts[b]
	for i := b + 1; i <= h.highest; i++ {
		above += h.counts[i]
	}
	return (above + h.weight) / (h.total + h.weight)
}

// add records r; every earlier observation then weighs a step less.
func (h *rankHistogram) add(r float64) {
	b := binOf(r)
	h.counts[b] += h.weight
	h.total += h.weight
	h.lowest, h.highest = min(h.lowest, b), max(h.highest, b)
	h.weight *= h.growth
	if h.weight > 1e100 {
		for i := range h.counts {
			h.counts[i] /= h.weight
		}
		h.total /= h.weight
		h.weight = 1
	}
}

// median is the bin of the middle of the faded mass, as a value (the bin's
// lower edge); 0 before anything was added.
func (h *rankHistogram) median() float64 {
	if h.total <= 0 {
		return 0
	}
	mass := 0.0
	for i := h.lowest; i <= h.highest; i++ {
		mass += h.counts[i]
		if mass >= h.total/2 {
			return math.Exp2(float64(i)/binsPerOctave + minOctave)
		}
	}
	return 0
}
