package keeper_test

import (
	"bytes"
	"testing"
	"time"

	"cosmossdk.io/core/address"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/keeper"
	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/consortiumtest"
)

var (
	genesisTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ac          = addresscodec.NewBech32Codec("ship")
	cosmosCodec = addresscodec.NewBech32Codec("cosmos")
)

// Predicate types, short.
const (
	ptSLSA     = types.PredicateSLSAProvenanceV1
	ptSLSA02   = types.PredicateSLSAProvenanceV02
	ptVuln     = types.PredicateCosignVuln
	ptTest     = types.PredicateTestResult
	ptApproval = types.PredicateApproval
	ptSPDX     = types.PredicateSPDX
	ptCDX      = types.PredicateCycloneDX
	ptRef      = types.PredicateReference
)

// allPredicates are the types the fixture's standard keys may attest.
var allPredicates = []string{ptSLSA, ptSLSA02, ptVuln, ptTest, ptApproval, ptSPDX, ptCDX}

// Test attestor keys, generated once: key generation (RSA above all) is the
// slow part of these tests.
var (
	acmeKey    = attestutil.NewP256("acme-ci")
	acmeEd     = attestutil.NewEd25519("acme-ed")
	acmeRSA    = attestutil.NewRSA("acme-rsa", 2048)
	globexKey  = attestutil.NewP256("globex-ci")
	initechKey = attestutil.NewEd25519("initech-ci")
	stranger   = attestutil.NewP256("stranger")
)

// Artifacts the statements are about.
var (
	apiArtifact = attestutil.SHA256Subject("api.tar", "api v1")
	webArtifact = attestutil.SHA256Subject("web.tar", "web v1")
)

// fixture is a keeper on an in-memory store with a consortium of three
// organisations: acme (admin, two attestors, a deployer, an inactive admin),
// globex (admin, attestor), initech (admin, attestor), and a non-member.
type fixture struct {
	ctx     sdk.Context
	key     *storetypes.KVStoreKey
	cdc     codec.Codec
	k       keeper.Keeper
	msgs    types.MsgServer
	queries types.QueryServer

	authority                                          string
	acmeAdmin, acmeCI, acmeCI2, acmeDeployer, inactive string
	globexAdmin, globexCI, initechAdmin, initechCI     string
	nonMember                                          string
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
	f.acmeAdmin = add(1, "acme", true, consortiumtypes.ROLE_ADMIN)
	f.acmeCI = add(2, "acme", true, consortiumtypes.ROLE_ATTESTOR)
	f.acmeCI2 = add(3, "acme", true, consortiumtypes.ROLE_ATTESTOR)
	f.acmeDeployer = add(4, "acme", true, consortiumtypes.ROLE_DEPLOYER)
	f.inactive = add(5, "acme", false, consortiumtypes.ROLE_ADMIN, consortiumtypes.ROLE_ATTESTOR)
	f.globexAdmin = add(6, "globex", true, consortiumtypes.ROLE_ADMIN)
	f.globexCI = add(7, "globex", true, consortiumtypes.ROLE_ATTESTOR)
	f.initechAdmin = add(8, "initech", true, consortiumtypes.ROLE_ADMIN)
	f.initechCI = add(10, "initech", true, consortiumtypes.ROLE_ATTESTOR)
	f.nonMember = mustString(t, ac, addr(9))
	f.authority = mustString(t, ac, authtypes.NewModuleAddress(consortiumtypes.ModuleName))
	orgs := map[string]bool{"acme": true, "globex": true, "initech": true}

	f.k = keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, consortiumtest.Keeper{Members: members, Orgs: orgs}, f.authority)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
	f.ctx = tctx.Ctx.WithBlockTime(genesisTime).WithBlockHeight(10).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.InitGenesis(f.ctx, *types.DefaultGenesis()))
	return f
}

// withKeys is newFixture with acme-ci (P-256), globex-ci (P-256) and
// initech-ci (Ed25519) registered for allPredicates.
func withKeys(t testing.TB) *fixture {
	t.Helper()
	f := newFixture(t)
	f.register(t, f.acmeAdmin, acmeKey, allPredicates...)
	f.register(t, f.globexAdmin, globexKey, allPredicates...)
	f.register(t, f.initechAdmin, initechKey, allPredicates...)
	f.nextBlock()
	return f
}

// advance moves the context one block and d ahead.
func (f *fixture) advance(d time.Duration) {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(d))
}

// nextBlock moves the context one block (and five seconds) ahead.
func (f *fixture) nextBlock() { f.advance(5 * time.Second) }

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

// requireRejected sends msg through the msg server and checks it fails with
// class, mentions every string of contains and leaves no trace.
func (f *fixture) requireRejected(t testing.TB, msg sdk.Msg, class error, contains ...string) {
	t.Helper()
	f.requireNoEffect(t, func() {
		_, err := f.send(msg)
		require.ErrorIs(t, err, class)
		for _, c := range contains {
			require.ErrorContains(t, err, c)
		}
	})
}

// send routes msg to its msg server method.
func (f *fixture) send(msg sdk.Msg) (any, error) {
	switch m := msg.(type) {
	case *types.MsgRegisterAttestorKey:
		return f.msgs.RegisterAttestorKey(f.ctx, m)
	case *types.MsgRevokeAttestorKey:
		return f.msgs.RevokeAttestorKey(f.ctx, m)
	case *types.MsgSubmitAttestation:
		return f.msgs.SubmitAttestation(f.ctx, m)
	case *types.MsgRevokeAttestation:
		return f.msgs.RevokeAttestation(f.ctx, m)
	case *types.MsgSetPolicy:
		return f.msgs.SetPolicy(f.ctx, m)
	}
	panic("unknown message")
}

// regMsg registers signer's public key under its id.
func regMsg(admin string, s attestutil.Signer, predicates ...string) *types.MsgRegisterAttestorKey {
	return &types.MsgRegisterAttestorKey{Admin: admin, KeyId: s.ID, PublicKey: s.PublicPEM(), PredicateTypes: predicates}
}

func (f *fixture) register(t testing.TB, admin string, s attestutil.Signer, predicates ...string) string {
	t.Helper()
	res, err := f.msgs.RegisterAttestorKey(f.ctx, regMsg(admin, s, predicates...))
	require.NoError(t, err)
	return res.Fingerprint
}

func (f *fixture) revokeKey(t testing.TB, admin, keyID string, fromHeight int64) int64 {
	t.Helper()
	res, err := f.msgs.RevokeAttestorKey(f.ctx, &types.MsgRevokeAttestorKey{Admin: admin, KeyId: keyID, FromHeight: fromHeight, Reason: "key leaked"})
	require.NoError(t, err)
	return res.FromHeight
}

// stmt is a v1 in-toto statement.
func stmt(predicateType string, predicate any, subjects ...attestutil.Subject) []byte {
	if len(subjects) == 0 {
		subjects = []attestutil.Subject{apiArtifact}
	}
	return attestutil.Statement(types.StatementTypeV1, predicateType, predicate, subjects...)
}

// envelope signs a v1 statement about subjects (default: apiArtifact).
func envelope(s attestutil.Signer, predicateType string, predicate any, subjects ...attestutil.Subject) types.Envelope {
	return attestutil.SignStatement(stmt(predicateType, predicate, subjects...), s)
}

func subMsg(submitter, keyID string, env types.Envelope) *types.MsgSubmitAttestation {
	return &types.MsgSubmitAttestation{Submitter: submitter, KeyId: keyID, Envelope: env}
}

// submit sends env as submitter naming keyID ("" for discovery) and returns
// the attestation id; it must be new.
func (f *fixture) submit(t testing.TB, submitter, keyID string, env types.Envelope) uint64 {
	t.Helper()
	res, err := f.msgs.SubmitAttestation(f.ctx, subMsg(submitter, keyID, env))
	require.NoError(t, err)
	require.False(t, res.Existing)
	return res.Id
}

// attest has signer's organisation CI (submitter) attest predicate about
// subjects and returns the id.
func (f *fixture) attest(t testing.TB, submitter string, s attestutil.Signer, predicateType string, predicate any, subjects ...attestutil.Subject) uint64 {
	t.Helper()
	return f.submit(t, submitter, s.ID, envelope(s, predicateType, predicate, subjects...))
}

func (f *fixture) attestation(t testing.TB, id uint64) types.Attestation {
	t.Helper()
	a, err := f.k.GetAttestation(f.ctx, id)
	require.NoError(t, err)
	return a
}

func (f *fixture) attestorKey(t testing.TB, id string) types.AttestorKey {
	t.Helper()
	k, err := f.k.GetKey(f.ctx, id)
	require.NoError(t, err)
	return k
}

// policyMsg is an enforcing policy of env with requirements.
func (f *fixture) policyMsg(env string, reqs ...types.Requirement) *types.MsgSetPolicy {
	return &types.MsgSetPolicy{Authority: f.authority, Environment: env, Mode: types.POLICY_MODE_ENFORCE, Requirements: reqs}
}

func (f *fixture) setPolicy(t testing.TB, msg *types.MsgSetPolicy) uint64 {
	t.Helper()
	res, err := f.msgs.SetPolicy(f.ctx, msg)
	require.NoError(t, err)
	return res.Version
}

// deployment of the digests to env by organisation org.
func deployment(env, org string, digests ...string) deploymentstypes.Deployment {
	d := deploymentstypes.Deployment{Id: 7, Service: "api", Environment: env, OrganizationId: org}
	for i, dg := range digests {
		d.Artifacts = append(d.Artifacts, deploymentstypes.Artifact{Name: "artifact" + string(rune('a'+i)), Digest: dg})
	}
	return d
}

// eventsOf returns the attributes (proto-JSON values) of every event of
// type typ emitted so far.
func (f *fixture) eventsOf(typ string) []map[string]string {
	var out []map[string]string
	for _, e := range f.ctx.EventManager().Events() {
		if e.Type != typ {
			continue
		}
		attrs := map[string]string{}
		for _, a := range e.Attributes {
			attrs[a.Key] = a.Value
		}
		out = append(out, attrs)
	}
	return out
}

func ptr[T any](v T) *T { return &v }
