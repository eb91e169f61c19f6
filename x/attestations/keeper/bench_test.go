package keeper_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
)

// BenchmarkSubmitAttestation: a new SLSA envelope per iteration, verified
// (P-256 or Ed25519), parsed, summarised and stored.
func BenchmarkSubmitAttestation(b *testing.B) {
	for _, k := range []struct {
		name   string
		signer attestutil.Signer
	}{{"p256", acmeKey}, {"ed25519", initechKey}} {
		b.Run(k.name, func(b *testing.B) {
			f := withKeys(b)
			submitter := map[string]string{"acme-ci": f.acmeCI, "initech-ci": f.initechCI}[k.signer.ID]
			envs := make([]types.Envelope, b.N)
			for i := range envs {
				envs[i] = envelope(k.signer, ptSLSA, slsaPredicate, attestutil.SHA256Subject("a", fmt.Sprint(i)))
			}
			b.ResetTimer()
			for i := range b.N {
				if _, err := f.msgs.SubmitAttestation(f.ctx, subMsg(submitter, k.signer.ID, envs[i])); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluateDeployment: the decision for one artifact under a policy
// of three requirements (SLSA builder, clean scan, another organisation's
// approval), each met, with ten older attestations of each kind per
// organisation on the artifact.
func BenchmarkEvaluateDeployment(b *testing.B) {
	f := withKeys(b)
	for range 10 {
		f.attest(b, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
		f.attest(b, f.acmeCI, acmeKey, ptVuln, attestutil.Vuln("LOW"))
		f.attest(b, f.globexCI, globexKey, ptApproval, attestutil.Approval("rm", "prod", ""))
		f.nextBlock()
	}
	f.setPolicy(b, f.policyMsg("prod",
		types.Requirement{Name: "slsa", PredicateType: ptSLSA, BuilderIds: []string{goodBuilder}},
		types.Requirement{Name: "scan", PredicateType: ptVuln, MaxVulnerabilities: []types.SeverityLimit{{Severity: "critical"}}},
		types.Requirement{Name: "four-eyes", PredicateType: ptApproval, ApprovalFromOtherOrganization: true},
	))
	d := deployment("prod", "acme", apiArtifact.Digest256())
	dec, err := f.k.EvaluateDeployment(f.ctx, d)
	require.NoError(b, err)
	require.Equal(b, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome, "%+v", dec.Unmet)
	b.ResetTimer()
	for range b.N {
		if _, err := f.k.EvaluateDeployment(f.ctx, d); err != nil {
			b.Fatal(err)
		}
	}
}
