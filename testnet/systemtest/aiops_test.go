//go:build system

package systemtest

import (
	"context"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	"github.com/stretchr/testify/require"
)

// demoExporter serves the telemetry of two services, each with a baseline
// and a canary track: checkout's canary is degraded (three times the
// latency, twenty times the error ratio), search's canary is healthy and
// reports exactly its baseline's values.
type demoExporter struct {
	scrapes atomic.Int64
	// spike makes checkout's queue depth jump (the streamed anomaly).
	spike atomic.Bool
	srv   *http.Server
	URL   string
}

func startExporter(t *testing.T) *demoExporter {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	e := &demoExporter{URL: l.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("/metrics", e.serve)
	e.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = e.srv.Serve(l) }()
	t.Cleanup(func() { _ = e.srv.Close() })
	return e
}

// jitter is a deterministic value in [-1, 1) for scrape n and stream k.
func jitter(n, k int64) float64 {
	x := uint64(n*7919+k*104729) * 0x9E3779B97F4A7C15
	x ^= x >> 29
	return float64(x%2000)/1000 - 1
}

func (e *demoExporter) serve(w http.ResponseWriter, _ *http.Request) {
	n := e.scrapes.Add(1)
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	var b strings.Builder
	b.WriteString("# HELP demo_latency_seconds Request latency (p50) of the last second.\n# TYPE demo_latency_seconds gauge\n")
	latency := func(base float64, k int64) float64 { return base * (1 + 0.1*jitter(n, k)) }
	checkoutBase := latency(0.100, 1)
	searchBase := latency(0.050, 3)
	fmt.Fprintf(&b, "demo_latency_seconds{service=%q,track=%q} %g\n", "checkout", "baseline", checkoutBase)
	fmt.Fprintf(&b, "demo_latency_seconds{service=%q,track=%q} %g\n", "checkout", "canary", latency(0.300, 2))
	fmt.Fprintf(&b, "demo_latency_seconds{service=%q,track=%q} %g\n", "search", "baseline", searchBase)
	fmt.Fprintf(&b, "demo_latency_seconds{service=%q,track=%q} %g\n", "search", "canary", searchBase)
	b.WriteString("# HELP demo_error_ratio Share of requests that failed in the last second.\n# TYPE demo_error_ratio gauge\n")
	ratio := func(base float64, k int64) float64 { return math.Max(0, base*(1+0.2*jitter(n, k))) }
	searchErr := ratio(0.010, 6)
	fmt.Fprintf(&b, "demo_error_ratio{service=%q,track=%q} %g\n", "checkout", "baseline", ratio(0.010, 4))
	fmt.Fprintf(&b, "demo_error_ratio{service=%q,track=%q} %g\n", "checkout", "canary", ratio(0.200, 5))
	fmt.Fprintf(&b, "demo_error_ratio{service=%q,track=%q} %g\n", "search", "baseline", searchErr)
	fmt.Fprintf(&b, "demo_error_ratio{service=%q,track=%q} %g\n", "search", "canary", searchErr)
	b.WriteString("# HELP demo_queue_depth Jobs waiting in the queue.\n# TYPE demo_queue_depth gauge\n")
	// A steady queue, so the only surprise is the jump.
	depth := 10.0
	if e.spike.Load() {
		depth = 60
	}
	fmt.Fprintf(&b, "demo_queue_depth{service=%q} %g\n", "checkout", depth)
	_, _ = w.Write([]byte(b.String()))
}

// process is a child process the test started, stopped by its pid.
type process struct {
	name   string
	cmd    *exec.Cmd
	log    string
	exited chan struct{}
	once   sync.Once
}

func startProcess(t *testing.T, name, logPath string, bin string, args ...string) *process {
	t.Helper()
	f, err := os.Create(logPath)
	require.NoError(t, err)
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start(), "start %s", name)
	p := &process{name: name, cmd: cmd, log: logPath, exited: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = f.Close()
		close(p.exited)
	}()
	t.Cleanup(p.stop)
	return p
}

// stop sends SIGTERM, then SIGKILL after 15 s.
func (p *process) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(15 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.exited
		}
	})
}

func (p *process) tail() string {
	bz, _ := os.ReadFile(p.log)
	if len(bz) > 6000 {
		bz = bz[len(bz)-6000:]
	}
	return string(bz)
}

func (p *process) logContains(s string) bool {
	bz, _ := os.ReadFile(p.log)
	return strings.Contains(string(bz), s)
}

func startPrometheus(t *testing.T, target string) string {
	t.Helper()
	bin, err := exec.LookPath("prometheus")
	require.NoError(t, err, "the Prometheus server is needed (Debian package prometheus; .ci/run installs it)")
	dir := t.TempDir()
	cfg := filepath.Join(dir, "prometheus.yml")
	require.NoError(t, os.WriteFile(cfg, []byte(fmt.Sprintf(`global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: [%q]
`, target)), 0o600))
	port := freePort(t)
	p := startProcess(t, "prometheus", filepath.Join(dir, "prometheus.log"), bin,
		"--config.file="+cfg, "--storage.tsdb.path="+filepath.Join(dir, "data"),
		fmt.Sprintf("--web.listen-address=127.0.0.1:%d", port))
	promURL := fmt.Sprintf("http://127.0.0.1:%d", port)
	// Ready once both tracks of both services have been scraped.
	deadline := time.Now().Add(45 * time.Second)
	for {
		var res struct {
			Data struct {
				Result []any `json:"result"`
			} `json:"data"`
		}
		err := getJSON(promURL+"/api/v1/query?query="+url.QueryEscape(`demo_latency_seconds`), &res)
		if err == nil && len(res.Data.Result) == 4 {
			return promURL
		}
		select {
		case <-p.exited:
			t.Fatalf("prometheus exited:\n%s", p.tail())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("prometheus has no demo series within 45s (last error %v):\n%s", err, p.tail())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

const agentConfigTemplate = `chain:
  grpc: 127.0.0.1:%d
  rpc: http://127.0.0.1:%d
  chain_id: shiplog-dev-1
  poll_interval: 500ms
  start_height: 1
key:
  home: %s
  backend: test
  name: dev
prometheus:
  url: %s
  timeout: 5s
detector:
  name: canary-judge
  version: 1.0.0
  config_digest: sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae
  description: system test agent
state_dir: %s
evidence:
  dir: %s
  url: https://evidence.example.com/shiplog
retry:
  initial: 200ms
  max: 2s
  attempts: 6
analyses:
%s%s`

// anomalyConfig streams checkout's queue depth to the anomaly detector.
const anomalyConfig = `anomalies:
  - name: queue_depth
    service: checkout
    environment: production
    query: demo_queue_depth{service="checkout"}
    step: 1s
    threshold: 0.5
    warmup: 20
    lookback: 60s
    window: 30
    debounce: 5s
`

const analysisTemplate = `  - name: %[1]s-canary
    service: %[1]s
    environment: production
    baseline: {service: $service, track: baseline}
    canary: {service: $service, track: canary}
    step: 1s
    interval: 8s
    delay: 2s
    pass: 95
    marginal: 75
    groups: {latency: 2, errors: 1}
    metrics:
      - name: latency
        group: latency
        query: demo_latency_seconds{$selector}
        direction: increase
        critical: true
      - name: error_ratio
        group: errors
        query: demo_error_ratio{$selector}
        direction: increase
`

type verdictsJSON struct {
	Verdicts []struct {
		ID             string `json:"id"`
		DeploymentID   string `json:"deployment_id"`
		Outcome        string `json:"outcome"`
		Score          string `json:"score"`
		Verification   string `json:"verification"`
		EvidenceDigest string `json:"evidence_digest"`
		Halted         bool   `json:"halted"`
	} `json:"verdicts"`
}

// TestAIOpsAgent: the real agent judges two canary deployments from a real
// Prometheus server: the degraded one FAILs, is halted on chain and a
// CometBFT subscriber receives rollback_required; the healthy one PASSes and
// stays in progress. A jump of a streamed metric is reported as an anomaly.
// A second agent with an empty local record finds the
// verdicts on chain and submits nothing again.
func TestAIOpsAgent(t *testing.T) {
	exporter := startExporter(t)
	promURL := startPrometheus(t, exporter.URL)
	n := NewDevNode(t)
	n.Start()

	// The orchestrator: subscribed to rollback_required over CometBFT RPC.
	rpc, err := rpchttp.New(fmt.Sprintf("http://127.0.0.1:%d", n.RPCPort), "/websocket")
	require.NoError(t, err)
	require.NoError(t, rpc.Start())
	t.Cleanup(func() { _ = rpc.Stop() })
	subCtx, cancelSub := context.WithTimeout(context.Background(), 10*time.Second)
	rollbacks, err := rpc.Subscribe(subCtx, "aiops-test", "tm.event='Tx' AND shiplog.aiops.v1.EventRollbackRequired.deployment_id EXISTS", 16)
	cancelSub()
	require.NoError(t, err)

	dir := t.TempDir()
	analyses := fmt.Sprintf(analysisTemplate, "checkout") + fmt.Sprintf(analysisTemplate, "search")
	writeConfig := func(name, state, anomalies string) string {
		path := filepath.Join(dir, name)
		cfg := fmt.Sprintf(agentConfigTemplate, n.GRPCPort, n.RPCPort, n.Home, promURL, state, filepath.Join(dir, "evidence"), analyses, anomalies)
		require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
		return path
	}
	agentHome := filepath.Join(dir, "agent-home")
	agent := startProcess(t, "agent", filepath.Join(dir, "agent.log"), n.Bin,
		"aiops", "watch", "--config", writeConfig("agent.yaml", filepath.Join(dir, "state"), anomalyConfig), "--home", agentHome, "--log-level", "debug")
	waitLog := func(p *process, what string, timeout time.Duration) {
		t.Helper()
		deadline := time.Now().Add(timeout)
		for !p.logContains(what) {
			select {
			case <-p.exited:
				t.Fatalf("%s exited before logging %q:\n%s", p.name, what, p.tail())
			default:
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s did not log %q within %s:\n%s", p.name, what, timeout, p.tail())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	waitLog(agent, "following blocks", 30*time.Second)
	agentStarted := time.Now()

	record := func(service, externalID string) {
		n.Commit("tx", "deployments", "record", service, "production", "2.0.0",
			"--artifact", "app="+artifactDigest, "--strategy", "canary", "--external-id", externalID, "--from", "dev")
	}
	record("checkout", "ci-checkout-canary") // deployment 1: degraded canary
	record("search", "ci-search-canary")     // deployment 2: healthy canary

	// The FAIL verdict halts deployment 1 and the subscriber hears about it.
	select {
	case ev := <-rollbacks:
		require.Equal(t, []string{`"1"`}, ev.Events["shiplog.aiops.v1.EventRollbackRequired.deployment_id"], "%v", ev.Events)
		require.Equal(t, []string{`"checkout"`}, ev.Events["shiplog.aiops.v1.EventRollbackRequired.service"])
	case <-agent.exited:
		t.Fatalf("agent exited:\n%s", agent.tail())
	case <-time.After(60 * time.Second):
		t.Fatalf("no rollback_required within 60s; agent log:\n%s", agent.tail())
	}
	var dep deploymentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments/1"), &dep))
	require.Equal(t, "DEPLOYMENT_STATUS_HALTED", dep.Deployment.Status)
	var failed verdictsJSON
	require.NoError(t, getJSON(n.REST("/shiplog/aiops/v1/verdicts?deployment_id=1"), &failed))
	require.Len(t, failed.Verdicts, 1)
	require.Equal(t, "OUTCOME_FAIL", failed.Verdicts[0].Outcome)
	require.True(t, failed.Verdicts[0].Halted)
	// The samples fit the chain's bounds: the chain re-ran the judge.
	require.Equal(t, "VERIFICATION_REPLAYED", failed.Verdicts[0].Verification)
	evidenceHex := strings.TrimPrefix(failed.Verdicts[0].EvidenceDigest, "sha256:")
	require.FileExists(t, filepath.Join(dir, "evidence", evidenceHex+".json"))

	// The healthy canary passes and stays in progress.
	var passed verdictsJSON
	deadline := time.Now().Add(40 * time.Second)
	for {
		require.NoError(t, getJSON(n.REST("/shiplog/aiops/v1/verdicts?deployment_id=2"), &passed))
		if len(passed.Verdicts) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no verdict for deployment 2 within 40s; agent log:\n%s", agent.tail())
		}
		time.Sleep(500 * time.Millisecond)
	}
	require.Len(t, passed.Verdicts, 1)
	require.Equal(t, "OUTCOME_PASS", passed.Verdicts[0].Outcome, agent.tail())
	require.False(t, passed.Verdicts[0].Halted)
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments/2"), &dep))
	require.Equal(t, "DEPLOYMENT_STATUS_IN_PROGRESS", dep.Deployment.Status)
	waitLog(agent, "analysis complete", 10*time.Second)

	// The streamed queue depth jumps once the detector has warmed up (on
	// the history read at the start and the points since): the agent
	// reports the anomaly.
	if wait := 10*time.Second - time.Since(agentStarted); wait > 0 {
		time.Sleep(wait)
	}
	spikeAt := time.Now()
	exporter.spike.Store(true)
	var anomalies struct {
		Anomalies []struct {
			Metric         string    `json:"metric"`
			Score          string    `json:"score"`
			Onset          time.Time `json:"onset"`
			EvidenceDigest string    `json:"evidence_digest"`
			IncidentID     string    `json:"incident_id"`
		} `json:"anomalies"`
	}
	deadline = time.Now().Add(30 * time.Second)
	for {
		require.NoError(t, getJSON(n.REST("/shiplog/aiops/v1/anomalies?service=checkout&environment=production"), &anomalies))
		if len(anomalies.Anomalies) > 0 && anomalies.Anomalies[len(anomalies.Anomalies)-1].Onset.After(spikeAt.Add(-2*time.Second)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no anomaly after the spike within 30s (%+v); agent log:\n%s", anomalies, agent.tail())
		}
		time.Sleep(500 * time.Millisecond)
	}
	last := anomalies.Anomalies[len(anomalies.Anomalies)-1]
	require.Equal(t, "queue_depth", last.Metric)
	require.Regexp(t, `^sha256:[0-9a-f]{64}$`, last.EvidenceDigest)
	t.Logf("anomaly reported: score %s, onset %s (spike at %s), incident %s", last.Score, last.Onset, spikeAt.UTC(), last.IncidentID)
	agent.stop()
	t.Logf("agent log:\n%s", agent.tail())

	// A second agent without the local record reads the chain from block 1
	// again: it finds its verdict on chain and submits nothing.
	again := startProcess(t, "agent-2", filepath.Join(dir, "agent-2.log"), n.Bin,
		"aiops", "watch", "--config", writeConfig("agent-2.yaml", filepath.Join(dir, "state-2"), ""), "--home", agentHome)
	waitLog(again, "verdict already on chain", 30*time.Second)
	waitLog(again, "analysis complete", 10*time.Second)
	again.stop()
	for id := 1; id <= 2; id++ {
		var vs verdictsJSON
		require.NoError(t, getJSON(n.REST(fmt.Sprintf("/shiplog/aiops/v1/verdicts?deployment_id=%d", id)), &vs))
		require.Len(t, vs.Verdicts, 1, "deployment %d", id)
	}
}
