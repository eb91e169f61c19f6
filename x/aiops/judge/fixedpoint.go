package judge

import (
	"math"
	"math/big"
)

// FixedScale is the number of fixed-point units in 1.0 of a sample value:
// samples are judged as int64 millionths.
const FixedScale = 1_000_000

// MaxAbsSample bounds the magnitude of a finite sample. It keeps every fixed-point
// value below 2^60, so differences, doubled medians and shifted values used by the
// test stay far from int64 overflow without checks on every operation.
const MaxAbsSample = 1e12

// Millionths is a decimal fraction in millionths: 980000 is 0.98, 1000000 is 1.0.
// Configuration uses it instead of float64 so that a config means the same on every
// machine and hashes to the same digest.
type Millionths int64

// toFixed converts a finite sample with |v| <= MaxAbsSample to fixed-point units,
// rounding v*FixedScale exactly (half away from zero). The product is formed in a
// 128-bit big.Float, which holds it without rounding, so the result does not depend
// on the platform's float64 multiply.
func toFixed(v float64) int64 {
	exact := new(big.Float).SetPrec(128).SetFloat64(v)
	exact.Mul(exact, new(big.Float).SetPrec(128).SetInt64(FixedScale))
	half := new(big.Float).SetPrec(128).SetFloat64(0.5)
	if exact.Sign() < 0 {
		exact.Sub(exact, half)
	} else {
		exact.Add(exact, half)
	}
	rounded, _ := exact.Int64() // truncates toward zero, completing half-away rounding
	return rounded
}

// usableSample reports whether v can be judged at all; NaN and infinities are
// missing data (Prometheus yields +Inf for a ratio over an empty denominator).
func usableSample(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0)
}

// ratFloat converts an exact rational to the nearest float64. big.Rat rounds
// correctly in software, so reported values derived from exact quantities are the
// same on every platform.
func ratFloat(r *big.Rat) float64 {
	f, _ := r.Float64()
	return f
}

// fixedRat returns num / (den * FixedScale) as a rational in sample units.
func fixedRat(num *big.Int, den int64) *big.Rat {
	return new(big.Rat).SetFrac(num, big.NewInt(den*FixedScale))
}
