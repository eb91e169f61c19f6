package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"
)

// A transaction decoded in CheckTx is delivered from the cache, with the
// result a node without the entry gets; one CheckTx refuses leaves at once,
// and one that no block carries and no re-check touches leaves two commits
// later.
func TestDecodedTxCacheThroughTheApp(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	cache := c.app.DecodedTxCache()

	delivered := c.signTxSeq(c.admin, 0, recordMsg(addr(c.admin), "decoded-once"))
	res := c.checkTx(delivered)
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, 1, cache.Len())
	res = c.checkTx(c.signTxSeq(c.admin, 1, recordMsg(addr(c.admin), "left-waiting")))
	require.Zero(t, res.Code, res.Log)
	require.Equal(t, 2, cache.Len())
	res = c.checkTx(c.signTxSeq(c.admin, 5, recordMsg(addr(c.admin), "refused")))
	require.NotZero(t, res.Code, "a wrong sequence is refused")
	require.Equal(t, 2, cache.Len(), "and not kept")

	block := c.nextBlock(delivered)
	require.Zero(t, block.TxResults[0].Code, block.TxResults[0].Log)
	require.Equal(t, 1, cache.Len(), "the delivered transaction left the cache")
	c.nextBlock()
	require.Zero(t, cache.Len(), "the waiting one, never re-checked here, fell out after two commits")

	other := newChain(t, dbm.NewMemDB())
	other.initChain(other.genesis())
	uncached := other.nextBlock(delivered)
	require.Equal(t, uncached.TxResults[0], block.TxResults[0])
	require.Equal(t, uncached.AppHash, block.AppHash)
}

// Bytes that do not decode are refused in CheckTx with the SDK's decode
// error, as without the cache, and nothing is kept.
func TestCheckTxRefusesUndecodableBytes(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	res := c.checkTx([]byte("not a transaction"))
	require.Equal(t, sdkerrors.ErrTxDecode.ABCICode(), res.Code, res.Log)
	require.Equal(t, sdkerrors.ErrTxDecode.Codespace(), res.Codespace)
	require.Contains(t, res.Log, "tx parse error")
	require.Zero(t, c.app.DecodedTxCache().Len())
}
