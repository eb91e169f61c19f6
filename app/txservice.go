package app

import (
	"context"
	"math"
	"sync"
	"time"

	errorsmod "cosmossdk.io/errors"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/cosmos-sdk/client"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/app/txindex"
)

// MaxTxsPerPage is the most transactions GetTxsEvent returns at once
// (CometBFT's tx_search has the same bound); a larger limit is cut to it.
const MaxTxsPerPage = 100

// blockSource is where the transaction service reads committed blocks and
// their results: CometBFT's block and state stores, through its local
// client.
type blockSource interface {
	Block(ctx context.Context, height *int64) (*coretypes.ResultBlock, error)
	BlockResults(ctx context.Context, height *int64) (*coretypes.ResultBlockResults, error)
}

// txService is the SDK's transaction service with two changes:
// BroadcastTx checks the transaction's signatures on the gRPC goroutine
// first (see App.Preverify), and GetTx and GetTxsEvent find transactions
// through the node's own index (txindex) instead of CometBFT's, reading
// each transaction and its result from CometBFT's block and results.
type txService struct {
	txtypes.ServiceServer
	app    *App
	blocks blockSource   // nil when the node runs without CometBFT (tests)
	recent *recentBlocks // the last blocks read from blocks, decoded
}

func (s txService) BroadcastTx(ctx context.Context, req *txtypes.BroadcastTxRequest) (*txtypes.BroadcastTxResponse, error) {
	growStack()
	if req != nil {
		s.app.Preverify(ctx, req.TxBytes)
	}
	return s.ServiceServer.BroadcastTx(ctx, req)
}

func (s txService) GetTx(ctx context.Context, req *txtypes.GetTxRequest) (*txtypes.GetTxResponse, error) {
	if req == nil || req.Hash == "" {
		return nil, errorsmod.Wrap(txindex.ErrInvalidHash, "tx hash cannot be empty")
	}
	hash, err := txindex.ParseHash(req.Hash)
	if err != nil {
		return nil, err
	}
	pos, found, err := s.app.txIndex.Lookup(hash)
	if err != nil {
		return nil, err
	}
	// The index takes a block just before the state's commit; a
	// transaction is shown once the state it wrote can be read.
	if !found || pos.Height > s.app.LastBlockHeight() {
		return nil, errorsmod.Wrap(txindex.ErrTxNotFound, req.Hash)
	}
	responses, err := s.responses(ctx, []txindex.Position{pos})
	if err != nil {
		return nil, err
	}
	txs, err := protoTxs(responses)
	if err != nil {
		return nil, err
	}
	return &txtypes.GetTxResponse{Tx: txs[0], TxResponse: responses[0]}, nil
}

func (s txService) GetTxsEvent(ctx context.Context, req *txtypes.GetTxsEventRequest) (*txtypes.GetTxsEventResponse, error) {
	if req == nil {
		req = &txtypes.GetTxsEventRequest{} // refused below: the query is empty
	}
	q, err := txindex.ParseQuery(req.Query)
	if err != nil {
		return nil, err
	}
	limit := req.Limit
	if limit == 0 {
		limit = query.DefaultLimit
	}
	limit = min(limit, MaxTxsPerPage)
	page := max(req.Page, 1)
	if page-1 > math.MaxUint64/limit {
		return nil, errorsmod.Wrapf(txindex.ErrInvalidQuery, "page %d of %d transactions is past any chain's end", page, limit)
	}
	result, err := s.app.txIndex.Search(ctx, q.UpTo(s.app.LastBlockHeight()), req.OrderBy == txtypes.OrderBy_ORDER_BY_DESC, (page-1)*limit, limit)
	if err != nil {
		return nil, err
	}
	responses, err := s.responses(ctx, result.Positions)
	if err != nil {
		return nil, err
	}
	txs, err := protoTxs(responses)
	if err != nil {
		return nil, err
	}
	return &txtypes.GetTxsEventResponse{Txs: txs, TxResponses: responses, Total: result.Total}, nil
}

// protoTxs are the transactions of responses.
func protoTxs(responses []*sdk.TxResponse) ([]*txtypes.Tx, error) {
	txs := make([]*txtypes.Tx, len(responses))
	for i, r := range responses {
		tx, ok := r.Tx.GetCachedValue().(*txtypes.Tx)
		if !ok {
			return nil, status.Errorf(codes.Internal, "expected %T, got %T", tx, r.Tx.GetCachedValue())
		}
		txs[i] = tx
	}
	return txs, nil
}

// responses builds the SDK's response for each transaction, reading each
// block and its results once.
func (s txService) responses(ctx context.Context, positions []txindex.Position) ([]*sdk.TxResponse, error) {
	if s.blocks == nil {
		return nil, errorsmod.Wrap(txindex.ErrTxUnavailable, "this node serves no blocks")
	}
	out := make([]*sdk.TxResponse, len(positions))
	var (
		block   *coretypes.ResultBlock
		results *coretypes.ResultBlockResults
	)
	for i, pos := range positions {
		if block == nil || block.Block.Height != pos.Height {
			var err error
			if block, results, err = s.block(ctx, pos.Height); err != nil {
				return nil, err
			}
		}
		txs := block.Block.Txs
		if int(pos.Index) >= len(txs) || int(pos.Index) >= len(results.TxsResults) {
			return nil, errorsmod.Wrapf(txindex.ErrTxUnavailable,
				"block %d has %d transactions, the index points at number %d", pos.Height, len(txs), pos.Index)
		}
		tx, err := s.app.txConfig.TxDecoder()(txs[pos.Index])
		if err != nil {
			return nil, errorsmod.Wrapf(txindex.ErrTxUnavailable, "transaction %d of block %d: %v", pos.Index, pos.Height, err)
		}
		anyTx, ok := tx.(interface{ AsAny() *codectypes.Any })
		if !ok {
			return nil, status.Errorf(codes.Internal, "decoded transaction %T has no Any form", tx)
		}
		out[i] = sdk.NewResponseResultTx(&coretypes.ResultTx{
			Hash:     cmttypes.Tx(txs[pos.Index]).Hash(),
			Height:   pos.Height,
			Index:    pos.Index,
			TxResult: *results.TxsResults[pos.Index],
			Tx:       txs[pos.Index],
		}, anyTx.AsAny(), block.Block.Time.Format(time.RFC3339))
	}
	return out, nil
}

// block reads a block and its results from CometBFT, or from the recent
// blocks already read.
func (s txService) block(ctx context.Context, height int64) (*coretypes.ResultBlock, *coretypes.ResultBlockResults, error) {
	if b, ok := s.recent.get(height); ok {
		return b.block, b.results, nil
	}
	block, err := s.blocks.Block(ctx, &height)
	if err != nil {
		return nil, nil, errorsmod.Wrapf(txindex.ErrTxUnavailable, "block %d: %v", height, err)
	}
	results, err := s.blocks.BlockResults(ctx, &height)
	if err != nil {
		return nil, nil, errorsmod.Wrapf(txindex.ErrTxUnavailable, "results of block %d: %v", height, err)
	}
	s.recent.add(height, decodedBlock{block: block, results: results})
	return block, results, nil
}

// recentBlockCount is how many decoded blocks the transaction service
// keeps. A transaction is found by hash by reading its whole block and
// results (a loaded node's blocks hold up to about 1,500 transactions:
// 3-18 ms a lookup); CI jobs waiting for their transactions ask for the
// same few recent blocks, each one once per transaction.
const recentBlockCount = 8

// decodedBlock is a committed block and its results, as CometBFT returned
// them; shared between requests, so never modified.
type decodedBlock struct {
	block   *coretypes.ResultBlock
	results *coretypes.ResultBlockResults
}

// recentBlocks are the last blocks the service decoded, the oldest
// replaced first. Committed blocks never change, so an entry never goes
// stale.
type recentBlocks struct {
	mu      sync.Mutex
	heights []int64 // in the order added
	blocks  map[int64]decodedBlock
}

func newRecentBlocks() *recentBlocks {
	return &recentBlocks{blocks: make(map[int64]decodedBlock, recentBlockCount)}
}

func (r *recentBlocks) get(height int64) (decodedBlock, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b, ok := r.blocks[height]
	return b, ok
}

func (r *recentBlocks) add(height int64, b decodedBlock) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.blocks[height]; ok {
		return
	}
	if len(r.heights) == recentBlockCount {
		delete(r.blocks, r.heights[0])
		r.heights = r.heights[1:]
	}
	r.heights = append(r.heights, height)
	r.blocks[height] = b
}

// newTxService is the node's transaction service over clientCtx's
// CometBFT client.
func newTxService(app *App, sdkService txtypes.ServiceServer, clientCtx client.Context) txService {
	return txService{ServiceServer: sdkService, app: app, blocks: clientCtx.Client, recent: newRecentBlocks()}
}
