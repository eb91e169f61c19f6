package app_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"cosmossdk.io/log/v2"

	abci "github.com/cometbft/cometbft/abci/types"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
)

// cometBlocks stands in for CometBFT's block and state stores (a
// neighbour): the blocks the chain committed, with their results.
type cometBlocks struct {
	client.CometRPC // only Block and BlockResults are called
	blocks          map[int64]*coretypes.ResultBlock
	results         map[int64]*coretypes.ResultBlockResults
	reads           int // Block calls
}

func (b *cometBlocks) add(c *chain, txs [][]byte, res *abci.ResponseFinalizeBlock) {
	block := &cmttypes.Block{Header: cmttypes.Header{Height: c.height, Time: c.time}, Data: cmttypes.Data{Txs: make(cmttypes.Txs, len(txs))}}
	for i, tx := range txs {
		block.Txs[i] = tx
	}
	b.blocks[c.height] = &coretypes.ResultBlock{Block: block}
	b.results[c.height] = &coretypes.ResultBlockResults{Height: c.height, TxsResults: res.TxResults}
}

func (b *cometBlocks) Block(_ context.Context, height *int64) (*coretypes.ResultBlock, error) {
	b.reads++
	if r, ok := b.blocks[*height]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("height %d is not available", *height)
}

func (b *cometBlocks) BlockResults(_ context.Context, height *int64) (*coretypes.ResultBlockResults, error) {
	if r, ok := b.results[*height]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("could not find results for height #%d", *height)
}

// serveGRPC registers c's transaction service over clientCtx and serves
// the node's gRPC services on a loopback listener, as the node does.
func serveGRPC(t *testing.T, c *chain, clientCtx client.Context) (*grpc.Server, *grpc.ClientConn) {
	c.app.RegisterTxService(clientCtx.WithTxConfig(c.app.TxConfig()).WithInterfaceRegistry(c.app.InterfaceRegistry()))
	srv := grpc.NewServer()
	c.app.RegisterGRPCServerWithSkipCheckHeader(srv, false)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return srv, conn
}

// newTxServiceChain is a chain past genesis whose transaction service
// reads the blocks the test records in blocks.
func newTxServiceChain(t *testing.T) (*chain, *cometBlocks, txtypes.ServiceClient) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	blocks := &cometBlocks{blocks: map[int64]*coretypes.ResultBlock{}, results: map[int64]*coretypes.ResultBlockResults{}}
	_, conn := serveGRPC(t, c, client.Context{}.WithClient(blocks))
	return c, blocks, txtypes.NewServiceClient(conn)
}

func hashHex(tx []byte) string { h := sha256.Sum256(tx); return fmt.Sprintf("%X", h) }

func requireCode(t *testing.T, err error, code codes.Code, contains string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, status.Code(err), err.Error())
	require.Contains(t, status.Convert(err).Message(), contains)
}

// The node finds committed transactions through its own index, reading
// them and their results from CometBFT's blocks: by hash, and by sender,
// action and height in pages.
func TestTxServiceFindsCommittedTransactions(t *testing.T) {
	c, blocks, svc := newTxServiceChain(t)
	ctx := context.Background()

	var recorded [][]byte
	for i := range 3 {
		txs := [][]byte{c.signTxSeq(c.admin, uint64(2*i), recordMsg(addr(c.admin), fmt.Sprintf("ci-%d-a", i))),
			c.signTxSeq(c.admin, uint64(2*i+1), recordMsg(addr(c.admin), fmt.Sprintf("ci-%d-b", i)))}
		blocks.add(c, txs, c.nextBlock(txs...))
		recorded = append(recorded, txs...)
	}
	// A transaction the membership gate refuses in the block is found too,
	// with its code.
	refused := c.signTx(c.outside, nil, recordMsg(addr(c.outside), "outsider"))
	blocks.add(c, [][]byte{refused}, c.nextBlock(refused))

	got, err := svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(recorded[3])})
	require.NoError(t, err)
	r := got.TxResponse
	require.Equal(t, hashHex(recorded[3]), r.TxHash)
	require.Equal(t, c.height-2, r.Height)
	require.Zero(t, r.Code, r.RawLog)
	require.NotZero(t, r.GasUsed)
	require.Equal(t, c.time.Add(-2e9).Format("2006-01-02T15:04:05Z07:00"), r.Timestamp)
	require.Contains(t, eventTypes(&abci.ExecTxResult{Events: r.Events}), "shiplog.deployments.v1.EventDeploymentRecorded")
	require.Len(t, got.Tx.Body.Messages, 1)
	require.Equal(t, "/shiplog.deployments.v1.MsgRecordDeployment", got.Tx.Body.Messages[0].TypeUrl)

	got, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(refused)})
	require.NoError(t, err)
	require.NotZero(t, got.TxResponse.Code)
	require.Equal(t, c.height, got.TxResponse.Height)

	// By sender, in pages, either way round.
	sender := fmt.Sprintf("message.sender='%s'", addr(c.admin))
	page, err := svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: sender, Limit: 4})
	require.NoError(t, err)
	require.EqualValues(t, 6, page.Total)
	require.Len(t, page.TxResponses, 4)
	require.Len(t, page.Txs, 4)
	for i, r := range page.TxResponses {
		require.Equal(t, hashHex(recorded[i]), r.TxHash)
	}
	page, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: sender, Limit: 4, Page: 2})
	require.NoError(t, err)
	require.Len(t, page.TxResponses, 2)
	require.Equal(t, hashHex(recorded[5]), page.TxResponses[1].TxHash)
	page, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: sender + " AND tx.height < " + fmt.Sprint(c.height-1), OrderBy: txtypes.OrderBy_ORDER_BY_DESC})
	require.NoError(t, err)
	require.EqualValues(t, 4, page.Total)
	require.Equal(t, hashHex(recorded[3]), page.TxResponses[0].TxHash)
	require.Equal(t, hashHex(recorded[0]), page.TxResponses[3].TxHash)

	page, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: "message.action='/shiplog.deployments.v1.MsgRecordDeployment'", Limit: 500})
	require.NoError(t, err)
	require.EqualValues(t, 6, page.Total, "the refused transaction never ran its message")
	require.Len(t, page.TxResponses, 6)
}

// What the service refuses, and what it does not find, it names.
func TestTxServiceRejections(t *testing.T) {
	c, blocks, svc := newTxServiceChain(t)
	ctx := context.Background()

	_, err := svc.GetTx(ctx, &txtypes.GetTxRequest{})
	requireCode(t, err, codes.InvalidArgument, "tx hash cannot be empty")
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: "not-hex"})
	requireCode(t, err, codes.InvalidArgument, `"not-hex" is not 64 hex digits`)
	unknown := hashHex([]byte("never sent"))
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: unknown})
	requireCode(t, err, codes.NotFound, "tx not found")
	_, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{})
	requireCode(t, err, codes.InvalidArgument, "the query is empty")
	_, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: "message.sender CONTAINS 'ship'"})
	requireCode(t, err, codes.InvalidArgument, "event attributes are matched by =")
	_, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: "tx.height > 1", Page: 1 << 62, Limit: 100})
	requireCode(t, err, codes.InvalidArgument, "past any chain's end")
	// Past the last page: no transactions, and the total.
	page, err := svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: "tx.height > 1", Page: 1 << 50, Limit: 100})
	require.NoError(t, err)
	require.Empty(t, page.TxResponses)
	require.Zero(t, page.Total)

	// A transaction of a block finalized but not yet committed is not
	// found: a client that finds one can read the state it wrote.
	tx := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1"))
	c.height++
	c.time = c.time.Add(1e9)
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.height, Time: c.time, Txs: [][]byte{tx}})
	require.NoError(t, err)
	blocks.add(c, [][]byte{tx}, res)
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(tx)})
	requireCode(t, err, codes.NotFound, "tx not found")
	_, err = c.app.Commit()
	require.NoError(t, err)
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(tx)})
	require.NoError(t, err)

	// A transaction the index knows whose results CometBFT no longer has.
	tx = c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-2"))
	blocks.add(c, [][]byte{tx}, c.nextBlock(tx))
	delete(blocks.results, c.height)
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(tx)})
	requireCode(t, err, codes.Unavailable, fmt.Sprintf("results of block %d", c.height))
	_, err = svc.GetTxsEvent(ctx, &txtypes.GetTxsEventRequest{Query: fmt.Sprintf("tx.height=%d", c.height)})
	requireCode(t, err, codes.Unavailable, fmt.Sprintf("results of block %d", c.height))
}

// Looking transactions up by hash reads each recent block from CometBFT
// once: a CI job per transaction asks for the same few blocks.
func TestTxServiceReadsRecentBlocksOnce(t *testing.T) {
	c, blocks, svc := newTxServiceChain(t)
	ctx := context.Background()
	var txs [][]byte
	for i := range 10 {
		tx := c.signTxSeq(c.admin, uint64(i), recordMsg(addr(c.admin), fmt.Sprintf("ci-%d", i)))
		blocks.add(c, [][]byte{tx}, c.nextBlock(tx))
		txs = append(txs, tx)
	}
	for range 3 {
		_, err := svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(txs[0])})
		require.NoError(t, err)
	}
	require.Equal(t, 1, blocks.reads)
	// Eight blocks are kept: reading nine more replaces the first.
	for _, tx := range txs[1:] {
		_, err := svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(tx)})
		require.NoError(t, err)
	}
	require.Equal(t, 10, blocks.reads)
	_, err := svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(txs[9])})
	require.NoError(t, err)
	require.Equal(t, 10, blocks.reads)
	_, err = svc.GetTx(ctx, &txtypes.GetTxRequest{Hash: hashHex(txs[0])})
	require.NoError(t, err)
	require.Equal(t, 11, blocks.reads)
}

// A node whose transaction index has not taken the state's last blocks
// (upgraded from a build with CometBFT's index, or its index deleted) says
// so at start, naming the rebuild; a node whose index follows says nothing.
func TestStartWarnsWhenTheTxIndexIsBehind(t *testing.T) {
	home := t.TempDir()
	c := openNode(t, home)
	c.initChain(c.genesis())
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	require.NoError(t, c.app.Close())

	start := func() string {
		var logs bytes.Buffer
		db, err := appdb.Open(home, dbm.PebbleDBBackend)
		require.NoError(t, err)
		a := app.New(log.NewLogger(&logs, log.ColorOption(false)), db, true,
			simtestutil.AppOptionsMap{"home": home}, baseapp.SetChainID(chainID))
		require.NoError(t, a.Close())
		return logs.String()
	}
	require.NotContains(t, start(), "transaction index is behind")

	require.NoError(t, os.RemoveAll(filepath.Join(home, "data", app.TxIndexDBName+".db")))
	logs := start()
	require.Contains(t, logs, "transaction index is behind the state")
	require.Contains(t, logs, "shiplogd db index-txs")
	require.Contains(t, logs, "index_height=0")
	require.Contains(t, logs, fmt.Sprintf("state_height=%d", c.height))
}
