package keeper_test

import (
	"encoding/binary"
	"slices"
	"testing"

	"cosmossdk.io/collections"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// Each migration empties its retired index prefixes, more keys than one of
// collections' delete passes takes, and leaves records, the other retired
// prefixes and the indexes still in state alone.
func TestMigrationsDeleteOnlyTheirRetiredIndexes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		migrate   func(keeper.Migrator, sdk.Context) error
		retired   []collections.Prefix
		untouched []collections.Prefix
	}{
		{"1 to 2", keeper.Migrator.Migrate1to2, types.RetiredIndexPrefixesV2, types.RetiredIndexPrefixesV3},
		{"2 to 3", keeper.Migrator.Migrate2to3, types.RetiredIndexPrefixesV3, types.RetiredIndexPrefixesV2},
	} {
		t.Run(tc.name, func(t *testing.T) { testMigration(t, tc.migrate, tc.retired, tc.untouched) })
	}
}

func testMigration(t *testing.T, migrate func(keeper.Migrator, sdk.Context) error, retired, untouched []collections.Prefix) {
	f := newFixture(t)
	msg := validMsg(f.deployer)
	id := f.record(t, msg)
	store := f.ctx.KVStore(f.key)
	// Older versions' entries: (attribute, id) keys, empty values.
	const n = 12_000
	for _, prefix := range append(slices.Clone(retired), untouched...) {
		for i := uint64(1); i <= n; i++ {
			store.Set(binary.BigEndian.AppendUint64(append(prefix.Bytes(), "k"...), i), []byte{})
		}
	}
	before := countKeys(t, f, nil)

	require.NoError(t, migrate(keeper.NewMigrator(f.k), f.ctx))

	for _, prefix := range retired {
		require.Zero(t, countKeys(t, f, prefix.Bytes()), "prefix %x", prefix.Bytes())
	}
	for _, prefix := range untouched {
		require.Equal(t, n, countKeys(t, f, prefix.Bytes()), "prefix %x", prefix.Bytes())
	}
	require.Equal(t, before-len(retired)*n, countKeys(t, f, nil))
	d, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, msg.Service, d.Service)
	f.reindex(t)
	res, err := f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Environment: msg.Environment})
	require.NoError(t, err)
	require.Equal(t, []uint64{id}, ids(res.Deployments))
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Service: msg.Service, Environment: msg.Environment})
	require.NoError(t, err)
	require.Equal(t, []uint64{id}, ids(res.Deployments))
}

// countKeys counts the store's keys under prefix (all keys for nil).
func countKeys(t *testing.T, f *fixture, prefix []byte) int {
	t.Helper()
	store := f.ctx.KVStore(f.key)
	var end []byte
	if prefix != nil {
		end = append(append([]byte{}, prefix...), 0xff)
	}
	it := store.Iterator(prefix, end)
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	return n
}
