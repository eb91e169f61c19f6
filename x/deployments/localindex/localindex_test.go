package localindex_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

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

// WalkDeployments makes the chain the index's Records: its records in id
// order.
func (c *chain) WalkDeployments(_ context.Context, fn func(types.Deployment) error) error {
	for id := uint64(1); id <= uint64(len(c.records))+100; id++ {
		if d, ok := c.records[id]; ok {
			if err := fn(d); err != nil {
				return err
			}
		}
	}
	return nil
}

// GetDeployment reads one of the chain's records, as the keeper does.
func (c *chain) GetDeployment(_ context.Context, id uint64) (types.Deployment, error) {
	if d, ok := c.records[id]; ok {
		return d, nil
	}
	return types.Deployment{}, fmt.Errorf("deployment %d: %w", id, types.ErrNotFound)
}

// unreadable is a state whose records cannot be read.
type unreadable struct{ err error }

func (u unreadable) WalkDeployments(context.Context, func(types.Deployment) error) error {
	return u.err
}
func (u unreadable) GetDeployment(context.Context, uint64) (types.Deployment, error) {
	return types.Deployment{}, u.err
}

// stagedKey is where the index keeps a staged block (its key layout's
// prefixStaged).
var stagedKey = []byte{0x08}

// noRebuild reads the chain's records one by one but cannot walk them: an
// index that tries to rebuild fails.
type noRebuild struct{ *chain }

var errRebuilt = errors.New("the index walked every record")

func (noRebuild) WalkDeployments(context.Context, func(types.Deployment) error) error {
	return errRebuilt
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
	idx, err := localindex.New(db, cdc, ac, c, log.NewNopLogger())
	require.NoError(t, err)
	return idx
}

// indexAtHeight1 is an index on its own database that has taken block 1 of
// a new chain: record 1, in progress in prod, by deployer 1.
func indexAtHeight1(t *testing.T) (*chain, dbm.DB, *localindex.Index) {
	t.Helper()
	c := newChain(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	c.commit(idx, c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)))
	return c, db, idx
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
	c, db, idx := indexAtHeight1(t)
	drain := lister(t)
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
	c, db, idx := indexAtHeight1(t)
	drain := lister(t)
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

// Blocks the index did not see (a state-sync restore, a failed update) make
// it rebuild from state.
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

// A crash after the state's commit and before the index's update, which
// run concurrently, leaves the index one block behind with that block
// staged: Sync re-indexes the staged records from the committed state
// instead of rebuilding, and drops the stage.
func TestStagedBlockIsRecoveredFromState(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	c.commit(idx,
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)),
		c.write(rec(t, 2, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)),
	)
	// Block 2 writes record 1 twice, deletes record 2 and adds record 3;
	// its update is staged and never applied.
	c.height++
	_, err := idx.StageBlock(c.ctx(), c.height, []*storetypes.StoreKVPair{
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1)),
		c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_SUCCEEDED, 1)),
		c.remove(2),
		c.write(rec(t, 3, "dev", types.DEPLOYMENT_STATUS_IN_PROGRESS, 2)),
	})
	require.NoError(t, err)
	require.EqualValues(t, 1, idx.Height())

	again, err := localindex.New(db, cdc, ac, noRebuild{c}, log.NewNopLogger())
	require.NoError(t, err)
	require.NoError(t, again.Sync(c.ctx(), 2))
	require.EqualValues(t, 2, again.Height())
	require.Equal(t, []uint64{1}, drain(again.Status(types.DEPLOYMENT_STATUS_SUCCEEDED, math.MaxUint64)))
	require.Empty(t, drain(again.Status(types.DEPLOYMENT_STATUS_FAILED, math.MaxUint64)))
	require.Equal(t, []uint64{3}, drain(again.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(again.Environment("prod", math.MaxUint64)))
	require.Equal(t, []uint64{3}, drain(again.Deployer(addr(2), math.MaxUint64)))
	staged, err := db.Get(stagedKey)
	require.NoError(t, err)
	require.Nil(t, staged, "the recovered stage is dropped")

	// The next block applies as usual, knowing record 3 is stored.
	c.commit(again, c.write(rec(t, 3, "dev", types.DEPLOYMENT_STATUS_SUCCEEDED, 2)))
	require.EqualValues(t, 3, again.Height())
	require.Equal(t, []uint64{3, 1}, drain(again.Status(types.DEPLOYMENT_STATUS_SUCCEEDED, math.MaxUint64)))
	require.Empty(t, drain(again.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
}

// A crash after the index staged a block and before the state's commit
// leaves a stage the state never reached: Sync keeps the index as it is,
// and the block's replay stages and applies it. A stage of any other block
// is no help, and the index is rebuilt.
func TestStaleStageIsNotApplied(t *testing.T) {
	c, db, idx := indexAtHeight1(t)
	drain := lister(t)
	block2 := []*storetypes.StoreKVPair{c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1))}
	_, err := idx.StageBlock(c.ctx(), 2, block2)
	require.NoError(t, err)

	again, err := localindex.New(db, cdc, ac, noRebuild{c}, log.NewNopLogger())
	require.NoError(t, err)
	require.NoError(t, again.Sync(c.ctx(), 1))
	require.EqualValues(t, 1, again.Height())
	require.Equal(t, []uint64{1}, drain(again.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	require.NoError(t, again.ApplyBlock(c.ctx(), 2, block2))
	c.height = 2
	require.Equal(t, []uint64{1}, drain(again.Status(types.DEPLOYMENT_STATUS_FAILED, math.MaxUint64)))

	// Index at 2, stage of block 2 (a replay's, cut short), state at 3:
	// the stage is not block 3's, so the index rebuilds.
	_, err = again.StageBlock(c.ctx(), 2, block2)
	require.NoError(t, err)
	require.ErrorIs(t, again.Sync(c.ctx(), 3), errRebuilt)
	// A damaged stage is no help either.
	require.NoError(t, open(t, db, c).Sync(c.ctx(), 3))
	require.NoError(t, db.Set(stagedKey, []byte{0, 0, 0, 0, 0, 0, 0, 4, 1}))
	damaged, err := localindex.New(db, cdc, ac, noRebuild{c}, log.NewNopLogger())
	require.NoError(t, err)
	require.EqualValues(t, 3, damaged.Height())
	require.ErrorIs(t, damaged.Sync(c.ctx(), 4), errRebuilt)
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

// stageFails is a database whose synced writes fail.
type stageFails struct{ dbm.DB }

func (stageFails) SetSync([]byte, []byte) error { return errors.New("disk full") }

// A stage that cannot be written fails the block's update by name before
// anything changes; a staged block whose records cannot be read fails
// Sync by name and stays staged, so the next start recovers it.
func TestFailedStageOrRecoveryChangesNothing(t *testing.T) {
	c, db, _ := indexAtHeight1(t)
	drain := lister(t)

	full, err := localindex.New(stageFails{db}, cdc, ac, c, log.NewNopLogger())
	require.NoError(t, err)
	_, err = full.StageBlock(c.ctx(), 2, []*storetypes.StoreKVPair{c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1))})
	require.ErrorContains(t, err, "stage block 2: disk full")
	require.EqualValues(t, 1, full.Height())
	require.Equal(t, []uint64{1}, drain(full.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))
	staged, err := db.Get(stagedKey)
	require.NoError(t, err)
	require.Nil(t, staged)

	// Block 2 staged, the state committed, the update lost; the restarted
	// node cannot read record 1.
	_, err = open(t, db, c).StageBlock(c.ctx(), 2, []*storetypes.StoreKVPair{c.write(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_FAILED, 1))})
	require.NoError(t, err)
	c.height = 2
	broken := errors.New("disk on fire")
	blind, err := localindex.New(db, cdc, ac, unreadable{broken}, log.NewNopLogger())
	require.NoError(t, err)
	err = blind.Sync(c.ctx(), 2)
	require.ErrorIs(t, err, broken)
	require.ErrorContains(t, err, "recover block 2: record 1")
	require.EqualValues(t, 1, blind.Height())
	require.Equal(t, []uint64{1}, drain(blind.Status(types.DEPLOYMENT_STATUS_IN_PROGRESS, math.MaxUint64)))

	again, err := localindex.New(db, cdc, ac, noRebuild{c}, log.NewNopLogger())
	require.NoError(t, err)
	require.NoError(t, again.Sync(c.ctx(), 2))
	require.Equal(t, []uint64{1}, drain(again.Status(types.DEPLOYMENT_STATUS_FAILED, math.MaxUint64)))
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
	failing, err := localindex.New(dbm.NewMemDB(), cdc, ac, unreadable{broken}, log.NewNopLogger())
	require.NoError(t, err)
	require.ErrorIs(t, failing.Sync(c.ctx(), 3), broken)
	require.EqualValues(t, -1, failing.Height(), "a failed rebuild reflects no height")

	// The next block rebuilds from state, which holds record 2.
	c.records[2] = rec(t, 2, "dev", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1)
	c.commit(idx)
	require.EqualValues(t, 3, idx.Height())
	require.Equal(t, []uint64{2}, drain(idx.Environment("dev", math.MaxUint64)))
}

// shipped gives d artifacts with digests, and a success at the given time.
func shipped(d types.Deployment, succeededAt *time.Time, digests ...string) types.Deployment {
	for i, dg := range digests {
		d.Artifacts = append(d.Artifacts, types.Artifact{Name: fmt.Sprintf("a%d", i), Digest: dg})
	}
	if succeededAt != nil {
		d.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
		d.Transitions = append(d.Transitions, types.StatusTransition{To: types.DEPLOYMENT_STATUS_SUCCEEDED, Time: *succeededAt})
	}
	return d
}

// successes reads Succeeded over [from, to) as (id, time) pairs.
func successes(t *testing.T, idx *localindex.Index, from, to time.Time) []string {
	t.Helper()
	out := []string{}
	require.NoError(t, idx.Succeeded(from, to, func(at time.Time, id uint64) (bool, error) {
		out = append(out, fmt.Sprintf("%d@%s", id, at.Format(time.RFC3339Nano)))
		return false, nil
	}))
	return out
}

func TestDigestAndSuccessLists(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	idx := open(t, dbm.NewMemDB(), c)
	digestA, digestB := "sha256:"+strings.Repeat("a", 64), "sha256:"+strings.Repeat("b", 64)
	t1 := time.Date(2026, 11, 26, 10, 0, 0, 5, time.UTC)
	t2 := t1.Add(time.Second)
	// Before 1970 and after 2262 too: the time key orders any time.
	early, late := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)
	c.commit(idx,
		// Two artifacts with one digest: one entry.
		c.write(shipped(rec(t, 1, "prod", 0, 1), &t2, digestA, digestA)),
		c.write(shipped(rec(t, 2, "prod", 0, 1), &t1, digestA, digestB)),
		c.write(shipped(rec(t, 3, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1), nil, digestB)),
		c.write(shipped(rec(t, 4, "prod", 0, 1), &late)),
		c.write(shipped(rec(t, 5, "prod", 0, 1), &early)),
	)
	require.Equal(t, []uint64{2, 1}, drain(idx.Digest(digestA, math.MaxUint64)))
	require.Equal(t, []uint64{3, 2}, drain(idx.Digest(digestB, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(idx.Digest(digestA, 1)))
	require.Empty(t, drain(idx.Digest("sha256:"+strings.Repeat("a", 63), math.MaxUint64)), "a digest is not a prefix of another")

	stamp := func(id uint64, at time.Time) string { return fmt.Sprintf("%d@%s", id, at.Format(time.RFC3339Nano)) }
	// In time order, then id; the window is half-open to the nanosecond.
	require.Equal(t, []string{stamp(5, early), stamp(2, t1), stamp(1, t2), stamp(4, late)}, successes(t, idx, early, late.Add(1)))
	require.Equal(t, []string{stamp(2, t1)}, successes(t, idx, t1, t2))
	require.Equal(t, []string{stamp(1, t2)}, successes(t, idx, t1.Add(1), t2.Add(1)))
	require.Empty(t, successes(t, idx, t2, t1))

	// Record 3 succeeds: it joins the success list and keeps its digest.
	c.commit(idx, c.write(shipped(rec(t, 3, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1), &t1, digestB)))
	require.Equal(t, []string{stamp(2, t1), stamp(3, t1), stamp(1, t2)}, successes(t, idx, t1, late))
	require.Equal(t, []uint64{3, 2}, drain(idx.Digest(digestB, math.MaxUint64)))

	// A deleted record leaves both lists.
	c.commit(idx, c.remove(2))
	require.Equal(t, []uint64{1}, drain(idx.Digest(digestA, math.MaxUint64)))
	require.Equal(t, []string{stamp(3, t1), stamp(1, t2)}, successes(t, idx, t1, late))

	// fn stops the walk, or fails it.
	var first []uint64
	require.NoError(t, idx.Succeeded(early, late, func(_ time.Time, id uint64) (bool, error) {
		first = append(first, id)
		return true, nil
	}))
	require.Equal(t, []uint64{5}, first)
	broken := errors.New("broken")
	require.ErrorIs(t, idx.Succeeded(early, late, func(time.Time, uint64) (bool, error) { return false, broken }), broken)
}

// TestDigestEntriesKeepTheHash: sha256 and sha512 digests are listed by
// the hash's bytes (one tag byte, 32 or 64 bytes, then the id), and only
// the exact digest finds them: not its uppercase spelling, another
// algorithm's prefix, or a shorter hash.
func TestDigestEntriesKeepTheHash(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	sha256Digest := "sha256:" + strings.Repeat("0f", 32)
	sha512Digest := "sha512:" + strings.Repeat("e1", 64)
	c.commit(idx, c.write(shipped(rec(t, 1, "prod", 0, 1), nil, sha256Digest, sha512Digest)))

	require.Equal(t, []uint64{1}, drain(idx.Digest(sha256Digest, math.MaxUint64)))
	require.Equal(t, []uint64{1}, drain(idx.Digest(sha512Digest, math.MaxUint64)))
	for _, miss := range []string{
		"sha256:" + strings.Repeat("0F", 32),
		"sha512:" + strings.Repeat("0f", 32),
		"sha256:" + strings.Repeat("0f", 31),
		"sha256:" + strings.Repeat("0f", 32) + "0",
		strings.Repeat("0f", 32),
	} {
		require.Empty(t, drain(idx.Digest(miss, math.MaxUint64)), miss)
	}

	it, err := db.Iterator([]byte{0x05}, []byte{0x06})
	require.NoError(t, err)
	defer it.Close()
	var keys [][]byte
	for ; it.Valid(); it.Next() {
		keys = append(keys, bytes.Clone(it.Key()))
	}
	want256 := binary.BigEndian.AppendUint64(append([]byte{0x05, 33, 0x01}, bytes.Repeat([]byte{0x0f}, 32)...), 1)
	want512 := binary.BigEndian.AppendUint64(append([]byte{0x05, 65, 0x02}, bytes.Repeat([]byte{0xe1}, 64)...), 1)
	require.Equal(t, [][]byte{want256, want512}, keys)
}

// An index written in another layout (an older binary's) reflects no height
// when opened, so the node rebuilds it; a damaged success entry fails the
// walk by name.
func TestOtherLayoutIsRebuilt(t *testing.T) {
	c := newChain(t)
	drain := lister(t)
	db := dbm.NewMemDB()
	idx := open(t, db, c)
	c.commit(idx, c.write(shipped(rec(t, 1, "prod", types.DEPLOYMENT_STATUS_IN_PROGRESS, 1), nil, "sha256:"+strings.Repeat("c", 64))))
	require.EqualValues(t, 1, open(t, db, c).Height())

	// Layout 2 kept a digest's string in its list key: such an entry goes
	// with the rebuild.
	digest := "sha256:" + strings.Repeat("c", 64)
	stale := binary.BigEndian.AppendUint64(append([]byte{0x05, byte(len(digest))}, digest...), 1)
	require.NoError(t, db.Set(stale, []byte{}))
	require.NoError(t, db.Set([]byte{0x07}, []byte{2}))
	old := open(t, db, c)
	require.EqualValues(t, -1, old.Height())
	require.NoError(t, old.Sync(c.ctx(), 1))
	require.EqualValues(t, 1, old.Height())
	require.Equal(t, []uint64{1}, drain(old.Digest(digest, math.MaxUint64)))
	require.EqualValues(t, 1, open(t, db, c).Height(), "the rebuild wrote the current layout")
	still, err := db.Has(stale)
	require.NoError(t, err)
	require.False(t, still, "the old layout's entry was cleared")

	// A success key cut short: seconds of 2026 without the rest.
	require.NoError(t, db.Set([]byte{0x06, 0x80, 0, 0, 0, 0x6a}, []byte{}))
	err = old.Succeeded(time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), func(time.Time, uint64) (bool, error) { return false, nil })
	require.ErrorContains(t, err, "malformed success entry")
}

// TestDeployersBeyondTheDecodedCache: the index keeps decoded deployer
// addresses for a bounded number of members; more members than it keeps,
// in one block and over several, are each listed under their own address,
// and a deployer that does not decode is indexed under none.
func TestDeployersBeyondTheDecodedCache(t *testing.T) {
	const members = 1500 // more than the index keeps decoded
	c := newChain(t)
	drain := lister(t)
	idx := open(t, dbm.NewMemDB(), c)
	member := func(i int) sdk.AccAddress {
		return binary.BigEndian.AppendUint32(bytes.Repeat([]byte{7}, 16), uint32(i))
	}
	var block []*storetypes.StoreKVPair
	for i := range 2 * members {
		// Each member twice, in a different block the second time.
		a := member(i % members)
		s, err := ac.BytesToString(a)
		require.NoError(t, err)
		block = append(block, c.write(types.Deployment{Id: uint64(i + 1), Environment: "prod", Deployer: s}))
		if len(block) == 700 {
			c.commit(idx, block...)
			block = nil
		}
	}
	c.commit(idx, append(block, c.write(types.Deployment{Id: 2*members + 1, Environment: "prod", Deployer: "not-an-address"}))...)
	for i := range members {
		require.Equal(t, []uint64{uint64(members + i + 1), uint64(i + 1)}, drain(idx.Deployer(member(i), math.MaxUint64)), "member %d", i)
	}
	require.Len(t, drain(idx.Environment("prod", math.MaxUint64)), 2*members+1)
}
