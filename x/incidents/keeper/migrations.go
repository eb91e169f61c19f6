package keeper

import (
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Migrator runs the incidents store's migrations.
type Migrator struct {
	k Keeper
}

// NewMigrator returns the migrations of k's store.
func NewMigrator(k Keeper) Migrator { return Migrator{k: k} }

// Migrate1to2 builds FrozenPairs from the freeze entries: consensus version
// 2 answers the deploy gate for an unfrozen pair with one point read of it.
// Incidents, freezes and every other index are untouched.
func (m Migrator) Migrate1to2(ctx sdk.Context) error {
	it, err := m.k.Freezes.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	keys, err := it.Keys()
	if err != nil {
		return err
	}
	for _, key := range keys {
		if err := m.k.FrozenPairs.Set(ctx, key.K1()); err != nil {
			return err
		}
	}
	return nil
}
