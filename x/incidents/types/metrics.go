package types

import (
	"fmt"
	"math/big"
	"slices"
	"time"

	errorsmod "cosmossdk.io/errors"
)

// SecondsPerDay scales deployment frequency to deployments per day.
const SecondsPerDay = 86400

// NewFraction returns num/den reduced by their greatest common divisor, with
// its value rounded down to four decimal places. 0/0 (nothing to divide) is
// kept as 0/0 and reads "0.0000"; a zero numerator over a positive
// denominator reduces to 0/1.
func NewFraction(num, den uint64) Fraction {
	if den == 0 {
		return Fraction{Numerator: num, Denominator: 0, Decimal: "0.0000"}
	}
	if g := gcd(num, den); g > 1 {
		num, den = num/g, den/g
	}
	// num*10000 may not fit in 64 bits (frequency numerators are count*86400).
	q := new(big.Int).Mul(new(big.Int).SetUint64(num), big.NewInt(10000))
	q.Quo(q, new(big.Int).SetUint64(den))
	whole, frac := new(big.Int).QuoRem(q, big.NewInt(10000), new(big.Int))
	return Fraction{Numerator: num, Denominator: den, Decimal: fmt.Sprintf("%s.%04d", whole.String(), frac.Int64())}
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// NearestRank returns the p-th percentile (0 < p <= 100) of values sorted
// ascending by the nearest-rank method: the value at 1-based rank
// ceil(p*n/100). It returns 0 for an empty list.
func NearestRank(sorted []int64, p uint64) int64 {
	n := uint64(len(sorted))
	if n == 0 {
		return 0
	}
	rank := (p*n + 99) / 100
	if rank == 0 {
		rank = 1
	}
	return sorted[rank-1]
}

// NewDurationStats summarises durations in seconds: count, nearest-rank
// median (50th percentile: the lower middle value when the count is even)
// and nearest-rank 90th percentile. values is sorted in place.
func NewDurationStats(values []int64) DurationStats {
	slices.Sort(values)
	return DurationStats{
		Count:         uint64(len(values)),
		MedianSeconds: NearestRank(values, 50),
		P90Seconds:    NearestRank(values, 90),
	}
}

// WholeSeconds is end - start in whole seconds, rounded down, computed from
// Unix seconds and nanoseconds so it never overflows time.Duration.
func WholeSeconds(start, end time.Time) int64 {
	s := end.Unix() - start.Unix()
	if end.Nanosecond() < start.Nanosecond() {
		s--
	}
	return s
}

// Years a query time must fall in: the sortable time encoding of the time
// indexes orders four-digit years only.
const (
	MinQueryYear = 1970
	MaxQueryYear = 9999
)

// ValidateQueryTime checks a time used as an index bound.
func ValidateQueryTime(what string, t time.Time) error {
	if y := t.UTC().Year(); y < MinQueryYear || y > MaxQueryYear {
		return errorsmod.Wrapf(ErrInvalidRequest, "%s %s is outside the years %d to %d", what, t.UTC().Format(time.RFC3339), MinQueryYear, MaxQueryYear)
	}
	return nil
}

// ValidateMetricsWindow checks a Metrics request: optional service and
// environment names; from and to required, whole seconds, from < to, and a
// window of at most MaxMetricsWindow.
func ValidateMetricsWindow(service, environment string, from, to time.Time) error {
	if service != "" {
		if err := ValidateService(service); err != nil {
			return err
		}
	}
	if environment != "" {
		if err := ValidateEnvironment(environment); err != nil {
			return err
		}
	}
	if from.IsZero() || to.IsZero() {
		return errorsmod.Wrap(ErrInvalidRequest, "from and to are required")
	}
	for _, b := range []struct {
		what string
		t    time.Time
	}{{"from", from}, {"to", to}} {
		if err := ValidateQueryTime(b.what, b.t); err != nil {
			return err
		}
		if b.t.Nanosecond() != 0 {
			return errorsmod.Wrapf(ErrInvalidRequest, "%s %s must be a whole second", b.what, b.t.UTC().Format(time.RFC3339Nano))
		}
	}
	if !from.Before(to) {
		return errorsmod.Wrapf(ErrInvalidRequest, "from %s must be before to %s", from.UTC().Format(time.RFC3339), to.UTC().Format(time.RFC3339))
	}
	if to.Sub(from) > MaxMetricsWindow {
		return errorsmod.Wrapf(ErrInvalidRequest, "window %s is longer than %d days", to.Sub(from), MaxMetricsWindow/(24*time.Hour))
	}
	return nil
}
