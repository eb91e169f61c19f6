package judge

import (
	"math/big"
	"sync"
)

// criticalPrecision is the mantissa size, in bits, of the big.Float arithmetic that
// finds the normal critical value. big.Float rounds in software with a fixed mode,
// so every machine computes the identical value; 256 bits make it accurate far
// beyond anything a sample could distinguish.
const criticalPrecision = 256

// piDigits is pi to 100 decimal places; the series below need it for the normal
// density's 1/sqrt(2*pi).
const piDigits = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679"

var (
	sqrtTwoPi     = computeSqrtTwoPi()
	criticalCache sync.Map // Millionths alpha -> *big.Rat squared critical value
)

func newCriticalFloat() *big.Float {
	return new(big.Float).SetPrec(criticalPrecision)
}

func computeSqrtTwoPi() *big.Float {
	pi, _, err := big.ParseFloat(piDigits, 10, criticalPrecision, big.ToNearestEven)
	if err != nil {
		panic("judge: bad pi constant: " + err.Error())
	}
	twoPi := newCriticalFloat().Mul(pi, big.NewFloat(2))
	return newCriticalFloat().Sqrt(twoPi)
}

// negligible reports whether term no longer changes sum at criticalPrecision bits.
func negligible(term, sum *big.Float) bool {
	return term.Sign() == 0 || term.MantExp(nil) < sum.MantExp(nil)-criticalPrecision-8
}

// expPositive returns e^y for 0 <= y (y stays below 40 here) by its Taylor series,
// whose terms are all positive, so nothing cancels.
func expPositive(y *big.Float) *big.Float {
	sum := newCriticalFloat().SetInt64(1)
	term := newCriticalFloat().SetInt64(1)
	for k := int64(1); ; k++ {
		term.Mul(term, y)
		term.Quo(term, newCriticalFloat().SetInt64(k))
		sum.Add(sum, term)
		if negligible(term, sum) {
			return sum
		}
	}
}

// normalCDF returns the standard normal distribution function at x >= 0 using
// Phi(x) = 1/2 + phi(x) * sum_k x^(2k+1) / (1*3*5*...*(2k+1)), again a series of
// positive terms.
func normalCDF(x *big.Float) *big.Float {
	xSquared := newCriticalFloat().Mul(x, x)
	term := newCriticalFloat().Set(x)
	sum := newCriticalFloat().Set(x)
	for k := int64(1); ; k++ {
		term.Mul(term, xSquared)
		term.Quo(term, newCriticalFloat().SetInt64(2*k+1))
		sum.Add(sum, term)
		if negligible(term, sum) {
			break
		}
	}
	halfXSquared := newCriticalFloat().Quo(xSquared, big.NewFloat(2))
	density := newCriticalFloat().Mul(expPositive(halfXSquared), sqrtTwoPi)
	density.Quo(newCriticalFloat().SetInt64(1), density)
	result := newCriticalFloat().Mul(density, sum)
	return result.Add(result, big.NewFloat(0.5))
}

// squaredCriticalValue returns z_c^2 as an exact rational, where z_c is the upper
// alpha/2 quantile of the standard normal distribution: a two-sided asymptotic test
// rejects at level alpha exactly when z >= z_c. Bisection on [0, 8] in big.Float
// gives the same z_c on every machine; the result is cached per alpha.
func squaredCriticalValue(alpha Millionths) *big.Rat {
	if cached, ok := criticalCache.Load(alpha); ok {
		return cached.(*big.Rat)
	}
	// target = 1 - alpha/2 = (2*FixedScale - alpha) / (2*FixedScale)
	target := newCriticalFloat().SetRat(big.NewRat(2*FixedScale-int64(alpha), 2*FixedScale))
	low, high := newCriticalFloat().SetInt64(0), newCriticalFloat().SetInt64(8)
	for range criticalPrecision - 16 {
		mid := newCriticalFloat().Add(low, high)
		mid.Quo(mid, big.NewFloat(2))
		if normalCDF(mid).Cmp(target) < 0 {
			low = mid
		} else {
			high = mid
		}
	}
	zc, _ := high.Rat(nil)
	squared := new(big.Rat).Mul(zc, zc)
	actual, _ := criticalCache.LoadOrStore(alpha, squared)
	return actual.(*big.Rat)
}
