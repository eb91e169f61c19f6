package app

import (
	"encoding/binary"
	"testing"

	"github.com/cosmos/cosmos-sdk/store/v2/mem"
	"github.com/stretchr/testify/require"
)

// The set of nonce keys gives back the memory of a wave of nonces once most
// of them are deleted, and reads as before.
func TestNonceStoreShrinksAfterAWave(t *testing.T) {
	prefix := []byte{0x5a}
	raw := mem.NewStore()
	key := func(i int) []byte { return binary.BigEndian.AppendUint32(append([]byte{}, prefix...), uint32(i)) }
	raw.Set(key(0), []byte{1}) // held before the store is built
	s := newNonceStore(raw, raw, prefix)
	require.Equal(t, 1, s.peak)

	const wave = 2 * minShrink
	for i := 1; i < wave; i++ {
		s.Set(key(i), []byte{1})
	}
	require.Equal(t, wave, s.peak)
	for i := 1; i < wave; i += 2 {
		s.Delete(key(i))
	}
	require.Equal(t, wave, s.peak, "half the wave deleted: not rebuilt yet")
	for i := 2; i < wave; i += 4 {
		s.Delete(key(i))
	}
	require.Less(t, s.peak, wave, "three quarters deleted: rebuilt")
	require.Equal(t, len(s.keys), s.peak)

	for i := range wave {
		held := i%4 == 0
		require.Equal(t, held, s.Has(key(i)), "key %d", i)
		require.Equal(t, held, s.Get(key(i)) != nil, "key %d", i)
	}
}
