package keeper_test

import (
	"testing"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/keeper"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// A version 1 store has freeze entries but no frozen pairs, so the gate
// would let every deployment through. Migrate1to2 builds one entry per
// frozen pair, and the gate refuses again; the rest of the store is
// unchanged.
func TestMigrate1to2BuildsFrozenPairs(t *testing.T) {
	f := newFixture(t)
	a := f.openWith(t, types.SEVERITY_SEV1, pair("api", "prod"), pair("web", "prod"))
	f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"))
	f.openWith(t, types.SEVERITY_SEV4, pair("db", "prod")) // below the threshold
	want := f.dump(t)
	require.NoError(t, f.k.FrozenPairs.Clear(f.ctx, nil))
	require.NoError(t, f.k.CheckDeployment(f.ctx, deploy()), "a version 1 store seen by the new gate")

	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))

	require.Equal(t, want, f.dump(t))
	f.requireFrozenPairsMatchFreezes(t)
	has, err := f.k.FrozenPairs.Has(f.ctx, collections.Join("db", "prod"))
	require.NoError(t, err)
	require.False(t, has)
	require.ErrorIs(t, f.k.CheckDeployment(f.ctx, deploy()), types.ErrDeployFrozen)
	f.setStatus(t, a, types.INCIDENT_STATUS_RESOLVED)
	require.Equal(t, []uint64{2}, f.frozenBy(t, "api", "prod"))
	require.Empty(t, f.frozenBy(t, "web", "prod"))
}
