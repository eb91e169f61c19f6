package app_test

import (
	"context"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// The node's gRPC server serves the transaction service (outside the query
// interceptor) and the modules' queries (inside it), on a real loopback
// listener.
func TestGRPCServerServesTxServiceAndQueries(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	srv, conn := serveGRPC(t, c, client.Context{})
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
