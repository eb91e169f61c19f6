package appdb

import (
	"testing"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/stretchr/testify/require"
)

func TestWriteStallsAreCountedAndTimed(t *testing.T) {
	var s writeStalls
	l := s.listener()
	l.WriteStallBegin(pebble.WriteStallBeginInfo{Reason: "memtable count limit reached"})
	time.Sleep(20 * time.Millisecond)
	n, during := s.read()
	require.Equal(t, int64(1), n)
	require.GreaterOrEqual(t, during, 20*time.Millisecond, "the stall under way counts")

	l.WriteStallEnd()
	_, ended := s.read()
	require.GreaterOrEqual(t, ended, during)
	time.Sleep(10 * time.Millisecond)
	_, later := s.read()
	require.Equal(t, ended, later, "no stall under way")

	l.WriteStallEnd() // an end without a begin changes nothing
	n, again := s.read()
	require.Equal(t, int64(1), n)
	require.Equal(t, ended, again)
}
