package app_test

import (
	"os"
	"path/filepath"
	"testing"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	deploymentskeeper "github.com/shiplog/shiplog/x/deployments/keeper"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// listIDs runs the Deployments query on the chain's latest state.
func listIDs(t *testing.T, c *chain, req *deploymentstypes.QueryDeploymentsRequest) []uint64 {
	t.Helper()
	res, err := deploymentskeeper.NewQueryServerImpl(c.app.DeploymentsKeeper).Deployments(c.ctx(), req)
	require.NoError(t, err)
	ids := []uint64{}
	for _, d := range res.Deployments {
		ids = append(ids, d.Id)
	}
	return ids
}

// openNode opens a chain on home's pebble databases, as shiplogd start does.
func openNode(t *testing.T, home string) *chain {
	t.Helper()
	db, err := appdb.Open(home, dbm.PebbleDBBackend)
	require.NoError(t, err)
	return newChainWithOptions(t, db, map[string]any{"home": home})
}

// The environment, status and deployer filters read the node-local index,
// which follows every committed block, survives a restart and is rebuilt
// from state when it is lost.
func TestDeploymentsIndexFollowsCommittedBlocks(t *testing.T) {
	home := t.TempDir()
	c := openNode(t, home)
	c.initChain(c.genesis())
	inProgress := &deploymentstypes.QueryDeploymentsRequest{Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}
	succeeded := &deploymentstypes.QueryDeploymentsRequest{Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED}
	production := &deploymentstypes.QueryDeploymentsRequest{Environment: "production"}
	byAdmin := &deploymentstypes.QueryDeploymentsRequest{Deployer: addr(c.admin)}

	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-2")))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, production))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, byAdmin))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, inProgress))

	res := c.nextBlock(c.signTx(c.admin, nil, &deploymentstypes.MsgUpdateDeploymentStatus{
		Deployer: addr(c.admin), Id: 1, Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED, Reason: "healthy"}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, []uint64{2}, listIDs(t, c, inProgress))
	require.Equal(t, []uint64{1}, listIDs(t, c, succeeded))
	// A failed transaction writes nothing, so the index does not move.
	res = c.nextBlock(c.signTx(c.admin, nil, &deploymentstypes.MsgUpdateDeploymentStatus{
		Deployer: addr(c.admin), Id: 1, Status: deploymentstypes.DEPLOYMENT_STATUS_FAILED, Reason: "final already"}))
	require.NotZero(t, res.TxResults[0].Code)
	require.Equal(t, []uint64{1}, listIDs(t, c, succeeded))
	require.NoError(t, c.app.Close())

	// A restart reads the index as it was.
	c = reopen(t, c, home)
	require.Equal(t, []uint64{1}, listIDs(t, c, succeeded))
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-3")))
	require.Equal(t, []uint64{3, 2, 1}, listIDs(t, c, production))
	require.NoError(t, c.app.Close())

	// An index lost with the node stopped is rebuilt from state at start.
	require.NoError(t, os.RemoveAll(filepath.Join(home, "data", app.DeploymentsIndexDBName+".db")))
	c = reopen(t, c, home)
	require.Equal(t, []uint64{3, 2, 1}, listIDs(t, c, production))
	require.Equal(t, []uint64{3, 2}, listIDs(t, c, inProgress))
	require.Equal(t, []uint64{1}, listIDs(t, c, succeeded))
	require.NoError(t, c.app.Close())
}

// reopen starts the node on home again, continuing c's chain.
func reopen(t *testing.T, c *chain, home string) *chain {
	t.Helper()
	next := openNode(t, home)
	next.height, next.time = c.app.LastBlockHeight(), c.time
	return next
}

// The named upgrade runs x/deployments' migration 1 to 2 through x/upgrade:
// the retired index entries leave state and the module's version moves.
func TestUpgradeMovesDeploymentsToVersion2(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	require.True(t, c.app.UpgradeKeeper.HasHandler(app.UpgradeLocalDeploymentsIndex))

	ctx := c.app.NewUncachedContext(false, cmtproto.Header{Height: c.height + 1, Time: c.time})
	// The state of a version 1 chain: its module version and its entries.
	vm, err := c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, vm[deploymentstypes.ModuleName])
	vm[deploymentstypes.ModuleName] = 1
	require.NoError(t, c.app.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
	store := ctx.KVStore(c.app.GetKey(deploymentstypes.StoreKey))
	for _, prefix := range deploymentstypes.RetiredIndexPrefixes {
		store.Set(append(prefix.Bytes(), "production-entry"...), []byte{})
	}

	require.NoError(t, c.app.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: app.UpgradeLocalDeploymentsIndex, Height: c.height + 1}))

	for _, prefix := range deploymentstypes.RetiredIndexPrefixes {
		it := store.Iterator(prefix.Bytes(), storetypes.PrefixEndBytes(prefix.Bytes()))
		require.False(t, it.Valid(), "prefix %x", prefix.Bytes())
		require.NoError(t, it.Close())
	}
	vm, err = c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, vm[deploymentstypes.ModuleName])
	d, err := c.app.DeploymentsKeeper.GetDeployment(ctx, 1)
	require.NoError(t, err)
	require.Equal(t, "checkout", d.Service)
}
