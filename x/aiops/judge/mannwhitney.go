package judge

import (
	"math"
	"math/big"
)

// Method names the way a Mann-Whitney p-value was obtained, following
// scipy.stats.mannwhitneyu(method="auto").
type Method string

const (
	// MethodExact uses the exact null distribution of U: chosen when either sample
	// has at most exactMaxSize values and no value occurs twice.
	MethodExact Method = "exact"
	// MethodAsymptotic uses the normal approximation with tie and continuity
	// corrections.
	MethodAsymptotic Method = "asymptotic"
	// MethodNone means no test ran (a sample was empty).
	MethodNone Method = "none"
)

// exactMaxSize is scipy's limit: the exact distribution is used when either sample
// is this small (and there are no ties).
const exactMaxSize = 8

// rankKey is a fixed-point value plus an infinitesimal nudge (-1, 0 or +1). The test
// inversion shifts the canary by a rational amount q + r/d with 0 < r/d < 1; since
// all values are integers, that orders exactly like the integer shift q with the
// nudge breaking what would otherwise be ties, and it never creates ties.
type rankKey struct {
	value int64
	nudge int8
}

func (a rankKey) compare(b rankKey) int {
	switch {
	case a.value < b.value:
		return -1
	case a.value > b.value:
		return 1
	case a.nudge < b.nudge:
		return -1
	case a.nudge > b.nudge:
		return 1
	}
	return 0
}

// mannWhitney holds the exact integer quantities of one Mann-Whitney U test of the
// canary sample (scipy's x) against the baseline sample (scipy's y).
type mannWhitney struct {
	canaryCount   int64
	baselineCount int64
	// twiceU is 2*U for the canary; midranks are multiples of 1/2, so 2*U is an
	// integer and no rank is ever held as a fraction.
	twiceU int64
	// tieTerm is sum(t^3 - t) over groups of t equal values in the pooled sample.
	tieTerm int64
	hasTies bool
}

// newMannWhitney ranks the pooled samples; both inputs must be sorted ascending.
func newMannWhitney(canary, baseline []rankKey) mannWhitney {
	test := mannWhitney{canaryCount: int64(len(canary)), baselineCount: int64(len(baseline))}
	var twiceCanaryRankSum, position int64
	i, j := 0, 0
	for i < len(canary) || j < len(baseline) {
		var smallest rankKey
		switch {
		case i == len(canary):
			smallest = baseline[j]
		case j == len(baseline):
			smallest = canary[i]
		case canary[i].compare(baseline[j]) <= 0:
			smallest = canary[i]
		default:
			smallest = baseline[j]
		}
		var fromCanary, fromBaseline int64
		for i < len(canary) && canary[i].compare(smallest) == 0 {
			i++
			fromCanary++
		}
		for j < len(baseline) && baseline[j].compare(smallest) == 0 {
			j++
			fromBaseline++
		}
		tied := fromCanary + fromBaseline
		// The group takes ranks position+1 .. position+tied; twice its midrank is
		// their sum of ends.
		twiceMidrank := 2*position + 1 + tied
		twiceCanaryRankSum += fromCanary * twiceMidrank
		test.tieTerm += tied*tied*tied - tied
		if tied > 1 {
			test.hasTies = true
		}
		position += tied
	}
	test.twiceU = twiceCanaryRankSum - test.canaryCount*(test.canaryCount+1)
	return test
}

func (t mannWhitney) method() Method {
	if t.canaryCount == 0 || t.baselineCount == 0 {
		return MethodNone
	}
	if (t.canaryCount <= exactMaxSize || t.baselineCount <= exactMaxSize) && !t.hasTies {
		return MethodExact
	}
	return MethodAsymptotic
}

func (t mannWhitney) pairs() int64 { return t.canaryCount * t.baselineCount }

// smallerU is min(U, n1*n2 - U). The exact method only runs without ties, where U is
// an integer.
func (t mannWhitney) smallerU() int64 {
	twiceSmaller := min(t.twiceU, 2*t.pairs()-t.twiceU)
	return twiceSmaller / 2
}

// exactTail returns the number of rank arrangements whose U is at most k and the
// total number of arrangements, C(n1+n2, n1). By symmetry the first is also the
// count of arrangements with U >= n1*n2 - k, the two-sided tail.
//
// The counts are the coefficients of the Gaussian binomial coefficient
// prod_{i=1..s} (1 - q^(L+i)) / (1 - q^i), s and L the smaller and larger sample
// sizes, kept only up to degree k.
func (t mannWhitney) exactTail(k int64) (tail, total *big.Int) {
	small := min(t.canaryCount, t.baselineCount)
	large := max(t.canaryCount, t.baselineCount)
	coefficients := make([]*big.Int, k+1)
	for d := range coefficients {
		coefficients[d] = new(big.Int)
	}
	coefficients[0].SetInt64(1)
	for i := int64(1); i <= small; i++ {
		// multiply by (1 - q^(large+i)): descending, so lower terms are still old
		for d := k; d >= large+i; d-- {
			coefficients[d].Sub(coefficients[d], coefficients[d-large-i])
		}
		// divide by (1 - q^i): ascending, so lower terms are already new
		for d := i; d <= k; d++ {
			coefficients[d].Add(coefficients[d], coefficients[d-i])
		}
	}
	tail = new(big.Int)
	for _, c := range coefficients {
		tail.Add(tail, c)
	}
	total = new(big.Int).Binomial(small+large, small)
	return tail, total
}

// rejects reports, using integers and exact rationals only, whether the two-sided
// test rejects equality at level alpha, that is whether the p-value is <= alpha.
// This is the branch consensus depends on; PValue is only its display.
func (t mannWhitney) rejects(alpha Millionths) bool {
	switch t.method() {
	case MethodExact:
		// 2*tail/total <= alpha/FixedScale
		tail, total := t.exactTail(t.smallerU())
		left := new(big.Int).Mul(tail, big.NewInt(2*FixedScale))
		right := new(big.Int).Mul(total, big.NewInt(int64(alpha)))
		return left.Cmp(right) <= 0
	case MethodAsymptotic:
		n := t.canaryCount + t.baselineCount
		if t.tieTerm == n*n*n-n {
			return false // every value equal: no spread, scipy's p-value is 1
		}
		// z = (|U - n1*n2/2| - 1/2) / s = excess / (2s), with
		// excess = |2U - n1*n2| - 1 and
		// 4s^2 = n1*n2 * ((n+1)*n*(n-1) - tieTerm) / (3*n*(n-1)).
		// z >= z_c  <=>  excess > 0 and 3*n*(n-1)*excess^2 >= z_c^2 * n1*n2 * (...).
		excess := abs64(t.twiceU-t.pairs()) - 1
		if excess <= 0 {
			return false
		}
		e := big.NewInt(excess)
		left := new(big.Int).Mul(e, e)
		left.Mul(left, big.NewInt(3*n*(n-1)))
		spread := new(big.Int).Mul(big.NewInt((n+1)*n), big.NewInt(n-1))
		spread.Sub(spread, big.NewInt(t.tieTerm))
		spread.Mul(spread, big.NewInt(t.pairs()))
		right := new(big.Rat).Mul(squaredCriticalValue(alpha), new(big.Rat).SetInt(spread))
		return new(big.Rat).SetInt(left).Cmp(right) >= 0
	}
	return false
}

// U returns the canary's U statistic (scipy's statistic for x = canary).
func (t mannWhitney) U() float64 { return float64(t.twiceU) / 2 }

// PValue returns the two-sided p-value as scipy computes it, for display only.
func (t mannWhitney) PValue() float64 {
	switch t.method() {
	case MethodExact:
		tail, total := t.exactTail(t.smallerU())
		tail.Lsh(tail, 1)
		if tail.Cmp(total) >= 0 {
			return 1
		}
		return ratFloat(new(big.Rat).SetFrac(tail, total))
	case MethodAsymptotic:
		n1, n2 := float64(t.canaryCount), float64(t.baselineCount)
		n := t.canaryCount + t.baselineCount
		// Same operations, in the same order, as scipy's _get_mwu_z.
		mu := n1 * n2 / 2
		s := math.Sqrt(n1 * n2 / 12 * (float64(n+1) - float64(t.tieTerm)/float64(n*(n-1))))
		largerU := math.Max(t.U(), n1*n2-t.U())
		z := (largerU - mu - 0.5) / s
		p := 2 * normalSurvival(z)
		return min(max(p, 0), 1)
	}
	return 1
}

// normalSurvival is 1 - Phi(z), computed the way cephes' ndtr(-z) does so that the
// display agrees with scipy to the last few bits.
func normalSurvival(z float64) float64 {
	const sqrtHalf = 0.70710678118654752440084436210484903928483593768847
	if math.IsInf(z, -1) {
		return 1
	}
	x := -z * sqrtHalf
	if math.Abs(x) < sqrtHalf {
		return 0.5 + 0.5*math.Erf(x)
	}
	y := 0.5 * math.Erfc(math.Abs(x))
	if x > 0 {
		return 1 - y
	}
	return y
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
