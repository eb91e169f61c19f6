package keeper_test

import (
	"bytes"
	"context"
	"os"
	"sort"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	shiplogparams "github.com/shiplog/shiplog/app/params"
	"github.com/shiplog/shiplog/x/consortium/keeper"
	"github.com/shiplog/shiplog/x/consortium/types"
)

// Member.Validate and ConsAddress.String read the SDK's global bech32
// config; the app installs the ship prefixes at init, the tests do it here.
func TestMain(m *testing.M) {
	shiplogparams.SetAddressPrefixes()
	os.Exit(m.Run())
}

var (
	genesisTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ac          = addresscodec.NewBech32Codec("ship")
)

// fakeAccountKeeper stands in for x/auth: it records every SetAccount.
type fakeAccountKeeper struct {
	accounts map[string]sdk.AccountI
	sets     []sdk.AccAddress
}

func newFakeAccountKeeper() *fakeAccountKeeper {
	return &fakeAccountKeeper{accounts: map[string]sdk.AccountI{}}
}

func (f *fakeAccountKeeper) HasAccount(_ context.Context, addr sdk.AccAddress) bool {
	_, ok := f.accounts[string(addr)]
	return ok
}

func (f *fakeAccountKeeper) GetAccount(_ context.Context, addr sdk.AccAddress) sdk.AccountI {
	return f.accounts[string(addr)]
}

func (f *fakeAccountKeeper) NewAccountWithAddress(_ context.Context, addr sdk.AccAddress) sdk.AccountI {
	return authtypes.NewBaseAccountWithAddress(addr)
}

func (f *fakeAccountKeeper) SetAccount(_ context.Context, acc sdk.AccountI) {
	f.accounts[string(acc.GetAddress())] = acc
	f.sets = append(f.sets, acc.GetAddress())
}

// addr is a deterministic 20-byte account address.
func addr(n byte) sdk.AccAddress { return bytes.Repeat([]byte{n}, 20) }

// bech is the ship bech32 form of addr(n).
func bech(t testing.TB, n byte) string {
	t.Helper()
	s, err := ac.BytesToString(addr(n))
	require.NoError(t, err)
	return s
}

// valKey is a deterministic 32-byte ed25519 public key.
func valKey(n byte) []byte { return bytes.Repeat([]byte{0xA0 ^ n}, 32) }

// Account numbers of the standard consortium.
const (
	nAcmeAdmin    byte = 1
	nGlobexAdmin  byte = 2
	nInitechAdmin byte = 3
	nAcmeDeployer byte = 4
	nAcmeInactive byte = 5
	nGlobexDeploy byte = 6
	nAcmeOperator byte = 7
	nNonMember    byte = 9
)

// Validator keys of the standard consortium (four of power 10).
const (
	kAcme1   byte = 1
	kAcme2   byte = 2
	kGlobex  byte = 3
	kInitech byte = 4
	kNew1    byte = 10
	kNew2    byte = 11
	kNew3    byte = 12
)

func member(t testing.TB, n byte, org string, active bool, roles ...types.Role) types.Member {
	return types.Member{Address: bech(t, n), OrganizationId: org, Roles: roles, Active: active}
}

func validator(k byte, moniker, org string, power int64) types.Validator {
	return types.Validator{Moniker: moniker, OrganizationId: org, PubKey: valKey(k), Power: power}
}

// threeOrgGenesis: acme, globex and initech with one admin each, a few
// acme/globex keys and four validators of power 10 (total 40).
func threeOrgGenesis(t testing.TB) *types.GenesisState {
	gs := types.DefaultGenesis()
	gs.Organizations = []types.Organization{
		{Id: "acme", Name: "Acme Corp"},
		{Id: "globex", Name: "Globex"},
		{Id: "initech", Name: "Initech"},
	}
	gs.Members = []types.Member{
		member(t, nAcmeAdmin, "acme", true, types.ROLE_ADMIN),
		member(t, nGlobexAdmin, "globex", true, types.ROLE_ADMIN),
		member(t, nInitechAdmin, "initech", true, types.ROLE_ADMIN),
		member(t, nAcmeDeployer, "acme", true, types.ROLE_DEPLOYER),
		member(t, nAcmeInactive, "acme", false, types.ROLE_DEPLOYER),
		member(t, nGlobexDeploy, "globex", true, types.ROLE_DEPLOYER, types.ROLE_ATTESTOR),
		member(t, nAcmeOperator, "acme", true, types.ROLE_OPERATOR),
	}
	gs.Validators = []types.Validator{
		validator(kAcme1, "acme-1", "acme", 10),
		validator(kAcme2, "acme-2", "acme", 10),
		validator(kGlobex, "globex-1", "globex", 10),
		validator(kInitech, "initech-1", "initech", 10),
	}
	return gs
}

// singleOrgGenesis: acme alone, one admin, one deployer, one validator.
func singleOrgGenesis(t testing.TB) *types.GenesisState {
	gs := types.DefaultGenesis()
	gs.Organizations = []types.Organization{{Id: "acme", Name: "Acme Corp"}}
	gs.Members = []types.Member{
		member(t, nAcmeAdmin, "acme", true, types.ROLE_ADMIN),
		member(t, nAcmeDeployer, "acme", true, types.ROLE_DEPLOYER),
	}
	gs.Validators = []types.Validator{validator(kAcme1, "acme-1", "acme", 10)}
	return gs
}

// fixture is a consortium keeper on an in-memory store whose proposals
// execute through a real MsgServiceRouter holding the consortium Msg service.
type fixture struct {
	t         testing.TB
	ctx       sdk.Context
	key       *storetypes.KVStoreKey
	registry  codectypes.InterfaceRegistry
	cdc       codec.Codec
	router    *baseapp.MsgServiceRouter
	accounts  *fakeAccountKeeper
	k         keeper.Keeper
	msgs      types.MsgServer
	queries   types.QueryServer
	authority string
	// genesisUpdates is what InitGenesis returned.
	genesisUpdates []abci.ValidatorUpdate
}

// newRegistry is an interface registry whose signing context decodes ship
// addresses, with the consortium messages registered.
func newRegistry() codectypes.InterfaceRegistry {
	registry := codectestutil.CodecOptions{AccAddressPrefix: "ship", ValAddressPrefix: "shipvaloper"}.NewInterfaceRegistry()
	types.RegisterInterfaces(registry)
	authtypes.RegisterInterfaces(registry)
	return registry
}

// newBareFixture builds the keeper without loading any genesis.
func newBareFixture(t testing.TB) *fixture {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	tctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test"))
	registry := newRegistry()
	cdc := codec.NewProtoCodec(registry)
	router := baseapp.NewMsgServiceRouter()
	router.SetInterfaceRegistry(registry)
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(types.ModuleName))
	require.NoError(t, err)

	f := &fixture{t: t, key: key, registry: registry, cdc: cdc, router: router, accounts: newFakeAccountKeeper(), authority: authority}
	f.k = keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, f.accounts, router, authority)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
	types.RegisterMsgServer(router, f.msgs)
	// Run on a cache-wrapped store, as FinalizeBlock does.
	f.ctx = tctx.Ctx.WithMultiStore(tctx.CMS.CacheMultiStore()).WithBlockTime(genesisTime).WithBlockHeight(1).WithEventManager(sdk.NewEventManager())
	return f
}

// newFixture loads gs and moves to block 2, as a chain would after InitChain.
func newFixture(t testing.TB, gs *types.GenesisState) *fixture {
	t.Helper()
	f := newBareFixture(t)
	updates, err := f.k.InitGenesis(f.ctx, gs)
	require.NoError(t, err)
	f.genesisUpdates = updates
	f.nextBlock(time.Second)
	return f
}

// nextBlock advances height by one and time by d, with fresh events.
func (f *fixture) nextBlock(d time.Duration) {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(d)).
		WithEventManager(sdk.NewEventManager())
}

// endBlock runs EndBlocker and moves to the next block (one second later).
func (f *fixture) endBlock() []abci.ValidatorUpdate {
	f.t.Helper()
	updates, err := f.k.EndBlocker(f.ctx)
	require.NoError(f.t, err)
	f.nextBlock(time.Second)
	return updates
}

// freshEvents clears the event manager so a test sees only what follows.
func (f *fixture) freshEvents() { f.ctx = f.ctx.WithEventManager(sdk.NewEventManager()) }

// eventTypes lists the types of the events emitted so far.
func (f *fixture) eventTypes() []string {
	var out []string
	for _, e := range f.ctx.EventManager().Events() {
		out = append(out, e.Type)
	}
	return out
}

type kv struct{ k, v []byte }

// dump returns every raw entry of the module store, to prove a rejected
// message wrote nothing.
func (f *fixture) dump() []kv {
	f.t.Helper()
	it := f.ctx.KVStore(f.key).Iterator(nil, nil)
	defer func() { require.NoError(f.t, it.Close()) }()
	var out []kv
	for ; it.Valid(); it.Next() {
		out = append(out, kv{bytes.Clone(it.Key()), bytes.Clone(it.Value())})
	}
	return out
}

// packs wraps messages as proposal Anys.
func (f *fixture) packs(msgs ...sdk.Msg) []*codectypes.Any {
	f.t.Helper()
	anys := make([]*codectypes.Any, len(msgs))
	for i, m := range msgs {
		a, err := codectypes.NewAnyWithValue(m)
		require.NoError(f.t, err)
		anys[i] = a
	}
	return anys
}

func (f *fixture) submit(proposer byte, title string, msgs ...sdk.Msg) (*types.MsgSubmitProposalResponse, error) {
	return f.msgs.SubmitProposal(f.ctx, &types.MsgSubmitProposal{
		Proposer: bech(f.t, proposer), Title: title, Summary: "why", Messages: f.packs(msgs...),
	})
}

func (f *fixture) mustSubmit(proposer byte, msgs ...sdk.Msg) *types.MsgSubmitProposalResponse {
	f.t.Helper()
	res, err := f.submit(proposer, "a proposal", msgs...)
	require.NoError(f.t, err)
	return res
}

func (f *fixture) approve(approver byte, id uint64) (*types.MsgApproveProposalResponse, error) {
	return f.msgs.ApproveProposal(f.ctx, &types.MsgApproveProposal{Approver: bech(f.t, approver), ProposalId: id})
}

func (f *fixture) proposal(id uint64) types.Proposal {
	f.t.Helper()
	p, err := f.k.Proposals.Get(f.ctx, id)
	require.NoError(f.t, err)
	return p
}

func (f *fixture) member(n byte) types.Member {
	f.t.Helper()
	m, err := f.k.Members.Get(f.ctx, addr(n))
	require.NoError(f.t, err)
	return m
}

func (f *fixture) hasOrg(id string) bool {
	f.t.Helper()
	ok, err := f.k.Organizations.Has(f.ctx, id)
	require.NoError(f.t, err)
	return ok
}

func (f *fixture) validatorPower(k byte) int64 {
	f.t.Helper()
	v, err := f.k.Validators.Get(f.ctx, types.ConsensusAddress(valKey(k)))
	require.NoError(f.t, err)
	return v.Power
}

// Authority message constructors.

func (f *fixture) addOrg(id, name string) *types.MsgAddOrganization {
	return &types.MsgAddOrganization{Authority: f.authority, Organization: types.Organization{Id: id, Name: name}}
}

func (f *fixture) removeOrg(id string) *types.MsgRemoveOrganization {
	return &types.MsgRemoveOrganization{Authority: f.authority, OrganizationId: id}
}

func (f *fixture) setMember(m types.Member) *types.MsgSetMember {
	return &types.MsgSetMember{Authority: f.authority, Member: m}
}

func (f *fixture) removeMember(n byte) *types.MsgRemoveMember {
	return &types.MsgRemoveMember{Authority: f.authority, Address: bech(f.t, n)}
}

func (f *fixture) setValidator(v types.Validator) *types.MsgSetValidator {
	return &types.MsgSetValidator{Authority: f.authority, Validator: v}
}

func (f *fixture) removeValidator(k byte) *types.MsgRemoveValidator {
	return &types.MsgRemoveValidator{Authority: f.authority, PubKey: valKey(k)}
}

func (f *fixture) updateParams(p types.Params) *types.MsgUpdateParams {
	return &types.MsgUpdateParams{Authority: f.authority, Params: p}
}

// update is the CometBFT validator update for key k at power.
func update(k byte, power int64) abci.ValidatorUpdate { return updateOf(valKey(k), power) }

func updateOf(pubKey []byte, power int64) abci.ValidatorUpdate {
	return abci.ValidatorUpdate{PubKey: cmtcrypto.PublicKey{Sum: &cmtcrypto.PublicKey_Ed25519{Ed25519: pubKey}}, Power: power}
}

// normalize sorts a genesis state the way ExportGenesis walks the store, so
// two states compare independently of the input order.
func normalize(gs *types.GenesisState) {
	sort.Slice(gs.Organizations, func(i, j int) bool { return gs.Organizations[i].Id < gs.Organizations[j].Id })
	memberKey := func(m types.Member) string {
		bz, err := ac.StringToBytes(m.Address)
		if err != nil {
			panic(err)
		}
		return string(bz)
	}
	sort.Slice(gs.Members, func(i, j int) bool { return memberKey(gs.Members[i]) < memberKey(gs.Members[j]) })
	sort.Slice(gs.Validators, func(i, j int) bool {
		return bytes.Compare(types.ConsensusAddress(gs.Validators[i].PubKey), types.ConsensusAddress(gs.Validators[j].PubKey)) < 0
	})
	sort.Slice(gs.Proposals, func(i, j int) bool { return gs.Proposals[i].Id < gs.Proposals[j].Id })
}

// toUpdates reduces validator updates to (key number, power) pairs.
func toUpdates(t testing.TB, updates []abci.ValidatorUpdate) []abciUpdate {
	t.Helper()
	out := make([]abciUpdate, 0, len(updates))
	for _, u := range updates {
		pk := u.PubKey.GetEd25519()
		require.Len(t, pk, 32)
		n := pk[0] ^ 0xA0
		require.Equal(t, valKey(n), pk)
		out = append(out, abciUpdate{key: n, power: u.Power})
	}
	return out
}
