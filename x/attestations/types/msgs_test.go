package types_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

type validator interface{ Validate() error }

type msgCase struct {
	name  string
	msg   validator
	class error // nil: valid
	text  string
}

func runMsgCases(t *testing.T, cases []msgCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.msg.Validate()
			if tc.class == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.class)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

func TestMsgRegisterAttestorKeyValidate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Hour)
	reg := func(mod func(m *types.MsgRegisterAttestorKey)) *types.MsgRegisterAttestorKey {
		m := &types.MsgRegisterAttestorKey{KeyId: "acme-ci-2026", PublicKey: p256Key.PublicPEM(), PredicateTypes: []string{types.PredicateSLSAProvenanceV1}}
		mod(m)
		return m
	}
	many := make([]string, 17)
	for i := range many {
		many[i] = fmt.Sprintf("https://example.com/p/%d", i)
	}
	runMsgCases(t, []msgCase{
		{"valid", reg(func(*types.MsgRegisterAttestorKey) {}), nil, ""},
		{"valid window", reg(func(m *types.MsgRegisterAttestorKey) { m.NotBefore, m.NotAfter = &t0, &t1 }), nil, ""},
		{"only not_after", reg(func(m *types.MsgRegisterAttestorKey) { m.NotAfter = &t0 }), nil, ""},
		{"sixteen predicate types", reg(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = many[:16] }), nil, ""},
		{"nil", (*types.MsgRegisterAttestorKey)(nil), types.ErrInvalidRequest, "empty message"},
		{"no key id", reg(func(m *types.MsgRegisterAttestorKey) { m.KeyId = "" }), types.ErrInvalidKey, "key_id is required"},
		{"key id too long", reg(func(m *types.MsgRegisterAttestorKey) { m.KeyId = strings.Repeat("k", 129) }), types.ErrInvalidKey, "at most 128"},
		{"key id shape", reg(func(m *types.MsgRegisterAttestorKey) { m.KeyId = "-acme" }), types.ErrInvalidKey, "must match"},
		{"bad key", reg(func(m *types.MsgRegisterAttestorKey) { m.PublicKey = edKey.PrivatePEM() }), types.ErrInvalidKey, "PRIVATE KEY"},
		{"no predicate types", reg(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = nil }), types.ErrInvalidKey, "predicate_types is required"},
		{"too many predicate types", reg(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = many }), types.ErrInvalidKey, "17 predicate types, at most 16"},
		{"predicate type not a URI", reg(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = []string{types.PredicateSPDX, "spdx"} }), types.ErrInvalidPredicate, "predicate_types[1]"},
		{"reference type", reg(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = []string{types.PredicateReference} }), types.ErrInvalidKey, "do not list it"},
		{"repeated type", reg(func(m *types.MsgRegisterAttestorKey) {
			m.PredicateTypes = []string{types.PredicateSPDX, types.PredicateSPDX}
		}), types.ErrInvalidKey, "repeated"},
		{"empty window", reg(func(m *types.MsgRegisterAttestorKey) { m.NotBefore, m.NotAfter = &t1, &t0 }), types.ErrInvalidKey, "not_after 2026-01-01T00:00:00Z is not after not_before 2026-01-01T01:00:00Z"},
	})
}

func TestMsgRevokeValidate(t *testing.T) {
	runMsgCases(t, []msgCase{
		{"key valid", &types.MsgRevokeAttestorKey{KeyId: "k", Reason: "leaked\nsee ticket 12"}, nil, ""},
		{"key nil", (*types.MsgRevokeAttestorKey)(nil), types.ErrInvalidRequest, "empty message"},
		{"key no id", &types.MsgRevokeAttestorKey{Reason: "x"}, types.ErrInvalidKey, "key_id is required"},
		{"key negative height", &types.MsgRevokeAttestorKey{KeyId: "k", FromHeight: -5, Reason: "x"}, types.ErrInvalidRequest, "from_height -5 is negative"},
		{"key no reason", &types.MsgRevokeAttestorKey{KeyId: "k"}, types.ErrInvalidReason, "reason is required"},
		{"key long reason", &types.MsgRevokeAttestorKey{KeyId: "k", Reason: strings.Repeat("r", 1025)}, types.ErrInvalidReason, "at most 1024"},
		{"key control character", &types.MsgRevokeAttestorKey{KeyId: "k", Reason: "a\x00b"}, types.ErrInvalidReason, "non-printable"},
		{"attestation valid", &types.MsgRevokeAttestation{Id: 1, Reason: "wrong commit"}, nil, ""},
		{"attestation nil", (*types.MsgRevokeAttestation)(nil), types.ErrInvalidRequest, "empty message"},
		{"attestation no id", &types.MsgRevokeAttestation{Reason: "x"}, types.ErrInvalidRequest, "id is required"},
		{"attestation no reason", &types.MsgRevokeAttestation{Id: 1}, types.ErrInvalidReason, "reason is required"},
	})
}

func TestMsgSubmitAttestationValidate(t *testing.T) {
	good := attestutil.SignStatement(statement(types.StatementTypeV1, api), p256Key)
	env := func(mod func(e *types.Envelope)) types.Envelope {
		e := good
		e.Signatures = append([]types.Signature(nil), good.Signatures...)
		mod(&e)
		return e
	}
	sub := func(keyID string, e types.Envelope) *types.MsgSubmitAttestation {
		return &types.MsgSubmitAttestation{KeyId: keyID, Envelope: e}
	}
	sigs := func(n int) []types.Signature {
		out := make([]types.Signature, n)
		for i := range out {
			out[i] = types.Signature{Sig: []byte{1}}
		}
		return out
	}
	runMsgCases(t, []msgCase{
		{"valid, key named", sub("acme-ci", good), nil, ""},
		{"valid, no key named", sub("", good), nil, ""},
		{"payload at the limit", sub("", env(func(e *types.Envelope) { e.Payload = make([]byte, types.MaxEnvelopePayload) })), nil, ""},
		{"eight signatures", sub("", env(func(e *types.Envelope) { e.Signatures = sigs(8) })), nil, ""},
		{"nil", (*types.MsgSubmitAttestation)(nil), types.ErrInvalidRequest, "empty message"},
		{"bad key id", sub("ACME", good), types.ErrInvalidKey, "key_id"},
		{"payload type", sub("", env(func(e *types.Envelope) { e.PayloadType = "application/vnd.in-toto+json; charset=utf-8" })), types.ErrInvalidPayloadType, "only application/vnd.in-toto+json"},
		{"no payload type", sub("", env(func(e *types.Envelope) { e.PayloadType = "" })), types.ErrInvalidPayloadType, `payloadType ""`},
		{"empty payload", sub("", env(func(e *types.Envelope) { e.Payload = nil })), types.ErrInvalidEnvelope, "payload is empty"},
		{"payload over the limit", sub("", env(func(e *types.Envelope) { e.Payload = make([]byte, types.MaxEnvelopePayload+1) })), types.ErrEnvelopeTooLarge,
			"payload is 65537 bytes, at most 65536 are stored on chain; keep the envelope off chain and submit a signed " + types.PredicateReference},
		{"no signatures", sub("", env(func(e *types.Envelope) { e.Signatures = nil })), types.ErrInvalidEnvelope, "no signature"},
		{"nine signatures", sub("", env(func(e *types.Envelope) { e.Signatures = sigs(9) })), types.ErrInvalidEnvelope, "9 signatures, at most 8"},
		{"empty signature", sub("", env(func(e *types.Envelope) { e.Signatures[0].Sig = nil })), types.ErrInvalidEnvelope, "signature 0 is 0 bytes"},
		{"signature too long", sub("", env(func(e *types.Envelope) { e.Signatures[0].Sig = make([]byte, 1025) })), types.ErrInvalidEnvelope, "1025 bytes, 1 to 1024"},
		{"keyid hint too long", sub("", env(func(e *types.Envelope) { e.Signatures[0].Keyid = strings.Repeat("k", 257) })), types.ErrInvalidEnvelope, "keyid is 257 bytes, at most 256"},
	})
}

func TestMsgSetPolicyValidate(t *testing.T) {
	base := func(mod func(m *types.MsgSetPolicy)) *types.MsgSetPolicy {
		m := &types.MsgSetPolicy{Environment: "prod", Mode: types.POLICY_MODE_ENFORCE, Requirements: []types.Requirement{
			{Name: "provenance", PredicateType: types.PredicateSLSAProvenanceV1, AttestorOrganizations: []string{"acme", "globex"}, MinOrganizations: 2,
				BuilderIds: []string{"https://b"}, SourceRepositoryPattern: "https://github.com/acme/*", MaxAge: time.Hour},
			{Name: "scan", PredicateType: types.PredicateCosignVuln, MaxVulnerabilities: []types.SeverityLimit{{Severity: "critical"}, {Severity: "high", Max: 3}}},
		}}
		mod(m)
		return m
	}
	req := func(mod func(r *types.Requirement)) *types.MsgSetPolicy {
		return base(func(m *types.MsgSetPolicy) { mod(&m.Requirements[0]) })
	}
	list := func(n int, f string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(f, i)
		}
		return out
	}
	runMsgCases(t, []msgCase{
		{"valid", base(func(*types.MsgSetPolicy) {}), nil, ""},
		{"dry run, no requirements", base(func(m *types.MsgSetPolicy) { m.Mode, m.Requirements = types.POLICY_MODE_DRY_RUN, nil }), nil, ""},
		{"break-glass with period", base(func(m *types.MsgSetPolicy) { m.BreakGlassAllowed, m.BreakGlassReviewPeriod = true, 366*24*time.Hour }), nil, ""},
		{"min organizations without an org list", req(func(r *types.Requirement) { r.AttestorOrganizations, r.MinOrganizations = nil, 5 }), nil, ""},
		{"nil", (*types.MsgSetPolicy)(nil), types.ErrInvalidRequest, "empty message"},
		{"no environment", base(func(m *types.MsgSetPolicy) { m.Environment = "" }), types.ErrInvalidPolicy, "environment is required"},
		{"environment too long", base(func(m *types.MsgSetPolicy) { m.Environment = strings.Repeat("e", types.MaxEnvironmentLength+1) }), types.ErrInvalidPolicy, "at most"},
		{"mode unspecified", base(func(m *types.MsgSetPolicy) { m.Mode = types.POLICY_MODE_UNSPECIFIED }), types.ErrInvalidPolicy, "mode must be enforce or dry_run, not POLICY_MODE_UNSPECIFIED"},
		{"mode unknown", base(func(m *types.MsgSetPolicy) { m.Mode = 7 }), types.ErrInvalidPolicy, "mode must be enforce or dry_run"},
		{"too many requirements", base(func(m *types.MsgSetPolicy) {
			m.Requirements = nil
			for _, n := range list(17, "r%d") {
				m.Requirements = append(m.Requirements, types.Requirement{Name: n, PredicateType: types.PredicateSPDX})
			}
		}), types.ErrInvalidPolicy, "17 requirements, at most 16"},
		{"duplicate names", base(func(m *types.MsgSetPolicy) { m.Requirements[1].Name = "provenance" }), types.ErrInvalidPolicy, `requirement name "provenance" repeated (requirements 0 and 1)`},
		{"no name", req(func(r *types.Requirement) { r.Name = "" }), types.ErrInvalidPolicy, "requirements[0]: name is required"},
		{"no predicate type", req(func(r *types.Requirement) { r.PredicateType = "" }), types.ErrInvalidPolicy, `requirement "provenance": predicate type is required`},
		{"bad organization", req(func(r *types.Requirement) { r.AttestorOrganizations = []string{"acme", "Globex"} }), types.ErrInvalidPolicy, "attestor_organizations[1]"},
		{"repeated organization", req(func(r *types.Requirement) { r.AttestorOrganizations = []string{"acme", "acme"} }), types.ErrInvalidPolicy, `attestor_organizations repeats "acme"`},
		{"too many organizations", req(func(r *types.Requirement) { r.AttestorOrganizations = list(33, "org%d") }), types.ErrInvalidPolicy, "33 attestor_organizations, at most 32"},
		{"bad key", req(func(r *types.Requirement) { r.AttestorKeys = []string{"Key"} }), types.ErrInvalidPolicy, "attestor_keys[0]"},
		{"repeated key", req(func(r *types.Requirement) { r.AttestorKeys = []string{"k", "k"} }), types.ErrInvalidPolicy, `attestor_keys repeats "k"`},
		{"empty builder id", req(func(r *types.Requirement) { r.BuilderIds = []string{""} }), types.ErrInvalidPolicy, "builder_ids[0]"},
		{"builder id with a newline", req(func(r *types.Requirement) { r.BuilderIds = []string{"https://b\n"} }), types.ErrInvalidPolicy, "non-printable"},
		{"min organizations above the accepted", req(func(r *types.Requirement) { r.MinOrganizations = 3 }), types.ErrInvalidPolicy, "min_organizations 3 exceeds the 2 accepted organizations"},
		{"min organizations above the bound", req(func(r *types.Requirement) { r.AttestorOrganizations, r.MinOrganizations = nil, 33 }), types.ErrInvalidPolicy, "min_organizations 33, at most 32"},
		{"negative max age", req(func(r *types.Requirement) { r.MaxAge = -1 }), types.ErrInvalidPolicy, "max_age is negative"},
		{"pattern too long", req(func(r *types.Requirement) { r.SourceRepositoryPattern = strings.Repeat("p", 257) }), types.ErrInvalidPolicy, "source_repository_pattern"},
		{"unknown severity", base(func(m *types.MsgSetPolicy) { m.Requirements[1].MaxVulnerabilities[1].Severity = "moderate" }), types.ErrInvalidPolicy,
			`requirement "scan": max_vulnerabilities[1] severity "moderate" is not one of critical, high, medium, low, negligible, unknown`},
		{"repeated severity", base(func(m *types.MsgSetPolicy) { m.Requirements[1].MaxVulnerabilities[1].Severity = "critical" }), types.ErrInvalidPolicy, `repeats severity "critical"`},
		{"break-glass without period", base(func(m *types.MsgSetPolicy) { m.BreakGlassAllowed = true }), types.ErrInvalidPolicy, "break_glass_allowed needs a break_glass_review_period"},
		{"negative period", base(func(m *types.MsgSetPolicy) { m.BreakGlassReviewPeriod = -time.Second }), types.ErrInvalidPolicy, "break_glass_review_period is negative"},
		{"period over a year", base(func(m *types.MsgSetPolicy) { m.BreakGlassReviewPeriod = 367 * 24 * time.Hour }), types.ErrInvalidPolicy, "longer than a year"},
	})
}

func TestRequirementMinOrgsAndModeName(t *testing.T) {
	require.Equal(t, 1, types.Requirement{}.MinOrgs())
	require.Equal(t, 1, types.Requirement{MinOrganizations: 1}.MinOrgs())
	require.Equal(t, 3, types.Requirement{MinOrganizations: 3}.MinOrgs())
	require.Equal(t, "enforce", types.POLICY_MODE_ENFORCE.ModeName())
	require.Equal(t, "dry_run", types.POLICY_MODE_DRY_RUN.ModeName())
}

func TestMsgRoles(t *testing.T) {
	roles := types.MsgRoles()
	require.Equal(t, consortiumtypes.ROLE_ADMIN, roles[sdk.MsgTypeURL(&types.MsgRegisterAttestorKey{})])
	require.Equal(t, consortiumtypes.ROLE_ADMIN, roles[sdk.MsgTypeURL(&types.MsgRevokeAttestorKey{})])
	require.Equal(t, consortiumtypes.ROLE_ATTESTOR, roles[sdk.MsgTypeURL(&types.MsgSubmitAttestation{})])
	require.Equal(t, consortiumtypes.ROLE_ADMIN, roles[sdk.MsgTypeURL(&types.MsgRevokeAttestation{})])
	_, ok := roles[sdk.MsgTypeURL(&types.MsgSetPolicy{})]
	require.False(t, ok, "policies are set by the consortium authority, not a member role")
	require.Len(t, roles, 4)
}

func TestValidateWindowAndReason(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, types.ValidateWindow(nil, nil))
	require.NoError(t, types.ValidateWindow(&t0, nil))
	require.NoError(t, types.ValidateWindow(nil, &t0))
	later := t0.Add(time.Nanosecond)
	require.NoError(t, types.ValidateWindow(&t0, &later))
	require.ErrorIs(t, types.ValidateWindow(&later, &t0), types.ErrInvalidKey)
	require.ErrorIs(t, types.ValidateWindow(&t0, &t0), types.ErrInvalidKey)
	require.NoError(t, types.ValidateReason("multi\nline\twith tab"))
	require.ErrorIs(t, types.ValidateReason(""), types.ErrInvalidReason)
	require.NoError(t, types.ValidateEnvironment("prod-eu/1"))
	require.ErrorIs(t, types.ValidateEnvironment("Prod"), types.ErrInvalidRequest)
}
