package app_test

import (
	"context"
	"net"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// The node's gRPC server serves the transaction service (outside the query
// interceptor) and the modules' queries (inside it), on a real loopback
// listener.
func TestGRPCServerServesTxServiceAndQueries(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	c.app.RegisterTxService(client.Context{}.WithTxConfig(c.app.TxConfig()).WithInterfaceRegistry(c.app.InterfaceRegistry()))

	srv := grpc.NewServer()
	c.app.RegisterGRPCServerWithSkipCheckHeader(srv, false)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	ctx := context.Background()

	info := srv.GetServiceInfo()
	require.Contains(t, info, "cosmos.tx.v1beta1.Service")
	require.Contains(t, info, "shiplog.consortium.v1.Query")

	sim, err := txtypes.NewServiceClient(conn).Simulate(ctx, &txtypes.SimulateRequest{TxBytes: c.signTx(c.admin, nil, recordMsg(addr(c.admin), "grpc"))})
	require.NoError(t, err)
	require.NotZero(t, sim.GasInfo.GasUsed)

	orgs, err := consortiumtypes.NewQueryClient(conn).Organizations(ctx, &consortiumtypes.QueryOrganizationsRequest{})
	require.NoError(t, err)
	require.NotEmpty(t, orgs.Organizations)
}
