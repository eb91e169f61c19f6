package app

import (
	"crypto/sha256"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/spf13/cast"
)

// DefaultDecodedTxCacheBytes bounds the decoded-transaction cache by the
// encoded size of the transactions it holds: 32 MiB is about 1,900 batches
// of 100 records (18 KB each in the app's benchmarks), or a full mempool
// (5,000 transactions) of single records (about 420 bytes each).
const DefaultDecodedTxCacheBytes = 32 << 20

// DecodedTxCache keeps the transactions of this node's mempool decoded, so
// that one decode serves Preverify, CheckTx, every re-check CometBFT runs
// after a block, the proposal, and FinalizeBlock. Before it, each of those
// decoded the bytes again, and finding the signers decodes the messages a
// second time through the protobuf-v2 API (into dynamicpb messages for
// modules without generated v2 types): with a backlog of 100-record batches,
// the re-checks alone took a sixth of the node's CPU, all of it on the ABCI
// lane that FinalizeBlock and Commit also wait for.
//
// Sharing a decoded transaction is safe because nothing writes to it once
// it is published: an entry is added only after its signers, which the
// transaction computes lazily, are known; CheckTx, re-checks and the
// proposal only read it (no message handler runs there); FinalizeBlock,
// which runs the handlers, takes the entry out before it executes the
// transaction, so a transaction object is executed at most once. Simulate
// decodes its own copy. A hit gives exactly the object a decode would, so
// the cache cannot change a result or the app hash.
//
// A transaction CheckTx or a re-check refuses leaves the cache at once.
// Entries live in two generations that Commit rotates. A hit moves an entry
// to the current one, and CometBFT re-checks every transaction still waiting
// after each commit, so the entries of transactions that left the mempool
// in other ways (a full mempool, a transaction that only reached Preverify)
// fall out two commits later.
// When the byte bound is reached, new transactions are decoded but not
// kept, until deliveries and rotations free room.
type DecodedTxCache struct {
	decode   sdk.TxDecoder
	maxBytes int

	mu       sync.Mutex
	current  map[[32]byte]decodedTx
	previous map[[32]byte]decodedTx
	bytes    int // encoded size of the entries of both generations
}

type decodedTx struct {
	tx   sdk.Tx
	size int
}

// NewDecodedTxCache caches what decode returns, up to maxBytes of encoded
// transactions; maxBytes 0 disables it.
func NewDecodedTxCache(decode sdk.TxDecoder, maxBytes int) *DecodedTxCache {
	return &DecodedTxCache{
		decode:   decode,
		maxBytes: maxBytes,
		current:  map[[32]byte]decodedTx{},
		previous: map[[32]byte]decodedTx{},
	}
}

// Decode returns the cached transaction of txBytes, or decodes it and keeps
// it. Use it only where the transaction is read, never executed.
func (c *DecodedTxCache) Decode(txBytes []byte) (sdk.Tx, error) {
	if c.maxBytes <= 0 {
		return c.decode(txBytes)
	}
	key := sha256.Sum256(txBytes)
	if tx, ok := c.lookup(key, false); ok {
		return tx, nil
	}
	tx, err := c.decode(txBytes)
	if err != nil {
		return nil, err
	}
	// Compute the signers now, so the published object is never written
	// again; a transaction whose signers fail is not kept (the ante handler
	// reports the error).
	if sigTx, ok := tx.(interface{ GetSigners() ([][]byte, error) }); ok {
		if _, err := sigTx.GetSigners(); err != nil {
			return tx, nil
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.current[key]; !ok && c.bytes+len(txBytes) <= c.maxBytes {
		if old, ok := c.previous[key]; ok {
			delete(c.previous, key)
			c.bytes -= old.size
		}
		c.current[key] = decodedTx{tx: tx, size: len(txBytes)}
		c.bytes += len(txBytes)
	}
	return tx, nil
}

// Take removes and returns the cached transaction of txBytes, or decodes
// it without keeping it: the decoder of FinalizeBlock, which executes it.
func (c *DecodedTxCache) Take(txBytes []byte) (sdk.Tx, error) {
	if c.maxBytes > 0 {
		if tx, ok := c.lookup(sha256.Sum256(txBytes), true); ok {
			return tx, nil
		}
	}
	return c.decode(txBytes)
}

// drop forgets the transaction of txBytes.
func (c *DecodedTxCache) drop(txBytes []byte) {
	if c.maxBytes > 0 {
		c.lookup(sha256.Sum256(txBytes), true)
	}
}

// lookup finds key in either generation, moving it to the current one, or
// removing it when take is set.
func (c *DecodedTxCache) lookup(key [32]byte, take bool) (sdk.Tx, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.current[key]
	if ok {
		if take {
			delete(c.current, key)
			c.bytes -= e.size
		}
		return e.tx, true
	}
	if e, ok = c.previous[key]; !ok {
		return nil, false
	}
	delete(c.previous, key)
	if take {
		c.bytes -= e.size
	} else {
		c.current[key] = e
	}
	return e.tx, true
}

// Rotate starts a new generation; the app calls it at each commit, before
// CometBFT re-checks the transactions still waiting.
func (c *DecodedTxCache) Rotate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.previous {
		c.bytes -= e.size
	}
	c.previous, c.current = c.current, make(map[[32]byte]decodedTx, len(c.current))
}

// Len is the number of cached transactions.
func (c *DecodedTxCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.current) + len(c.previous)
}

// CheckTxHandler runs CheckTx and re-checks on the cached transaction. The
// response is built as BaseApp builds it without a handler; indexEvents and
// trace are the app's index-events and trace settings.
func (c *DecodedTxCache) CheckTxHandler(indexEvents map[string]struct{}, trace bool) sdk.CheckTxHandler {
	return func(runTx sdk.RunTx, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
		tx, err := c.Decode(req.Tx)
		if err != nil {
			return sdkerrors.ResponseCheckTxWithEvents(sdkerrors.ErrTxDecode.Wrap(err.Error()), 0, 0, nil, trace), nil
		}
		gasInfo, result, anteEvents, err := runTx(req.Tx, tx)
		if err != nil {
			// CometBFT drops a refused transaction from the mempool (or never
			// adds it); so does the cache.
			c.drop(req.Tx)
			return sdkerrors.ResponseCheckTxWithEvents(err, gasInfo.GasWanted, gasInfo.GasUsed, anteEvents, trace), nil
		}
		return &abci.ResponseCheckTx{
			GasWanted: int64(gasInfo.GasWanted),
			GasUsed:   int64(gasInfo.GasUsed),
			Log:       result.Log,
			Data:      result.Data,
			Events:    sdk.MarkEventsToIndex(result.Events, indexEvents),
		}, nil
	}
}

// IndexEventsOption is app.toml's index-events as BaseApp keeps it: an empty
// set indexes every event.
func IndexEventsOption(appOpts servertypes.AppOptions) map[string]struct{} {
	events := cast.ToStringSlice(appOpts.Get(server.FlagIndexEvents))
	set := make(map[string]struct{}, len(events))
	for _, e := range events {
		set[e] = struct{}{}
	}
	return set
}

// DecodedTxCache is the node's cache of decoded mempool transactions.
func (app *App) DecodedTxCache() *DecodedTxCache { return app.txCache }
