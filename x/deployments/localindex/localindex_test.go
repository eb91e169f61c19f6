package localindex_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"testing"

	"cosmossdk.io/log/v2"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/localindex"
	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

var (
	ac  = addresscodec.NewBech32Codec("ship")
	cdc = codec.NewProtoCodec(codectypes.NewInterfaceRegistry())
)

func addr(n byte) sdk.AccAddress { return bytes.Repeat([]byte{n}, 20) }

func deployer(t *testing.T, n byte) string {
	t.Helper()
	s, err := ac.BytesToString(addr(n))
	require.NoError(t, err)
	return s
}

// chain is the state the index is derived from: the records by id, and the
// change sets of the blocks that wrote them.
type chain struct {
	t       *testing.T
	records map[uint64]types.Deployment
	height  int64
}

func newChain(t *testing.T) *chain { return &chain{t: t, records: map[uint64]types.Deployment{}} }

// walk is the index's Walker over the chain's records, in id order.
func (c *chain) walk(_ context.Context, fn func(types.Deployment) error) error {
	for id := uint64(1); id <= uint64(len(c.records))+100; id++ {
		if d, ok := c.records[id]; ok {
			if err := fn(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func (c *chain) write(d types.Deployment) *storetypes.StoreKVPair {
	c.records[d.Id] = d
	bz, err := cdc.Marshal(&d)
	require.NoError(c.t, err)
	return &storetypes.StoreKVPair{StoreKey: types.StoreKey, Key: recordKey(d.Id), Value: bz}
}

func (c *chain) remove(id uint64) *storetypes.StoreKVPair {
	delete(c.records, id)
	return &storetypes.StoreKVPair{StoreKey: types.StoreKey, Key: recordKey(id), Delete: true}
}

// commit hands the index the next block's change set.
func (c *chain) commit(idx *localindex.Index, changes ...*storetypes.StoreKVPair) {
	c.height++
	require.NoError(c.t, idx.ApplyBlock(c.ctx(), c.height, changes))
}

func (c *chain) ctx() sdk.Context {
	return sdk.Context{}.WithBlockHeader(cmtproto.Header{Height: c.height}).WithContext(context.Background())
}

func recordKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(types.DeploymentsKey.Bytes(), id)
}

func rec(t *testing.T, id uint64, env string, status types.DeploymentStatus, by byte) types.Deployment {
	return types.Deployment{Id: id, Service: "api", Environment: env, Status: status, Deployer: deployer(t, by)}
}

func open(t *testing.T, db dbm.DB, c *chain) *localindex.Index {
	t.Helper()
	idx, err := localindex.New(db, cdc, ac, c.walk, log.NewNopLogger())
	require.NoError(t, err)
	return idx
}

// lister reads a list to its end.
func lister(t *testing.T) func(idpage.Source, error) []uint64 {
	return func(src idpage.Source, err error) []uint64 {
		t.Helper()
		require.NoError(t, err)
		var out []uint64
		for {
			id, ok, err := src.Next()
			require.NoError(t, err)
			if !ok {
				require.NoError(t, src.Close())
				return out
			}
			out = append(out, id)
		}
	}
}

func TestListsFollowCommittedWrites(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	idx := open(t, dbm.NewMemDB(), c)
	c.commit(idx,
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)),
		c.write(rec(t, 2, "dev", types.DEPLOYMENT_STATUS_SUCCEEDED, 2)),
		// Another store's write under the same key is not a record.
		&storetypes.StoreKVPair{StoreKey: "incidents", Key: recordKey(9), Value: []byte{0xff}},
	)
	c.commit(idx, c.write(rec(t, 3, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, 1)))
	require.EqualValues(t, 2, idx.Height())

	require.Equal(t, []uint64{3, 1}, drain(idx.Environment("prod", math.MaxUint64)))
	require.Equal(t, []uint64{2}, drain(idx.Environment("dev", math.MaxUint64)))
	require.Empty(t, drain(idx.Environment("pro", math.MaxUint64)), "an environment is not a prefix of another")
	require.Equal(t, []uint64{3, 2}, drain(idx.Status(types.DEPLOYMENT_STATUS_SUCCEEDED, math.MaxUint64)))
	require.Equal(t, []uint64{3, 1}, drain(idx.Deployer(addr(1), math.MaxUint64)))
	// A cursor is inclusive.
	require.Equal(t, []uint64{1}, drain(idx.Environment("prod", 2)))
	require.Equal(t, []uint64{3, 1}, drain(idx.Environment("prod", 3)))

	// A status change moves the record between status lists; a record
	// written twice in one block keeps only its last attributes.
	c.commit(idx,
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1)),
		c.write(rec(t, 4, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 2)),
		c.write(rec(t, 4, "prod", types.DEPLOYMENT_STATUS_HALTED, 2)),
	)
	require.Empty(t, drain(idx.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(idx.Status(types.DEPLOYMENT_STATUS_FAILED, math.MaxUint64)))
	require.Equal(t, []uint64{4}, drain(idx.Status(types.DEPLOYMENT_STATUS_HALTED, math.MaxUint64)))
	require.Equal(t, []uint64{4, 3, 1}, drain(idx.Environment("prod", math.MaxUint64)))

	// A deleted record leaves every list.
	c.commit(idx, c.remove(3))
	require.Equal(t, []uint64{4, 1}, drain(idx.Environment("prod", math.MaxUint64)))
	require.Equal(t, []uint64{2}, drain(idx.Status(types.DEPLOYMENT_STATUS_SUCCEEDED, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(idx.Deployer(addr(1), math.MaxUint64)))
}

func TestReopenKeepsTheIndexAndItsHeight(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	c.commit(idx, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))
	c.commit(idx, c.write(rec(t, 2, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))

	again := open(t, db, c)
	require.EqualValues(t, 2, again.Height())
	// At its height, Sync does not rebuild: a record only the walker knows
	// stays out.
	c.records[7] = rec(t, 7, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)
	require.NoError(t, again.Sync(c.ctx(), 2))
	require.Equal(t, []uint64{2, 1}, drain(again.Environment("prod", math.MaxUint64)))
	delete(c.records, 7)
	// The next block updates record 1, which the reopened index knows to
	// be stored: its old status entry goes.
	c.commit(again, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, 1)))
	require.Equal(t, []uint64{2}, drain(again.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
}

// A crash between the index's write and the state's commit leaves the index
// one block ahead; the node replays the block, which changes nothing.
func TestReplayedBlockChangesNothing(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	c.commit(idx, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))
	block2 := []*storetypes.StoreKVPair{
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, 1)),
		c.write(rec(t, 2, "dev", types.DEPLOYMENT_STATUS_IN_PROGRESS, 2)),
	}
	c.commit(idx, block2...)

	// The restarted node's state is at height 1: the index at 2 is kept ...
	again := open(t, db, c)
	c.records[9] = rec(t, 9, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1) // only a rebuild would see it
	require.NoError(t, again.Sync(c.ctx(), 1))
	require.EqualValues(t, 2, again.Height())
	delete(c.records, 9)
	// ... and block 2 is applied again.
	require.NoError(t, again.ApplyBlock(c.ctx(), 2, block2))
	require.EqualValues(t, 2, again.Height())
	require.Equal(t, []uint64{1}, drain(again.Status(types.DEPLOYMENT_STATUS_SUCCEEDED, math.MaxUint64)))
	require.Equal(t, []uint64{2}, drain(again.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(again.Environment("prod", math.MaxUint64)))

	// Two blocks ahead is not a replay: the index is rebuilt from state.
	require.NoError(t, again.Sync(c.ctx(), 0))
	require.EqualValues(t, 0, again.Height())
}

// A block the index did not see (a state-sync restore, a crash between the
// state's commit and the index's write) makes it rebuild from state.
func TestMissedBlocksRebuildFromState(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	idx := open(t, dbm.NewMemDB(), c)
	c.commit(idx, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))

	// Blocks 2 and 3 commit without the index; record 1 changes meanwhile.
	c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1))
	c.write(rec(t, 2, "dev", types.DEPLOYMENT_STATUS_IN_PROGRESS, 2))
	c.height += 2
	c.commit(idx, c.write(rec(t, 3, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, 2)))
	require.EqualValues(t, 4, idx.Height())
	require.Equal(t, []uint64{3, 1}, drain(idx.Environment("prod", math.MaxUint64)))
	require.Equal(t, []uint64{2}, drain(idx.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(idx.Status(types.DEPLOYMENT_STATUS_FAILED, math.MaxUint64)))

	// Sync at another height rebuilds too.
	delete(c.records, 3)
	require.NoError(t, idx.Sync(c.ctx(), 9))
	require.EqualValues(t, 9, idx.Height())
	require.Equal(t, []uint64{1}, drain(idx.Environment("prod", math.MaxUint64)))
}

// A rebuild larger than one write batch indexes every record.
func TestRebuildSpansBatches(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	const n = 25_000
	for id := uint64(1); id <= n; id++ {
		c.records[id] = rec(t, id, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, byte(1+id%2))
	}
	idx := open(t, dbm.NewMemDB(), c)
	require.NoError(t, idx.Rebuild(c.ctx(), 5))
	got := drain(idx.Environment("prod", math.MaxUint64))
	require.Len(t, got, n)
	require.EqualValues(t, n, got[0])
	require.Len(t, drain(idx.Deployer(addr(1), math.MaxUint64)), n/2)
}

// A record that does not decode fails the block's index update, names the
// problem and leaves the height where it was; a failing rebuild leaves no
// height. Either way the next block rebuilds.
func TestFailuresLeaveTheHeight(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	idx := open(t, dbm.NewMemDB(), c)
	c.commit(idx, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))

	c.height++
	err := idx.ApplyBlock(c.ctx(), c.height, []*storetypes.StoreKVPair{
		{StoreKey: types.StoreKey, Key: recordKey(2), Value: []byte{0xff, 0xff}},
	})
	require.ErrorContains(t, err, "record 2")
	require.EqualValues(t, 1, idx.Height())

	// A record entry the index cannot read (a damaged database) fails the
	// update of that record by name.
	db := dbm.NewMemDB()
	damaged := open(t, db, c)
	c.height = 0
	c.commit(damaged, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))
	require.NoError(t, db.Set(binary.BigEndian.AppendUint64([]byte{0x01}, 1), []byte{0x00}))
	err = damaged.ApplyBlock(c.ctx(), 2, []*storetypes.StoreKVPair{c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1))})
	require.ErrorContains(t, err, "malformed record entry")
	require.EqualValues(t, 1, damaged.Height())
	c.height = 2

	broken := errors.New("disk on fire")
	failing, err := localindex.New(dbm.NewMemDB(), cdc, ac, func(context.Context, func(types.Deployment) error) error { return broken }, log.NewNopLogger())
	require.NoError(t, err)
	require.ErrorIs(t, failing.Sync(c.ctx(), 3), broken)
	require.EqualValues(t, -1, failing.Height(), "a failed rebuild reflects no height")

	// The next block rebuilds from state, which holds record 2.
	c.records[2] = rec(t, 2, "dev", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)
	c.commit(idx)
	require.EqualValues(t, 3, idx.Height())
	require.Equal(t, []uint64{2}, drain(idx.Environment("dev", math.MaxUint64)))
}
