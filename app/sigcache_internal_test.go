package app

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignatureCacheBounds(t *testing.T) {
	c := NewSignatureCache(2)
	signer := []cachedSigner{{accountNumber: 7, pubKey: []byte{1}}}
	c.add([32]byte{1}, signer)
	c.add([32]byte{2}, signer)
	require.Equal(t, 2, c.Len())
	c.add([32]byte{3}, signer) // full: starts over
	require.Equal(t, 1, c.Len())
	_, ok := c.take([32]byte{1})
	require.False(t, ok)
	got, ok := c.take([32]byte{3})
	require.True(t, ok)
	require.Equal(t, signer, got)
	require.Zero(t, c.Len())

	off := NewSignatureCache(0)
	off.add([32]byte{1}, signer)
	require.Zero(t, off.Len())
}

func TestSameSigners(t *testing.T) {
	a := []cachedSigner{{accountNumber: 1, pubKey: []byte{1, 2}}}
	require.True(t, sameSigners(a, []cachedSigner{{accountNumber: 1, pubKey: []byte{1, 2}}}))
	require.False(t, sameSigners(a, []cachedSigner{{accountNumber: 2, pubKey: []byte{1, 2}}}), "account number")
	require.False(t, sameSigners(a, []cachedSigner{{accountNumber: 1, pubKey: []byte{1, 3}}}), "public key")
	require.False(t, sameSigners(a, nil), "signer count")
}
