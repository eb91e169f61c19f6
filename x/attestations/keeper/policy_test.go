package keeper_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/keeper"
	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

const goodBuilder = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0"

func slsaFrom(builder, repo string) map[string]any {
	return attestutil.SLSAv1(builder, repo, "0123456789abcdef0123456789abcdef01234567")
}

// evaluate asks for apiArtifact in prod, deployed by org.
func (f *fixture) evaluate(t *testing.T, org string) deploymentstypes.PolicyDecision {
	t.Helper()
	var dec deploymentstypes.PolicyDecision
	f.requireNoEffect(t, func() {
		var err error
		dec, err = f.k.Evaluate(f.ctx, "prod", org, []string{apiArtifact.Digest256()}, false)
		require.NoError(t, err)
	})
	return dec
}

func TestEvaluateConstraints(t *testing.T) {
	slsa := func(r types.Requirement) types.Requirement {
		r.Name, r.PredicateType = "provenance", ptSLSA
		return r
	}
	// Each evidence func attests about apiArtifact (unless it says otherwise)
	// and returns the ids expected to satisfy the requirement.
	type evidence func(t *testing.T, f *fixture) []uint64
	acmeSLSA := func(t *testing.T, f *fixture) []uint64 {
		return []uint64{f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)}
	}
	globexSLSA := func(t *testing.T, f *fixture) []uint64 {
		return []uint64{f.attest(t, f.globexCI, globexKey, ptSLSA, slsaPredicate)}
	}
	both := func(t *testing.T, f *fixture) []uint64 {
		return append(acmeSLSA(t, f), globexSLSA(t, f)...)
	}
	built := func(builder, repo string) evidence {
		return func(t *testing.T, f *fixture) []uint64 {
			return []uint64{f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaFrom(builder, repo))}
		}
	}
	by := func(s attestutil.Signer, pt string, predicate any) evidence {
		return func(t *testing.T, f *fixture) []uint64 {
			submitter := map[string]string{acmeKey.ID: f.acmeCI, globexKey.ID: f.globexCI, initechKey.ID: f.initechCI}[s.ID]
			return []uint64{f.attest(t, submitter, s, pt, predicate)}
		}
	}
	vulns := func(sev ...string) evidence { return by(acmeKey, ptVuln, attestutil.Vuln(sev...)) }
	tests := func(result string, passed, failed int) evidence {
		return by(acmeKey, ptTest, attestutil.TestResult(result, passed, failed))
	}
	approval := func(s attestutil.Signer, env string) evidence {
		return by(s, ptApproval, attestutil.Approval("release-manager", env, "ok"))
	}
	aged := func(e evidence, age time.Duration) evidence {
		return func(t *testing.T, f *fixture) []uint64 {
			ids := e(t, f)
			f.advance(age)
			return ids
		}
	}
	vulnReq := types.Requirement{Name: "scan", PredicateType: ptVuln, MaxVulnerabilities: []types.SeverityLimit{{Severity: "critical", Max: 0}, {Severity: "high", Max: 2}}}
	testReq := types.Requirement{Name: "tests", PredicateType: ptTest, TestsPassed: true}
	approvalReq := types.Requirement{Name: "approval", PredicateType: ptApproval, ApprovalFromOtherOrganization: true}

	for _, tc := range []struct {
		name     string
		req      types.Requirement
		evidence []evidence
		org      string // deploying organisation (default acme)
		unmet    []string
	}{
		// predicate type
		{name: "predicate type present", req: slsa(types.Requirement{}), evidence: []evidence{acmeSLSA}},
		{name: "predicate type missing", req: slsa(types.Requirement{}), evidence: []evidence{vulns()}, unmet: []string{"no valid " + ptSLSA + " attestation"}},
		{name: "evidence about another artifact", req: slsa(types.Requirement{}), evidence: []evidence{func(t *testing.T, f *fixture) []uint64 {
			f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate, webArtifact)
			return nil
		}}, unmet: []string{"no valid " + ptSLSA + " attestation"}},
		{name: "SLSA v0.2 does not satisfy v1", req: slsa(types.Requirement{}), evidence: []evidence{by(acmeKey, ptSLSA02, map[string]any{"builder": map[string]any{"id": goodBuilder}})}, unmet: []string{"no valid " + ptSLSA}},

		// attestor organisations
		{name: "accepted organization", req: slsa(types.Requirement{AttestorOrganizations: []string{"globex", "initech"}}), evidence: []evidence{globexSLSA}},
		{name: "other organization", req: slsa(types.Requirement{AttestorOrganizations: []string{"globex", "initech"}}), evidence: []evidence{acmeSLSA}, unmet: []string{"no valid " + ptSLSA + " attestation from globex, initech"}},

		// attestor keys
		{name: "accepted key", req: slsa(types.Requirement{AttestorKeys: []string{"globex-ci"}}), evidence: []evidence{globexSLSA}},
		{name: "other key", req: slsa(types.Requirement{AttestorKeys: []string{"globex-ci"}}), evidence: []evidence{acmeSLSA}, unmet: []string{`attestation 1 is signed with key "acme-ci", not one of globex-ci`}},

		// distinct organisations
		{name: "two organizations", req: slsa(types.Requirement{MinOrganizations: 2}), evidence: []evidence{both}},
		{name: "two attestations of one organization", req: slsa(types.Requirement{MinOrganizations: 2}), evidence: []evidence{acmeSLSA, by(acmeKey, ptSLSA, slsaFrom(goodBuilder, "https://github.com/acme/other"))},
			unmet: []string{"needs " + ptSLSA + " attestations from 2 distinct organizations, found 1 (acme)"}},
		{name: "second organization not accepted", req: slsa(types.Requirement{MinOrganizations: 2, AttestorOrganizations: []string{"globex", "initech"}}), evidence: []evidence{both},
			unmet: []string{"found 1 (globex)"}},
		{name: "three organizations", req: slsa(types.Requirement{MinOrganizations: 3}), evidence: []evidence{both, by(initechKey, ptSLSA, slsaPredicate)}},

		// maximum age
		{name: "younger than max age", req: slsa(types.Requirement{MaxAge: time.Hour}), evidence: []evidence{aged(acmeSLSA, 59*time.Minute)}},
		{name: "exactly max age", req: slsa(types.Requirement{MaxAge: time.Hour}), evidence: []evidence{aged(acmeSLSA, time.Hour)}},
		{name: "older than max age", req: slsa(types.Requirement{MaxAge: time.Hour}), evidence: []evidence{aged(acmeSLSA, time.Hour+time.Second)},
			unmet: []string{"attestation 1 is older than 1h0m0s (made 2026-03-01T12:00:05Z)"}},
		{name: "a fresh attestation replaces an old one", req: slsa(types.Requirement{MaxAge: time.Hour}), evidence: []evidence{func(t *testing.T, f *fixture) []uint64 {
			acmeSLSA(t, f)
			f.advance(2 * time.Hour)
			return globexSLSA(t, f)
		}}},

		// builder ids
		{name: "allowed builder", req: slsa(types.Requirement{BuilderIds: []string{"https://other", goodBuilder}}), evidence: []evidence{acmeSLSA}},
		{name: "other builder", req: slsa(types.Requirement{BuilderIds: []string{goodBuilder}}), evidence: []evidence{built("https://evil.example/builder", "https://github.com/acme/api")},
			unmet: []string{`was built by "https://evil.example/builder", which is not an allowed builder (` + goodBuilder + ")"}},
		{name: "referenced provenance cannot be checked", req: slsa(types.Requirement{BuilderIds: []string{goodBuilder}}), evidence: []evidence{by(acmeKey, ptRef, map[string]any{
			"envelopeDigest": "sha256:" + strings.Repeat("ab", 32), "location": "https://x.example/p", "size": 1, "predicateType": ptSLSA,
		})}, unmet: []string{"has no SLSA provenance"}},

		// source repository pattern
		{name: "repository matches a star", req: slsa(types.Requirement{SourceRepositoryPattern: "https://github.com/acme/*"}), evidence: []evidence{acmeSLSA}},
		{name: "star matches slashes", req: slsa(types.Requirement{SourceRepositoryPattern: "https://github.com/*"}), evidence: []evidence{acmeSLSA}},
		{name: "stars inside", req: slsa(types.Requirement{SourceRepositoryPattern: "*/acme/*i"}), evidence: []evidence{acmeSLSA}},
		{name: "exact repository", req: slsa(types.Requirement{SourceRepositoryPattern: "https://github.com/acme/api"}), evidence: []evidence{acmeSLSA}},
		{name: "prefix is not a match", req: slsa(types.Requirement{SourceRepositoryPattern: "https://github.com/acme"}), evidence: []evidence{acmeSLSA},
			unmet: []string{`was built from "https://github.com/acme/api", which does not match "https://github.com/acme"`}},
		{name: "other repository", req: slsa(types.Requirement{SourceRepositoryPattern: "https://github.com/acme/*"}), evidence: []evidence{built(goodBuilder, "https://github.com/evil/api")},
			unmet: []string{`was built from "https://github.com/evil/api", which does not match "https://github.com/acme/*"`}},

		// vulnerabilities
		{name: "vulnerabilities within limits", req: vulnReq, evidence: []evidence{vulns("HIGH", "HIGH", "LOW", "MEDIUM")}},
		{name: "clean scan", req: vulnReq, evidence: []evidence{vulns()}},
		{name: "a critical vulnerability", req: vulnReq, evidence: []evidence{vulns("CRITICAL")}, unmet: []string{"attestation 1 reports 1 critical vulnerabilities, at most 0 allowed"}},
		{name: "too many high vulnerabilities", req: vulnReq, evidence: []evidence{vulns("HIGH", "HIGH", "HIGH")}, unmet: []string{"reports 3 high vulnerabilities, at most 2 allowed"}},
		{name: "the newest clean scan counts", req: vulnReq, evidence: []evidence{func(t *testing.T, f *fixture) []uint64 {
			vulns("CRITICAL")(t, f)
			return vulns("LOW")(t, f)
		}}},

		// tests
		{name: "tests passed", req: testReq, evidence: []evidence{tests("PASSED", 10, 0)}},
		{name: "tests failed", req: testReq, evidence: []evidence{tests("FAILED", 8, 2)}, unmet: []string{"attestation 1 reports tests FAILED (2 failed)"}},
		{name: "tests warned", req: testReq, evidence: []evidence{tests("WARNED", 8, 0)}, unmet: []string{"reports tests WARNED (0 failed)"}},

		// approvals
		{name: "approval from another organization", req: approvalReq, evidence: []evidence{approval(globexKey, "prod")}},
		{name: "approval for any environment", req: approvalReq, evidence: []evidence{approval(globexKey, "")}},
		{name: "approval from the deployer's organization", req: approvalReq, evidence: []evidence{approval(acmeKey, "prod")},
			unmet: []string{`attestation 1 comes from the deploying organization "acme"; an approval must come from another organization`}},
		{name: "approval for another environment", req: approvalReq, evidence: []evidence{approval(globexKey, "staging")},
			unmet: []string{`attestation 1 approves environment "staging", not "prod"`}},
		{name: "own approval counts when the deployer is globex", req: approvalReq, org: "globex", evidence: []evidence{approval(acmeKey, "prod")}},
		{name: "approval without a deploying organization", req: approvalReq, org: "-", evidence: []evidence{approval(acmeKey, "prod")}},
		{name: "approval from another organization plus one rejected", req: approvalReq, evidence: []evidence{func(t *testing.T, f *fixture) []uint64 {
			approval(acmeKey, "prod")(t, f)
			return approval(initechKey, "prod")(t, f)
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := withKeys(t)
			var want []uint64
			for _, e := range tc.evidence {
				want = append(want, e(t, f)...)
			}
			f.setPolicy(t, f.policyMsg("prod", tc.req))
			org := tc.org
			switch org {
			case "":
				org = "acme"
			case "-":
				org = ""
			}
			dec := f.evaluate(t, org)
			require.Equal(t, "prod", dec.Environment)
			require.Equal(t, uint64(1), dec.PolicyVersion)
			require.True(t, dec.Enforced)
			if len(tc.unmet) == 0 {
				require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome, "%+v", dec.Unmet)
				require.Empty(t, dec.Unmet)
				require.ElementsMatch(t, want, dec.AttestationIds)
				return
			}
			require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
			require.Empty(t, dec.AttestationIds)
			require.Len(t, dec.Unmet, 1)
			u := dec.Unmet[0]
			require.Equal(t, apiArtifact.Digest256(), u.ArtifactDigest)
			require.Equal(t, tc.req.Name, u.Requirement)
			for _, c := range tc.unmet {
				require.Contains(t, u.Reason, c)
			}
		})
	}
}

// An approval names the environment it approves; it should not satisfy an
// approval requirement of another environment, whoever approved.
func TestEvaluateApprovalEnvironmentWithoutOtherOrganization(t *testing.T) {
	f := withKeys(t)
	f.attest(t, f.globexCI, globexKey, ptApproval, attestutil.Approval("release-manager", "staging", ""))
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "approval", PredicateType: ptApproval}))
	dec := f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.Contains(t, dec.Unmet[0].Reason, `approves environment "staging", not "prod"`)
}

// twoRequirementPolicy needs SLSA provenance and a clean scan.
func (f *fixture) twoRequirementPolicy(mode types.PolicyMode) *types.MsgSetPolicy {
	m := f.policyMsg("prod",
		types.Requirement{Name: "provenance", PredicateType: ptSLSA, BuilderIds: []string{goodBuilder}},
		types.Requirement{Name: "scan", PredicateType: ptVuln, MaxVulnerabilities: []types.SeverityLimit{{Severity: "critical"}}},
	)
	m.Mode = mode
	return m
}

func TestEvaluateDeploymentEnforce(t *testing.T) {
	f := withKeys(t)
	f.setPolicy(t, f.twoRequirementPolicy(types.POLICY_MODE_ENFORCE))
	f.attest(t, f.acmeCI, acmeKey, ptVuln, attestutil.Vuln("CRITICAL"), webArtifact)
	d := deployment("prod", "acme", apiArtifact.Digest256(), webArtifact.Digest256())

	var err error
	var dec deploymentstypes.PolicyDecision
	f.requireNoEffect(t, func() { dec, err = f.k.EvaluateDeployment(f.ctx, d) })
	require.ErrorIs(t, err, types.ErrPolicyDenied)
	require.NotErrorIs(t, err, types.ErrBreakGlassNotAllowed)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.Len(t, dec.Unmet, 4, "two requirements for each of two artifacts")
	for _, want := range []string{
		`deployment to "prod" denied by policy version 1`,
		"artifact " + apiArtifact.Digest256() + `: requirement "provenance": no valid ` + ptSLSA + " attestation",
		"artifact " + apiArtifact.Digest256() + `: requirement "scan": no valid ` + ptVuln + " attestation",
		"artifact " + webArtifact.Digest256() + `: requirement "provenance": no valid`,
		"artifact " + webArtifact.Digest256() + `: requirement "scan": attestation 1 reports 1 critical vulnerabilities, at most 0 allowed`,
	} {
		require.ErrorContains(t, err, want)
	}

	// Evidence for everything: allowed, with the satisfying ids.
	ids := []uint64{
		f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate, apiArtifact, webArtifact),
		f.attest(t, f.acmeCI, acmeKey, ptVuln, attestutil.Vuln("LOW"), apiArtifact, webArtifact),
	}
	dec, err = f.k.EvaluateDeployment(f.ctx, d)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
	require.Equal(t, ids, dec.AttestationIds)
	require.True(t, dec.Enforced)
	require.True(t, keeper.Admits(dec))
	ev := f.eventsOf("shiplog.attestations.v1.EventPolicyDecision")
	require.Len(t, ev, 1)
	require.Equal(t, `"allowed"`, ev[0]["outcome"])
	require.Equal(t, `"7"`, ev[0]["deployment_id"])
	require.Contains(t, keeper.DecisionMessage(dec, false), `allowed by policy version 1 of "prod"`)
}

func TestEvaluateDeploymentDryRun(t *testing.T) {
	f := withKeys(t)
	f.setPolicy(t, f.twoRequirementPolicy(types.POLICY_MODE_DRY_RUN))
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaFrom("https://evil.example", "https://github.com/acme/api"))
	dec, err := f.k.EvaluateDeployment(f.ctx, deployment("prod", "acme", apiArtifact.Digest256()))
	require.NoError(t, err, "a dry run never rejects")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.False(t, dec.Enforced)
	require.True(t, keeper.Admits(dec))
	require.Len(t, dec.Unmet, 2)
	msg := keeper.DecisionMessage(dec, false)
	require.Contains(t, msg, "would be denied (dry run, recorded only)")
	require.Contains(t, msg, `requirement "provenance": attestation 1 was built by "https://evil.example"`)
	ev := f.eventsOf("shiplog.attestations.v1.EventPolicyDecision")
	require.Len(t, ev, 1)
	require.Equal(t, `"denied"`, ev[0]["outcome"])
	require.Equal(t, "false", ev[0]["enforced"])
}

func TestEvaluateBreakGlass(t *testing.T) {
	t.Run("allowed", func(t *testing.T) {
		f := withKeys(t)
		m := f.twoRequirementPolicy(types.POLICY_MODE_ENFORCE)
		m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, 24*time.Hour
		f.setPolicy(t, m)
		d := deployment("prod", "acme", apiArtifact.Digest256())
		d.BreakGlass = "checkout is down, hotfix"
		dec, err := f.k.EvaluateDeployment(f.ctx, d)
		require.NoError(t, err)
		require.Equal(t, deploymentstypes.POLICY_OUTCOME_BREAK_GLASS, dec.Outcome)
		require.Equal(t, 24*time.Hour, dec.BreakGlassReviewPeriod)
		require.Len(t, dec.Unmet, 2, "the unmet requirements are still recorded")
		msg := keeper.DecisionMessage(dec, true)
		require.Contains(t, msg, "allowed on break-glass by policy version 1")
		require.Contains(t, msg, "within 24h0m0s")
		require.Contains(t, msg, `requirement "scan"`)
		ev := f.eventsOf("shiplog.attestations.v1.EventPolicyDecision")
		require.Len(t, ev, 1)
		require.Equal(t, `"break_glass"`, ev[0]["outcome"])

		// Without a justification the same deployment is denied.
		d.BreakGlass = ""
		_, err = f.k.EvaluateDeployment(f.ctx, d)
		require.ErrorIs(t, err, types.ErrPolicyDenied)
	})
	t.Run("not needed when the requirements are met", func(t *testing.T) {
		f := withKeys(t)
		m := f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA})
		m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, time.Hour
		f.setPolicy(t, m)
		f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
		d := deployment("prod", "acme", apiArtifact.Digest256())
		d.BreakGlass = "just in case"
		dec, err := f.k.EvaluateDeployment(f.ctx, d)
		require.NoError(t, err)
		require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
		require.Zero(t, dec.BreakGlassReviewPeriod)
	})
	t.Run("not allowed", func(t *testing.T) {
		f := withKeys(t)
		f.setPolicy(t, f.twoRequirementPolicy(types.POLICY_MODE_ENFORCE))
		d := deployment("prod", "acme", apiArtifact.Digest256())
		d.BreakGlass = "checkout is down, hotfix"
		var err error
		var dec deploymentstypes.PolicyDecision
		f.requireNoEffect(t, func() { dec, err = f.k.EvaluateDeployment(f.ctx, d) })
		require.ErrorIs(t, err, types.ErrBreakGlassNotAllowed)
		require.ErrorContains(t, err, `break-glass is not allowed in environment "prod"`)
		require.ErrorContains(t, err, `requirement "provenance"`)
		require.ErrorContains(t, err, `requirement "scan"`)
		require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	})
	t.Run("dry run records a denial, break-glass or not", func(t *testing.T) {
		f := withKeys(t)
		f.setPolicy(t, f.twoRequirementPolicy(types.POLICY_MODE_DRY_RUN))
		d := deployment("prod", "acme", apiArtifact.Digest256())
		d.BreakGlass = "hotfix"
		dec, err := f.k.EvaluateDeployment(f.ctx, d)
		require.NoError(t, err)
		require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	})
}

func TestEvaluateNoPolicy(t *testing.T) {
	f := withKeys(t)
	f.setPolicy(t, f.policyMsg("staging", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	var dec deploymentstypes.PolicyDecision
	f.requireNoEffect(t, func() {
		var err error
		dec, err = f.k.EvaluateDeployment(f.ctx, deployment("prod", "acme", apiArtifact.Digest256()))
		require.NoError(t, err)
	})
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_NO_POLICY, dec.Outcome)
	require.Equal(t, "prod", dec.Environment)
	require.Zero(t, dec.PolicyVersion)
	require.Equal(t, `environment "prod" has no policy: any deployment is allowed`, keeper.DecisionMessage(dec, false))
}

func TestEvaluateEdgeCases(t *testing.T) {
	f := withKeys(t)
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	dec, err := f.k.Evaluate(f.ctx, "prod", "acme", nil, false)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.Equal(t, []deploymentstypes.UnmetRequirement{{Requirement: "provenance", Reason: "the deployment names no artifact to check"}}, dec.Unmet)

	// A repeated digest is checked once.
	dec, err = f.k.Evaluate(f.ctx, "prod", "acme", []string{apiArtifact.Digest256(), apiArtifact.Digest256()}, false)
	require.NoError(t, err)
	require.Len(t, dec.Unmet, 1)

	// A policy without requirements allows anything.
	f.setPolicy(t, f.policyMsg("prod"))
	dec, err = f.k.Evaluate(f.ctx, "prod", "acme", []string{apiArtifact.Digest256()}, false)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
	require.Equal(t, uint64(2), dec.PolicyVersion)
}

func TestEvaluateRevocations(t *testing.T) {
	f := withKeys(t) // keys registered at height 10
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	f.ctx = f.ctx.WithBlockHeight(12)
	early := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.ctx = f.ctx.WithBlockHeight(20)
	late := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaFrom(goodBuilder, "https://github.com/acme/api2"))
	f.ctx = f.ctx.WithBlockHeight(30)

	// The decision names the newest satisfying attestation.
	dec := f.evaluate(t, "acme")
	require.Equal(t, []uint64{late}, dec.AttestationIds)

	// The key is revoked from height 15: the attestation of height 20 no
	// longer counts, the one of height 12 does.
	f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 15)
	dec = f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
	require.Equal(t, []uint64{early}, dec.AttestationIds)

	// A revoked attestation no longer counts.
	_, err := f.msgs.RevokeAttestation(f.ctx, &types.MsgRevokeAttestation{Admin: f.acmeAdmin, Id: early, Reason: "wrong commit"})
	require.NoError(t, err)
	dec = f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.Equal(t, "no valid "+ptSLSA+" attestation", dec.Unmet[0].Reason)

	// Globex's evidence is unaffected by acme's key.
	g := f.attest(t, f.globexCI, globexKey, ptSLSA, slsaPredicate)
	require.Equal(t, []uint64{g}, f.evaluate(t, "acme").AttestationIds)
}

func TestEvaluateKeyRevokedBeforeAttestation(t *testing.T) {
	f := withKeys(t)
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	f.ctx = f.ctx.WithBlockHeight(12)
	id := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	require.Equal(t, []uint64{id}, f.evaluate(t, "acme").AttestationIds)
	f.ctx = f.ctx.WithBlockHeight(30)
	f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 12) // from the attestation's own height
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, f.evaluate(t, "acme").Outcome)
}

func TestPolicyVersions(t *testing.T) {
	f := withKeys(t)
	v1 := f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA, MinOrganizations: 2})
	require.Equal(t, uint64(1), f.setPolicy(t, v1))
	ev := f.eventsOf("shiplog.attestations.v1.EventPolicySet")
	require.Len(t, ev, 1)
	require.Equal(t, `"enforce"`, ev[0]["mode"])
	require.Equal(t, uint64(1), f.setPolicy(t, f.policyMsg("staging")), "versions count per environment")
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, f.evaluate(t, "acme").Outcome)

	f.nextBlock()
	v2 := f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA})
	v2.Mode = types.POLICY_MODE_DRY_RUN
	require.Equal(t, uint64(2), f.setPolicy(t, v2))
	dec := f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
	require.Equal(t, uint64(2), dec.PolicyVersion)
	require.False(t, dec.Enforced)

	cur, err := f.k.GetPolicy(f.ctx, "prod", 0)
	require.NoError(t, err)
	require.Equal(t, uint64(2), cur.Version)
	require.Equal(t, types.POLICY_MODE_DRY_RUN, cur.Mode)
	require.Equal(t, f.ctx.BlockHeight(), cur.SetHeight)
	require.True(t, cur.SetAt.Equal(f.ctx.BlockTime()))

	old, err := f.k.GetPolicy(f.ctx, "prod", 1)
	require.NoError(t, err)
	require.Equal(t, uint64(1), old.Version)
	require.Equal(t, uint32(2), old.Requirements[0].MinOrganizations)
	require.Equal(t, types.POLICY_MODE_ENFORCE, old.Mode)
	require.Equal(t, int64(11), old.SetHeight)

	_, err = f.k.GetPolicy(f.ctx, "prod", 3)
	require.ErrorIs(t, err, types.ErrPolicyNotFound)
	require.ErrorContains(t, err, `environment "prod" has no policy version 3`)
	_, err = f.k.GetPolicy(f.ctx, "qa", 0)
	require.ErrorIs(t, err, types.ErrPolicyNotFound)
	require.ErrorContains(t, err, `environment "qa" has no policy`)
}

func TestSetPolicyRejected(t *testing.T) {
	f := withKeys(t)
	with := func(mod func(m *types.MsgSetPolicy)) *types.MsgSetPolicy {
		m := f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA})
		mod(m)
		return m
	}
	withReq := func(mod func(r *types.Requirement)) *types.MsgSetPolicy {
		return with(func(m *types.MsgSetPolicy) { mod(&m.Requirements[0]) })
	}
	for _, tc := range []struct {
		name     string
		msg      *types.MsgSetPolicy
		class    error
		contains []string
	}{
		{"unknown organization", withReq(func(r *types.Requirement) { r.AttestorOrganizations = []string{"globex", "umbrella"} }), types.ErrUnknownOrganization,
			[]string{`requirement "provenance" accepts organization "umbrella", which is not a consortium member`}},
		{"unknown key", withReq(func(r *types.Requirement) { r.AttestorKeys = []string{"acme-ci", "nope"} }), types.ErrKeyNotFound, []string{`requirement "provenance"`, `"nope"`}},
		{"not the authority", with(func(m *types.MsgSetPolicy) { m.Authority = f.acmeAdmin }), types.ErrUnauthorized, []string{"policies are set by consortium proposal", f.acmeAdmin}},
		{"authority not an address", with(func(m *types.MsgSetPolicy) { m.Authority = "consortium" }), types.ErrInvalidAddress, []string{"authority"}},
		{"authority of another prefix", with(func(m *types.MsgSetPolicy) {
			m.Authority = mustString(t, cosmosCodec, []byte(mustBytes(t, f.authority)))
		}), types.ErrInvalidAddress, nil},
		{"mode unspecified", with(func(m *types.MsgSetPolicy) { m.Mode = types.POLICY_MODE_UNSPECIFIED }), types.ErrInvalidPolicy, []string{"mode must be enforce or dry_run"}},
		{"bad environment", with(func(m *types.MsgSetPolicy) { m.Environment = "Prod!" }), types.ErrInvalidPolicy, []string{"environment"}},
		{"no environment", with(func(m *types.MsgSetPolicy) { m.Environment = "" }), types.ErrInvalidPolicy, []string{"environment is required"}},
		{"duplicate requirement names", with(func(m *types.MsgSetPolicy) {
			m.Requirements = append(m.Requirements, types.Requirement{Name: "provenance", PredicateType: ptVuln})
		}), types.ErrInvalidPolicy, []string{`requirement name "provenance" repeated (requirements 0 and 1)`}},
		{"unnamed requirement", withReq(func(r *types.Requirement) { r.Name = "" }), types.ErrInvalidPolicy, []string{"requirements[0]", "name is required"}},
		{"predicate type not a URI", withReq(func(r *types.Requirement) { r.PredicateType = "slsa" }), types.ErrInvalidPolicy, []string{"absolute URI"}},
		{"min organizations above accepted", withReq(func(r *types.Requirement) {
			r.AttestorOrganizations, r.MinOrganizations = []string{"acme", "globex"}, 3
		}), types.ErrInvalidPolicy, []string{"min_organizations 3 exceeds the 2 accepted organizations"}},
		{"min organizations too large", withReq(func(r *types.Requirement) { r.MinOrganizations = 33 }), types.ErrInvalidPolicy, []string{"min_organizations 33"}},
		// Constraints on a summary the predicate type does not have could never be met.
		{"builder constraint on a scan", withReq(func(r *types.Requirement) { r.PredicateType, r.BuilderIds = ptVuln, []string{goodBuilder} }), types.ErrInvalidPolicy,
			[]string{"builder_ids and source_repository_pattern apply to SLSA provenance, not " + ptVuln}},
		{"vulnerability limit on provenance", withReq(func(r *types.Requirement) { r.MaxVulnerabilities = []types.SeverityLimit{{Severity: "critical"}} }), types.ErrInvalidPolicy,
			[]string{"max_vulnerabilities applies to " + ptVuln + ", not " + ptSLSA}},
		{"tests passed on provenance", withReq(func(r *types.Requirement) { r.TestsPassed = true }), types.ErrInvalidPolicy,
			[]string{"tests_passed applies to"}},
		{"unknown severity", withReq(func(r *types.Requirement) { r.MaxVulnerabilities = []types.SeverityLimit{{Severity: "severe"}} }), types.ErrInvalidPolicy,
			[]string{`severity "severe" is not one of critical, high`}},
		{"capitalised severity", withReq(func(r *types.Requirement) { r.MaxVulnerabilities = []types.SeverityLimit{{Severity: "CRITICAL"}} }), types.ErrInvalidPolicy, []string{`"CRITICAL"`}},
		{"repeated severity", withReq(func(r *types.Requirement) {
			r.MaxVulnerabilities = []types.SeverityLimit{{Severity: "high", Max: 1}, {Severity: "high", Max: 2}}
		}), types.ErrInvalidPolicy, []string{`repeats severity "high"`}},
		{"repeated organization", withReq(func(r *types.Requirement) { r.AttestorOrganizations = []string{"acme", "acme"} }), types.ErrInvalidPolicy, []string{`attestor_organizations repeats "acme"`}},
		{"repeated builder", withReq(func(r *types.Requirement) { r.BuilderIds = []string{goodBuilder, goodBuilder} }), types.ErrInvalidPolicy, []string{"builder_ids repeats"}},
		{"negative max age", withReq(func(r *types.Requirement) { r.MaxAge = -time.Second }), types.ErrInvalidPolicy, []string{"max_age is negative"}},
		{"break-glass without period", with(func(m *types.MsgSetPolicy) { m.BreakGlassAllowed = true }), types.ErrInvalidPolicy,
			[]string{"break_glass_allowed needs a break_glass_review_period"}},
		{"negative review period", with(func(m *types.MsgSetPolicy) { m.BreakGlassReviewPeriod = -time.Hour }), types.ErrInvalidPolicy, []string{"negative"}},
		{"review period above a year", with(func(m *types.MsgSetPolicy) {
			m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, 367*24*time.Hour
		}), types.ErrInvalidPolicy, []string{"longer than a year"}},
		{"too many requirements", with(func(m *types.MsgSetPolicy) {
			m.Requirements = nil
			for i := range 17 {
				m.Requirements = append(m.Requirements, types.Requirement{Name: "r" + string(rune('a'+i)), PredicateType: ptSLSA})
			}
		}), types.ErrInvalidPolicy, []string{"17 requirements, at most 16"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.class, tc.contains...)
		})
	}
	_, err := f.msgs.SetPolicy(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	// The base message is valid.
	require.Equal(t, uint64(1), f.setPolicy(t, with(func(*types.MsgSetPolicy) {})))
}

func mustBytes(t *testing.T, s string) []byte {
	t.Helper()
	bz, err := ac.StringToBytes(s)
	require.NoError(t, err)
	return bz
}

// A reference puts no approval content on chain: the chain cannot tell who
// approved or for which environment, so it should not satisfy an approval
// requirement (SubmitAttestation: "the others stay empty and do not satisfy
// predicate constraints").
func TestEvaluateReferencedApprovalDoesNotSatisfyApprovalRequirement(t *testing.T) {
	f := withKeys(t)
	f.attest(t, f.globexCI, globexKey, ptRef, map[string]any{
		"envelopeDigest": "sha256:" + strings.Repeat("ab", 32), "location": "https://x.example/approval-for-staging", "size": 100000, "predicateType": ptApproval,
	})
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "approval", PredicateType: ptApproval, ApprovalFromOtherOrganization: true}))
	dec := f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, dec.Outcome)
	require.Equal(t, "attestation 1 is an approval whose content is not on chain", dec.Unmet[0].Reason)
}

// Attestations of other predicate types (and revoked ones) use up the
// newest-first read window of maxEvidencePerDigest (256), so a member with
// an attestor key can push valid evidence out of reach by attesting noise
// about the artifact.
func TestEvaluateEvidenceNotStarvedByOtherPredicateTypes(t *testing.T) {
	const noise = "https://example.com/noise/v1"
	f := withKeys(t)
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, f.evaluate(t, "acme").Outcome)

	noiseKey := attestutil.NewEd25519("initech-noise")
	f.register(t, f.initechAdmin, noiseKey, noise)
	for i := range 256 {
		f.attest(t, f.initechCI, noiseKey, noise, map[string]any{"n": i})
	}
	dec := f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome, "%+v", dec.Unmet)
}

// Within one predicate type the window is still shared by every
// organisation: one whose key may attest the type can hide another's valid
// evidence behind 256 newer attestations the requirement does not accept.
func TestEvaluateEvidenceNotStarvedByOtherOrganizations(t *testing.T) {
	f := withKeys(t)
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA, AttestorOrganizations: []string{"acme"}}))
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, f.evaluate(t, "acme").Outcome)
	for i := range 256 {
		f.attest(t, f.initechCI, initechKey, ptSLSA, slsaFrom(goodBuilder, fmt.Sprintf("https://github.com/initech/r%d", i)))
	}
	dec := f.evaluate(t, "acme")
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome, "%+v", dec.Unmet)
}
