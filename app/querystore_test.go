package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// storeEntries is every key and value of the deployments store in ms.
func storeEntries(t *testing.T, c *chain, ms storetypes.CacheMultiStore) []string {
	t.Helper()
	it := ms.GetKVStore(c.app.GetKey(deploymentstypes.StoreKey)).Iterator(nil, nil)
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	return out
}

// The query multistore serves what the root store would, at the latest
// version and at older ones, and follows every commit.
func TestQueryMultiStoreServesWhatTheRootStoreWould(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	rs := c.app.CommitMultiStore().(*rootmulti.Store)
	qms := app.NewQueryMultiStore(rs, c.db)
	require.Equal(t, c.app.LastBlockHeight(), qms.LatestVersion())

	view := func(q interface {
		CacheMultiStoreWithVersion(int64) (storetypes.CacheMultiStore, error)
	}, version int64) []string {
		t.Helper()
		ms, err := q.CacheMultiStoreWithVersion(version)
		require.NoError(t, err)
		return storeEntries(t, c, ms)
	}
	record := func(externalID string) int64 {
		t.Helper()
		res := c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), externalID)))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		require.Equal(t, c.app.LastBlockHeight(), qms.LatestVersion())
		return c.app.LastBlockHeight()
	}

	// The node-local index listens to the deployments store, as on a node.
	deployments := c.app.GetKey(deploymentstypes.StoreKey)
	require.True(t, rs.ListeningEnabled(deployments))

	first := record("query-1")
	atFirst := view(rs, first)
	require.Zero(t, qms.KeptVersion())
	require.Equal(t, atFirst, view(qms, first))
	require.Equal(t, first, qms.KeptVersion(), "served from a kept view")
	require.Equal(t, atFirst, view(qms, first), "the kept view, again")

	second := record("query-2")
	atSecond := view(rs, second)
	require.Greater(t, len(atSecond), len(atFirst))
	require.Equal(t, atSecond, view(qms, second), "a new block, a new view")
	require.Equal(t, second, qms.KeptVersion())
	require.Equal(t, atFirst, view(qms, first), "an older version, from the root store")
	require.Equal(t, second, qms.KeptVersion(), "the latest version's view stays")

	// A query's writes stay in its own branch, and the index's listener
	// never sees them.
	ms, err := qms.CacheMultiStoreWithVersion(second)
	require.NoError(t, err)
	ms.GetKVStore(deployments).Set([]byte{0xff}, []byte("scratch"))
	require.Equal(t, atSecond, view(qms, second))
	require.Empty(t, rs.PopStateCache())

	_, err = qms.CacheMultiStoreWithVersion(second + 1)
	require.Error(t, err, "a version not yet committed")
}

// BaseApp's queries read through it: the latest context sees the newest
// record, and heights it does not have are refused as before.
func TestQueriesReadTheLatestBlock(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	for i, id := range []string{"latest-1", "latest-2"} {
		res := c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), id)))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		ctx, err := c.app.CreateQueryContext(0, false)
		require.NoError(t, err)
		require.Equal(t, c.app.LastBlockHeight(), ctx.BlockHeight())
		got, err := c.app.DeploymentsKeeper.Deployments.Get(ctx, uint64(i+1))
		require.NoError(t, err)
		require.Equal(t, id, got.ExternalId)
		_, err = c.app.DeploymentsKeeper.Deployments.Get(ctx, uint64(i+2))
		require.Error(t, err, "not recorded yet")
	}
	_, err := c.app.CreateQueryContext(c.app.LastBlockHeight()+1, false)
	require.ErrorIs(t, err, sdkerrors.ErrInvalidHeight)
}
