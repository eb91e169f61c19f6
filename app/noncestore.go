package app

import (
	"bytes"
	"sync"

	"github.com/cosmos/cosmos-sdk/store/v2/cachekv"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
)

// nonceStore answers reads of the keys under one prefix (x/auth's unordered
// nonces) from an exact, in-memory copy of which of those keys the store
// holds, and every other key from the inter-block cache.
//
// Every unordered transaction makes x/auth ask, in CheckTx and again in
// FinalizeBlock, whether its (timeout, signer) nonce is already used. It
// almost never is, and IAVL answers a missing key by walking the database's
// levels: about 20 µs, 6% of one validator's CPU at 1,500 transactions a
// second. Here a key not in the set is answered at once; a key in it is read
// from IAVL as before, so every read returns what IAVL would. Gas is charged
// above this store (the gas meter wraps the block's cache), so it is
// unchanged too.
//
// The set stays exact because every write to the IAVL store goes through
// this store: blocks' writes at commit and genesis alike. Writes that go
// around it (a state-sync restore, a rollback) are followed by the root
// store reloading its stores, which builds a new nonceStore from the tree.
// Nonce keys bypass the inter-block cache in both directions: each is
// written once and read about twice, and the cache's 1,000 entries are
// worth more to accounts and parameters.
type nonceStore struct {
	// cached is the inter-block cache over raw, for all other keys.
	storetypes.CommitKVStore
	raw    storetypes.CommitKVStore
	prefix []byte

	mu   sync.RWMutex
	keys map[string]struct{}
	// peak is the most keys held since keys was last built: a Go map
	// keeps the memory of its largest size, and nonces come and go in
	// waves (each lives until its timeout, at most 10 minutes).
	peak int
}

// minShrink is the fewest keys held at a peak after which the set is
// rebuilt once it holds a quarter of them.
const minShrink = 1 << 14

// newNonceStore reads the keys raw holds under prefix. cached must be an
// inter-block cache over raw (or raw itself).
func newNonceStore(raw, cached storetypes.CommitKVStore, prefix []byte) *nonceStore {
	s := &nonceStore{CommitKVStore: cached, raw: raw, prefix: prefix, keys: map[string]struct{}{}}
	it := raw.Iterator(prefix, storetypes.PrefixEndBytes(prefix))
	defer it.Close()
	for ; it.Valid(); it.Next() {
		s.keys[string(it.Key())] = struct{}{}
	}
	if err := it.Error(); err != nil {
		panic(err)
	}
	s.peak = len(s.keys)
	return s
}

func (s *nonceStore) filtered(key []byte) bool { return bytes.HasPrefix(key, s.prefix) }

func (s *nonceStore) held(key []byte) bool {
	s.mu.RLock()
	_, ok := s.keys[string(key)]
	s.mu.RUnlock()
	return ok
}

// Get implements storetypes.KVStore.
func (s *nonceStore) Get(key []byte) []byte {
	if !s.filtered(key) {
		return s.CommitKVStore.Get(key)
	}
	if !s.held(key) {
		return nil
	}
	return s.raw.Get(key)
}

// Has implements storetypes.KVStore.
func (s *nonceStore) Has(key []byte) bool {
	if !s.filtered(key) {
		return s.CommitKVStore.Has(key)
	}
	return s.held(key) && s.raw.Has(key)
}

// Set implements storetypes.KVStore.
func (s *nonceStore) Set(key, value []byte) {
	if !s.filtered(key) {
		s.CommitKVStore.Set(key, value)
		return
	}
	s.raw.Set(key, value)
	s.mu.Lock()
	s.keys[string(key)] = struct{}{}
	s.peak = max(s.peak, len(s.keys))
	s.mu.Unlock()
}

// Delete implements storetypes.KVStore.
func (s *nonceStore) Delete(key []byte) {
	if !s.filtered(key) {
		s.CommitKVStore.Delete(key)
		return
	}
	s.raw.Delete(key)
	s.mu.Lock()
	delete(s.keys, string(key))
	if s.peak >= minShrink && len(s.keys) <= s.peak/4 {
		s.keys = copyKeys(s.keys)
		s.peak = len(s.keys)
	}
	s.mu.Unlock()
}

// copyKeys copies keys into a map sized for them.
func copyKeys(keys map[string]struct{}) map[string]struct{} {
	c := make(map[string]struct{}, len(keys))
	for k := range keys {
		c[k] = struct{}{}
	}
	return c
}

// CacheWrap branches this store, not the one it embeds, so that a block's
// reads and its writes at commit come through the set.
func (s *nonceStore) CacheWrap() storetypes.CacheWrap {
	return cachekv.NewStore(s)
}
