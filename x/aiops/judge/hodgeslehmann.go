package judge

import "math/bits"

// twiceHodgesLehmann returns twice the Hodges-Lehmann estimate of the shift of the
// canary over the baseline: the median of all canary[i] - baseline[j]. Twice the
// median of integers is an integer, so the estimate is exact. Both inputs must be
// sorted ascending and non-empty.
//
// The n1*n2 differences are never materialised: the k-th smallest is found by
// bisection on its value, counting differences at or below a candidate in one
// merge-like pass (O((n1+n2) * 64) for any sample sizes).
func twiceHodgesLehmann(canary, baseline []int64) int64 {
	count := int64(len(canary)) * int64(len(baseline))
	if count%2 == 1 {
		return 2 * kthPairwiseDifference(canary, baseline, (count+1)/2)
	}
	return kthPairwiseDifference(canary, baseline, count/2) +
		kthPairwiseDifference(canary, baseline, count/2+1)
}

// kthPairwiseDifference returns the k-th smallest (1-based) canary[i] - baseline[j].
func kthPairwiseDifference(canary, baseline []int64, k int64) int64 {
	low := canary[0] - baseline[len(baseline)-1]
	high := canary[len(canary)-1] - baseline[0]
	for low < high {
		mid := low + (high-low)/2
		if differencesAtMost(canary, baseline, mid) >= k {
			high = mid
		} else {
			low = mid + 1
		}
	}
	return low
}

// differencesAtMost counts pairs with canary[i] - baseline[j] <= limit.
func differencesAtMost(canary, baseline []int64, limit int64) int64 {
	var total int64
	first := 0 // first baseline index with baseline[first] >= c - limit
	for _, c := range canary {
		for first < len(baseline) && baseline[first] < c-limit {
			first++
		}
		total += int64(len(baseline) - first)
	}
	return total
}

// toleranceShift returns tolerance * |HL| as whole fixed-point units plus a flag for
// a non-zero fractional remainder, computed exactly with 128-bit arithmetic:
// tolerance*|2*HL| can reach 2^82 before it is divided by 2*FixedScale.
func toleranceShift(tolerance Millionths, twiceEffect int64) (whole int64, fractional bool) {
	high, low := bits.Mul64(uint64(tolerance), uint64(abs64(twiceEffect)))
	quotient, remainder := bits.Div64(high, low, 2*FixedScale)
	return int64(quotient), remainder != 0
}

// shiftedKeys returns the canary moved by delta (whole units) plus a nudge standing
// for the fractional part's direction; see rankKey.
func shiftedKeys(sorted []int64, delta int64, nudge int8) []rankKey {
	keys := make([]rankKey, len(sorted))
	for i, v := range sorted {
		keys[i] = rankKey{value: v + delta, nudge: nudge}
	}
	return keys
}

func plainKeys(sorted []int64) []rankKey {
	return shiftedKeys(sorted, 0, 0)
}
