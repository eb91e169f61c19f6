package cmd

import (
	"os"
	"path/filepath"
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

// TestLatencyParts: a committed transaction's latency splits into the wait
// for a free submitter, the node's answer and the wait for its block; a
// block seen before the submitter took the answer counts the answer as
// given then, so no part is negative and the parts add up to the whole.
func TestLatencyParts(t *testing.T) {
	due := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	s := submission{due: due, sent: due.Add(300 * time.Millisecond), answered: due.Add(320 * time.Millisecond)}
	tx := newIncludedTx(7, 2, due.Add(time.Second), s)
	require.Equal(t, includedTx{height: 7, index: 2, seen: due.Add(time.Second), latency: time.Second,
		queued: 300 * time.Millisecond, broadcast: 20 * time.Millisecond, toCommit: 680 * time.Millisecond}, tx)

	for _, answered := range []time.Time{{}, due.Add(2 * time.Second)} {
		s.answered = answered
		tx := newIncludedTx(7, 2, due.Add(time.Second), s)
		require.Equal(t, 700*time.Millisecond, tx.broadcast)
		require.Zero(t, tx.toCommit)
		require.Equal(t, tx.latency, tx.queued+tx.broadcast+tx.toCommit)
	}

	var committed []includedTx
	for i := range 100 {
		ms := time.Duration(i+1) * time.Millisecond
		committed = append(committed, includedTx{queued: ms, broadcast: 2 * ms, toCommit: 3 * ms})
	}
	require.Equal(t, &latencyParts{Queued: [2]float64{50, 99}, Broadcast: [2]float64{100, 198}, ToCommit: [2]float64{150, 297}},
		newLatencyParts(committed))
}

// TestWriteTrace: one line per committed transaction in the order they were
// due, times from the first due, under a header (alone when none committed).
func TestWriteTrace(t *testing.T) {
	due := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	later := newIncludedTx(9, 0, due.Add(3*time.Second), submission{due: due.Add(1500 * time.Millisecond), sent: due.Add(1500 * time.Millisecond), answered: due.Add(1510 * time.Millisecond)})
	first := newIncludedTx(8, 1, due.Add(time.Second), submission{due: due, sent: due.Add(250 * time.Millisecond), answered: due.Add(262500 * time.Microsecond)})
	path := filepath.Join(t.TempDir(), "trace.csv")
	require.NoError(t, writeTrace(path, []includedTx{later, first}))
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "due_s,wait_for_submitter_ms,broadcast_ms,to_commit_ms,height\n"+
		"0.000,250.000,12.500,737.500,8\n"+
		"1.500,0.000,10.000,1490.000,9\n", string(bz))

	require.NoError(t, writeTrace(path, nil))
	bz, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "due_s,wait_for_submitter_ms,broadcast_ms,to_commit_ms,height\n", string(bz))
}
