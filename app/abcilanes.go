package app

import (
	"context"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// CometBFT reaches shiplog through one lock per ABCI connection (shiplogd
// start builds the node with proxy.NewConnSyncLocalClientCreator), not the
// SDK's one lock for all: CheckTx, on the mempool's connection, runs while
// a block executes on the consensus connection, instead of waiting for it.
// Flat out, one validator committed 1,318 and 1,341 single records/s
// against 1,199 and 1,211 with the one lock (alternating runs), for the
// same CPU per record.
//
// What the connections share is the state trees, and the SDK expects no
// reader beside their writers. Executing a block's transactions only reads
// them (its writes stay in the block's cache until its last step), so
// CheckTx and queries may read beside it; the writes come after EndBlock,
// when BaseApp.FinalizeBlock writes the block's cache into the trees and
// hashes them, and in Commit. treeLock keeps the other connections out of
// those two steps: FinalizeBlock takes it in EndBlock and lets go when it
// returns, Commit holds it throughout. CometBFT already keeps CheckTx out
// of Commit (it locks the mempool around Commit and the re-checks after
// it), and the app's own shared state (admission bound, signature and
// decoded-transaction caches, the deployments index) has locks of its own.
//
// Nothing here takes part in consensus: FinalizeBlock, Commit and the
// blocks they produce are the same with either lock.

// lockTreesForWrites takes treeLock for the rest of FinalizeBlock: the
// block's transactions are done, and BaseApp writes its cache into the
// trees next. ctx is EndBlock's.
func (app *App) lockTreesForWrites(ctx sdk.Context) {
	if ctx.ExecMode() != sdk.ExecModeFinalize || app.treesLocked {
		return
	}
	app.treeLock.Lock()
	app.treesLocked = true
}

// FinalizeBlock executes the block, then lets the other connections read
// again once its writes are in the trees.
func (app *App) FinalizeBlock(req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	defer func() {
		if app.treesLocked {
			app.treesLocked = false
			app.treeLock.Unlock()
		}
	}()
	return app.BaseApp.FinalizeBlock(req)
}

// CheckTx admits a transaction to the mempool, beside a block's execution
// but not beside its writes.
func (app *App) CheckTx(req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	app.treeLock.RLock()
	defer app.treeLock.RUnlock()
	return app.BaseApp.CheckTx(req)
}

// Info reports the last committed height and app hash, which Commit sets.
func (app *App) Info(req *abci.RequestInfo) (*abci.ResponseInfo, error) {
	app.treeLock.RLock()
	defer app.treeLock.RUnlock()
	return app.BaseApp.Info(req)
}

// Query answers CometBFT's abci_query (the SDK's gRPC server calls the
// handlers directly and reads committed versions only).
func (app *App) Query(ctx context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	app.treeLock.RLock()
	defer app.treeLock.RUnlock()
	return app.BaseApp.Query(ctx, req)
}
