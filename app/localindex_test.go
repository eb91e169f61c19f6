package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"cosmossdk.io/collections"

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

// successIDs lists, through x/incidents' DORA metrics and the deployments
// keeper's success-time walk, the ids that became succeeded in the last day.
func successIDs(t *testing.T, c *chain) []uint64 {
	t.Helper()
	ids := []uint64{}
	err := c.app.DeploymentsKeeper.IterateSucceeded(c.ctx(), c.time.Add(-24*time.Hour), c.time.Add(time.Hour),
		func(d deploymentstypes.Deployment, _ time.Time) (bool, error) {
			ids = append(ids, d.Id)
			return false, nil
		})
	require.NoError(t, err)
	return ids
}

// The environment, status, deployer and digest filters and the success-time
// walk read the node-local index, which follows every committed block,
// survives a restart and is rebuilt from state when it is lost.
func TestDeploymentsIndexFollowsCommittedBlocks(t *testing.T) {
	home := t.TempDir()
	c := openNode(t, home)
	c.initChain(c.genesis())
	inProgress := &deploymentstypes.QueryDeploymentsRequest{Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}
	succeeded := &deploymentstypes.QueryDeploymentsRequest{Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED}
	production := &deploymentstypes.QueryDeploymentsRequest{Environment: "production"}
	byAdmin := &deploymentstypes.QueryDeploymentsRequest{Deployer: addr(c.admin)}
	byDigest := &deploymentstypes.QueryDeploymentsRequest{ArtifactDigest: digest}

	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-2")))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, production))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, byAdmin))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, inProgress))
	require.Equal(t, []uint64{2, 1}, listIDs(t, c, byDigest))
	require.Empty(t, successIDs(t, c))

	res := c.nextBlock(c.signTx(c.admin, nil, &deploymentstypes.MsgUpdateDeploymentStatus{
		Deployer: addr(c.admin), Id: 1, Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED, Reason: "healthy"}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, []uint64{2}, listIDs(t, c, inProgress))
	require.Equal(t, []uint64{1}, listIDs(t, c, succeeded))
	require.Equal(t, []uint64{1}, successIDs(t, c))
	metrics, err := c.app.IncidentsKeeper.Metrics(c.ctx(), "checkout", "production", c.time.Add(-24*time.Hour), c.time.Add(time.Hour))
	require.NoError(t, err)
	require.EqualValues(t, 1, metrics.SuccessfulDeployments)
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
	require.Equal(t, []uint64{3, 2, 1}, listIDs(t, c, byDigest))
	require.Equal(t, []uint64{1}, successIDs(t, c))
	require.NoError(t, c.app.Close())
}

// reopen starts the node on home again, continuing c's chain.
func reopen(t *testing.T, c *chain, home string) *chain {
	t.Helper()
	next := openNode(t, home)
	next.height, next.time = c.app.LastBlockHeight(), c.time
	return next
}

// The named upgrades run x/deployments' migrations through x/upgrade: the
// retired index entries leave state and the module's version moves to 3. A
// chain at version 1 takes both migrations in the second upgrade.
func TestUpgradesMoveDeploymentsToVersion3(t *testing.T) {
	for _, tc := range []struct {
		name    string
		from    uint64
		retired []collections.Prefix
	}{
		{app.UpgradeLocalDigestIndex, 2, deploymentstypes.RetiredIndexPrefixesV3},
		{app.UpgradeLocalDigestIndex, 1, append(deploymentstypes.RetiredIndexPrefixesV2, deploymentstypes.RetiredIndexPrefixesV3...)},
		{app.UpgradeLocalDeploymentsIndex, 1, append(deploymentstypes.RetiredIndexPrefixesV2, deploymentstypes.RetiredIndexPrefixesV3...)},
	} {
		t.Run(fmt.Sprintf("%s from %d", tc.name, tc.from), func(t *testing.T) {
			c := newChain(t, dbm.NewMemDB())
			c.initChain(c.genesis())
			c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
			require.True(t, c.app.UpgradeKeeper.HasHandler(tc.name))

			ctx := c.app.NewUncachedContext(false, cmtproto.Header{Height: c.height + 1, Time: c.time})
			// The state of an older chain: its module version and its entries.
			vm, err := c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 3, vm[deploymentstypes.ModuleName])
			vm[deploymentstypes.ModuleName] = tc.from
			require.NoError(t, c.app.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
			store := ctx.KVStore(c.app.GetKey(deploymentstypes.StoreKey))
			for _, prefix := range tc.retired {
				store.Set(append(prefix.Bytes(), "production-entry"...), []byte{})
			}

			require.NoError(t, c.app.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: tc.name, Height: c.height + 1}))

			for _, prefix := range tc.retired {
				it := store.Iterator(prefix.Bytes(), storetypes.PrefixEndBytes(prefix.Bytes()))
				require.False(t, it.Valid(), "prefix %x", prefix.Bytes())
				require.NoError(t, it.Close())
			}
			vm, err = c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
			require.NoError(t, err)
			require.EqualValues(t, 3, vm[deploymentstypes.ModuleName])
			d, err := c.app.DeploymentsKeeper.GetDeployment(ctx, 1)
			require.NoError(t, err)
			require.Equal(t, "checkout", d.Service)
		})
	}
}
