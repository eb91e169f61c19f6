package keeper_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/keeper"
	"github.com/shiplog/shiplog/x/incidents/types"
	"github.com/shiplog/shiplog/x/internal/consortiumtest"
)

// fakeDeployments holds deployment records and the time each became
// succeeded, and answers like the deployments keeper.
type fakeDeployments struct {
	records   map[uint64]deploymentstypes.Deployment
	succeeded map[uint64]time.Time
}

func newFakeDeployments() *fakeDeployments {
	return &fakeDeployments{records: map[uint64]deploymentstypes.Deployment{}, succeeded: map[uint64]time.Time{}}
}

func (f *fakeDeployments) GetDeployment(_ context.Context, id uint64) (deploymentstypes.Deployment, error) {
	d, ok := f.records[id]
	if !ok {
		return d, errorsmod.Wrapf(deploymentstypes.ErrNotFound, "deployment %d", id)
	}
	return d, nil
}

func (f *fakeDeployments) IterateSucceeded(_ context.Context, from, to time.Time, fn func(deploymentstypes.Deployment, time.Time) (bool, error)) error {
	type entry struct {
		id uint64
		at time.Time
	}
	var entries []entry
	for id, at := range f.succeeded {
		if !at.Before(from) && at.Before(to) {
			entries = append(entries, entry{id, at})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
	for _, e := range entries {
		stop, err := fn(f.records[e.id], e.at)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// add stores a deployment of service/env; a non-nil succeededAt makes it a
// succeeded one; commit is its source commit time (nil: none).
func (f *fakeDeployments) add(id uint64, service, env string, succeededAt, commit *time.Time) {
	d := deploymentstypes.Deployment{Id: id, Service: service, Environment: env, Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}
	if commit != nil {
		c := *commit
		d.Source.CommitTime = &c
	}
	if succeededAt != nil {
		d.Status = deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED
		f.succeeded[id] = *succeededAt
	}
	f.records[id] = d
}

var (
	genesisTime = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	ac          = addresscodec.NewBech32Codec("ship")
	cosmosCodec = addresscodec.NewBech32Codec("cosmos")
)

// fixture is a keeper on an in-memory store with a small consortium: acme
// (responder, responder2, deployer, inactive), globex (other), plus a
// non-member and a member without organisation; deployments 1..5 exist
// (api/prod, api/prod, web/prod, api/staging, web/staging).
type fixture struct {
	ctx     sdk.Context
	key     *storetypes.KVStoreKey
	cdc     codec.Codec
	k       keeper.Keeper
	msgs    types.MsgServer
	queries types.QueryServer
	deps    *fakeDeployments

	authority                                                   string
	responder, responder2, deployer, inactive, other, nonMember string
	noOrg                                                       string
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

	f := &fixture{key: key, cdc: cdc, deps: newFakeDeployments()}
	members := map[string]consortiumtypes.Member{}
	add := func(n byte, org string, active bool, roles ...consortiumtypes.Role) string {
		s := mustString(t, ac, addr(n))
		members[string(addr(n))] = consortiumtypes.Member{Address: s, OrganizationId: org, Roles: roles, Active: active}
		return s
	}
	f.responder = add(1, "acme", true, consortiumtypes.ROLE_RESPONDER)
	f.responder2 = add(2, "acme", true, consortiumtypes.ROLE_RESPONDER, consortiumtypes.ROLE_DEPLOYER)
	f.deployer = add(3, "acme", true, consortiumtypes.ROLE_DEPLOYER)
	f.inactive = add(4, "acme", false, consortiumtypes.ROLE_RESPONDER)
	f.other = add(5, "globex", true, consortiumtypes.ROLE_RESPONDER)
	f.noOrg = add(6, "", true, consortiumtypes.ROLE_RESPONDER)
	f.nonMember = mustString(t, ac, addr(9))
	f.authority = mustString(t, ac, authtypes.NewModuleAddress(consortiumtypes.ModuleName))

	for id, p := range [][2]string{{"api", "prod"}, {"api", "prod"}, {"web", "prod"}, {"api", "staging"}, {"web", "staging"}} {
		f.deps.add(uint64(id+1), p[0], p[1], nil, nil)
	}

	f.k = keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, consortiumtest.Keeper{Members: members}, f.deps, f.authority)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
	f.ctx = tctx.Ctx.WithBlockTime(genesisTime).WithBlockHeight(10).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.InitGenesis(f.ctx, *types.DefaultGenesis()))
	return f
}

// nextBlock moves the context one block and d ahead.
func (f *fixture) advance(d time.Duration) {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(d))
}

// nextBlock moves the context one block (and one second) ahead.
func (f *fixture) nextBlock() { f.advance(time.Second) }

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
// class and leaves no trace.
func (f *fixture) requireRejected(t testing.TB, msg sdk.Msg, class error, contains ...string) {
	t.Helper()
	f.requireNoEffect(t, func() {
		err := f.send(msg)
		require.ErrorIs(t, err, class)
		for _, c := range contains {
			require.ErrorContains(t, err, c)
		}
	})
}

// send routes msg to its msg server method.
func (f *fixture) send(msg sdk.Msg) error {
	var err error
	switch m := msg.(type) {
	case *types.MsgOpenIncident:
		_, err = f.msgs.OpenIncident(f.ctx, m)
	case *types.MsgUpdateIncident:
		_, err = f.msgs.UpdateIncident(f.ctx, m)
	case *types.MsgLinkCause:
		_, err = f.msgs.LinkCause(f.ctx, m)
	case *types.MsgUnlinkCause:
		_, err = f.msgs.UnlinkCause(f.ctx, m)
	case *types.MsgAddRemediation:
		_, err = f.msgs.AddRemediation(f.ctx, m)
	case *types.MsgCompleteRemediation:
		_, err = f.msgs.CompleteRemediation(f.ctx, m)
	case *types.MsgCloseIncident:
		_, err = f.msgs.CloseIncident(f.ctx, m)
	case *types.MsgUpdateParams:
		_, err = f.msgs.UpdateParams(f.ctx, m)
	default:
		panic("unknown message")
	}
	return err
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// validOpen is a sev1 incident on api/prod detected by an alert.
func validOpen(responder string) *types.MsgOpenIncident {
	return &types.MsgOpenIncident{
		Responder: responder,
		Title:     "Checkout errors at 30%",
		Severity:  types.SEVERITY_SEV1,
		Affected:  []types.ServiceEnvironment{{Service: "api", Environment: "prod"}},
		Summary:   "5xx on /checkout since 11:55",
		Source:    types.Source{Kind: types.SOURCE_KIND_ALERT, Reference: "checkout-5xx"},
	}
}

func (f *fixture) open(t testing.TB, msg *types.MsgOpenIncident) uint64 {
	t.Helper()
	res, err := f.msgs.OpenIncident(f.ctx, msg)
	require.NoError(t, err)
	return res.Id
}

// openAt opens an incident of severity sev affecting pairs ("svc/env").
func (f *fixture) openWith(t testing.TB, sev types.Severity, pairs ...types.ServiceEnvironment) uint64 {
	t.Helper()
	m := validOpen(f.responder)
	m.Severity = sev
	if len(pairs) > 0 {
		m.Affected = pairs
	}
	return f.open(t, m)
}

func pair(service, env string) types.ServiceEnvironment {
	return types.ServiceEnvironment{Service: service, Environment: env}
}

func (f *fixture) setStatus(t testing.TB, id uint64, st types.IncidentStatus) {
	t.Helper()
	_, err := f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder, Id: id, Status: st})
	require.NoError(t, err)
}

func (f *fixture) setSeverity(t testing.TB, id uint64, sev types.Severity) {
	t.Helper()
	_, err := f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder, Id: id, Severity: sev})
	require.NoError(t, err)
}

func (f *fixture) link(t testing.TB, incident, deployment uint64) {
	t.Helper()
	_, err := f.msgs.LinkCause(f.ctx, &types.MsgLinkCause{Responder: f.responder, IncidentId: incident, DeploymentId: deployment, Note: "cause"})
	require.NoError(t, err)
}

func (f *fixture) incident(t testing.TB, id uint64) types.Incident {
	t.Helper()
	inc, err := f.k.GetIncident(f.ctx, id)
	require.NoError(t, err)
	return inc
}

func postmortem() *types.Postmortem {
	return &types.Postmortem{
		Document:  types.Document{Digest: digest("pm"), Location: "https://wiki.example/pm/1"},
		RootCause: "connection pool of 4 instead of 40",
	}
}

// close resolves (if needed) and closes incident id with a postmortem that
// states no deployment was involved when it has no causes.
func (f *fixture) close(t testing.TB, id uint64) {
	t.Helper()
	inc := f.incident(t, id)
	if inc.Status != types.INCIDENT_STATUS_RESOLVED {
		f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
	}
	pm := postmortem()
	pm.NoDeploymentInvolved = len(inc.Causes) == 0
	_, err := f.msgs.CloseIncident(f.ctx, &types.MsgCloseIncident{Responder: f.responder, Id: id, Postmortem: pm})
	require.NoError(t, err)
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

// clearEvents starts a fresh event manager.
func (f *fixture) clearEvents() { f.ctx = f.ctx.WithEventManager(sdk.NewEventManager()) }

func ptr[T any](v T) *T { return &v }

func joinTime(t time.Time, id uint64) collections.Pair[time.Time, uint64] {
	return collections.Join(t, id)
}
