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
// committed version of every store for each call; BroadcastTx, Simulate and
// the tx lookups never read it (they go through CometBFT and the
// simulation state), and under load that context cost a tenth of the node's
// CPU. The service stays on the query router too, so ABCI queries (the
// CLI's --gas auto) still reach it.
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
