package keeper

import (
	corestore "cosmossdk.io/core/store"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// migrationDeleteBatch bounds the keys one pass of Migrate1to2 collects
// before deleting them, so a chain of millions of records does not hold
// every key in memory.
const migrationDeleteBatch = 10_000

// Migrator runs the deployments store's migrations.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the migrations of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 deletes the environment, status and deployer index entries
// from state: consensus version 2 keeps those lookups in the node-local
// index (x/deployments/localindex), which every node rebuilds from the
// records. Records and every other index are untouched.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	store := m.k.storeService.OpenKVStore(ctx)
	for _, prefix := range types.RetiredIndexPrefixes {
		for {
			keys, err := firstKeys(store, prefix.Bytes(), migrationDeleteBatch)
			if err != nil {
				return err
			}
			for _, key := range keys {
				if err := store.Delete(key); err != nil {
					return err
				}
			}
			if len(keys) < migrationDeleteBatch {
				break
			}
		}
	}
	return nil
}

// firstKeys returns up to n keys under prefix. Deleting while an iterator
// is open is not allowed, so the keys are collected first.
func firstKeys(store corestore.KVStore, prefix []byte, n int) ([][]byte, error) {
	it, err := store.Iterator(prefix, storetypes.PrefixEndBytes(prefix))
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var keys [][]byte
	for ; it.Valid() && len(keys) < n; it.Next() {
		keys = append(keys, it.Key())
	}
	return keys, it.Error()
}
