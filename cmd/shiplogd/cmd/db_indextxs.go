package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	cmtcfg "github.com/cometbft/cometbft/config"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"
	"github.com/cosmos/cosmos-sdk/server"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	"github.com/shiplog/shiplog/app/txindex"
)

func dbIndexTxsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "index-txs",
		Short: "Rebuild the node's transaction index from its blocks (stop the node first)",
		Long: `Rebuilds the node's transaction index (` + app.TxIndexDBName + `.db) from the
blocks and block results CometBFT keeps, with the index-events app.toml lists
now. For a node upgraded from a build that used CometBFT's transaction index
(its transactions before the upgrade are then found again), after changing
index-events, or after losing the index. The new index is built beside the old
one and replaces it at the end. The node must be stopped: its databases are
locked while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sctx := server.GetServerContextFromCmd(cmd)
			blocks, states, closeStores, err := openCometStores(sctx.Config)
			if err != nil {
				return err
			}
			defer closeStores()
			state, err := states.Load()
			if err != nil {
				return fmt.Errorf("load CometBFT's state: %w", err)
			}
			// The block store can hold one block more than has been executed.
			first, last := max(blocks.Base(), 1), min(blocks.Height(), state.LastBlockHeight)

			path := filepath.Join(sctx.Config.RootDir, "data", app.TxIndexDBName+".db")
			building := path + ".rebuild"
			if err := os.RemoveAll(building); err != nil {
				return err
			}
			db, err := appdb.OpenPebble(building, appdb.BlockCacheBytes)
			if err != nil {
				return err
			}
			txs, err := indexBlocks(txindex.New(db), blocks, states, first, last, app.IndexEventsOption(sctx.Viper))
			if closeErr := db.Close(); err == nil {
				err = closeErr
			}
			if err != nil {
				_ = os.RemoveAll(building)
				return err
			}
			if err := os.RemoveAll(path); err != nil {
				return err
			}
			if err := os.Rename(building, path); err != nil {
				return err
			}
			if last < first {
				cmd.Printf("no executed blocks to index; %s is empty\n", path)
				return nil
			}
			cmd.Printf("indexed %d transactions of blocks %d-%d in %s\n", txs, first, last, path)
			return nil
		},
	}
}

// openCometStores opens CometBFT's block and state stores as the node does.
func openCometStores(cfg *cmtcfg.Config) (*store.BlockStore, sm.Store, func(), error) {
	blockDB, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: cfg})
	if err != nil {
		return nil, nil, nil, fmt.Errorf("open CometBFT's block store: %w (is the node still running? stop it first)", err)
	}
	stateDB, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "state", Config: cfg})
	if err != nil {
		_ = blockDB.Close()
		return nil, nil, nil, fmt.Errorf("open CometBFT's state store: %w (is the node still running? stop it first)", err)
	}
	closeStores := func() { _, _ = blockDB.Close(), stateDB.Close() }
	return store.NewBlockStore(blockDB), sm.NewStore(stateDB, sm.StoreOptions{}), closeStores, nil
}

// indexBlocks indexes blocks first..last, marking the attributes indexEvents
// names (all of them when it is empty) as the node does when it executes a
// block, and returns how many transactions it indexed.
func indexBlocks(x *txindex.Index, blocks *store.BlockStore, states sm.Store, first, last int64, indexEvents map[string]struct{}) (int, error) {
	txs := 0
	for height := first; height <= last; height++ {
		block := blocks.LoadBlock(height)
		if block == nil {
			return txs, fmt.Errorf("block %d is not in the block store", height)
		}
		res, err := states.LoadFinalizeBlockResponse(height)
		if err != nil {
			return txs, fmt.Errorf("results of block %d: %w (a node with discard_abci_responses keeps none)", height, err)
		}
		for _, r := range res.TxResults {
			r.Events = sdk.MarkEventsToIndex(r.Events, indexEvents)
		}
		if err := x.Stage(height, block.Txs.ToSliceOfBytes(), res.TxResults); err != nil {
			return txs, err
		}
		if err := x.CommitUnsynced(); err != nil {
			return txs, err
		}
		txs += len(block.Txs)
	}
	return txs, nil
}
