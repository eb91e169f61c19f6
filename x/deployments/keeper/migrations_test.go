package keeper_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// Migrate1to2 empties the retired index prefixes, more keys than one of
// collections' delete passes takes, and leaves records and the indexes still in state alone.
func TestMigrate1to2DeletesOnlyTheRetiredIndexes(t *testing.T) {
	f := newFixture(t)
	msg := validMsg(f.deployer)
	id := f.record(t, msg)
	store := f.ctx.KVStore(f.key)
	// Version 1 entries: (environment|status|deployer, id) keys, empty values.
	const n = 12_000
	for _, prefix := range types.RetiredIndexPrefixes {
		for i := uint64(1); i <= n; i++ {
			store.Set(binary.BigEndian.AppendUint64(append(prefix.Bytes(), "k"...), i), []byte{})
		}
	}
	before := countKeys(t, f, nil)

	require.NoError(t, keeper.NewMigrator(f.k).Migrate1to2(f.ctx))

	for _, prefix := range types.RetiredIndexPrefixes {
		require.Zero(t, countKeys(t, f, prefix.Bytes()), "prefix %x", prefix.Bytes())
	}
	require.Equal(t, before-3*n, countKeys(t, f, nil))
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
