package app

import (
	"sync"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/store/v2/cachemulti"
	"github.com/cosmos/cosmos-sdk/store/v2/iavl"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// QueryMultiStore is the multistore the node's queries read (BaseApp's
// query multistore): the node's own, with the latest version's view built
// once per block instead of once per query.
//
// For every gRPC, REST and ABCI query BaseApp asked the root store for its
// latest version, which hashes the commit info each time, and for a view
// of that version, which reads every module store's root from the
// database. On a node holding 1,000,000 records that was three quarters of
// a point query's CPU. Here the latest version is the one the root store
// wrote to the database at its last commit, and the view of it is kept: a
// query gets its own cache layer over the version's read-only trees, as
// before. Any other version is served by the root store as before.
type QueryMultiStore struct {
	*rootmulti.Store
	db dbm.DB

	mu sync.Mutex
	// version's read-only stores; version 0 means none yet.
	version int64
	stores  map[storetypes.StoreKey]storetypes.CacheWrapper
}

// NewQueryMultiStore serves queries of rs, which keeps its metadata in db.
func NewQueryMultiStore(rs *rootmulti.Store, db dbm.DB) *QueryMultiStore {
	return &QueryMultiStore{Store: rs, db: db}
}

// LatestVersion is the last version the root store committed. The root
// store records it when its commit is complete, before BaseApp starts
// checking transactions against it.
func (q *QueryMultiStore) LatestVersion() int64 {
	return rootmulti.GetLatestVersion(q.db)
}

// CacheMultiStoreWithVersion branches the read-only view of version. The
// kept view serves only the latest version: one it was built for earlier
// may have been pruned since, which the root store reports and a kept view
// would not.
func (q *QueryMultiStore) CacheMultiStoreWithVersion(version int64) (storetypes.CacheMultiStore, error) {
	if version == 0 || version != q.LatestVersion() {
		return q.Store.CacheMultiStoreWithVersion(version)
	}
	stores, ok := q.view(version)
	if !ok {
		return q.Store.CacheMultiStoreWithVersion(version)
	}
	return cachemulti.NewStore(stores), nil
}

// view returns the read-only stores of version, building them when the
// kept view is of another version, or false when the root store must
// build the view itself: a store without this version.
//
// The root store also wraps the stores that have state listeners (the
// deployments store, for the node-local index) so that the listeners see
// what a branch writes back. A query's branch is never written back, so
// the view leaves that wrapping out, which is what lets a node with the
// index serve its queries from the kept view at all.
func (q *QueryMultiStore) view(version int64) (map[storetypes.StoreKey]storetypes.CacheWrapper, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.version == version {
		return q.stores, true
	}
	byName := q.StoreKeysByName()
	stores := make(map[storetypes.StoreKey]storetypes.CacheWrapper, len(byName))
	for _, key := range byName {
		store := q.GetStore(key)
		tree, ok := store.(*iavl.Store)
		if !ok {
			stores[key] = store // transient and memory stores, as the root store does
			continue
		}
		immutable, err := tree.GetImmutable(version)
		if err != nil {
			return nil, false
		}
		stores[key] = immutable
	}
	q.version, q.stores = version, stores
	return stores, true
}
