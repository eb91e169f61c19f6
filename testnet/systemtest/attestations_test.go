//go:build system

package systemtest

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/testutil"
	attestationstypes "github.com/shiplog/shiplog/x/attestations/types"
)

type evaluateJSON struct {
	Allowed  bool   `json:"allowed"`
	Message  string `json:"message"`
	Decision struct {
		Outcome        string   `json:"outcome"`
		PolicyVersion  string   `json:"policy_version"`
		AttestationIDs []string `json:"attestation_ids"`
	} `json:"decision"`
}

type decisionRecordJSON struct {
	Deployments []struct {
		ID             string `json:"id"`
		BreakGlass     string `json:"break_glass"`
		PolicyDecision struct {
			Outcome        string   `json:"outcome"`
			PolicyVersion  string   `json:"policy_version"`
			AttestationIDs []string `json:"attestation_ids"`
		} `json:"policy_decision"`
		BreakGlassReview *struct {
			Due string `json:"due"`
		} `json:"break_glass_review"`
	} `json:"deployments"`
}

// TestSupplyChainGate is the supply-chain flow end to end with real
// processes: the consortium sets a production policy by proposal, an admin
// registers the CI job's attestor key, a deployment is denied, the CI job
// submits a signed envelope (keyid left empty, as cosign writes it), CI asks
// Evaluate over REST, and the deployment is accepted with its decision
// readable over REST. A break-glass deployment then waits for its review.
func TestSupplyChainGate(t *testing.T) {
	n := NewDevNode(t)
	n.Start()
	dir := t.TempDir()
	const builder = "https://github.com/actions/runner"
	artifact := testutil.SHA256Subject("checkout", "checkout-1.4.2")
	unattested := testutil.SHA256Subject("checkout", "checkout-1.4.3-hotfix")

	policy := map[string]any{
		"title": "production needs SLSA provenance from our builder",
		"messages": []any{map[string]any{
			"@type":       "/shiplog.attestations.v1.MsgSetPolicy",
			"environment": "production",
			"mode":        "POLICY_MODE_ENFORCE",
			"requirements": []any{map[string]any{
				"name": "slsa-build", "predicate_type": attestationstypes.PredicateSLSAProvenanceV1,
				"builder_ids": []string{builder}, "source_repository_pattern": "https://github.com/shop/*",
			}},
			"break_glass_allowed":       true,
			"break_glass_review_period": "3600s",
		}},
	}
	n.Commit("tx", "consortium", "propose", writeJSON(t, dir, "policy.json", policy), "--from", "dev")

	record := func(externalID string, a testutil.Subject, extra ...string) []string {
		return append([]string{"tx", "deployments", "record", "checkout", "production", "1.4.2",
			"--artifact", "app=" + a.Digest256(), "--external-id", externalID, "--from", "dev"}, extra...)
	}
	evaluate := func(a testutil.Subject) evaluateJSON {
		var ev evaluateJSON
		q := url.Values{"environment": {"production"}, "digests": {a.Digest256()}}
		require.NoError(t, getJSON(n.REST("/shiplog/attestations/v1/evaluate?"+q.Encode()), &ev))
		return ev
	}

	// No evidence yet: CI's question says no, and the deployment is refused
	// (the CLI's gas simulation already reports the unmet requirement).
	ev := evaluate(artifact)
	require.False(t, ev.Allowed)
	require.Equal(t, "POLICY_OUTCOME_DENIED", ev.Decision.Outcome)
	require.Contains(t, ev.Message, `requirement "slsa-build"`)
	_, stderr, err := n.CLI(append(record("ci-1", artifact), "--yes", "--output", "json")...)
	require.Error(t, err)
	require.Contains(t, stderr, "no valid https://slsa.dev/provenance/v1 attestation")

	// The organisation's admin registers the CI job's key.
	signer := testutil.NewP256("ci-2026")
	pub := filepath.Join(dir, "cosign.pub")
	require.NoError(t, os.WriteFile(pub, []byte(signer.PublicPEM()), 0o600))
	n.Commit("tx", "attestations", "register-key", "ci-2026", "--public-key", pub,
		"--predicate-type", attestationstypes.PredicateSLSAProvenanceV1, "--from", "dev")

	// The CI job signs provenance and submits the envelope as cosign writes it.
	statement := testutil.Statement(attestationstypes.StatementTypeV01, attestationstypes.PredicateSLSAProvenanceV1,
		testutil.SLSAv1(builder, "https://github.com/shop/checkout", "9fceb02d0ae598e95dc970b74767f19372d61af8"), artifact)
	envelope := testutil.SignDSSE(attestationstypes.PayloadTypeInToto, statement, signer)
	envelope.Signatures[0].KeyID = ""
	envFile := writeJSON(t, dir, "checkout.intoto.json", envelope)
	n.Commit("tx", "attestations", "submit", envFile, "--from", "dev")
	// Submitting it again is idempotent.
	n.Commit("tx", "attestations", "submit", envFile, "--from", "dev")
	var list struct {
		Attestations []struct {
			ID            string `json:"id"`
			KeyID         string `json:"key_id"`
			PredicateType string `json:"predicate_type"`
		} `json:"attestations"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/attestations/v1/attestations?subject_digest="+url.QueryEscape(artifact.Digest256())), &list))
	require.Len(t, list.Attestations, 1)
	require.Equal(t, "ci-2026", list.Attestations[0].KeyID)

	ev = evaluate(artifact)
	require.True(t, ev.Allowed, ev.Message)
	require.Equal(t, []string{"1"}, ev.Decision.AttestationIDs)
	n.Commit(record("ci-1", artifact)...)

	// A hotfix without evidence goes through on break-glass and waits for
	// another organisation's review.
	n.Commit(record("ci-2", unattested, "--break-glass", "checkout down, hotfix for INC-7")...)

	var recs decisionRecordJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?environment=production"), &recs))
	require.Len(t, recs.Deployments, 2)
	hotfix, ok := recs.Deployments[0], recs.Deployments[1]
	require.Equal(t, "POLICY_OUTCOME_ALLOWED", ok.PolicyDecision.Outcome)
	require.Equal(t, "1", ok.PolicyDecision.PolicyVersion)
	require.Equal(t, []string{"1"}, ok.PolicyDecision.AttestationIDs)
	require.Equal(t, "POLICY_OUTCOME_BREAK_GLASS", hotfix.PolicyDecision.Outcome)
	require.NotNil(t, hotfix.BreakGlassReview)

	var pending decisionRecordJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/break-glass"), &pending))
	require.Len(t, pending.Deployments, 1)
	require.Equal(t, hotfix.ID, pending.Deployments[0].ID)

	// The dev organisation may not review its own break-glass deployment.
	review := n.Tx("tx", "deployments", "review-break-glass", hotfix.ID, "looked fine", "--from", "dev")
	require.Zero(t, review.Code, review.RawLog)
	refused := n.WaitForTx(review.TxHash, 30*time.Second)
	require.NotZero(t, refused.Code)
	require.Contains(t, refused.RawLog, "another organization")
}

func writeJSON(t *testing.T, dir, name string, v any) string {
	t.Helper()
	bz, err := json.MarshalIndent(v, "", "  ")
	require.NoError(t, err)
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, bz, 0o600))
	return path
}
