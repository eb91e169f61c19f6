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
// records. Records and every other index are untouched. Clear deletes in
// passes of 10,000 keys, so a chain of millions of records does not hold
// every key in memory.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	sb := collections.NewSchemaBuilder(m.k.storeService)
	for i, prefix := range types.RetiredIndexPrefixes {
		retired := collections.NewKeySet(sb, prefix, fmt.Sprintf("retired_index_%d", i), collections.BytesKey)
		if err := retired.Clear(ctx, nil); err != nil {
			return fmt.Errorf("clear retired index prefix %x: %w", prefix.Bytes(), err)
		}
	}
	return nil
}
