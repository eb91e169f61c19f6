package cmd

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestUnorderedTimeout: every transaction of a run gets its own timeout, in
// order; flat out they are a nanosecond apart after the base, and at a fixed
// rate each moves with its slot, so none is further ahead of its earliest
// submission than the base is of signing.
func TestUnorderedTimeout(t *testing.T) {
	base := time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)
	require.Equal(t, base, unorderedTimeout(base, 0, 0))
	require.Equal(t, base.Add(7), unorderedTimeout(base, 7, 0))

	const rate = 1500.0
	require.Equal(t, base.Add(time.Second+1500), unorderedTimeout(base, 1500, rate))
	require.Equal(t, base.Add(300*time.Second+450_000), unorderedTimeout(base, 450_000, rate))
	signingBegan := base.Add(-unorderedTimeoutAhead)
	prev := time.Time{}
	for _, i := range []int{0, 1, 2, 1499, 1500, 449_999} {
		got := unorderedTimeout(base, i, rate)
		require.True(t, got.After(prev), "timeout of %d not after the one before", i)
		prev = got
		// Transaction i is submitted no earlier than its slot: its timeout
		// is then no further ahead than the base was of signing.
		slot := signingBegan.Add(time.Duration(float64(i) / rate * float64(time.Second)))
		require.LessOrEqual(t, got.Sub(slot), unorderedTimeoutAhead+time.Duration(i), "transaction %d", i)
	}
}

// TestCountBySpan: committed transactions are counted in the span of their
// commit since the first submission; spans without any count zero, and the
// counts end with the last commit's span.
func TestCountBySpan(t *testing.T) {
	first := time.Date(2026, 11, 27, 13, 0, 0, 0, time.UTC)
	at := func(d time.Duration) includedTx { return includedTx{seen: first.Add(d)} }
	committed := []includedTx{at(time.Second), at(29 * time.Second), at(30 * time.Second), at(95 * time.Second), at(2 * time.Second)}
	require.Equal(t, []int{3, 1, 0, 1}, countBySpan(committed, first, 30*time.Second))
	require.Nil(t, countBySpan(nil, first, 30*time.Second))
}
