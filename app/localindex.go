package app

import (
	"fmt"
	"path/filepath"

	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/spf13/cast"

	"github.com/shiplog/shiplog/app/appdb"
	"github.com/shiplog/shiplog/x/deployments/localindex"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// DeploymentsIndexDBName is the database of the node-local deployments index
// (x/deployments/localindex), beside application.db in the node's data
// directory. Deleting it is safe: the node rebuilds it from state at start.
const DeploymentsIndexDBName = "deployments_index"

// deploymentsIndexCacheBytes is the index's block cache: its pages of
// recent records and the entries an update replaces.
const deploymentsIndexCacheBytes = 64 << 20

// TxIndexDBName is the database of the node's transaction index
// (app/txindex), beside application.db. It is not CometBFT's tx_index.db,
// which a node keeps only with indexer = "kv" in config.toml.
const TxIndexDBName = "shiplog_tx_index"

// txIndexCacheBytes is the transaction index's block cache. Its entries are
// small and written once; lookups are by auditors, not by the chain.
const txIndexCacheBytes = 16 << 20

// streamingPluginKey is the app.toml key of an ADR-038 streaming plugin.
var streamingPluginKey = fmt.Sprintf("%s.%s.%s", baseapp.StreamingTomlKey, baseapp.StreamingABCITomlKey, baseapp.StreamingABCIPluginTomlKey)

// wireDeploymentsIndex opens the node-local deployments index and has the
// root store record the deployments store's writes for it (see
// indexBlock). It returns nil, and the Deployments query walks records for
// the filters the index serves, when an operator's streaming plugin is
// configured: the SDK hands the recorded writes to that plugin at commit.
func (app *App) wireDeploymentsIndex(db dbm.DB, appOpts servertypes.AppOptions, key *storetypes.KVStoreKey, logger log.Logger) *localindex.Index {
	if plugin := cast.ToString(appOpts.Get(streamingPluginKey)); plugin != "" {
		logger.Warn("the deployments index is off: a streaming plugin is configured and the SDK hands it the recorded writes; "+
			"queries by environment, status, deployer or digest alone and DORA metrics read every record", "plugin", plugin)
		return nil
	}
	indexDB, err := openNodeLocalDB(db, cast.ToString(appOpts.Get("home")), DeploymentsIndexDBName, deploymentsIndexCacheBytes)
	if err != nil {
		panic(fmt.Errorf("open the deployments index: %w", err))
	}
	index, err := localindex.New(indexDB, app.appCodec, app.DeploymentsKeeper.AddressCodec(), app.DeploymentsKeeper,
		logger.With("module", "x/"+deploymentstypes.ModuleName))
	if err != nil {
		panic(err)
	}
	app.CommitMultiStore().AddListeners([]storetypes.StoreKey{key})
	app.indexDB = indexDB
	return index
}

// openNodeLocalDB opens a node-local index's database beside the node's
// application database, on pebble with shiplog's options (see appdb): on
// cosmos-db's defaults each of the deployments index's 4 MiB memtables,
// once flushed, was compacted into a bottom level that spans the whole key
// space (every record's entries are spread over it), rewriting most of that
// level: in 5-minute runs at 1,500 records/s pebble wrote 7.6 bytes for
// every byte the index took in, and 3.1 with these options. An app on an
// in-memory database (tests, the CLI's template app) keeps its indexes in
// memory too.
func openNodeLocalDB(db dbm.DB, home, name string, cacheBytes int64) (dbm.DB, error) {
	if _, inMemory := db.(*dbm.MemDB); inMemory || home == "" {
		return dbm.NewMemDB(), nil
	}
	index, err := appdb.OpenPebble(filepath.Join(home, "data", name+".db"), cacheBytes)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return index, nil
}

// indexBlock stages the block being committed in the deployments index,
// durably, before the state's commit, and applies it on a goroutine of its
// own while the state commits (see localindex); the returned func waits
// for it. That is safe in a block's commit: the index is node-local, no
// transaction reads it, and nothing the state's commit does depends on it,
// so the outcome does not depend on scheduling; the update only reads the
// recorded writes and its own database. The update was a sixteenth of the
// CPU time of a node committing 100-record batches, all of it in the
// single ABCI lane; overlapped, Commit took less time per block in every
// alternating run on a 2-core machine (1-32%), though records/s did not
// measurably move there: the generator, the compactions and the collector
// leave the goroutine little idle CPU (see docs/performance.md). The
// writes were recorded when FinalizeBlock flushed the block's state into
// the stores; ctx reads that uncommitted state for a rebuild. A failure is
// logged: the index then stays at its height, and the next block rebuilds
// it.
func (app *App) indexBlock() (wait func()) {
	if app.deploymentsIndex == nil {
		return func() {}
	}
	height := app.LastBlockHeight() + 1
	changeSet := app.CommitMultiStore().PopStateCache()
	ctx := app.NewUncachedContext(false, cmtproto.Header{Height: height})
	logFailure := func(err error) {
		if err != nil {
			app.Logger().Error("deployments index: the block's update failed; the next block rebuilds it", "height", height, "err", err)
		}
	}
	apply, err := app.deploymentsIndex.StageBlock(ctx, height, changeSet)
	if err != nil {
		logFailure(err)
		return func() {}
	}
	done := make(chan error, 1)
	go func() { done <- apply() }()
	return func() { logFailure(<-done) }
}

// FinalizeBlock executes the block and stages its transactions in the
// transaction index, which Commit writes. A failure to stage is logged and
// the block goes unindexed: the index serves queries, never the chain.
func (app *App) FinalizeBlock(req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	res, err := app.BaseApp.FinalizeBlock(req)
	if err != nil {
		return res, err
	}
	if err := app.txIndex.Stage(req.Height, req.Txs, res.TxResults); err != nil {
		app.Logger().Error("transaction index: the block is not indexed", "height", req.Height, "err", err)
	}
	return res, nil
}

// commitTxIndex writes the staged block to the transaction index before
// the state's commit (see txindex.Index.Commit).
func (app *App) commitTxIndex() {
	if err := app.txIndex.Commit(); err != nil {
		app.Logger().Error("transaction index: the block is not indexed", "height", app.LastBlockHeight()+1, "err", err)
	}
}

// warnTxIndexBehind tells the operator, at start, that the transaction
// index has not taken the loaded state's last blocks: a node upgraded from
// a build that used CometBFT's index, or one whose index was deleted. New
// blocks are indexed either way; the missing ones only by a rebuild, which
// reads CometBFT's stores and so cannot run inside the node.
func (app *App) warnTxIndexBehind() {
	indexed, err := app.txIndex.Height()
	if err != nil {
		app.Logger().Error("transaction index: cannot read its height", "err", err)
		return
	}
	if state := app.LastBlockHeight(); indexed < state {
		app.Logger().Warn("transaction index is behind the state: transactions of the blocks it has not taken are not found "+
			"until `shiplogd db index-txs` runs with the node stopped", "index_height", indexed, "state_height", state)
	}
}

// syncDeploymentsIndex brings the index up to the loaded state, rebuilding
// it if it reflects another height.
func (app *App) syncDeploymentsIndex() error {
	if app.deploymentsIndex == nil {
		return nil
	}
	height := app.LastBlockHeight()
	ctx := app.NewUncachedContext(false, cmtproto.Header{Height: height})
	return app.deploymentsIndex.Sync(ctx, height)
}
