package app_test

import (
	"context"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/stretchr/testify/require"
)

// A transaction verified in CheckTx is delivered without a second check; a
// copy with a forged signature, never checked, is still verified and refused
// in the same block.
func TestSignatureCacheSkipsOnlyWhatCheckTxVerified(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	cache := c.app.SignatureCache()

	good := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "cached"))
	res := c.checkTx(good)
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, 1, cache.Len())

	var raw txtypes.TxRaw
	require.NoError(t, raw.Unmarshal(good))
	raw.Signatures[0] = append([]byte(nil), raw.Signatures[0]...)
	raw.Signatures[0][5] ^= 0xff
	forged, err := raw.Marshal()
	require.NoError(t, err)

	block := c.nextBlock(forged, good)
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), block.TxResults[0].Code, block.TxResults[0].Log)
	require.Contains(t, block.TxResults[0].Log, "signature verification failed")
	require.Zero(t, block.TxResults[1].Code, block.TxResults[1].Log)
	require.Zero(t, cache.Len(), "a delivered transaction leaves the cache")

	// A node without the entry verifies and must charge the same gas: gas
	// used is part of the block results every validator hashes.
	other := newChain(t, dbm.NewMemDB())
	other.initChain(other.genesis())
	uncached := other.nextBlock(good)
	require.Zero(t, uncached.TxResults[0].Code, uncached.TxResults[0].Log)
	require.Equal(t, uncached.TxResults[0].GasUsed, block.TxResults[1].GasUsed)
}

// A forged transaction refused in CheckTx is not remembered.
func TestSignatureCacheIgnoresRefusedTransactions(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	var raw txtypes.TxRaw
	require.NoError(t, raw.Unmarshal(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "forged"))))
	raw.Signatures[0][5] ^= 0xff
	forged, err := raw.Marshal()
	require.NoError(t, err)
	res := c.checkTx(forged)
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code)
	require.Zero(t, c.app.SignatureCache().Len())
}

// forge flips a byte of the first signature of tx.
func forge(t *testing.T, tx []byte) []byte {
	t.Helper()
	var raw txtypes.TxRaw
	require.NoError(t, raw.Unmarshal(tx))
	raw.Signatures[0] = append([]byte(nil), raw.Signatures[0]...)
	raw.Signatures[0][5] ^= 0xff
	forged, err := raw.Marshal()
	require.NoError(t, err)
	return forged
}

// Preverify remembers a transaction only when its signer is known from an
// earlier transaction that verified in CheckTx and its signature verifies;
// CheckTx keeps the entry for FinalizeBlock, and gas is unchanged.
func TestPreverify(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	cache := c.app.SignatureCache()
	ctx := context.Background()

	first := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "first"))
	c.app.Preverify(ctx, first)
	require.Zero(t, cache.Len(), "a signer never seen in CheckTx is left to CheckTx")
	c.app.Preverify(ctx, []byte("not a transaction"))
	require.Zero(t, cache.Len())
	require.Zero(t, c.checkTx(first).Code)
	require.Zero(t, c.nextBlock(first).TxResults[0].Code)
	require.Zero(t, cache.Len())

	second := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "second"))
	c.app.Preverify(ctx, forge(t, second))
	require.Zero(t, cache.Len(), "a signature that does not verify is not remembered")
	c.app.Preverify(ctx, second)
	require.Equal(t, 1, cache.Len())
	res := c.checkTx(second)
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, 1, cache.Len(), "CheckTx leaves the entry for FinalizeBlock")
	block := c.nextBlock(second)
	require.Zero(t, block.TxResults[0].Code, block.TxResults[0].Log)
	require.Zero(t, cache.Len())

	other := newChain(t, dbm.NewMemDB())
	other.initChain(other.genesis())
	require.Zero(t, other.nextBlock(first).TxResults[0].Code)
	uncached := other.nextBlock(second)
	require.Equal(t, uncached.TxResults[0].GasUsed, block.TxResults[0].GasUsed)
}

// CheckTx relies on an entry only while the signer's account matches it: an
// entry filed under forged bytes is trusted with the right account number
// (which is why only verified signatures are filed) and ignored with a
// wrong one.
func TestCheckTxReliesOnMatchingEntriesOnly(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	cache := c.app.SignatureCache()
	ctx := context.Background()
	warmup := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "warm-up"))
	require.Zero(t, c.checkTx(warmup).Code)
	require.Zero(t, c.nextBlock(warmup).TxResults[0].Code)

	good := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "good"))
	c.app.Preverify(ctx, good)

	stale := forge(t, good)
	require.True(t, cache.AliasSignatureEntry(chainID, good, stale, 1))
	res := c.checkTx(stale)
	require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code, "another account number: verified, and refused")

	trusted := append([]byte(nil), good...) // the signature comes last
	trusted[len(trusted)-1] ^= 0x01
	require.True(t, cache.AliasSignatureEntry(chainID, good, trusted, 0))
	res = c.checkTx(trusted)
	require.Zero(t, res.Code, "the matching entry is relied on: %s", res.Log)
}
