//go:build system

package systemtest

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

type incidentJSON struct {
	Incident struct {
		ID         string `json:"id"`
		Status     string `json:"status"`
		Severity   string `json:"severity"`
		ResolvedAt string `json:"resolved_at"`
		Causes     []struct {
			DeploymentID string `json:"deployment_id"`
		} `json:"causes"`
		Postmortem *struct {
			RootCause string `json:"root_cause"`
		} `json:"postmortem"`
	} `json:"incident"`
}

// TestIncidentLifecycle runs an incident through the CLI the way responders
// and CI jobs would: open, link the causing deployment, freeze, roll back,
// resolve, close with a postmortem, and read the DORA metrics over REST.
func TestIncidentLifecycle(t *testing.T) {
	n := NewDevNode(t)
	n.Start()
	start := time.Now().UTC().Add(-time.Hour).Truncate(time.Second)

	// A deployment that succeeds, then breaks production.
	commitTime := time.Now().UTC().Add(-30 * time.Minute).Format(time.RFC3339)
	bad := n.Tx("tx", "deployments", "record", "checkout", "production", "1.5.0",
		"--artifact", "app="+artifactDigest, "--commit", "4f2a9c1", "--commit-time", commitTime,
		"--status", "succeeded", "--external-id", "ci-bad", "--from", "dev")
	require.Zero(t, bad.Code, bad.RawLog)
	require.Zero(t, n.WaitForTx(bad.TxHash, 30*time.Second).Code)

	opened := n.Tx("tx", "incidents", "open", "Checkout errors at 30%", "--severity", "sev1",
		"--affected", "checkout=production", "--summary", "5xx on /checkout",
		"--suspect", "1", "--source", "alert:checkout-5xx", "--from", "dev")
	require.Zero(t, opened.Code, opened.RawLog)
	require.Zero(t, n.WaitForTx(opened.TxHash, 30*time.Second).Code)

	linked := n.Tx("tx", "incidents", "link-cause", "1", "1", "--note", "connection pool size regression", "--from", "dev")
	require.Zero(t, linked.Code, linked.RawLog)
	require.Zero(t, n.WaitForTx(linked.TxHash, 30*time.Second).Code)

	// The sev1 incident freezes checkout/production: a plain deployment is
	// refused (the CLI's gas simulation already reports it), naming the incident.
	var freezes struct {
		Incidents []struct {
			ID string `json:"id"`
		} `json:"incidents"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/freezes?service=checkout&environment=production"), &freezes))
	require.Len(t, freezes.Incidents, 1)
	_, stderr, err := n.CLI(append(recordArgs("ci-frozen"), "--yes", "--output", "json")...)
	require.Error(t, err)
	require.Contains(t, stderr, "incident 1")

	// A rollback goes through the freeze.
	rollback := n.Tx("tx", "deployments", "record", "checkout", "production", "1.4.2",
		"--artifact", "app="+artifactDigest, "--rollback-of", "1", "--status", "succeeded",
		"--external-id", "ci-rollback", "--from", "dev")
	require.Zero(t, rollback.Code, rollback.RawLog)
	require.Zero(t, n.WaitForTx(rollback.TxHash, 30*time.Second).Code)
	var current deploymentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/current/checkout/production"), &current))
	require.Equal(t, "1.4.2", current.Deployment.Version)

	for _, status := range []string{"mitigated", "resolved"} {
		upd := n.Tx("tx", "incidents", "update", "1", "--status", status, "--note", "rolled back to 1.4.2", "--from", "dev")
		require.Zero(t, upd.Code, upd.RawLog)
		require.Zero(t, n.WaitForTx(upd.TxHash, 30*time.Second).Code)
	}
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/freezes?service=checkout&environment=production"), &freezes))
	require.Empty(t, freezes.Incidents, "a resolved incident no longer freezes")

	// Closing a sev1 without a postmortem is refused; with one it closes.
	_, stderr, err = n.CLI("tx", "incidents", "close", "1", "--from", "dev", "--yes")
	require.Error(t, err)
	require.Contains(t, stderr, "postmortem")
	closed := n.Tx("tx", "incidents", "close", "1",
		"--postmortem-digest", "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
		"--postmortem-location", "https://wiki.example.com/pm/1", "--root-cause", "pool size 4 instead of 40",
		"--from", "dev")
	require.Zero(t, closed.Code, closed.RawLog)
	require.Zero(t, n.WaitForTx(closed.TxHash, 30*time.Second).Code)

	var inc incidentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/incidents/1"), &inc))
	require.Equal(t, "INCIDENT_STATUS_CLOSED", inc.Incident.Status)
	require.Equal(t, "1", inc.Incident.Causes[0].DeploymentID)
	require.Equal(t, "pool size 4 instead of 40", inc.Incident.Postmortem.RootCause)

	var byDeployment struct {
		Incidents []struct {
			ID string `json:"id"`
		} `json:"incidents"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/by-deployment/1"), &byDeployment))
	require.Len(t, byDeployment.Incidents, 1)

	// DORA metrics over the last hour and a bit: two successful deployments,
	// one of them a cause (rate 1/2), one restored incident.
	end := time.Now().UTC().Add(time.Hour).Truncate(time.Second)
	q := url.Values{"service": {"checkout"}, "environment": {"production"},
		"from": {start.Format(time.RFC3339)}, "to": {end.Format(time.RFC3339)}}
	var metrics struct {
		Metrics struct {
			SuccessfulDeployments string `json:"successful_deployments"`
			FailedDeployments     string `json:"failed_deployments"`
			ChangeFailureRate     struct {
				Numerator   string `json:"numerator"`
				Denominator string `json:"denominator"`
			} `json:"change_failure_rate"`
			LeadTime struct {
				Count string `json:"count"`
			} `json:"lead_time"`
			TimeToRestore struct {
				Count string `json:"count"`
			} `json:"time_to_restore"`
		} `json:"metrics"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/metrics?"+q.Encode()), &metrics))
	m := metrics.Metrics
	require.Equal(t, "2", m.SuccessfulDeployments)
	require.Equal(t, "1", m.FailedDeployments)
	require.Equal(t, []string{"1", "2"}, []string{m.ChangeFailureRate.Numerator, m.ChangeFailureRate.Denominator})
	require.Equal(t, "1", m.LeadTime.Count, "only the deployment with a commit time")
	require.Equal(t, "1", m.TimeToRestore.Count)

	// The CLI computes the same numbers.
	out, stderr, err := n.CLI("q", "incidents", "metrics", "--service", "checkout", "--environment", "production",
		"--from", start.Format(time.RFC3339), "--to", end.Format(time.RFC3339), "--output", "json")
	require.NoError(t, err, stderr)
	var cli, rest map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &cli), out)
	require.NoError(t, getJSON(n.REST("/shiplog/incidents/v1/metrics?"+q.Encode()), &rest))
	require.Equal(t, withoutZeros(rest), withoutZeros(cli))
}

// withoutZeros drops "0" values: the CLI's JSON omits zero fields that
// REST prints.
func withoutZeros(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := map[string]any{}
	for k, x := range m {
		if x == "0" {
			continue
		}
		out[k] = withoutZeros(x)
	}
	return out
}
