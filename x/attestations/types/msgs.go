package types

import (
	"slices"
	"strings"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/internal/validate"
)

// Validate runs the stateless checks of MsgRegisterAttestorKey except the
// admin address; ParsePublicKey checks the key itself.
func (m *MsgRegisterAttestorKey) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRequest, "empty message")
	}
	if err := ValidateKeyID(m.KeyId); err != nil {
		return err
	}
	if _, _, _, err := ParsePublicKey(m.PublicKey); err != nil {
		return err
	}
	if len(m.PredicateTypes) == 0 {
		return errorsmod.Wrap(ErrInvalidKey, "predicate_types is required: name the predicate types the key may attest")
	}
	if len(m.PredicateTypes) > MaxPredicateTypesPerKey {
		return errorsmod.Wrapf(ErrInvalidKey, "%d predicate types, at most %d allowed", len(m.PredicateTypes), MaxPredicateTypesPerKey)
	}
	for i, t := range m.PredicateTypes {
		if err := ValidatePredicateType(t); err != nil {
			return errorsmod.Wrapf(err, "predicate_types[%d]", i)
		}
		if t == PredicateReference {
			return errorsmod.Wrapf(ErrInvalidKey, "predicate_types[%d]: %s is implied by the referenced predicate type, do not list it", i, t)
		}
		if slices.Contains(m.PredicateTypes[:i], t) {
			return errorsmod.Wrapf(ErrInvalidKey, "predicate type %q repeated", t)
		}
	}
	return ValidateWindow(m.NotBefore, m.NotAfter)
}

// Validate runs the stateless checks of MsgRevokeAttestorKey.
func (m *MsgRevokeAttestorKey) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRequest, "empty message")
	}
	if err := ValidateKeyID(m.KeyId); err != nil {
		return err
	}
	if m.FromHeight < 0 {
		return errorsmod.Wrapf(ErrInvalidRequest, "from_height %d is negative", m.FromHeight)
	}
	return ValidateReason(m.Reason)
}

// Validate runs the stateless checks of MsgSubmitAttestation: the envelope's
// shape and bounds. The signature and the statement are checked by the
// keeper, which knows the keys.
func (m *MsgSubmitAttestation) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRequest, "empty message")
	}
	if m.KeyId != "" {
		if err := ValidateKeyID(m.KeyId); err != nil {
			return err
		}
	}
	return m.Envelope.Validate()
}

// Validate checks an envelope's payload type and bounds.
func (e Envelope) Validate() error {
	if e.PayloadType != PayloadTypeInToto {
		return errorsmod.Wrapf(ErrInvalidPayloadType, "payloadType %q: only %s (an in-toto statement) is accepted", e.PayloadType, PayloadTypeInToto)
	}
	if len(e.Payload) == 0 {
		return errorsmod.Wrap(ErrInvalidEnvelope, "payload is empty")
	}
	if len(e.Payload) > MaxEnvelopePayload {
		return errorsmod.Wrapf(ErrEnvelopeTooLarge, "payload is %d bytes, at most %d are stored on chain; keep the envelope off chain and submit a signed %s statement naming its digest and location",
			len(e.Payload), MaxEnvelopePayload, PredicateReference)
	}
	if len(e.Signatures) == 0 {
		return errorsmod.Wrap(ErrInvalidEnvelope, "the envelope has no signature")
	}
	if len(e.Signatures) > MaxSignatures {
		return errorsmod.Wrapf(ErrInvalidEnvelope, "%d signatures, at most %d allowed", len(e.Signatures), MaxSignatures)
	}
	for i, s := range e.Signatures {
		if len(s.Sig) == 0 || len(s.Sig) > MaxSignatureLength {
			return errorsmod.Wrapf(ErrInvalidEnvelope, "signature %d is %d bytes, 1 to %d allowed", i, len(s.Sig), MaxSignatureLength)
		}
		if len(s.Keyid) > MaxKeyIDLength*2 {
			return errorsmod.Wrapf(ErrInvalidEnvelope, "signature %d keyid is %d bytes, at most %d allowed", i, len(s.Keyid), MaxKeyIDLength*2)
		}
	}
	return nil
}

// Validate runs the stateless checks of MsgRevokeAttestation.
func (m *MsgRevokeAttestation) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRequest, "empty message")
	}
	if m.Id == 0 {
		return errorsmod.Wrap(ErrInvalidRequest, "id is required")
	}
	return ValidateReason(m.Reason)
}

// Validate runs the stateless checks of MsgSetPolicy. Whether the named
// organisations exist is checked by the keeper.
func (m *MsgSetPolicy) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRequest, "empty message")
	}
	return Policy{
		Environment:            m.Environment,
		Mode:                   m.Mode,
		Requirements:           m.Requirements,
		BreakGlassAllowed:      m.BreakGlassAllowed,
		BreakGlassReviewPeriod: m.BreakGlassReviewPeriod,
	}.ValidateRules()
}

// ValidateRules checks a policy's environment, mode, requirements and
// break-glass settings.
func (p Policy) ValidateRules() error {
	if err := validate.Name(ErrInvalidPolicy, "environment", p.Environment, MaxEnvironmentLength); err != nil {
		return err
	}
	if p.Mode != POLICY_MODE_ENFORCE && p.Mode != POLICY_MODE_DRY_RUN {
		return errorsmod.Wrapf(ErrInvalidPolicy, "mode must be enforce or dry_run, not %s", p.Mode)
	}
	if len(p.Requirements) > MaxRequirements {
		return errorsmod.Wrapf(ErrInvalidPolicy, "%d requirements, at most %d allowed", len(p.Requirements), MaxRequirements)
	}
	for i, r := range p.Requirements {
		if err := r.Validate(); err != nil {
			return errorsmod.Wrapf(err, "requirements[%d]", i)
		}
		for j := range i {
			if p.Requirements[j].Name == r.Name {
				return errorsmod.Wrapf(ErrInvalidPolicy, "requirement name %q repeated (requirements %d and %d)", r.Name, j, i)
			}
		}
	}
	switch {
	case p.BreakGlassReviewPeriod < 0:
		return errorsmod.Wrap(ErrInvalidPolicy, "break_glass_review_period is negative")
	case p.BreakGlassAllowed && p.BreakGlassReviewPeriod == 0:
		return errorsmod.Wrap(ErrInvalidPolicy, "break_glass_allowed needs a break_glass_review_period (how long another organization has to review)")
	case p.BreakGlassReviewPeriod > 366*24*time.Hour:
		return errorsmod.Wrap(ErrInvalidPolicy, "break_glass_review_period is longer than a year")
	}
	return nil
}

// Validate checks one requirement's shape.
func (r Requirement) Validate() error {
	if err := validate.Name(ErrInvalidPolicy, "name", r.Name, MaxKeyIDLength); err != nil {
		return err
	}
	if err := ValidatePredicateType(r.PredicateType); err != nil {
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: %s", r.Name, err)
	}
	lists := []struct {
		what  string
		items []string
		check func(string) error
	}{
		{"attestor_organizations", r.AttestorOrganizations, ValidateOrganizationID},
		{"attestor_keys", r.AttestorKeys, ValidateKeyID},
		{"builder_ids", r.BuilderIds, func(s string) error {
			return validate.Text(ErrInvalidPolicy, "builder id", s, 1, MaxPatternLength, false)
		}},
	}
	for _, l := range lists {
		if len(l.items) > MaxRequirementListLen {
			return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: %d %s, at most %d allowed", r.Name, len(l.items), l.what, MaxRequirementListLen)
		}
		for i, s := range l.items {
			if err := l.check(s); err != nil {
				return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: %s[%d]: %s", r.Name, l.what, i, err)
			}
			if slices.Contains(l.items[:i], s) {
				return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: %s repeats %q", r.Name, l.what, s)
			}
		}
	}
	if n := len(r.AttestorOrganizations); n > 0 && int(r.MinOrganizations) > n {
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: min_organizations %d exceeds the %d accepted organizations", r.Name, r.MinOrganizations, n)
	}
	if r.MinOrganizations > MaxRequirementListLen {
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: min_organizations %d, at most %d", r.Name, r.MinOrganizations, MaxRequirementListLen)
	}
	if r.MaxAge < 0 {
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: max_age is negative", r.Name)
	}
	if err := validate.Text(ErrInvalidPolicy, "source_repository_pattern", r.SourceRepositoryPattern, 0, MaxPatternLength, false); err != nil {
		return errorsmod.Wrapf(err, "requirement %q", r.Name)
	}
	for i, l := range r.MaxVulnerabilities {
		if !slices.Contains(Severities, l.Severity) {
			return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: max_vulnerabilities[%d] severity %q is not one of %s", r.Name, i, l.Severity, strings.Join(Severities, ", "))
		}
		for _, prev := range r.MaxVulnerabilities[:i] {
			if prev.Severity == l.Severity {
				return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: max_vulnerabilities repeats severity %q", r.Name, l.Severity)
			}
		}
	}
	// A constraint on a summary the predicate type does not have could never
	// be met: refuse the policy rather than deny every deployment.
	slsa := r.PredicateType == PredicateSLSAProvenanceV1 || r.PredicateType == PredicateSLSAProvenanceV02
	switch {
	case (len(r.BuilderIds) > 0 || r.SourceRepositoryPattern != "") && !slsa:
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: builder_ids and source_repository_pattern apply to SLSA provenance, not %s", r.Name, r.PredicateType)
	case len(r.MaxVulnerabilities) > 0 && r.PredicateType != PredicateCosignVuln:
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: max_vulnerabilities applies to %s, not %s", r.Name, PredicateCosignVuln, r.PredicateType)
	case r.TestsPassed && r.PredicateType != PredicateTestResult:
		return errorsmod.Wrapf(ErrInvalidPolicy, "requirement %q: tests_passed applies to %s, not %s", r.Name, PredicateTestResult, r.PredicateType)
	}
	return nil
}

// MinOrgs is the number of distinct organisations the requirement needs.
func (r Requirement) MinOrgs() int {
	return max(1, int(r.MinOrganizations))
}

// ModeName is the short name of a policy mode ("enforce", "dry_run").
func (m PolicyMode) ModeName() string {
	return strings.ToLower(strings.TrimPrefix(m.String(), "POLICY_MODE_"))
}
