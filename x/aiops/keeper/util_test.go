package keeper_test

import (
	"testing"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/store"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

func joinPair(s string, id uint64) collections.Pair[string, uint64] { return collections.Join(s, id) }

func newGasMeter() storetypes.GasMeter { return storetypes.NewInfiniteGasMeter() }

func judgeEvidence(samples []judge.MetricSamples) (string, error) {
	d, err := judge.EvidenceDigest(samples)
	return types.DigestString(d), err
}

func runtimeService(f *fixture) store.KVStoreService { return runtime.NewKVStoreService(f.key) }

// clearStore deletes every entry of the fixture's module store.
func clearStore(t *testing.T, f *fixture) {
	t.Helper()
	for _, e := range f.dump(t) {
		f.ctx.KVStore(f.key).Delete(e.k)
	}
	require.Empty(t, f.dump(t))
}
