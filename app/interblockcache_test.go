package app_test

import (
	"bytes"
	"io"
	"maps"
	"math/rand"
	"slices"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/store/v2/iavl"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	"github.com/cosmos/cosmos-sdk/store/v2/snapshots"
	snapshottypes "github.com/cosmos/cosmos-sdk/store/v2/snapshots/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// A node's inter-block cache wraps every store but x/deployments'; records
// are written and read through the unwrapped store, and the accounts
// through the cached one, across blocks.
func TestInterBlockCacheLeavesTheDeploymentsStoreOut(t *testing.T) {
	cache := app.NewInterBlockCache()
	c := newChainWithOptions(t, dbm.NewMemDB(), nil, baseapp.SetInterBlockCache(cache))
	c.initChain(c.genesis())
	require.NotNil(t, cache.Unwrap(c.app.GetKey(authtypes.StoreKey)), "the auth store is not cached")
	require.Nil(t, cache.Unwrap(c.app.GetKey(deploymentstypes.StoreKey)), "the deployments store is cached")

	for i, ext := range []string{"ci-1", "ci-2"} {
		res := c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), ext)))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		d, err := c.app.DeploymentsKeeper.GetDeployment(c.ctx(), uint64(i+1))
		require.NoError(t, err)
		require.Equal(t, ext, d.ExternalId)
	}
}

// authRoot is a root store with x/auth's store mounted behind the node's
// inter-block cache, as the node loads it.
type authRoot struct {
	rs    *rootmulti.Store
	cache storetypes.MultiStorePersistentCache
	key   *storetypes.KVStoreKey
}

func loadAuthRoot(t *testing.T, db dbm.DB) authRoot {
	t.Helper()
	r := authRoot{rs: rootmulti.NewStore(db, log.NewNopLogger()), cache: app.NewInterBlockCache(), key: storetypes.NewKVStoreKey(authtypes.StoreKey)}
	r.rs.SetInterBlockCache(r.cache)
	r.rs.MountStoreWithDB(r.key, storetypes.StoreTypeIAVL, nil)
	require.NoError(t, r.rs.LoadLatestVersion())
	return r
}

// requireState checks that every key of universe reads as want says, both
// through the store blocks use and in the IAVL tree underneath.
func (r authRoot) requireState(t *testing.T, universe [][]byte, want map[string][]byte, when string) {
	t.Helper()
	raw := r.cache.Unwrap(r.key)
	require.IsType(t, &iavl.Store{}, raw, "Unwrap must give the root store its IAVL tree (pruning, snapshots and queries assert it)")
	served := r.rs.GetKVStore(r.key)
	branch := r.rs.CacheMultiStore().GetKVStore(r.key)
	for _, k := range universe {
		v, ok := want[string(k)]
		for name, s := range map[string]storetypes.KVStore{"raw": raw, "served": served, "branch": branch} {
			require.Equal(t, v, s.Get(k), "%s: Get(%x) from %s", when, k, name)
			require.Equal(t, ok, s.Has(k), "%s: Has(%x) from %s", when, k, name)
		}
	}
	var nonces [][]byte
	it := branch.Iterator(authtypes.UnorderedNoncesKey, storetypes.PrefixEndBytes(authtypes.UnorderedNoncesKey))
	for ; it.Valid(); it.Next() {
		nonces = append(nonces, it.Key())
	}
	require.NoError(t, it.Close())
	var wantNonces [][]byte
	for _, k := range universe {
		if _, ok := want[string(k)]; ok && bytes.HasPrefix(k, authtypes.UnorderedNoncesKey) {
			wantNonces = append(wantNonces, k)
		}
	}
	require.Equal(t, wantNonces, nonces, "%s: nonces iterated", when)
}

// The auth store answers reads of unordered nonces from its set of the
// nonce keys it holds. Random blocks of writes and deletes, of nonces and of
// other keys, through the branches blocks use; after each commit, after
// reloading the store from its database, in another root store restored
// from a state-sync snapshot of it and after a rollback, every key reads
// (Get, Has, iteration) exactly as the IAVL tree underneath holds it.
func TestNonceStoreReadsAsItsTree(t *testing.T) {
	db := dbm.NewMemDB()
	r := loadAuthRoot(t, db)

	var universe [][]byte
	for i := range 24 {
		universe = append(universe,
			append(bytes.Clone(authtypes.UnorderedNoncesKey), byte(i), 0xaa),
			append(bytes.Clone(authtypes.AddressStoreKeyPrefix), byte(i)))
	}
	// Sorted, so that the nonce keys come in iteration order.
	slices.SortFunc(universe, bytes.Compare)

	rng := rand.New(rand.NewSource(7))
	model := map[string][]byte{}
	history := map[int64]map[string][]byte{}
	for block := range 40 {
		branch := r.rs.CacheMultiStore()
		kv := branch.GetKVStore(r.key)
		for range 12 {
			k := universe[rng.Intn(len(universe))]
			if rng.Intn(3) == 0 {
				kv.Delete(k)
				delete(model, string(k))
			} else {
				v := []byte{byte(block), byte(rng.Intn(256))}
				kv.Set(k, v)
				model[string(k)] = v
			}
			probe := universe[rng.Intn(len(universe))]
			require.Equal(t, model[string(probe)], kv.Get(probe), "block %d: a branch reads its own writes", block)
		}
		branch.Write()
		version := r.rs.Commit().Version
		history[version] = maps.Clone(model)
		r.requireState(t, universe, model, "after commit")

		if block%10 == 9 {
			r = loadAuthRoot(t, db)
			r.requireState(t, universe, model, "after reload")
		}
	}

	// A node joining by state sync: its root store has loaded (and read
	// through) an empty tree when the snapshot is written under it.
	joined := loadAuthRoot(t, dbm.NewMemDB())
	joined.requireState(t, universe, nil, "before restore")
	chunks := make(chan io.ReadCloser, 100)
	go func() {
		w := snapshots.NewStreamWriter(chunks)
		defer w.Close()
		if err := r.rs.Snapshot(uint64(r.rs.LastCommitID().Version), w); err != nil {
			w.CloseWithError(err)
		}
	}()
	reader, err := snapshots.NewStreamReader(chunks)
	require.NoError(t, err)
	_, err = joined.rs.Restore(uint64(r.rs.LastCommitID().Version), snapshottypes.CurrentFormat, reader)
	require.NoError(t, err)
	joined.requireState(t, universe, model, "after restore")

	target := r.rs.LastCommitID().Version - 5
	require.NoError(t, r.rs.RollbackToVersion(target))
	r.requireState(t, universe, history[target], "after rollback")
}

// An unordered transaction's nonce, once used, is refused to any other
// transaction of the same signer and timeout, in CheckTx and in a block, and
// still after the node restarts (its set of nonces read back from the
// tree). A nonce not used is accepted.
func TestUsedUnorderedNonceRefusedAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	db, err := appdb.Open(dir, dbm.PebbleDBBackend)
	require.NoError(t, err)
	c := newChainWithOptions(t, db, nil, baseapp.SetInterBlockCache(app.NewInterBlockCache()))
	c.initChain(c.genesis())
	timeout := c.time.Add(5 * time.Minute)
	record := func(ext string) *deploymentstypes.MsgRecordDeployment { return recordMsg(addr(c.admin), ext) }

	first := c.signUnordered(c.admin, timeout, "first", record("ci-1"))
	require.Zero(t, c.checkTx(first).Code)
	res := c.nextBlock(first)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)

	requireNonceRefused := func(c *chain, memo string) {
		t.Helper()
		replay := c.signUnordered(c.admin, timeout, memo, record("ci-"+memo))
		check := c.checkTx(replay)
		require.Equal(t, sdkerrors.ErrInvalidRequest.ABCICode(), check.Code, check.Log)
		require.Contains(t, check.Log, "unordered nonce")
		res := c.nextBlock(replay)
		require.Equal(t, sdkerrors.ErrInvalidRequest.ABCICode(), res.TxResults[0].Code, res.TxResults[0].Log)
	}
	requireNonceRefused(c, "again")
	height, now := c.height, c.time
	require.NoError(t, c.app.Close())

	db, err = appdb.Open(dir, dbm.PebbleDBBackend)
	require.NoError(t, err)
	c = newChainWithOptions(t, db, nil, baseapp.SetInterBlockCache(app.NewInterBlockCache()))
	c.height, c.time = height, now
	// CheckTx judges timeouts by the last block's time, which a restarted
	// app learns from its next block.
	c.nextBlock()
	requireNonceRefused(c, "after-restart")

	fresh := c.signUnordered(c.admin, timeout.Add(time.Second), "fresh", record("ci-2"))
	res = c.nextBlock(fresh)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.NoError(t, c.app.Close())
}
