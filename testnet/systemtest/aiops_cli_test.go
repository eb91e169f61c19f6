//go:build system

package systemtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/judge"
	aiopstypes "github.com/shiplog/shiplog/x/aiops/types"
)

const detectorConfigDigest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

// writeVerdict judges a canary whose 5xx rate rose from ~1 to ~9 (FAIL)
// and writes the verdict, with its samples, as the JSON submit-verdict
// reads; tamper changes the metric's classification after judging.
func writeVerdict(t *testing.T, dir string, deployment uint64, end time.Time, tamper bool) string {
	t.Helper()
	cfg := judge.Config{
		PassScore: 9500, MarginalScore: 7500,
		Groups:  []judge.Group{{Name: "errors", Weight: 1}},
		Metrics: []judge.MetricConfig{{Name: "http_5xx", Group: "errors", Critical: true}},
	}
	base, canary := make([]float64, 60), make([]float64, 60)
	for i := range base {
		base[i] = 1 + float64(i%5)/10
		canary[i] = 9 + float64(i%5)/10
	}
	samples := []judge.MetricSamples{{Name: "http_5xx", Baseline: base, Canary: canary}}
	res, err := judge.Judge(cfg, samples)
	require.NoError(t, err)
	cd, err := judge.ConfigDigest(cfg)
	require.NoError(t, err)
	ed, err := judge.EvidenceDigest(samples)
	require.NoError(t, err)
	msg := &aiopstypes.MsgSubmitVerdict{
		DeploymentId: deployment, Phase: aiopstypes.PHASE_CANARY,
		Model:       aiopstypes.DetectorRef{Name: "canary-judge", Version: "1.0.0", ConfigDigest: detectorConfigDigest},
		WindowStart: end.Add(-time.Minute), WindowEnd: end,
		Config: aiopstypes.JudgeConfigFrom(cfg), JudgeConfigDigest: aiopstypes.DigestString(cd),
		EvidenceDigest: aiopstypes.DigestString(ed), EvidenceLocation: "s3://evidence/checkout/1",
		Samples: []aiopstypes.MetricSamples{{Name: "http_5xx", Baseline: base, Canary: canary}},
	}
	msg.SetResult(res)
	if tamper {
		msg.Metrics[0].Classification = aiopstypes.METRIC_CLASS_PASS
	}
	bz, err := codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).MarshalJSON(msg)
	require.NoError(t, err)
	path := filepath.Join(dir, "verdict.json")
	if tamper {
		path = filepath.Join(dir, "tampered.json")
	}
	require.NoError(t, os.WriteFile(path, bz, 0o600))
	return path
}

// TestAIOpsCLI drives x/aiops through the CLI and REST only: register a
// detector, anchor a FAIL canary verdict with its samples (the chain re-runs
// the judge and halts the deployment), see a tampered verdict refused, report
// a severe anomaly (an incident opens) and rank the suspects of the incident.
func TestAIOpsCLI(t *testing.T) {
	n := NewDevNode(t)
	n.Start()
	dir := t.TempDir()

	n.Commit(recordArgs("canary-cli-1")...)
	n.Commit("tx", "aiops", "register-detector", "canary-judge", "1.0.0",
		"--config-digest", detectorConfigDigest, "--description", "Mann-Whitney canary judge", "--from", "dev")
	stdout, stderr, err := n.CLI("q", "aiops", "detectors", "--output", "json")
	require.NoError(t, err, stderr)
	require.Contains(t, stdout, `"name": "canary-judge"`)

	// The window must end after the deployment was recorded and not after
	// the block time.
	time.Sleep(2 * time.Second)
	end := time.Now().UTC().Add(-500 * time.Millisecond).Truncate(time.Millisecond)
	time.Sleep(1500 * time.Millisecond)

	// A tampered verdict fails already in the CLI's gas simulation, naming
	// the metric.
	stdout, stderr, err = n.CLI("tx", "aiops", "submit-verdict", writeVerdict(t, dir, 1, end, true), "--from", "dev", "--yes", "--output", "json")
	require.Error(t, err, stdout)
	require.Contains(t, stdout+stderr, `metric "http_5xx": classification is Pass, the judge computes High`)

	n.Commit("tx", "aiops", "submit-verdict", writeVerdict(t, dir, 1, end, false), "--from", "dev")
	var dep deploymentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments/1"), &dep))
	require.Equal(t, "DEPLOYMENT_STATUS_HALTED", dep.Deployment.Status)

	stdout, stderr, err = n.CLI("q", "aiops", "verdicts", "--deployment-id", "1", "--outcome", "fail", "--output", "json")
	require.NoError(t, err, stderr)
	var verdicts struct {
		Verdicts []struct {
			ID           string `json:"id"`
			Halted       bool   `json:"halted"`
			Verification string `json:"verification"`
		} `json:"verdicts"`
	}
	require.NoError(t, json.Unmarshal([]byte(lastJSONLine(stdout)), &verdicts), stdout)
	require.Len(t, verdicts.Verdicts, 1)
	require.True(t, verdicts.Verdicts[0].Halted)
	require.Equal(t, "VERIFICATION_REPLAYED", verdicts.Verdicts[0].Verification)

	// The onset is the latest block's time: after the deployment, not after
	// the next block (the wall clock may run ahead of block time).
	var latest struct {
		Block struct {
			Header struct {
				Time time.Time `json:"time"`
			} `json:"header"`
		} `json:"block"`
	}
	require.NoError(t, getJSON(n.REST("/cosmos/base/tendermint/v1beta1/blocks/latest"), &latest))
	onset := latest.Block.Header.Time.UTC().Format(time.RFC3339Nano)
	n.Commit("tx", "aiops", "report-anomaly", "checkout", "production", "http_5xx_ratio",
		"--model", "canary-judge:1.0.0", "--config-digest", detectorConfigDigest, "--onset", onset,
		"--score", "92.5", "--evidence-digest", artifactDigest, "--summary", "5xx ratio at 9%", "--from", "dev")
	var anomalies struct {
		Anomalies []struct {
			IncidentID string `json:"incident_id"`
			Score      string `json:"score"`
		} `json:"anomalies"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/aiops/v1/anomalies?service=checkout"), &anomalies))
	require.Len(t, anomalies.Anomalies, 1)
	require.Equal(t, "1", anomalies.Anomalies[0].IncidentID)
	require.Equal(t, "9250", anomalies.Anomalies[0].Score)
	var inc incidentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/incidents/1"), &inc))
	require.Equal(t, "SEVERITY_SEV3", inc.Incident.Severity)

	var suspects struct {
		Suspects []struct {
			DeploymentID string `json:"deployment_id"`
			Reasons      []struct {
				Kind string `json:"kind"`
			} `json:"reasons"`
		} `json:"suspects"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/aiops/v1/suspects?incident_id=1"), &suspects))
	require.Len(t, suspects.Suspects, 1)
	require.Equal(t, "1", suspects.Suspects[0].DeploymentID)
	var kinds []string
	for _, r := range suspects.Suspects[0].Reasons {
		kinds = append(kinds, r.Kind)
	}
	require.Equal(t, "recency,same_service_environment,failing_verdict,final_status", strings.Join(kinds, ","))
}
