package app_test

import (
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
