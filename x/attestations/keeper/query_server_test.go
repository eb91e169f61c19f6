package keeper_test

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

func keyIDs(keys []types.AttestorKey) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.KeyId
	}
	return out
}

func attestationIDs(as []types.Attestation) []uint64 {
	out := make([]uint64, len(as))
	for i, a := range as {
		out[i] = a.Id
	}
	return out
}

func TestQueryAttestorKeys(t *testing.T) {
	f := withKeys(t)
	f.register(t, f.acmeAdmin, acmeEd, ptSLSA)
	f.register(t, f.acmeAdmin, acmeRSA, ptSLSA)

	res, err := f.queries.AttestorKey(f.ctx, &types.QueryAttestorKeyRequest{KeyId: "acme-ed"})
	require.NoError(t, err)
	require.Equal(t, "acme", res.Key.OrganizationId)
	require.Equal(t, types.KEY_ALGORITHM_ED25519, res.Key.Algorithm)
	_, err = f.queries.AttestorKey(f.ctx, &types.QueryAttestorKeyRequest{KeyId: "nope"})
	require.ErrorIs(t, err, types.ErrKeyNotFound)
	require.ErrorContains(t, err, `"nope"`)
	_, err = f.queries.AttestorKey(f.ctx, &types.QueryAttestorKeyRequest{KeyId: "No Such"})
	require.ErrorIs(t, err, types.ErrInvalidKey)
	_, err = f.queries.AttestorKey(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)

	list := func(org string, p *query.PageRequest) *types.QueryAttestorKeysResponse {
		t.Helper()
		res, err := f.queries.AttestorKeys(f.ctx, &types.QueryAttestorKeysRequest{OrganizationId: org, Pagination: p})
		require.NoError(t, err)
		return res
	}
	all := list("", nil)
	require.Equal(t, []string{"acme-ci", "acme-ed", "acme-rsa", "globex-ci", "initech-ci"}, keyIDs(all.Keys))
	require.Nil(t, all.Pagination.NextKey)
	require.Equal(t, []string{"acme-ci", "acme-ed", "acme-rsa"}, keyIDs(list("acme", nil).Keys))
	require.Equal(t, []string{"globex-ci"}, keyIDs(list("globex", nil).Keys))
	require.Empty(t, list("umbrella", nil).Keys)

	page := list("acme", &query.PageRequest{Limit: 2})
	require.Equal(t, []string{"acme-ci", "acme-ed"}, keyIDs(page.Keys))
	require.Equal(t, []byte("acme-rsa"), page.Pagination.NextKey)
	page = list("acme", &query.PageRequest{Limit: 2, Key: page.Pagination.NextKey})
	require.Equal(t, []string{"acme-rsa"}, keyIDs(page.Keys))
	require.Nil(t, page.Pagination.NextKey)

	page = list("", &query.PageRequest{Limit: 3})
	require.Equal(t, []string{"acme-ci", "acme-ed", "acme-rsa"}, keyIDs(page.Keys))
	page = list("", &query.PageRequest{Limit: 3, Key: page.Pagination.NextKey})
	require.Equal(t, []string{"globex-ci", "initech-ci"}, keyIDs(page.Keys))
	require.Nil(t, page.Pagination.NextKey)

	for _, p := range []*query.PageRequest{{Offset: 1}, {CountTotal: true}, {Reverse: true}} {
		_, err := f.queries.AttestorKeys(f.ctx, &types.QueryAttestorKeysRequest{Pagination: p})
		require.ErrorIs(t, err, types.ErrInvalidRequest)
		require.ErrorContains(t, err, "pagination supports key and limit only")
	}
	_, err = f.queries.AttestorKeys(f.ctx, &types.QueryAttestorKeysRequest{OrganizationId: "Acme Corp"})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	require.ErrorContains(t, err, "organization_id")
	_, err = f.queries.AttestorKeys(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

// attestationsFixture holds five attestations:
// 1 acme SLSA api, 2 globex SLSA api, 3 acme vuln api, 4 acme SLSA web,
// 5 initech test-result api+web.
func attestationsFixture(t *testing.T) *fixture {
	f := withKeys(t)
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.attest(t, f.globexCI, globexKey, ptSLSA, slsaPredicate)
	f.attest(t, f.acmeCI, acmeKey, ptVuln, attestutil.Vuln())
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate, webArtifact)
	f.attest(t, f.initechCI, initechKey, ptTest, attestutil.TestResult("PASSED", 1, 0), apiArtifact, webArtifact)
	return f
}

func TestQueryAttestation(t *testing.T) {
	f := attestationsFixture(t)
	res, err := f.queries.Attestation(f.ctx, &types.QueryAttestationRequest{Id: 2})
	require.NoError(t, err)
	require.Equal(t, f.attestation(t, 2), res.Attestation)
	require.Equal(t, "globex", res.Attestation.OrganizationId)
	_, err = f.queries.Attestation(f.ctx, &types.QueryAttestationRequest{Id: 6})
	require.ErrorIs(t, err, types.ErrAttestationNotFound)
	require.ErrorContains(t, err, "attestation 6")
	_, err = f.queries.Attestation(f.ctx, &types.QueryAttestationRequest{})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Attestation(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestQueryAttestations(t *testing.T) {
	f := attestationsFixture(t)
	api, web := apiArtifact.Digest256(), webArtifact.Digest256()
	for _, tc := range []struct {
		name string
		req  types.QueryAttestationsRequest
		want []uint64
	}{
		{"all", types.QueryAttestationsRequest{}, []uint64{5, 4, 3, 2, 1}},
		{"by subject", types.QueryAttestationsRequest{SubjectDigest: api}, []uint64{5, 3, 2, 1}},
		{"by other subject", types.QueryAttestationsRequest{SubjectDigest: web}, []uint64{5, 4}},
		{"by unknown subject", types.QueryAttestationsRequest{SubjectDigest: "sha256:" + strings.Repeat("0", 64)}, []uint64{}},
		{"by organization", types.QueryAttestationsRequest{OrganizationId: "acme"}, []uint64{4, 3, 1}},
		{"by key", types.QueryAttestationsRequest{KeyId: "globex-ci"}, []uint64{2}},
		{"by predicate type", types.QueryAttestationsRequest{PredicateType: ptSLSA}, []uint64{4, 2, 1}},
		{"subject and organization", types.QueryAttestationsRequest{SubjectDigest: api, OrganizationId: "acme"}, []uint64{3, 1}},
		{"subject and predicate type", types.QueryAttestationsRequest{SubjectDigest: web, PredicateType: ptTest}, []uint64{5}},
		{"key and predicate type", types.QueryAttestationsRequest{KeyId: "acme-ci", PredicateType: ptSLSA}, []uint64{4, 1}},
		{"organization and predicate type", types.QueryAttestationsRequest{OrganizationId: "acme", PredicateType: ptVuln}, []uint64{3}},
		{"every filter", types.QueryAttestationsRequest{SubjectDigest: api, KeyId: "globex-ci", OrganizationId: "globex", PredicateType: ptSLSA}, []uint64{2}},
		{"contradicting filters", types.QueryAttestationsRequest{KeyId: "globex-ci", OrganizationId: "acme"}, []uint64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.queries.Attestations(f.ctx, &tc.req)
			require.NoError(t, err)
			require.Equal(t, tc.want, attestationIDs(res.Attestations))
			require.Nil(t, res.Pagination.NextKey)
		})
	}

	t.Run("pagination", func(t *testing.T) {
		req := &types.QueryAttestationsRequest{SubjectDigest: api, Pagination: &query.PageRequest{Limit: 2}}
		res, err := f.queries.Attestations(f.ctx, req)
		require.NoError(t, err)
		require.Equal(t, []uint64{5, 3}, attestationIDs(res.Attestations))
		require.Equal(t, uint64(2), binary.BigEndian.Uint64(res.Pagination.NextKey))
		req.Pagination.Key = res.Pagination.NextKey
		res, err = f.queries.Attestations(f.ctx, req)
		require.NoError(t, err)
		require.Equal(t, []uint64{2, 1}, attestationIDs(res.Attestations))
		require.Nil(t, res.Pagination.NextKey)

		// With a residual filter the cursor names the next matching record.
		req = &types.QueryAttestationsRequest{OrganizationId: "acme", PredicateType: ptSLSA, Pagination: &query.PageRequest{Limit: 1}}
		res, err = f.queries.Attestations(f.ctx, req)
		require.NoError(t, err)
		require.Equal(t, []uint64{4}, attestationIDs(res.Attestations))
		require.Equal(t, uint64(1), binary.BigEndian.Uint64(res.Pagination.NextKey))

		res, err = f.queries.Attestations(f.ctx, &types.QueryAttestationsRequest{Pagination: &query.PageRequest{Limit: 3}})
		require.NoError(t, err)
		require.Equal(t, []uint64{5, 4, 3}, attestationIDs(res.Attestations))
	})

	t.Run("invalid requests", func(t *testing.T) {
		for _, tc := range []struct {
			name  string
			req   *types.QueryAttestationsRequest
			class error
			msg   string
		}{
			{"nil", nil, types.ErrInvalidRequest, "empty request"},
			{"bad subject digest", &types.QueryAttestationsRequest{SubjectDigest: "sha256:abc"}, types.ErrInvalidSubject, "want 64"},
			{"sha1 subject digest", &types.QueryAttestationsRequest{SubjectDigest: "sha1:" + strings.Repeat("a", 40)}, types.ErrInvalidSubject, "not supported"},
			{"bad key id", &types.QueryAttestationsRequest{KeyId: "ACME"}, types.ErrInvalidKey, "key_id"},
			{"bad organization", &types.QueryAttestationsRequest{OrganizationId: "ACME"}, types.ErrInvalidRequest, "organization_id"},
			{"bad predicate type", &types.QueryAttestationsRequest{PredicateType: "slsa"}, types.ErrInvalidPredicate, "absolute URI"},
			{"offset", &types.QueryAttestationsRequest{Pagination: &query.PageRequest{Offset: 2}}, types.ErrInvalidRequest, "offset"},
			{"count total", &types.QueryAttestationsRequest{Pagination: &query.PageRequest{CountTotal: true}}, types.ErrInvalidRequest, "count_total"},
			{"reverse", &types.QueryAttestationsRequest{Pagination: &query.PageRequest{Reverse: true}}, types.ErrInvalidRequest, "newest first"},
			{"short key", &types.QueryAttestationsRequest{Pagination: &query.PageRequest{Key: []byte{1, 2, 3}}}, types.ErrInvalidRequest, "8 bytes"},
			{"key zero", &types.QueryAttestationsRequest{Pagination: &query.PageRequest{Key: make([]byte, 8)}}, types.ErrInvalidRequest, "id 0"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.queries.Attestations(f.ctx, tc.req)
				require.ErrorIs(t, err, tc.class)
				require.ErrorContains(t, err, tc.msg)
			})
		}
	})
}

func TestQueryPolicies(t *testing.T) {
	f := withKeys(t)
	res, err := f.queries.Policies(f.ctx, &types.QueryPoliciesRequest{})
	require.NoError(t, err)
	require.Empty(t, res.Policies)

	f.setPolicy(t, f.policyMsg("staging"))
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "provenance", PredicateType: ptSLSA}))
	f.nextBlock()
	f.setPolicy(t, f.policyMsg("prod", types.Requirement{Name: "scan", PredicateType: ptVuln}))

	policy := func(env string, version uint64) (types.Policy, error) {
		res, err := f.queries.Policy(f.ctx, &types.QueryPolicyRequest{Environment: env, Version: version})
		if err != nil {
			return types.Policy{}, err
		}
		return res.Policy, nil
	}
	cur, err := policy("prod", 0)
	require.NoError(t, err)
	require.Equal(t, uint64(2), cur.Version)
	require.Equal(t, "scan", cur.Requirements[0].Name)
	v1, err := policy("prod", 1)
	require.NoError(t, err)
	require.Equal(t, "provenance", v1.Requirements[0].Name)
	_, err = policy("prod", 3)
	require.ErrorIs(t, err, types.ErrPolicyNotFound)
	require.ErrorContains(t, err, "no policy version 3")
	_, err = policy("qa", 0)
	require.ErrorIs(t, err, types.ErrPolicyNotFound)
	_, err = policy("Prod", 0)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.Policy(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)

	res, err = f.queries.Policies(f.ctx, &types.QueryPoliciesRequest{})
	require.NoError(t, err)
	require.Len(t, res.Policies, 2)
	require.Equal(t, "prod", res.Policies[0].Environment)
	require.Equal(t, uint64(2), res.Policies[0].Version, "only the current version is listed")
	require.Equal(t, "staging", res.Policies[1].Environment)
	_, err = f.queries.Policies(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestQueryEvaluate(t *testing.T) {
	f := withKeys(t)
	api := apiArtifact.Digest256()
	evaluate := func(req *types.QueryEvaluateRequest) (*types.QueryEvaluateResponse, error) {
		var res *types.QueryEvaluateResponse
		var err error
		f.requireNoEffect(t, func() { res, err = f.queries.Evaluate(f.ctx, req) })
		return res, err
	}

	res, err := evaluate(&types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}})
	require.NoError(t, err)
	require.True(t, res.Allowed)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_NO_POLICY, res.Decision.Outcome)
	require.Contains(t, res.Message, "has no policy")

	m := f.policyMsg("prod",
		types.Requirement{Name: "provenance", PredicateType: ptSLSA},
		types.Requirement{Name: "approval", PredicateType: ptApproval, ApprovalFromOtherOrganization: true})
	m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, 4*time.Hour
	f.setPolicy(t, m)
	f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.attest(t, f.acmeCI, acmeKey, ptApproval, attestutil.Approval("bob", "prod", ""))

	res, err = evaluate(&types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}, OrganizationId: "acme"})
	require.NoError(t, err)
	require.False(t, res.Allowed)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_DENIED, res.Decision.Outcome)
	require.Contains(t, res.Message, `deployment to "prod" denied by policy version 1`)
	require.Contains(t, res.Message, `requirement "approval": attestation 2 comes from the deploying organization "acme"`)

	res, err = evaluate(&types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}, OrganizationId: "acme", BreakGlass: true})
	require.NoError(t, err)
	require.True(t, res.Allowed)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_BREAK_GLASS, res.Decision.Outcome)
	require.Contains(t, res.Message, "within 4h0m0s")

	// Without a deploying organisation, acme's approval counts.
	res, err = evaluate(&types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}})
	require.NoError(t, err)
	require.True(t, res.Allowed)
	require.Equal(t, []uint64{1, 2}, res.Decision.AttestationIds)
	require.Contains(t, res.Message, "allowed by policy version 1")

	// Globex deploying: allowed.
	res, err = evaluate(&types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}, OrganizationId: "globex"})
	require.NoError(t, err)
	require.True(t, res.Allowed)

	tooMany := make([]string, 65)
	for i := range tooMany {
		tooMany[i] = api
	}
	for _, tc := range []struct {
		name  string
		req   *types.QueryEvaluateRequest
		class error
		msg   string
	}{
		{"nil", nil, types.ErrInvalidRequest, "empty request"},
		{"no environment", &types.QueryEvaluateRequest{Digests: []string{api}}, types.ErrInvalidRequest, "environment is required"},
		{"bad environment", &types.QueryEvaluateRequest{Environment: "PROD", Digests: []string{api}}, types.ErrInvalidRequest, "environment"},
		{"no digests", &types.QueryEvaluateRequest{Environment: "prod"}, types.ErrInvalidRequest, "give 1 to 64 artifact digests, got 0"},
		{"too many digests", &types.QueryEvaluateRequest{Environment: "prod", Digests: tooMany}, types.ErrInvalidRequest, "got 65"},
		{"bad digest", &types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api, "sha256:xyz"}}, types.ErrInvalidSubject, "sha256"},
		{"bad organization", &types.QueryEvaluateRequest{Environment: "prod", Digests: []string{api}, OrganizationId: "Acme"}, types.ErrInvalidRequest, "organization_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := evaluate(tc.req)
			require.ErrorIs(t, err, tc.class)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}
