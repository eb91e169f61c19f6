package app

import (
	storecache "github.com/cosmos/cosmos-sdk/store/v2/cache"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// NewInterBlockCache returns the SDK's inter-block cache (an ARC of 1,000
// entries per store, kept across blocks) for every store but x/deployments',
// with x/auth's unordered nonces answered from a nonceStore in front of the
// auth store's cache.
//
// The cache is written through: every key a block writes is added to its
// store's ARC at commit. The deployments store takes two or three new keys
// per record, which a later block reads rarely, and adding them was a sixth
// of writing a batched block's state into IAVL. The hot keys of every
// transaction (signer accounts, membership, parameters) live in the other
// stores, which stay cached: without any inter-block cache, one validator
// committed 6% fewer single-record transactions.
func NewInterBlockCache() storetypes.MultiStorePersistentCache {
	return &interBlockCache{loaded: map[string]storetypes.CommitKVStore{}}
}

type interBlockCache struct {
	// loaded holds the store the root store loaded last for each store
	// name it wrapped.
	loaded map[string]storetypes.CommitKVStore
}

// GetStoreCache leaves the deployments store unwrapped; Unwrap then finds no
// cache for it, and the root store uses the store itself. Every load gets
// new caches: the root store loads again after writing a restored snapshot
// or a rollback into the trees underneath, which the old caches would not
// have seen (the SDK's manager hands back the cache it made first).
func (c *interBlockCache) GetStoreCache(key storetypes.StoreKey, store storetypes.CommitKVStore) storetypes.CommitKVStore {
	if key.Name() == deploymentstypes.StoreKey {
		return store
	}
	c.loaded[key.Name()] = store
	cached := storecache.NewCommitKVStoreCache(store, storecache.DefaultCommitKVStoreCacheSize)
	if key.Name() == authtypes.StoreKey {
		return newNonceStore(store, cached, authtypes.UnorderedNoncesKey.Bytes())
	}
	return cached
}

// Unwrap returns the store the root store loaded for key (the IAVL tree it
// prunes, snapshots and queries), or nil for a store not wrapped.
func (c *interBlockCache) Unwrap(key storetypes.StoreKey) storetypes.CommitKVStore {
	return c.loaded[key.Name()]
}

// Reset forgets every store.
func (c *interBlockCache) Reset() {
	clear(c.loaded)
}
