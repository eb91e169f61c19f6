package types_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// validGenesis has two keys, two attestations and two versions of a policy.
func validGenesis() types.GenesisState {
	return types.GenesisState{
		NextAttestationId: 3,
		Keys: []types.AttestorKey{
			{KeyId: "acme-ci", OrganizationId: "acme", PublicKey: p256Key.PublicPEM(), Algorithm: types.KEY_ALGORITHM_ECDSA_P256, PredicateTypes: []string{types.PredicateSLSAProvenanceV1}},
			{KeyId: "globex-ci", OrganizationId: "globex", PublicKey: edKey.PublicPEM(), Algorithm: types.KEY_ALGORITHM_ED25519, PredicateTypes: []string{types.PredicateSLSAProvenanceV1}},
		},
		Attestations: []types.Attestation{
			{Id: 1, EnvelopeDigest: "sha256:" + strings.Repeat("1", 64), KeyId: "acme-ci", OrganizationId: "acme", Subjects: []types.Subject{{Name: "a", Digests: []string{api.Digest256()}}}},
			{Id: 2, EnvelopeDigest: "sha256:" + strings.Repeat("2", 64), KeyId: "globex-ci", OrganizationId: "globex", Subjects: []types.Subject{{Name: "a", Digests: []string{api.Digest256(), "sha512:" + hex512}}}},
		},
		Policies: []types.Policy{
			{Environment: "prod", Version: 2, Mode: types.POLICY_MODE_ENFORCE, Requirements: []types.Requirement{{Name: "p", PredicateType: types.PredicateSLSAProvenanceV1}}},
			{Environment: "prod", Version: 1, Mode: types.POLICY_MODE_DRY_RUN},
			{Environment: "staging", Version: 1, Mode: types.POLICY_MODE_DRY_RUN, BreakGlassAllowed: true, BreakGlassReviewPeriod: time.Hour},
		},
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesis().Validate())
	require.Equal(t, uint64(1), types.DefaultGenesis().NextAttestationId)
	require.NoError(t, validGenesis().Validate())

	for _, tc := range []struct {
		name string
		mod  func(gs *types.GenesisState)
		msg  string
	}{
		{"next id zero", func(gs *types.GenesisState) { gs.NextAttestationId = 0 }, "next_attestation_id must be at least 1"},
		{"id at next id", func(gs *types.GenesisState) { gs.NextAttestationId = 2 }, "attestations[1]: id 2 is not in [1, next_attestation_id 2)"},
		{"id zero", func(gs *types.GenesisState) { gs.Attestations[0].Id = 0 }, "attestations[0]: id 0"},
		{"repeated id", func(gs *types.GenesisState) { gs.Attestations[1].Id = 1 }, "attestations[1]: id 1 repeated"},
		{"repeated key id", func(gs *types.GenesisState) { gs.Keys[1].KeyId = "acme-ci" }, `keys[1]: key id "acme-ci" repeated`},
		{"bad key id", func(gs *types.GenesisState) { gs.Keys[0].KeyId = "" }, "keys[0]"},
		{"bad public key", func(gs *types.GenesisState) { gs.Keys[0].PublicKey = edKey.PrivatePEM() }, `key "acme-ci"`},
		{"bad organization", func(gs *types.GenesisState) { gs.Keys[1].OrganizationId = "Globex" }, `key "globex-ci"`},
		{"unknown key", func(gs *types.GenesisState) { gs.Attestations[1].KeyId = "initech-ci" }, `attestation 2: key "initech-ci" is not in genesis`},
		{"no subject", func(gs *types.GenesisState) { gs.Attestations[0].Subjects = nil }, "attestation 1 has no subject"},
		{"bad subject digest", func(gs *types.GenesisState) {
			gs.Attestations[1].Subjects = []types.Subject{{Name: "a", Digests: []string{"sha1:" + strings.Repeat("a", 40)}}}
		}, "attestation 2"},
		{"shared envelope", func(gs *types.GenesisState) { gs.Attestations[1].EnvelopeDigest = gs.Attestations[0].EnvelopeDigest }, "attestations 1 and 2 share envelope digest"},
		{"invalid policy", func(gs *types.GenesisState) { gs.Policies[2].BreakGlassReviewPeriod = 0 }, "policies[2]: break_glass_allowed needs"},
		{"policy version zero", func(gs *types.GenesisState) { gs.Policies[0].Version = 0 }, "policies[0]: version 0"},
		{"repeated policy version", func(gs *types.GenesisState) { gs.Policies[1].Version = 2 }, `policies[1]: version 2 of "prod" is 0 or repeated`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gs := validGenesis()
			tc.mod(&gs)
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}
