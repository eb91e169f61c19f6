package types

import (
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis has no keys, attestations or policies; the first id is 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{NextAttestationId: 1}
}

// Validate checks every key, attestation and policy and the references
// between them. Addresses are decoded by InitGenesis, which has the codec.
func (gs GenesisState) Validate() error {
	if gs.NextAttestationId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_attestation_id must be at least 1")
	}
	keys := make(map[string]bool, len(gs.Keys))
	fingerprints := make(map[string]string, len(gs.Keys))
	for i, k := range gs.Keys {
		if err := ValidateKeyID(k.KeyId); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "keys[%d]: %s", i, err)
		}
		if keys[k.KeyId] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "keys[%d]: key id %q repeated", i, k.KeyId)
		}
		keys[k.KeyId] = true
		_, _, fingerprint, err := ParsePublicKey(k.PublicKey)
		if err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "key %q: %s", k.KeyId, err)
		}
		if k.Fingerprint != "" && k.Fingerprint != fingerprint {
			return errorsmod.Wrapf(ErrInvalidGenesis, "key %q: fingerprint %q, the public key's is %q", k.KeyId, k.Fingerprint, fingerprint)
		}
		if other, dup := fingerprints[fingerprint]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "keys %q and %q have the same public key", other, k.KeyId)
		}
		fingerprints[fingerprint] = k.KeyId
		if err := ValidateOrganizationID(k.OrganizationId); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "key %q: %s", k.KeyId, err)
		}
	}
	ids := make(map[uint64]bool, len(gs.Attestations))
	envelopes := make(map[string]uint64, len(gs.Attestations))
	for i, a := range gs.Attestations {
		switch {
		case a.Id == 0 || a.Id >= gs.NextAttestationId:
			return errorsmod.Wrapf(ErrInvalidGenesis, "attestations[%d]: id %d is not in [1, next_attestation_id %d)", i, a.Id, gs.NextAttestationId)
		case ids[a.Id]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "attestations[%d]: id %d repeated", i, a.Id)
		case !keys[a.KeyId]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "attestation %d: key %q is not in genesis", a.Id, a.KeyId)
		case len(a.Subjects) == 0:
			return errorsmod.Wrapf(ErrInvalidGenesis, "attestation %d has no subject", a.Id)
		}
		if other, dup := envelopes[a.EnvelopeDigest]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "attestations %d and %d share envelope digest %s", other, a.Id, a.EnvelopeDigest)
		}
		for _, d := range SubjectDigests(a.Subjects) {
			if err := ValidateDigest(d); err != nil {
				return errorsmod.Wrapf(ErrInvalidGenesis, "attestation %d: %s", a.Id, err)
			}
		}
		ids[a.Id] = true
		envelopes[a.EnvelopeDigest] = a.Id
	}
	type version struct {
		env string
		v   uint64
	}
	versions := make(map[version]bool, len(gs.Policies))
	for i, p := range gs.Policies {
		if err := p.ValidateRules(); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "policies[%d]: %s", i, err)
		}
		for _, r := range p.Requirements {
			for _, id := range r.AttestorKeys {
				if !keys[id] {
					return errorsmod.Wrapf(ErrInvalidGenesis, "policy %q version %d: requirement %q accepts key %q, which is not in genesis", p.Environment, p.Version, r.Name, id)
				}
			}
		}
		key := version{p.Environment, p.Version}
		if p.Version == 0 || versions[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "policies[%d]: version %d of %q is 0 or repeated", i, p.Version, p.Environment)
		}
		versions[key] = true
	}
	return nil
}
