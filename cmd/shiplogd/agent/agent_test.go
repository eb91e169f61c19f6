package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"sync"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/prom"
	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

const detectorAddr = "ship1detector"

// fakeChain records submissions; failures are injected per call.
type fakeChain struct {
	mu          sync.Mutex
	deployments map[uint64]deploymentstypes.Deployment
	detectors   []types.Detector
	verdicts    []types.Verdict
	submitted   []sdk.Msg
	// submitErrs are returned by the next Submit calls, in order; an error
	// wrapped in landed means the tx landed anyway (a lost answer).
	submitErrs []error
	queryErrs  []error
	// hide makes the next Verdicts calls answer nothing (a lagging node).
	hide int
}

type landed struct{ error }

func newFakeChain() *fakeChain {
	return &fakeChain{deployments: map[uint64]deploymentstypes.Deployment{}}
}

func (c *fakeChain) Address() string                                          { return detectorAddr }
func (c *fakeChain) LatestHeight(context.Context) (int64, error)              { return 1, nil }
func (c *fakeChain) BlockEvents(context.Context, int64) ([]abci.Event, error) { return nil, nil }

func (c *fakeChain) Deployment(_ context.Context, id uint64) (deploymentstypes.Deployment, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.deployments[id]
	if !ok {
		return d, Permanent(fmt.Errorf("deployment %d not found", id))
	}
	return d, nil
}

func (c *fakeChain) Detectors(context.Context, string) ([]types.Detector, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.detectors, nil
}

func (c *fakeChain) Verdicts(_ context.Context, id uint64, addr string) ([]types.Verdict, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queryErrs) > 0 {
		err := c.queryErrs[0]
		c.queryErrs = c.queryErrs[1:]
		return nil, err
	}
	if c.hide > 0 {
		c.hide--
		return nil, nil
	}
	var out []types.Verdict
	for _, v := range c.verdicts {
		if v.DeploymentId == id && v.Detector == addr {
			out = append(out, v)
		}
	}
	return out, nil
}

func (c *fakeChain) Submit(_ context.Context, msg sdk.Msg) (TxResult, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var injected error
	if len(c.submitErrs) > 0 {
		injected = c.submitErrs[0]
		c.submitErrs = c.submitErrs[1:]
		var l landed
		if !errors.As(injected, &l) {
			return TxResult{}, injected
		}
	}
	c.submitted = append(c.submitted, msg)
	var resp proto.Message
	switch m := msg.(type) {
	case *types.MsgSubmitVerdict:
		for _, v := range c.verdicts {
			if v.DeploymentId == m.DeploymentId && v.WindowStart.Equal(m.WindowStart) && v.WindowEnd.Equal(m.WindowEnd) {
				return TxResult{}, &TxError{Codespace: types.ModuleName, Code: types.ErrDuplicateVerdict.ABCICode(), Log: "duplicate"}
			}
		}
		id := uint64(len(c.verdicts) + 1)
		c.verdicts = append(c.verdicts, types.Verdict{
			Id: id, DeploymentId: m.DeploymentId, Phase: m.Phase, Detector: m.Detector, Model: m.Model,
			WindowStart: m.WindowStart, WindowEnd: m.WindowEnd, Outcome: m.Outcome, Score: m.Score,
		})
		resp = &types.MsgSubmitVerdictResponse{Id: id, Halted: m.Outcome == types.OUTCOME_FAIL}
	case *types.MsgRegisterDetector:
		id := uint64(len(c.detectors) + 1)
		c.detectors = append(c.detectors, types.Detector{Id: id, Address: m.Detector, Name: m.Name, Version: m.Version, ConfigDigest: m.ConfigDigest})
		resp = &types.MsgRegisterDetectorResponse{Id: id}
	case *types.MsgReportAnomaly:
		resp = &types.MsgReportAnomalyResponse{Id: 1}
	}
	bz, _ := proto.Marshal(resp)
	if injected != nil {
		return TxResult{}, injected
	}
	return TxResult{Hash: fmt.Sprintf("TX%d", len(c.submitted)), Height: 10, Responses: [][]byte{bz}}, nil
}

func (c *fakeChain) verdictSubmissions() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, m := range c.submitted {
		if _, ok := m.(*types.MsgSubmitVerdict); ok {
			n++
		}
	}
	return n
}

// fakeProm answers every query with series by the query's track matcher;
// errs are returned first.
type fakeProm struct {
	mu      sync.Mutex
	errs    []error
	calls   int
	canary  float64
	queries []string
}

func (p *fakeProm) QueryRange(_ context.Context, q string, start, end time.Time, step time.Duration) ([]prom.Series, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	p.queries = append(p.queries, q)
	if len(p.errs) > 0 {
		err := p.errs[0]
		p.errs = p.errs[1:]
		return nil, err
	}
	level := 1.0
	if contains(q, `track="canary"`) {
		level = p.canary
	}
	var s prom.Series
	for i, t := 0, start; !t.After(end); i, t = i+1, t.Add(step) {
		s.Points = append(s.Points, prom.Point{T: t, V: level * (1 + 0.01*float64(i%7))})
	}
	return []prom.Series{s}, nil
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

func testConfig(t *testing.T) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(validConfig))
	require.NoError(t, err)
	cfg.StateDir = t.TempDir()
	cfg.Retry = RetryConfig{Initial: time.Millisecond, Max: 4 * time.Millisecond, Attempts: 4}
	cfg.Analyses[0].Interval = 10 * time.Second
	cfg.Analyses[0].Lifetime = 10 * time.Second
	cfg.Analyses[0].Delay = 0
	cfg.Analyses[0].Step = time.Second
	return cfg
}

func newTestAgent(t *testing.T, cfg *Config, chain Chain, q Querier) *Agent {
	t.Helper()
	state, err := OpenState(cfg.StateDir)
	require.NoError(t, err)
	return New(cfg, chain, q, state, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

var created = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func canaryDeployment(id uint64) deploymentstypes.Deployment {
	return deploymentstypes.Deployment{Id: id, Service: "checkout", Environment: "production", Version: "2.0.0",
		Strategy: deploymentstypes.STRATEGY_CANARY, Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, CreatedAt: created}
}

func TestJudgeWindowSubmitsOnce(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	q := &fakeProm{canary: 3}
	a := newTestAgent(t, cfg, chain, q)
	an := cfg.Analyses[0]
	w := an.Windows(created)[0]
	vars := map[string]string{"service": "checkout", "environment": "production", "version": "2.0.0"}

	entry, err := a.JudgeWindow(context.Background(), an, 7, w, vars)
	require.NoError(t, err)
	require.Equal(t, "FAIL", entry.Outcome)
	require.Equal(t, uint64(1), entry.VerdictID)
	require.Equal(t, 1, chain.verdictSubmissions())
	msg := chain.submitted[0].(*types.MsgSubmitVerdict)
	require.NoError(t, msg.Validate())
	require.Len(t, msg.Samples, 2, "11 points per side fit the chain's bounds")
	require.Equal(t, w.Start, msg.WindowStart)
	require.Contains(t, q.queries, `histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{app="checkout",track="canary",version="2.0.0"}[1m])))`)

	// Again: the local record answers, nothing is queried or submitted.
	calls := q.calls
	again, err := a.JudgeWindow(context.Background(), an, 7, w, vars)
	require.NoError(t, err)
	require.Equal(t, entry.VerdictID, again.VerdictID)
	require.Equal(t, 1, chain.verdictSubmissions())
	require.Equal(t, calls, q.calls)

	// A restarted agent without its record asks the chain first.
	cfg2 := *cfg
	cfg2.StateDir = t.TempDir()
	b := newTestAgent(t, &cfg2, chain, q)
	found, err := b.JudgeWindow(context.Background(), an, 7, w, vars)
	require.NoError(t, err)
	require.Equal(t, entry.VerdictID, found.VerdictID)
	require.Equal(t, 1, chain.verdictSubmissions())
	require.Equal(t, calls, q.calls)

	// The record survives a restart.
	c := newTestAgent(t, cfg, newFakeChain(), q)
	kept, err := c.JudgeWindow(context.Background(), an, 7, w, vars)
	require.NoError(t, err)
	require.Equal(t, entry.VerdictID, kept.VerdictID)
}

func TestJudgeWindowRetries(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	// Two transient Prometheus failures, then answers; one lost broadcast.
	q := &fakeProm{canary: 1, errs: []error{
		&prom.Error{Query: "q", Status: 503, Message: "unavailable", Transient: true},
		&prom.Error{Query: "q", Message: "connection refused", Transient: true},
	}}
	chain.submitErrs = []error{errors.New("broadcast: connection reset")}
	a := newTestAgent(t, cfg, chain, q)
	an := cfg.Analyses[0]
	entry, err := a.JudgeWindow(context.Background(), an, 3, an.Windows(created)[0], nil)
	require.NoError(t, err)
	require.Equal(t, "PASS", entry.Outcome)
	require.Equal(t, 1, chain.verdictSubmissions(), "the first broadcast failed before reaching the chain")
	require.Len(t, chain.verdicts, 1)
	require.Empty(t, chain.submitErrs, "the failed broadcast was retried")
}

func TestJudgeWindowLostAnswerIsNotResubmitted(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	// The tx lands, but the agent only sees a timeout: before sending
	// again it finds the verdict on chain.
	chain.submitErrs = []error{landed{errors.New("tx ABC not in a block within 30s")}}
	a := newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	an := cfg.Analyses[0]
	entry, err := a.JudgeWindow(context.Background(), an, 3, an.Windows(created)[0], nil)
	require.NoError(t, err)
	require.Equal(t, uint64(1), entry.VerdictID)
	require.Equal(t, 1, chain.verdictSubmissions())
}

func TestJudgeWindowDuplicateMeansDone(t *testing.T) {
	cfg := testConfig(t)
	an := cfg.Analyses[0]
	w := an.Windows(created)[0]
	chain := newFakeChain()
	// Our verdict is on chain but the node we ask first does not show it
	// yet: the chain refuses the resubmission as a duplicate, and the
	// agent takes the verdict it then finds.
	chain.verdicts = []types.Verdict{{Id: 9, DeploymentId: 3, Phase: types.PHASE_CANARY, Detector: detectorAddr,
		Model: cfg.DetectorRef(), WindowStart: w.Start, WindowEnd: w.End, Outcome: types.OUTCOME_PASS}}
	chain.hide = 1
	a := newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	entry, err := a.JudgeWindow(context.Background(), an, 3, w, nil)
	require.NoError(t, err)
	require.Equal(t, uint64(9), entry.VerdictID)
	require.Len(t, chain.verdicts, 1)

	// A duplicate that is not ours (cannot happen on the real chain, which
	// keys duplicates by detector) is reported, not retried.
	chain = newFakeChain()
	chain.verdicts = []types.Verdict{{Id: 9, DeploymentId: 3, Detector: "someone-else", WindowStart: w.Start, WindowEnd: w.End}}
	cfg.StateDir = t.TempDir()
	_, err = newTestAgent(t, cfg, chain, &fakeProm{canary: 1}).JudgeWindow(context.Background(), an, 3, w, nil)
	require.ErrorIs(t, err, types.ErrDuplicateVerdict)
	require.True(t, IsPermanent(err))
}

func TestJudgeWindowPermanentFailures(t *testing.T) {
	cfg := testConfig(t)
	an := cfg.Analyses[0]
	w := an.Windows(created)[0]

	chain := newFakeChain()
	q := &fakeProm{canary: 1, errs: []error{&prom.Error{Query: "q", Status: 400, Type: "bad_data", Message: "parse error"}}}
	_, err := newTestAgent(t, cfg, chain, q).JudgeWindow(context.Background(), an, 3, w, nil)
	require.ErrorContains(t, err, "bad_data")
	require.Equal(t, 1, q.calls, "a bad query is not retried")

	chain.submitErrs = []error{&TxError{Codespace: types.ModuleName, Code: types.ErrUnknownDeployment.ABCICode(), Log: "deployment 3 does not exist"}}
	_, err = newTestAgent(t, cfg, chain, &fakeProm{canary: 1}).JudgeWindow(context.Background(), an, 3, w, nil)
	require.ErrorIs(t, err, types.ErrUnknownDeployment)
	require.Len(t, chain.verdicts, 0)

	// Transient failures beyond the attempts give up.
	q = &fakeProm{canary: 1}
	for range 10 {
		q.errs = append(q.errs, &prom.Error{Query: "q", Status: 503, Transient: true})
	}
	_, err = newTestAgent(t, cfg, newFakeChain(), q).JudgeWindow(context.Background(), an, 3, w, nil)
	require.ErrorContains(t, err, "gave up after 4 attempts")
}

func TestSamplesBeyondTheChainBound(t *testing.T) {
	cfg := testConfig(t)
	an := cfg.Analyses[0]
	an.Step = 5 * time.Millisecond // 2001 points per side: above the chain's 1000
	chain := newFakeChain()
	_, err := newTestAgent(t, cfg, chain, &fakeProm{canary: 1}).JudgeWindow(context.Background(), an, 3, an.Windows(created)[0], nil)
	require.NoError(t, err)
	msg := chain.submitted[0].(*types.MsgSubmitVerdict)
	require.Empty(t, msg.Samples, "results and evidence digest only")
	require.NotEmpty(t, msg.EvidenceDigest)

	an.Samples = SamplesAlways
	_, err = newTestAgent(t, cfg, newFakeChain(), &fakeProm{canary: 1}).JudgeWindow(context.Background(), an, 4, an.Windows(created)[0], nil)
	require.ErrorIs(t, err, types.ErrTooManySamples)
}

func TestAnalyseDeploymentStopsWhenHaltedOrFailed(t *testing.T) {
	cfg := testConfig(t)
	cfg.Analyses[0].Lifetime = 30 * time.Second // three windows
	an := cfg.Analyses[0]
	chain := newFakeChain()
	chain.deployments[1] = canaryDeployment(1)
	a := newTestAgent(t, cfg, chain, &fakeProm{canary: 3})
	a.now = func() time.Time { return created.Add(time.Hour) }
	require.NoError(t, a.AnalyseDeployment(context.Background(), an, 1))
	require.Equal(t, 1, chain.verdictSubmissions(), "a FAIL ends the analysis")

	chain = newFakeChain()
	chain.deployments[2] = canaryDeployment(2)
	a = newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	a.now = func() time.Time { return created.Add(time.Hour) }
	require.NoError(t, a.AnalyseDeployment(context.Background(), an, 2))
	require.Equal(t, 3, chain.verdictSubmissions(), "a passing canary is judged in every window")

	chain = newFakeChain()
	d := canaryDeployment(3)
	d.Status = deploymentstypes.DEPLOYMENT_STATUS_HALTED
	chain.deployments[3] = d
	a = newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	a.now = func() time.Time { return created.Add(time.Hour) }
	require.NoError(t, a.AnalyseDeployment(context.Background(), an, 3))
	require.Zero(t, chain.verdictSubmissions())
}

func TestHandleEventsStartsMatchingCanaries(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	for id := uint64(1); id <= 4; id++ {
		chain.deployments[id] = canaryDeployment(id)
	}
	a := newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	a.now = func() time.Time { return created.Add(time.Hour) }
	event := func(rec *deploymentstypes.EventDeploymentRecorded) abci.Event {
		ev, err := sdk.TypedEventToEvent(rec)
		require.NoError(t, err)
		return abci.Event(ev)
	}
	events := []abci.Event{
		event(&deploymentstypes.EventDeploymentRecorded{Id: 1, Service: "checkout", Environment: "production", Strategy: deploymentstypes.STRATEGY_CANARY, Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}),
		event(&deploymentstypes.EventDeploymentRecorded{Id: 2, Service: "checkout", Environment: "staging", Strategy: deploymentstypes.STRATEGY_CANARY, Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}),
		event(&deploymentstypes.EventDeploymentRecorded{Id: 3, Service: "checkout", Environment: "production", Strategy: deploymentstypes.STRATEGY_ROLLING, Status: deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS}),
		event(&deploymentstypes.EventDeploymentRecorded{Id: 4, Service: "checkout", Environment: "production", Strategy: deploymentstypes.STRATEGY_CANARY, Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED}),
		{Type: "message", Attributes: []abci.EventAttribute{{Key: "action", Value: "x"}}},
	}
	a.handleEvents(context.Background(), 5, events)
	a.Wait()
	require.Equal(t, 1, chain.verdictSubmissions())
	require.Equal(t, uint64(1), chain.verdicts[0].DeploymentId)
}

func TestEnsureRegistered(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	a := newTestAgent(t, cfg, chain, &fakeProm{})
	require.NoError(t, a.EnsureRegistered(context.Background()))
	require.Len(t, chain.submitted, 1)
	require.NoError(t, a.EnsureRegistered(context.Background()))
	require.Len(t, chain.submitted, 1, "registered once")

	// Same name and version, another configuration: refuse to sign with it.
	cfg.Analyses[0].Pass = 99
	b := newTestAgent(t, cfg, chain, &fakeProm{})
	err := b.EnsureRegistered(context.Background())
	require.ErrorContains(t, err, "give the changed configuration a new detector.version")
	require.True(t, IsPermanent(err))
}

func TestBackoff(t *testing.T) {
	var waits []time.Duration
	b := Backoff{Initial: 100 * time.Millisecond, Max: 300 * time.Millisecond, Attempts: 5,
		sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	calls := 0
	err := b.Retry(context.Background(), func(context.Context) error {
		calls++
		if calls < 4 {
			return errors.New("transient")
		}
		return nil
	})
	require.NoError(t, err)
	require.Equal(t, 4, calls)
	require.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond}, waits)

	calls = 0
	err = b.Retry(context.Background(), func(context.Context) error { calls++; return Permanent(errors.New("bad request")) })
	require.EqualError(t, err, "bad request")
	require.Equal(t, 1, calls)

	calls = 0
	err = b.Retry(context.Background(), func(context.Context) error { calls++; return errors.New("down") })
	require.EqualError(t, err, "gave up after 5 attempts: down")
	require.Equal(t, 5, calls)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	b.sleep = nil
	err = b.Retry(ctx, func(context.Context) error { return errors.New("down") })
	require.ErrorIs(t, err, context.Canceled)
}

func TestAnomalyStreamDebounce(t *testing.T) {
	m := AnomalyMetric{Name: "errors", Threshold: 0.5, Debounce: time.Hour, Window: 5, Warmup: 20}
	s := newAnomalyStream(m)
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var points []pointValue
	for i := range 400 {
		v := 10 + math.Sin(float64(i))
		if i == 300 || i == 320 {
			v = 1000 // two spikes within the debounce
		}
		points = append(points, pointValue{start.Add(time.Duration(i) * time.Minute), v})
	}
	var last time.Time
	reports := s.feed(points, &last)
	require.Len(t, reports, 1, "the second spike is within the debounce")
	require.Equal(t, start.Add(300*time.Minute), reports[0].Onset)
	require.Len(t, reports[0].Window, 5)
	require.Equal(t, 1000.0, reports[0].Window[4])
	require.Equal(t, reports[0].Onset, last)
	// Points already seen are not scored again.
	require.Empty(t, s.feed(points, &last))

	d1, err := AnomalyEvidence("errors", reports[0].Window)
	require.NoError(t, err)
	want, err := judge.EvidenceDigest([]judge.MetricSamples{{Name: "errors", Canary: reports[0].Window}})
	require.NoError(t, err)
	require.Equal(t, types.DigestString(want), d1)
}

func TestRunResumesPendingAnalyses(t *testing.T) {
	cfg := testConfig(t)
	cfg.Chain.PollInterval = 10 * time.Millisecond
	chain := newFakeChain()
	chain.deployments[1] = canaryDeployment(1)
	a := newTestAgent(t, cfg, chain, &fakeProm{canary: 1})
	a.now = func() time.Time { return created.Add(time.Hour) }
	require.NoError(t, a.state.SetHeight(40))
	require.NoError(t, a.state.SetPending(1, "checkout-canary"))
	require.NoError(t, a.state.SetPending(2, "removed-analysis"))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	require.Eventually(t, func() bool {
		return chain.verdictSubmissions() == 1 && len(a.state.Pending()) == 0
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-done)
	require.Len(t, chain.detectors, 1, "registered on start")

	// The record on disk has nothing pending.
	state, err := OpenState(cfg.StateDir)
	require.NoError(t, err)
	require.Empty(t, state.Pending())
	require.Equal(t, int64(40), state.Height(), "the fake chain's latest block is 1: nothing new read")
}

// An anomaly the chain already holds (an earlier attempt whose answer was
// lost) is done, not an error and not retried.
func TestReportAnomalyAlreadyOnChain(t *testing.T) {
	cfg := testConfig(t)
	chain := newFakeChain()
	chain.submitErrs = []error{&TxError{Codespace: types.ModuleName, Code: types.ErrDuplicateAnomaly.ABCICode(), Log: "anomaly already reported"}}
	a := newTestAgent(t, cfg, chain, &fakeProm{})
	onset := time.Now().Add(-time.Hour).UTC()
	a.now = func() time.Time { return onset.Add(time.Hour) }
	m := AnomalyMetric{Name: "queue_depth", Service: "checkout", Environment: "prod", Threshold: 0.5}
	require.NoError(t, a.reportAnomaly(context.Background(), m, Report{Onset: onset, Value: 1000, Score: 0.9, Window: []float64{1, 2, 1000}}))
	require.Empty(t, chain.submitErrs, "the refusal was seen once")
	require.Empty(t, chain.submitted, "nothing more was sent")
}
