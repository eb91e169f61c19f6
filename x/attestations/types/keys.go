package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the attestations module's name and store key.
	ModuleName = "attestations"
	StoreKey   = ModuleName
)

// Store prefixes. Attestations are keyed by sequential id; every other
// lookup goes through an index below.
var (
	// KeysKey: key id -> AttestorKey.
	KeysKey = collections.NewPrefix(0)
	// KeysByOrganizationKey: (organization id, key id).
	KeysByOrganizationKey = collections.NewPrefix(1)
	// AttestationSeqKey holds the number of attestation ids issued.
	AttestationSeqKey = collections.NewPrefix(2)
	// AttestationsKey: id -> Attestation.
	AttestationsKey = collections.NewPrefix(3)
	// AttestationsByEnvelopeKey: envelope digest -> id (unique).
	AttestationsByEnvelopeKey = collections.NewPrefix(4)
	// AttestationsByOrganizationKey: (organization id, id).
	AttestationsByOrganizationKey = collections.NewPrefix(5)
	// AttestationsByKeyKey: (key id, id).
	AttestationsByKeyKey = collections.NewPrefix(6)
	// AttestationsByPredicateKey: (predicate type, id).
	AttestationsByPredicateKey = collections.NewPrefix(7)
	// AttestationsBySubjectKey: (subject digest, id), one entry per digest.
	AttestationsBySubjectKey = collections.NewPrefix(8)
	// PoliciesKey: (environment, version) -> Policy; every version is kept.
	PoliciesKey = collections.NewPrefix(9)
	// CurrentPolicyKey: environment -> current version.
	CurrentPolicyKey = collections.NewPrefix(10)
	// EvidenceKey: ("<subject digest> <predicate type>", organization id,
	// id), so a decision reads one artifact's evidence of one kind from one
	// organisation.
	EvidenceKey = collections.NewPrefix(11)
	// EvidenceOrganizationsKey: ("<subject digest> <predicate type>",
	// organization id): who attested that kind for that artifact.
	EvidenceOrganizationsKey = collections.NewPrefix(12)
	// EnvelopesKey: attestation id -> Envelope, kept apart so decisions and
	// lists never load envelopes.
	EnvelopesKey = collections.NewPrefix(13)
	// KeysByFingerprintKey: public key fingerprint -> key id (unique).
	KeysByFingerprintKey = collections.NewPrefix(14)
)

// EvidenceSubject is the first part of the evidence index keys.
func EvidenceSubject(digest, predicateType string) string {
	// A digest has no space, so the pair is unambiguous.
	return digest + " " + predicateType
}
