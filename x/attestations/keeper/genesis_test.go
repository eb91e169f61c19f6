package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// populated has keys (one revoked), five attestations (one revoked, one a
// reference) and policies prod v1, v2 and staging v1.
func populated(t *testing.T) *fixture {
	f := withKeys(t)
	f.register(t, f.acmeAdmin, acmeEd, ptSLSA)
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.attest(t, f.globexCI, globexKey, ptApproval, attestutil.Approval("carol", "prod", "ok"))
	f.attest(t, f.acmeCI, acmeKey, ptVuln, attestutil.Vuln("LOW"), apiArtifact, webArtifact)
	f.attest(t, f.acmeCI, acmeKey, ptRef, map[string]any{
		"envelopeDigest": "sha256:" + strings.Repeat("ef", 32), "location": "https://sbom.example/1", "size": 1 << 20, "predicateType": ptSPDX,
	})
	f.attest(t, f.acmeCI, acmeEd, ptSLSA, slsaPredicate, webArtifact)
	f.nextBlock()
	_, err := f.msgs.RevokeAttestation(f.ctx, &types.MsgRevokeAttestation{Admin: f.acmeAdmin, Id: 3, Reason: "scanner misconfigured"})
	require.NoError(t, err)
	f.revokeKey(t, f.acmeAdmin, acmeEd.ID, 0)
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	m := f.policyMsg("staging")
	m.Mode = types.POLICY_MODE_DRY_RUN
	f.setPolicy(t, m)
	f.nextBlock()
	m = f.policyMsg("prod",
		types.Requirement{Name: "provenance", PredicateType: ptSLSA, MaxAge: 24 * time.Hour, SourceRepositoryPattern: "https://github.com/acme/*"},
		types.Requirement{Name: "approval", PredicateType: ptApproval, ApprovalFromOtherOrganization: true, AttestorOrganizations: []string{"globex"}})
	m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, 2*time.Hour
	f.setPolicy(t, m)
	return f
}

func TestGenesisRoundTrip(t *testing.T) {
	f := populated(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, gs.Validate())
	require.Equal(t, uint64(6), gs.NextAttestationId)
	require.Len(t, gs.Keys, 4)
	require.Len(t, gs.Attestations, 5)
	require.Len(t, gs.Policies, 3)

	// Through JSON, as genesis.json carries it.
	bz, err := f.cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var decoded types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &decoded))

	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight()).WithBlockTime(f.ctx.BlockTime())
	require.NoError(t, g.k.InitGenesis(g.ctx, decoded))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, again)
	require.Equal(t, f.dump(t), g.dump(t), "same records and the same index entries")

	// The indexes answer on the new store.
	res, err := g.queries.Attestations(g.ctx, &types.QueryAttestationsRequest{SubjectDigest: webArtifact.Digest256()})
	require.NoError(t, err)
	require.Equal(t, []uint64{5, 3}, attestationIDs(res.Attestations))
	res, err = g.queries.Attestations(g.ctx, &types.QueryAttestationsRequest{OrganizationId: "globex"})
	require.NoError(t, err)
	require.Equal(t, []uint64{2}, attestationIDs(res.Attestations))
	keys, err := g.queries.AttestorKeys(g.ctx, &types.QueryAttestorKeysRequest{OrganizationId: "acme"})
	require.NoError(t, err)
	require.Equal(t, []string{"acme-ci", "acme-ed"}, keyIDs(keys.Keys))
	cur, err := g.k.GetPolicy(g.ctx, "prod", 0)
	require.NoError(t, err)
	require.Equal(t, uint64(2), cur.Version)

	// The same decision on both stores.
	want, err := f.k.Evaluate(f.ctx, "prod", "acme", []string{apiArtifact.Digest256()}, false)
	require.NoError(t, err)
	got, err := g.k.Evaluate(g.ctx, "prod", "acme", []string{apiArtifact.Digest256()}, false)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, got.Outcome)
	require.Equal(t, []uint64{1, 2}, got.AttestationIds)

	// Ids continue, the envelope index still detects duplicates and the
	// revoked key stays revoked.
	g.nextBlock()
	require.Equal(t, uint64(6), g.attest(t, g.acmeCI, acmeKey, ptSLSA, slsaPredicate, webArtifact))
	dup, err := g.msgs.SubmitAttestation(g.ctx, subMsg(g.acmeCI, "", f.attestation(t, 1).Envelope))
	require.NoError(t, err)
	require.Equal(t, &types.MsgSubmitAttestationResponse{Id: 1, Existing: true}, dup)
	g.requireRejected(t, subMsg(g.acmeCI, acmeEd.ID, envelope(acmeEd, ptSLSA, slsaPredicate)), types.ErrKeyRevoked)
	_, err = g.msgs.SetPolicy(g.ctx, g.policyMsg("prod"))
	require.NoError(t, err)
	cur, err = g.k.GetPolicy(g.ctx, "prod", 0)
	require.NoError(t, err)
	require.Equal(t, uint64(3), cur.Version, "versions continue after the highest imported one")
}

func TestGenesisDefault(t *testing.T) {
	f := newFixture(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, types.DefaultGenesis(), gs)
	require.NoError(t, types.DefaultGenesis().Validate())
	f.register(t, f.acmeAdmin, acmeKey, ptSLSA)
	require.Equal(t, uint64(1), f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate))
}

func TestGenesisCurrentPolicyIsTheHighestVersion(t *testing.T) {
	f := populated(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// Highest version first: the current one must still be the highest.
	for i, j := 0, len(gs.Policies)-1; i < j; i, j = i+1, j-1 {
		gs.Policies[i], gs.Policies[j] = gs.Policies[j], gs.Policies[i]
	}
	g := newFixture(t)
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
	res, err := g.queries.Policies(g.ctx, &types.QueryPoliciesRequest{})
	require.NoError(t, err)
	require.Len(t, res.Policies, 2)
	require.Equal(t, uint64(2), res.Policies[0].Version)
	require.Equal(t, uint64(1), res.Policies[1].Version)
}

func TestInitGenesisRejectsBadAddresses(t *testing.T) {
	f := populated(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)

	g := newFixture(t)
	bad := *gs
	bad.Keys = append([]types.AttestorKey(nil), gs.Keys...)
	bad.Keys[0].RegisteredBy = "cosmos1xyz"
	err = g.k.InitGenesis(g.ctx, bad)
	require.ErrorIs(t, err, types.ErrInvalidGenesis)

	g = newFixture(t)
	bad = *gs
	bad.Keys = append([]types.AttestorKey(nil), gs.Keys...)
	bad.Keys[0].RegisteredBy = ""
	err = g.k.InitGenesis(g.ctx, bad)
	require.ErrorIs(t, err, types.ErrInvalidGenesis)
	require.ErrorContains(t, err, `key "acme-ci": registered_by`)

	g = newFixture(t)
	bad = *gs
	bad.Attestations = append([]types.Attestation(nil), gs.Attestations...)
	bad.Attestations[1].Submitter = mustString(t, cosmosCodec, addr(7))
	err = g.k.InitGenesis(g.ctx, bad)
	require.ErrorIs(t, err, types.ErrInvalidGenesis)
	require.ErrorContains(t, err, "attestation 2: submitter")

	g = newFixture(t)
	err = g.k.InitGenesis(g.ctx, types.GenesisState{})
	require.ErrorIs(t, err, types.ErrInvalidGenesis, "InitGenesis validates")
}

func TestGenesisValidate(t *testing.T) {
	f := populated(t)
	base, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// clone copies the slices so each case edits its own genesis.
	clone := func() types.GenesisState {
		gs := *base
		gs.Keys = append([]types.AttestorKey(nil), base.Keys...)
		gs.Attestations = append([]types.Attestation(nil), base.Attestations...)
		gs.Policies = append([]types.Policy(nil), base.Policies...)
		return gs
	}
	for _, tc := range []struct {
		name string
		mod  func(gs *types.GenesisState)
		msg  string
	}{
		{"next id zero", func(gs *types.GenesisState) { gs.NextAttestationId = 0 }, "next_attestation_id must be at least 1"},
		{"next id not above the ids", func(gs *types.GenesisState) { gs.NextAttestationId = 5 }, "id 5 is not in [1, next_attestation_id 5)"},
		{"duplicate key", func(gs *types.GenesisState) { gs.Keys = append(gs.Keys, gs.Keys[0]) }, `key id "acme-ci" repeated`},
		{"bad key id", func(gs *types.GenesisState) { gs.Keys[0].KeyId = "Acme" }, "keys[0]"},
		{"bad public key", func(gs *types.GenesisState) { gs.Keys[1].PublicKey = "x" }, "not PEM encoded"},
		{"bad organization", func(gs *types.GenesisState) { gs.Keys[1].OrganizationId = "" }, "organization_id is required"},
		{"attestation id zero", func(gs *types.GenesisState) { gs.Attestations[0].Id = 0 }, "attestations[0]: id 0"},
		{"duplicate attestation id", func(gs *types.GenesisState) { gs.Attestations[1].Id = 1 }, "attestations[1]: id 1 repeated"},
		{"unknown key reference", func(gs *types.GenesisState) { gs.Attestations[2].KeyId = "nope" }, `attestation 3: key "nope" is not in genesis`},
		{"attestation without subject", func(gs *types.GenesisState) { gs.Attestations[0].Subjects = nil }, "attestation 1 has no subject"},
		{"duplicate envelope", func(gs *types.GenesisState) { gs.Attestations[1].EnvelopeDigest = gs.Attestations[0].EnvelopeDigest }, "attestations 1 and 2 share envelope digest"},
		{"bad subject digest", func(gs *types.GenesisState) {
			gs.Attestations[0].Subjects = []types.Subject{{Name: "x", Digests: []string{"sha256:XYZ"}}}
		}, "attestation 1"},
		{"invalid policy", func(gs *types.GenesisState) { gs.Policies[0].Mode = types.POLICY_MODE_UNSPECIFIED }, "policies[0]: mode must be enforce or dry_run"},
		{"policy version zero", func(gs *types.GenesisState) { gs.Policies[0].Version = 0 }, `version 0 of "prod" is 0 or repeated`},
		{"repeated policy version", func(gs *types.GenesisState) { gs.Policies[1].Version = 1 }, `policies[1]: version 1 of "prod" is 0 or repeated`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := clone()
			// Each case edits a fresh copy of the records it touches.
			for i := range gs.Attestations {
				gs.Attestations[i].Subjects = append([]types.Subject(nil), gs.Attestations[i].Subjects...)
			}
			tc.mod(&gs)
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.msg)
			g := newFixture(t)
			g.requireNoEffect(t, func() {
				require.ErrorIs(t, g.k.InitGenesis(g.ctx, gs), types.ErrInvalidGenesis)
			})
		})
	}
}

// SetPolicy refuses a requirement naming an unknown attestor key; genesis
// should not be a way around it.
func TestGenesisValidateUnknownPolicyKey(t *testing.T) {
	f := populated(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	gs.Policies[0].Requirements = []types.Requirement{{Name: "provenance", PredicateType: ptSLSA, AttestorKeys: []string{"nope"}}}
	err = gs.Validate()
	require.ErrorIs(t, err, types.ErrInvalidGenesis)
	require.ErrorContains(t, err, `requirement "provenance" accepts key "nope", which is not in genesis`)
}
