package keeper_test

import (
	"cosmossdk.io/collections"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

func joinPair(s string, id uint64) collections.Pair[string, uint64] { return collections.Join(s, id) }

func newGasMeter() storetypes.GasMeter { return storetypes.NewInfiniteGasMeter() }

func judgeEvidence(samples []judge.MetricSamples) (string, error) {
	d, err := judge.EvidenceDigest(samples)
	return types.DigestString(d), err
}
