package cmd

import (
	"context"
	"crypto/sha256"
	"testing"

	cmtdb "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app/txindex"
)

// cometStores are CometBFT's block and state stores (in memory) holding
// blocks whose every transaction has a message event with a sender and an
// action.
type cometStores struct {
	blocks *store.BlockStore
	states sm.Store
}

func newCometStores() cometStores {
	return cometStores{blocks: store.NewBlockStore(cmtdb.NewMemDB()), states: sm.NewStore(cmtdb.NewMemDB(), sm.StoreOptions{})}
}

// add saves the next block with txs, and its results unless withResults
// is false.
func (c cometStores) add(t *testing.T, withResults bool, txs ...string) {
	t.Helper()
	height := c.blocks.Height() + 1
	res := &abci.ResponseFinalizeBlock{AppHash: []byte("app hash")} // without one CometBFT reads a legacy format
	var blockTxs cmttypes.Txs
	for _, tx := range txs {
		blockTxs = append(blockTxs, cmttypes.Tx(tx))
		res.TxResults = append(res.TxResults, &abci.ExecTxResult{Events: []abci.Event{{Type: "message", Attributes: []abci.EventAttribute{
			{Key: "sender", Value: "ship1" + tx}, {Key: "action", Value: "record"},
		}}}})
	}
	lastCommit := &cmttypes.Commit{Height: height - 1}
	if height > 1 {
		hash := sha256.Sum256([]byte("block"))
		lastCommit.BlockID = cmttypes.BlockID{Hash: hash[:], PartSetHeader: cmttypes.PartSetHeader{Total: 1, Hash: hash[:]}}
		lastCommit.Signatures = []cmttypes.CommitSig{{BlockIDFlag: cmttypes.BlockIDFlagAbsent}}
	}
	block := cmttypes.MakeBlock(height, blockTxs, lastCommit, nil)
	block.ProposerAddress = make([]byte, 20)
	parts, err := block.MakePartSet(cmttypes.BlockPartSizeBytes)
	require.NoError(t, err)
	c.blocks.SaveBlock(block, parts, &cmttypes.Commit{Height: height})
	if withResults {
		require.NoError(t, c.states.SaveFinalizeBlockResponse(height, res))
	}
}

func search(t *testing.T, x *txindex.Index, query string) []txindex.Position {
	t.Helper()
	q, err := txindex.ParseQuery(query)
	require.NoError(t, err)
	page, err := x.Search(context.Background(), q, false, 0, 100)
	require.NoError(t, err)
	return page.Positions
}

// A rebuild indexes every transaction of the blocks by hash, and the
// attributes index-events names now (whatever the results say), and stops
// at a block whose results CometBFT did not keep, naming it.
func TestIndexBlocksFromCometStores(t *testing.T) {
	comet := newCometStores()
	comet.add(t, true, "a", "b")
	comet.add(t, true)
	comet.add(t, true, "c")

	x := txindex.New(dbm.NewMemDB())
	n, err := indexBlocks(x, comet.blocks, comet.states, 1, 3, map[string]struct{}{"message.sender": {}})
	require.NoError(t, err)
	require.Equal(t, 3, n)
	hash := sha256.Sum256([]byte("c"))
	pos, found, err := x.Lookup(hash[:])
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, txindex.Position{Height: 3, Index: 0}, pos)
	require.Equal(t, []txindex.Position{{Height: 1, Index: 1}}, search(t, x, "message.sender='ship1b'"))
	require.Empty(t, search(t, x, "message.action='record'"), "not in index-events")
	height, err := x.Height()
	require.NoError(t, err)
	require.EqualValues(t, 3, height)

	// An empty index-events indexes every attribute, as the node does.
	x = txindex.New(dbm.NewMemDB())
	_, err = indexBlocks(x, comet.blocks, comet.states, 1, 3, map[string]struct{}{})
	require.NoError(t, err)
	require.Len(t, search(t, x, "message.action='record'"), 3)

	comet.add(t, false, "d")
	_, err = indexBlocks(txindex.New(dbm.NewMemDB()), comet.blocks, comet.states, 1, 4, nil)
	require.ErrorContains(t, err, "results of block 4")
	require.ErrorContains(t, err, "discard_abci_responses")
	_, err = indexBlocks(txindex.New(dbm.NewMemDB()), comet.blocks, comet.states, 1, 5, nil)
	require.ErrorContains(t, err, "results of block 4")
	_, err = indexBlocks(txindex.New(dbm.NewMemDB()), comet.blocks, comet.states, 5, 5, nil)
	require.ErrorContains(t, err, "block 5 is not in the block store")
}
