package keeper

import (
	"fmt"

	"cosmossdk.io/collections"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
)

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
	return m.clearPrefixes(ctx, types.RetiredIndexPrefixesV2)
}

// Migrate2to3 deletes the artifact digest and success-time index entries
// from state: consensus version 3 keeps them in the node-local index too.
// A digest is a random key, so its leaf rewrote a whole path of the state
// tree for every record.
func (m Migrator) Migrate2to3(ctx sdk.Context) error {
	return m.clearPrefixes(ctx, types.RetiredIndexPrefixesV3)
}

// clearPrefixes deletes every key under prefixes. Clear deletes in passes of
// 10,000 keys, so a chain of millions of records does not hold every key in
// memory.
func (m Migrator) clearPrefixes(ctx sdk.Context, prefixes []collections.Prefix) error {
	sb := collections.NewSchemaBuilder(m.k.storeService)
	for _, prefix := range prefixes {
		retired := collections.NewKeySet(sb, prefix, fmt.Sprintf("retired_index_%x", prefix.Bytes()), collections.BytesKey)
		if err := retired.Clear(ctx, nil); err != nil {
			return fmt.Errorf("clear retired index prefix %x: %w", prefix.Bytes(), err)
		}
	}
	return nil
}
