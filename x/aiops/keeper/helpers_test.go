package keeper_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"testing"
	"time"

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

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/keeper"
	"github.com/shiplog/shiplog/x/aiops/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
	"github.com/shiplog/shiplog/x/internal/consortiumtest"
)

// fakeDeployments holds deployment records and halts them like the
// deployments keeper.
type fakeDeployments struct {
	records map[uint64]deploymentstypes.Deployment
	halts   int
}

func (f *fakeDeployments) GetDeployment(_ context.Context, id uint64) (deploymentstypes.Deployment, error) {
	d, ok := f.records[id]
	if !ok {
		return d, errorsmod.Wrapf(deploymentstypes.ErrNotFound, "deployment %d", id)
	}
	return d, nil
}

func (f *fakeDeployments) HaltDeployment(ctx context.Context, id uint64, actor, reason string) error {
	d, err := f.GetDeployment(ctx, id)
	if err != nil {
		return err
	}
	if err := deploymentstypes.ValidateTransition(d.Status, deploymentstypes.DEPLOYMENT_STATUS_HALTED); err != nil {
		return err
	}
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	d.Transitions = append(slices.Clone(d.Transitions), deploymentstypes.StatusTransition{
		From: d.Status, To: deploymentstypes.DEPLOYMENT_STATUS_HALTED, Actor: actor, Reason: reason, Time: now,
	})
	d.Status = deploymentstypes.DEPLOYMENT_STATUS_HALTED
	f.records[id] = d
	f.halts++
	return nil
}

func (f *fakeDeployments) WalkServiceEnvDeployments(_ context.Context, service, env string, fn func(deploymentstypes.Deployment) (bool, error)) error {
	var ids []uint64
	for id, d := range f.records {
		if d.Service == service && d.Environment == env {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	slices.Reverse(ids)
	for _, id := range ids {
		stop, err := fn(f.records[id])
		if err != nil || stop {
			return err
		}
	}
	return nil
}

// add stores a deployment created at created.
func (f *fakeDeployments) add(id uint64, service, env string, strategy deploymentstypes.Strategy, status deploymentstypes.DeploymentStatus, created time.Time, digests ...string) {
	d := deploymentstypes.Deployment{
		Id: id, Service: service, Environment: env, Version: "1.0." + string(rune('0'+id%10)), Strategy: strategy, Status: status,
		CreatedAt: created, UpdatedAt: created,
	}
	for _, dg := range digests {
		d.Artifacts = append(d.Artifacts, deploymentstypes.Artifact{Name: "app", Digest: dg})
	}
	f.records[id] = d
}

// fakeIncidents opens incidents in memory.
type fakeIncidents struct {
	records map[uint64]incidentstypes.Incident
	next    uint64
	fail    error
}

func (f *fakeIncidents) GetIncident(_ context.Context, id uint64) (incidentstypes.Incident, error) {
	inc, ok := f.records[id]
	if !ok {
		return inc, errorsmod.Wrapf(incidentstypes.ErrNotFound, "incident %d", id)
	}
	return inc, nil
}

func (f *fakeIncidents) OpenFromAnomaly(_ context.Context, opener, orgID string, anomalyID uint64, service, env, title, summary string, sev incidentstypes.Severity, onset time.Time) (uint64, error) {
	if f.fail != nil {
		return 0, f.fail
	}
	f.next++
	f.records[f.next] = incidentstypes.Incident{
		Id: f.next, Title: title, Summary: summary, Severity: sev, Status: incidentstypes.INCIDENT_STATUS_OPEN,
		Affected:   []incidentstypes.ServiceEnvironment{{Service: service, Environment: env}},
		DetectedAt: onset, OpenedBy: opener, OrganizationId: orgID,
		Source: incidentstypes.Source{Kind: incidentstypes.SOURCE_KIND_AIOPS_ANOMALY, Reference: types.AnomalyReference(anomalyID)},
	}
	return f.next, nil
}

var (
	genesisTime = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ac          = addresscodec.NewBech32Codec("ship")
)

// fixture is a keeper on an in-memory store with a small consortium: acme
// (detector, detector2, deployer, inactive), globex (other detector), plus a
// non-member and a detector without organisation. Deployments: 1 canary
// in progress api/prod, 2 rolling in progress api/prod, 3 canary succeeded
// web/prod, 4 canary in progress web/prod.
type fixture struct {
	ctx     sdk.Context
	key     *storetypes.KVStoreKey
	cdc     codec.Codec
	k       keeper.Keeper
	msgs    types.MsgServer
	queries types.QueryServer
	deps    *fakeDeployments
	incs    *fakeIncidents

	authority                                                 string
	detector, detector2, deployer, inactive, other, nonMember string
	noOrg                                                     string
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

	f := &fixture{
		key: key, cdc: cdc,
		deps: &fakeDeployments{records: map[uint64]deploymentstypes.Deployment{}},
		incs: &fakeIncidents{records: map[uint64]incidentstypes.Incident{}},
	}
	members := map[string]consortiumtypes.Member{}
	add := func(n byte, org string, active bool, roles ...consortiumtypes.Role) string {
		s := mustString(t, ac, addr(n))
		members[string(addr(n))] = consortiumtypes.Member{Address: s, OrganizationId: org, Roles: roles, Active: active}
		return s
	}
	f.detector = add(1, "acme", true, consortiumtypes.ROLE_DETECTOR)
	f.detector2 = add(2, "acme", true, consortiumtypes.ROLE_DETECTOR)
	f.deployer = add(3, "acme", true, consortiumtypes.ROLE_DEPLOYER)
	f.inactive = add(4, "acme", false, consortiumtypes.ROLE_DETECTOR)
	f.other = add(5, "globex", true, consortiumtypes.ROLE_DETECTOR)
	f.noOrg = add(6, "", true, consortiumtypes.ROLE_DETECTOR)
	f.nonMember = mustString(t, ac, addr(9))
	f.authority = mustString(t, ac, authtypes.NewModuleAddress(consortiumtypes.ModuleName))

	created := genesisTime.Add(-time.Hour)
	f.deps.add(1, "api", "prod", deploymentstypes.STRATEGY_CANARY, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, created, digest("api-1"))
	f.deps.add(2, "api", "prod", deploymentstypes.STRATEGY_ROLLING, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, created, digest("api-2"))
	f.deps.add(3, "web", "prod", deploymentstypes.STRATEGY_CANARY, deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED, created, digest("web-3"))
	f.deps.add(4, "web", "prod", deploymentstypes.STRATEGY_CANARY, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, created, digest("web-4"))

	f.k = keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, consortiumtest.Keeper{Members: members}, f.deps, f.incs, f.authority)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
	f.ctx = tctx.Ctx.WithBlockTime(genesisTime).WithBlockHeight(10).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.InitGenesis(f.ctx, *types.DefaultGenesis()))
	return f
}

func (f *fixture) nextBlock() {
	f.ctx = f.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(time.Second))
}

type kv struct{ k, v []byte }

// dump returns every raw entry of the module store.
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

// requireRejected sends msg and checks it fails with class (and every
// contains), writes nothing, emits nothing and halts nothing.
func (f *fixture) requireRejected(t testing.TB, msg sdk.Msg, class error, contains ...string) {
	t.Helper()
	before, events, halts, incs := f.dump(t), f.events(), f.deps.halts, len(f.incs.records)
	err := f.send(msg)
	require.ErrorIs(t, err, class)
	for _, c := range contains {
		require.ErrorContains(t, err, c)
	}
	require.Equal(t, before, f.dump(t), "store changed")
	require.Equal(t, events, f.events(), "events emitted")
	require.Equal(t, halts, f.deps.halts, "deployment halted")
	require.Equal(t, incs, len(f.incs.records), "incident opened")
}

func (f *fixture) send(msg sdk.Msg) error {
	var err error
	switch m := msg.(type) {
	case *types.MsgRegisterDetector:
		_, err = f.msgs.RegisterDetector(f.ctx, m)
	case *types.MsgSubmitVerdict:
		_, err = f.msgs.SubmitVerdict(f.ctx, m)
	case *types.MsgReportAnomaly:
		_, err = f.msgs.ReportAnomaly(f.ctx, m)
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

// model is the descriptor every test detector registers.
func model(version string) types.DetectorRef {
	return types.DetectorRef{Name: "canary-judge", Version: version, ConfigDigest: digest("model " + version)}
}

func (f *fixture) register(t testing.TB, signer, version string) uint64 {
	t.Helper()
	m := model(version)
	res, err := f.msgs.RegisterDetector(f.ctx, &types.MsgRegisterDetector{Detector: signer, Name: m.Name, Version: m.Version, ConfigDigest: m.ConfigDigest})
	require.NoError(t, err)
	return res.Id
}

// judgeConfig: latency (weight 1) with p99 (increase only), errors
// (weight 2) with errors; PASS at 95, MARGINAL at 50. Both metrics high
// scores 0, only p99 high 66.67 (MARGINAL), only errors high 33.33 (FAIL).
func judgeConfig() judge.Config {
	return judge.Config{
		PassScore: 9500, MarginalScore: 5000,
		Groups: []judge.Group{{Name: "latency", Weight: 1}, {Name: "errors", Weight: 2}},
		Metrics: []judge.MetricConfig{
			{Name: "p99", Group: "latency", Direction: judge.DirectionIncrease},
			{Name: "errors", Group: "errors"},
		},
	}
}

// series is n deterministic values around level.
func series(level float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = level + float64(i%7)
	}
	return out
}

// Kinds of judgement the samples produce.
const (
	pass     = "pass"
	marginal = "marginal"
	fail     = "fail"
)

func samplesFor(kind string) []judge.MetricSamples {
	p99, errs := series(100, 40), series(10, 40)
	switch kind {
	case marginal:
		p99 = series(300, 40)
	case fail:
		errs = series(90, 40)
	}
	return []judge.MetricSamples{
		{Name: "p99", Baseline: series(100, 40), Canary: p99},
		{Name: "errors", Baseline: series(10, 40), Canary: errs},
	}
}

// verdict builds a correct verdict of kind for deployment by signer with
// the model version, with samples when withSamples.
func verdict(t testing.TB, signer string, deployment uint64, version, kind string, withSamples bool) *types.MsgSubmitVerdict {
	t.Helper()
	cfg := judgeConfig()
	samples := samplesFor(kind)
	res, err := judge.Judge(cfg, samples)
	require.NoError(t, err)
	cd, err := judge.ConfigDigest(cfg)
	require.NoError(t, err)
	ed, err := judge.EvidenceDigest(samples)
	require.NoError(t, err)
	msg := &types.MsgSubmitVerdict{
		Detector: signer, DeploymentId: deployment, Phase: types.PHASE_CANARY, Model: model(version),
		WindowStart: genesisTime.Add(-30 * time.Minute), WindowEnd: genesisTime.Add(-time.Minute),
		Config: types.JudgeConfigFrom(cfg), JudgeConfigDigest: types.DigestString(cd),
		EvidenceDigest: types.DigestString(ed), EvidenceLocation: "s3://evidence/" + kind,
	}
	msg.SetResult(res)
	if withSamples {
		for _, s := range samples {
			msg.Samples = append(msg.Samples, types.MetricSamples{Name: s.Name, Baseline: s.Baseline, Canary: s.Canary})
		}
	}
	return msg
}

func (f *fixture) submit(t testing.TB, msg *types.MsgSubmitVerdict) *types.MsgSubmitVerdictResponse {
	t.Helper()
	res, err := f.msgs.SubmitVerdict(f.ctx, msg)
	require.NoError(t, err)
	return res
}

// eventsOf returns the attributes of every event of type typ.
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

func anomaly(signer, version string, score int64) *types.MsgReportAnomaly {
	return &types.MsgReportAnomaly{
		Detector: signer, Model: model(version), Service: "api", Environment: "prod", Metric: "http_5xx_ratio",
		Onset: genesisTime.Add(-5 * time.Minute), Score: score, EvidenceDigest: digest("anomaly evidence"),
		EvidenceLocation: "s3://evidence/anomaly", Summary: "5xx ratio 12% against 0.3% baseline",
	}
}
