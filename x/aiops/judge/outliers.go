package judge

import "math/big"

// outlierFactor is Kayenta's IQR multiplier for the NetflixACAJudge.
const outlierFactor = 3

// removeOutliers drops values outside Kayenta's fences and returns the rest, still
// sorted. sorted must be ascending.
//
// As Kayenta's IQRDetector with reduceSensitivity, the fences are
// min(P1, Q1 - 3*IQR) and max(P99, Q3 + 3*IQR), with percentiles estimated the way
// Apache Commons Math's default (legacy) estimator does. Widening to P1/P99 means
// that samples of fewer than 100 values never lose a value: there P1 and P99 are the
// minimum and maximum.
func removeOutliers(sorted []int64) []int64 {
	if len(sorted) == 0 {
		return sorted
	}
	p1 := hundredfoldPercentile(sorted, 1)
	q1 := hundredfoldPercentile(sorted, 25)
	q3 := hundredfoldPercentile(sorted, 75)
	p99 := hundredfoldPercentile(sorted, 99)

	// Q1 - 3*(Q3 - Q1) and Q3 + 3*(Q3 - Q1), all in hundredths of a unit.
	lowerIQR := new(big.Int).Sub(new(big.Int).Mul(q1, big.NewInt(1+outlierFactor)), new(big.Int).Mul(q3, big.NewInt(outlierFactor)))
	upperIQR := new(big.Int).Sub(new(big.Int).Mul(q3, big.NewInt(1+outlierFactor)), new(big.Int).Mul(q1, big.NewInt(outlierFactor)))
	lowerFence := minBig(p1, lowerIQR)
	upperFence := maxBig(p99, upperIQR)

	// For an integer v: v < F/100 <=> v < ceil(F/100); v > F/100 <=> v > floor(F/100).
	// Both bounds fit in int64 because |F/100| <= 7 * 2^60.
	lowest := ceilDiv(lowerFence, 100)
	highest := floorDiv(upperFence, 100)
	kept := make([]int64, 0, len(sorted))
	for _, v := range sorted {
		if v >= lowest && v <= highest {
			kept = append(kept, v)
		}
	}
	return kept
}

// hundredfoldPercentile returns 100 times the p-th percentile of sorted (non-empty)
// by Commons Math's legacy estimate: position p*(n+1)/100, linear interpolation
// between neighbours, clamped to the extremes. 100 times it is always an integer.
func hundredfoldPercentile(sorted []int64, p int64) *big.Int {
	n := int64(len(sorted))
	position := p * (n + 1) // 100 times the 1-based position
	switch {
	case position < 100:
		return new(big.Int).Mul(big.NewInt(sorted[0]), big.NewInt(100))
	case position >= 100*n:
		return new(big.Int).Mul(big.NewInt(sorted[n-1]), big.NewInt(100))
	}
	index := position / 100
	fraction := position % 100
	lower, upper := sorted[index-1], sorted[index]
	result := new(big.Int).Mul(big.NewInt(lower), big.NewInt(100))
	step := new(big.Int).Sub(big.NewInt(upper), big.NewInt(lower))
	return result.Add(result, step.Mul(step, big.NewInt(fraction)))
}

func minBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) <= 0 {
		return a
	}
	return b
}

func maxBig(a, b *big.Int) *big.Int {
	if a.Cmp(b) >= 0 {
		return a
	}
	return b
}

// floorDiv returns floor(a/d) for d > 0; big.Int.Div is Euclidean, which is floor
// division when the divisor is positive.
func floorDiv(a *big.Int, d int64) int64 {
	return new(big.Int).Div(a, big.NewInt(d)).Int64()
}

// ceilDiv returns ceil(a/d) for d > 0.
func ceilDiv(a *big.Int, d int64) int64 {
	negated := new(big.Int).Neg(a)
	return -floorDiv(negated, d)
}
