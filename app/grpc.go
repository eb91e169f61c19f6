package app

import (
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
)

// RegisterGRPCServerWithSkipCheckHeader registers the query services on the
// node's gRPC server as BaseApp does, except the transaction service
// (cosmos.tx.v1beta1.Service), which is served without BaseApp's query
// interceptor. The interceptor builds a query context over the latest
// committed version of every store for each call; the transaction service
// (see txService) never reads it (it goes through CometBFT, the node's
// transaction index and the simulation state), and under load that context
// cost a tenth of the node's CPU. The service stays on the query router
// too, so ABCI queries (the CLI's q tx and --gas auto) still reach it.
func (app *App) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(txServiceDirect{Server: server}, skipCheckHeader)
}

// txServiceDirect registers the transaction service with its own handlers
// and every other service as given.
type txServiceDirect struct{ gogogrpc.Server }

func (s txServiceDirect) RegisterService(desc *grpc.ServiceDesc, impl any) {
	if srv, ok := impl.(txtypes.ServiceServer); ok && desc.ServiceName == txServiceName {
		txtypes.RegisterServiceServer(s.Server, srv)
		return
	}
	s.Server.RegisterService(desc, impl)
}

const txServiceName = "cosmos.tx.v1beta1.Service"

// broadcastStackBytes is the frame growStack makes room for: the runtime
// then gives the goroutine a 256 KiB stack, which holds what BroadcastTx
// reaches (Preverify, then CheckTx's ante chain, collections, the cache
// stores and IAVL).
const broadcastStackBytes = 128 << 10

// growStack makes the calling goroutine's stack hold a broadcastStackBytes
// frame. gRPC serves each call on a new goroutine whose stack starts at a
// few KiB and doubles, copying itself, as the call chain deepens; most of
// that copying happened inside CheckTx, under the lock FinalizeBlock waits
// for. Growing once while the stack is still shallow, to 128 KiB, took the
// copying from 6.6% to 2.8% of a node's CPU under single-record load; with
// the cheaper signature check it was 6% again, the ante chain outgrowing
// 128 KiB at x/auth's parameter read. At 256 KiB it is 1%, and one
// validator committed 5-10% more single records a second; at 512 KiB,
// 13-17% fewer (alternating runs).
//
//go:noinline
func growStack() {
	var frame [broadcastStackBytes]byte
	touch(frame[:]) // the compiler drops a frame nothing reads
}

//go:noinline
func touch(b []byte) { b[len(b)-1] = 1 }
