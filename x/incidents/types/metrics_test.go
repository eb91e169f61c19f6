package types_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

func TestNewFraction(t *testing.T) {
	for _, tc := range []struct {
		num, den uint64
		want     types.Fraction
	}{
		{0, 0, types.Fraction{Numerator: 0, Denominator: 0, Decimal: "0.0000"}},
		{0, 604800, types.Fraction{Numerator: 0, Denominator: 1, Decimal: "0.0000"}},
		{518400, 604800, types.Fraction{Numerator: 6, Denominator: 7, Decimal: "0.8571"}},
		{2, 3, types.Fraction{Numerator: 2, Denominator: 3, Decimal: "0.6666"}},
		{1, 3, types.Fraction{Numerator: 1, Denominator: 3, Decimal: "0.3333"}},
		{5, 5, types.Fraction{Numerator: 1, Denominator: 1, Decimal: "1.0000"}},
		{1, 10000, types.Fraction{Numerator: 1, Denominator: 10000, Decimal: "0.0001"}},
		{1, 10001, types.Fraction{Numerator: 1, Denominator: 10001, Decimal: "0.0000"}},
		{259200, 1, types.Fraction{Numerator: 259200, Denominator: 1, Decimal: "259200.0000"}},
		{7, 2, types.Fraction{Numerator: 7, Denominator: 2, Decimal: "3.5000"}},
		// No overflow: num*10000 exceeds 64 bits.
		{math.MaxUint64, 3, types.Fraction{Numerator: math.MaxUint64 / 3, Denominator: 1, Decimal: "6148914691236517205.0000"}},
		{math.MaxUint64, 2, types.Fraction{Numerator: math.MaxUint64, Denominator: 2, Decimal: "9223372036854775807.5000"}},
	} {
		require.Equal(t, tc.want, types.NewFraction(tc.num, tc.den), "%d/%d", tc.num, tc.den)
	}
}

func TestNearestRank(t *testing.T) {
	require.Equal(t, int64(0), types.NearestRank(nil, 50))
	one := []int64{7}
	require.Equal(t, int64(7), types.NearestRank(one, 50))
	require.Equal(t, int64(7), types.NearestRank(one, 90))
	// n=4: median rank ceil(2)=2, p90 rank ceil(3.6)=4.
	four := []int64{10, 20, 30, 40}
	require.Equal(t, int64(20), types.NearestRank(four, 50))
	require.Equal(t, int64(40), types.NearestRank(four, 90))
	// n=10: median rank 5, p90 rank 9.
	ten := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	require.Equal(t, int64(5), types.NearestRank(ten, 50))
	require.Equal(t, int64(9), types.NearestRank(ten, 90))
	require.Equal(t, int64(10), types.NearestRank(ten, 100))
	// n=11: median rank ceil(5.5)=6, p90 rank ceil(9.9)=10.
	eleven := append(ten, 11)
	require.Equal(t, int64(6), types.NearestRank(eleven, 50))
	require.Equal(t, int64(10), types.NearestRank(eleven, 90))

	s := types.NewDurationStats([]int64{86400, 1800, 7200, 3600})
	require.Equal(t, types.DurationStats{Count: 4, MedianSeconds: 3600, P90Seconds: 86400}, s)
	require.Equal(t, types.DurationStats{}, types.NewDurationStats(nil))
}

func TestWholeSeconds(t *testing.T) {
	base := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, int64(0), types.WholeSeconds(base, base))
	require.Equal(t, int64(0), types.WholeSeconds(base, base.Add(999*time.Millisecond)))
	require.Equal(t, int64(1), types.WholeSeconds(base, base.Add(time.Second)))
	require.Equal(t, int64(86400), types.WholeSeconds(base.Add(-500*time.Millisecond), base.Add(86400*time.Second)))
	require.Equal(t, int64(86399), types.WholeSeconds(base.Add(500*time.Millisecond), base.Add(86400*time.Second)))
	// Far apart times do not overflow (time.Duration would saturate).
	old := time.Date(1000, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, base.Unix()-old.Unix(), types.WholeSeconds(old, base))
}
