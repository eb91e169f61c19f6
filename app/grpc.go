package app

import (
	"context"

	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	gogogrpc "github.com/cosmos/gogoproto/grpc"
	"google.golang.org/grpc"
)

// RegisterGRPCServerWithSkipCheckHeader registers the query services on the
// node's gRPC server as BaseApp does, except the transaction service
// (cosmos.tx.v1beta1.Service), which is served without BaseApp's query
// interceptor. The interceptor builds a query context over the latest
// committed version of every store for each call; BroadcastTx, Simulate and
// the tx lookups never read it (they go through CometBFT and the
// simulation state), and under load that context cost a tenth of the node's
// CPU. The service stays on the query router too, so ABCI queries (the
// CLI's --gas auto) still reach it.
//
// BroadcastTx checks the transaction's signatures before it reaches the
// mempool (see App.Preverify).
func (app *App) RegisterGRPCServerWithSkipCheckHeader(server gogogrpc.Server, skipCheckHeader bool) {
	app.BaseApp.RegisterGRPCServerWithSkipCheckHeader(txServiceDirect{Server: server, app: app}, skipCheckHeader)
}

// txServiceDirect registers the transaction service with its own handlers
// and every other service as given.
type txServiceDirect struct {
	gogogrpc.Server
	app *App
}

func (s txServiceDirect) RegisterService(desc *grpc.ServiceDesc, impl any) {
	if srv, ok := impl.(txtypes.ServiceServer); ok && desc.ServiceName == txServiceName {
		txtypes.RegisterServiceServer(s.Server, preverifyingTxService{ServiceServer: srv, app: s.app})
		return
	}
	s.Server.RegisterService(desc, impl)
}

// preverifyingTxService is the SDK's transaction service whose BroadcastTx
// checks signatures on the gRPC goroutine first.
type preverifyingTxService struct {
	txtypes.ServiceServer
	app *App
}

func (s preverifyingTxService) BroadcastTx(ctx context.Context, req *txtypes.BroadcastTxRequest) (*txtypes.BroadcastTxResponse, error) {
	if req != nil {
		s.app.Preverify(ctx, req.TxBytes)
	}
	return s.ServiceServer.BroadcastTx(ctx, req)
}

const txServiceName = "cosmos.tx.v1beta1.Service"
