package keeper_test

import (
	"encoding/binary"
	"math"
	"testing"

	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/localindex"
	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

// TestKeeperRecoversAStagedBlock: the keeper is the node-local index's
// Records. After a crash between the state's commit and the index's update,
// the restarted index re-reads the staged records through the keeper (an
// id the state does not hold is the keeper's ErrNotFound, and leaves no
// entries) instead of rebuilding: a record the stage does not name stays
// out.
func TestKeeperRecoversAStagedBlock(t *testing.T) {
	f := newFixture(t)
	first := f.record(t, validMsg(f.deployer))
	db := dbm.NewMemDB()
	idx, err := localindex.New(db, f.cdc, ac, f.k, log.NewNopLogger())
	require.NoError(t, err)
	require.NoError(t, idx.Rebuild(f.ctx, f.ctx.BlockHeight()))

	f.nextBlock()
	staged := f.record(t, validMsg(f.deployer2))
	write := func(id uint64) *storetypes.StoreKVPair {
		return &storetypes.StoreKVPair{StoreKey: types.StoreKey, Key: binary.BigEndian.AppendUint64(types.DeploymentsKey.Bytes(), id)}
	}
	_, err = idx.StageBlock(f.ctx, f.ctx.BlockHeight(), []*storetypes.StoreKVPair{write(staged), write(999)})
	require.NoError(t, err)
	unstaged := f.record(t, validMsg(f.other)) // in state, not in the stage

	again, err := localindex.New(db, f.cdc, ac, f.k, log.NewNopLogger())
	require.NoError(t, err)
	require.NoError(t, again.Sync(f.ctx, f.ctx.BlockHeight()))
	require.Equal(t, f.ctx.BlockHeight(), again.Height())
	src, err := again.Environment("prod", math.MaxUint64)
	require.NoError(t, err)
	ids, _, err := idpage.Collect(src, math.MaxUint64, func(id uint64) (uint64, bool, error) { return id, true, nil })
	require.NoError(t, err)
	require.Equal(t, []uint64{staged, first}, ids)
	require.NotContains(t, ids, unstaged)
}
