package keeper_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/log/v2"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/localindex"
	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/consortiumtest"
)

var (
	genesisTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ac          = addresscodec.NewBech32Codec("ship")
)

// fixture is a keeper on an in-memory store with a small consortium:
// acme (deployer, deployer2, attestor, inactive), globex (other), plus a
// non-member and a member without organisation.
type fixture struct {
	ctx     sdk.Context
	key     *storetypes.KVStoreKey
	cdc     codec.Codec
	k       keeper.Keeper
	msgs    types.MsgServer
	queries types.QueryServer
	// index is the node-local record index; reindex brings it up to date.
	index *localindex.Index
	// unindexed serves queries from a keeper without the record index;
	// bare is that keeper.
	unindexed types.QueryServer
	bare      keeper.Keeper

	deployer, deployer2, attestor, inactive, other, nonMember, noOrg string
	// adminAcme and adminGlobex review break-glass deployments.
	adminAcme, adminGlobex string
}

func addr(n byte) sdk.AccAddress { return bytes.Repeat([]byte{n}, 20) }

func mustString(t testing.TB, c address.Codec, a sdk.AccAddress) string {
	t.Helper()
	s, err := c.BytesToString(a)
	require.NoError(t, err)
	return s
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	cdc := codec.NewProtoCodec(codectypes.NewInterfaceRegistry())

	f := &fixture{key: key, cdc: cdc}
	members := map[string]consortiumtypes.Member{}
	add := func(n byte, org string, active bool, roles ...consortiumtypes.Role) string {
		s := mustString(t, ac, addr(n))
		members[string(addr(n))] = consortiumtypes.Member{Address: s, OrganizationId: org, Roles: roles, Active: active}
		return s
	}
	f.deployer = add(1, "acme", true, consortiumtypes.ROLE_DEPLOYER)
	f.deployer2 = add(2, "acme", true, consortiumtypes.ROLE_DEPLOYER, consortiumtypes.ROLE_ATTESTOR)
	f.attestor = add(3, "acme", true, consortiumtypes.ROLE_ATTESTOR)
	f.inactive = add(4, "acme", false, consortiumtypes.ROLE_DEPLOYER)
	f.other = add(5, "globex", true, consortiumtypes.ROLE_DEPLOYER)
	f.noOrg = add(6, "", true, consortiumtypes.ROLE_DEPLOYER)
	f.nonMember = mustString(t, ac, addr(9))
	f.adminAcme = add(7, "acme", true, consortiumtypes.ROLE_ADMIN)
	f.adminGlobex = add(8, "globex", true, consortiumtypes.ROLE_ADMIN)

	f.k = keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, consortiumtest.Keeper{Members: members})
	f.unindexed = keeper.NewQueryServerImpl(f.k)
	f.bare = f.k
	index, err := localindex.New(dbm.NewMemDB(), cdc, ac, f.k, log.NewNopLogger())
	require.NoError(t, err)
	f.index = index
	f.k = f.k.WithRecordIndex(index)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
	f.ctx = tctx.Ctx.WithBlockTime(genesisTime).WithBlockHeight(10).WithEventManager(sdk.NewEventManager())
	return f
}

// reindex rebuilds the record index from the records stored so far, as a
// node does from committed state.
func (f *fixture) reindex(t testing.TB) {
	t.Helper()
	require.NoError(t, f.index.Rebuild(f.ctx, f.ctx.BlockHeight()))
}

// nextBlock moves the context one block (and one second) ahead.
func (f *fixture) nextBlock() {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(time.Second))
}

// kv is one raw store entry.
type kv struct{ k, v []byte }

// dump returns every raw entry of the module store, to prove a rejected
// message wrote nothing.
func (f *fixture) dump(t testing.TB) []kv {
	t.Helper()
	it := f.ctx.KVStore(f.key).Iterator(nil, nil)
	defer func() { require.NoError(t, it.Close()) }()
	var out []kv
	for ; it.Valid(); it.Next() {
		out = append(out, kv{bytes.Clone(it.Key()), bytes.Clone(it.Value())})
	}
	return out
}

func (f *fixture) events() int { return len(f.ctx.EventManager().Events()) }

// requireNoEffect runs fn and checks that it wrote nothing and emitted nothing.
func (f *fixture) requireNoEffect(t testing.TB, fn func()) {
	t.Helper()
	before, events := f.dump(t), f.events()
	fn()
	require.Equal(t, before, f.dump(t), "store changed")
	require.Equal(t, events, f.events(), "events emitted")
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func validMsg(deployer string) *types.MsgRecordDeployment {
	commitTime := genesisTime.Add(-time.Hour)
	return &types.MsgRecordDeployment{
		Deployer:    deployer,
		Service:     "api",
		Environment: "prod",
		Version:     "1.4.2",
		Artifacts: []types.Artifact{
			{Name: "api", Digest: digest("api"), Uri: "registry.example/api@" + digest("api")},
			{Name: "web", Digest: digest("web")},
		},
		Source: types.Source{
			Repository: "https://git.example/api",
			Commit:     "9fceb02d0ae598e95dc970b74767f19372d61af8",
			CommitTime: &commitTime,
		},
		Pipeline: types.Pipeline{System: "github-actions", RunId: "812", RunUrl: "https://ci.example/runs/812"},
		Strategy: types.STRATEGY_CANARY,
		Labels:   []types.Label{{Key: "team", Value: "payments"}},
		Reason:   "release train 12",
	}
}

func (f *fixture) record(t testing.TB, msg *types.MsgRecordDeployment) uint64 {
	t.Helper()
	res, err := f.msgs.RecordDeployment(f.ctx, msg)
	require.NoError(t, err)
	require.False(t, res.Existing)
	return res.Id
}

func (f *fixture) setStatus(t testing.TB, signer string, id uint64, st types.DeploymentStatus) {
	t.Helper()
	_, err := f.msgs.UpdateDeploymentStatus(f.ctx, &types.MsgUpdateDeploymentStatus{Deployer: signer, Id: id, Status: st})
	require.NoError(t, err)
}

func TestIDsStartAtOneAndIncrease(t *testing.T) {
	f := newFixture(t)
	for want := uint64(1); want <= 3; want++ {
		require.Equal(t, want, f.record(t, validMsg(f.deployer)))
	}
}

func TestGetDeploymentNotFound(t *testing.T) {
	f := newFixture(t)
	_, err := f.k.GetDeployment(f.ctx, 7)
	require.ErrorIs(t, err, types.ErrNotFound)
	require.Contains(t, err.Error(), "deployment 7")
}

// Current follows the deployment that became succeeded last; within one block
// the larger id wins, so live updates and a genesis rebuild agree.
func TestCurrentRule(t *testing.T) {
	f := newFixture(t)
	older := f.record(t, validMsg(f.deployer)) // in progress
	f.nextBlock()
	m := validMsg(f.deployer)
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	newer := f.record(t, m)
	require.Equal(t, newer, f.current(t, "api", "prod"))

	// The older deployment finishes in a later block: it is now current.
	f.nextBlock()
	f.setStatus(t, f.deployer, older, types.DEPLOYMENT_STATUS_SUCCEEDED)
	require.Equal(t, older, f.current(t, "api", "prod"))

	// Same block: a smaller id finishing after a larger one does not win.
	f.nextBlock()
	a := f.record(t, validMsg(f.deployer))
	b := f.record(t, m)
	f.setStatus(t, f.deployer, a, types.DEPLOYMENT_STATUS_SUCCEEDED)
	require.Equal(t, b, f.current(t, "api", "prod"))

	// A failed deployment never becomes current.
	f.nextBlock()
	c := f.record(t, validMsg(f.deployer))
	f.setStatus(t, f.deployer, c, types.DEPLOYMENT_STATUS_FAILED)
	require.Equal(t, b, f.current(t, "api", "prod"))
}

// A deployment recorded as succeeded becomes current without reading the
// current one (software upgrade v5-succeeded-record-gas): recording it costs
// the same gas whether its pair has a current deployment or not.
func TestSucceededRecordGasIgnoresCurrent(t *testing.T) {
	f := newFixture(t)
	other := validMsg(f.deployer)
	other.Service = "web"
	f.record(t, other) // the id sequence exists: every record below reads it alike
	m := validMsg(f.deployer)
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	gasOf := func() (uint64, uint64) {
		ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		res, err := f.msgs.RecordDeployment(ctx, m)
		require.NoError(t, err)
		return res.Id, ctx.GasMeter().GasConsumed()
	}
	first, firstGas := gasOf()
	require.Equal(t, first, f.current(t, "api", "prod"))
	second, secondGas := gasOf()
	require.Equal(t, second, f.current(t, "api", "prod"))
	require.Equal(t, firstGas, secondGas, "recording beside a current deployment read it")
}

func (f *fixture) current(t testing.TB, service, env string) uint64 {
	t.Helper()
	res, err := f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: service, Environment: env})
	require.NoError(t, err)
	return res.Deployment.Id
}

var cosmosCodec = addresscodec.NewBech32Codec("cosmos")

func newEventManager() *sdk.EventManager { return sdk.NewEventManager() }

func joinPair(a, b string) collections.Pair[string, string] { return collections.Join(a, b) }

// A new record is written past IndexedMap.Set (see storeNew); the map and
// its indexes must still agree, also when a later update moves the record
// between index entries.
func TestNewRecordIndexesAgreeWithTheMap(t *testing.T) {
	f := newFixture(t)
	msg := validMsg(f.deployer)
	msg.Status = types.DEPLOYMENT_STATUS_IN_PROGRESS
	id := f.record(t, msg)

	got, err := f.k.Deployments.Get(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, msg.Service, got.Service)
	idx := f.k.Deployments.Indexes
	require.Equal(t, []uint64{id}, matchIDs(t, f.ctx, idx.ServiceEnv, collections.Join(msg.Service, msg.Environment)))

	f.setStatus(t, f.deployer, id, types.DEPLOYMENT_STATUS_SUCCEEDED)
	require.Equal(t, []uint64{id}, matchIDs(t, f.ctx, idx.ServiceEnv, collections.Join(msg.Service, msg.Environment)),
		"the update found the stored record and kept its entry")
	got, err = f.k.Deployments.Get(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.DEPLOYMENT_STATUS_SUCCEEDED, got.Status)
}

func matchIDs[K any](t *testing.T, ctx sdk.Context, idx *indexes.Multi[K, uint64, types.Deployment], key K) []uint64 {
	t.Helper()
	it, err := idx.MatchExact(ctx, key)
	require.NoError(t, err)
	ids, err := it.PrimaryKeys()
	require.NoError(t, err)
	return ids
}
