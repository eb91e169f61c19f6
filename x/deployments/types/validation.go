package types

import (
	"strings"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/internal/validate"
)

// Input bounds. Lengths are in bytes of UTF-8; the README lists them all.
const (
	// NamePattern is the shape of service names, environment names and label keys.
	NamePattern = validate.NamePattern

	MaxServiceLength      = 128
	MaxEnvironmentLength  = 128
	MaxVersionLength      = 128
	MinArtifacts          = 1
	MaxArtifacts          = 32
	MaxArtifactNameLength = 256
	MaxArtifactURILength  = 2048
	MaxRepositoryLength   = 512
	// A commit, when given, is a lowercase hex object id: at least an
	// abbreviated git sha (7), at most a full sha256 object id (64).
	MinCommitLength                = 7
	MaxCommitLength                = 64
	MaxPipelineSystemLength        = 128
	MaxPipelineRunIDLength         = 128
	MaxPipelineRunURLLength        = 2048
	MaxLabels                      = 16
	MaxLabelKeyLength              = 64
	MaxLabelValueLength            = 256
	MaxExternalIDLength            = 128
	MaxReasonLength                = 1024
	MaxFixesIncidents              = 16
	MaxBreakGlassLength            = 1024
	DigestAlgorithmSHA256          = validate.SHA256
	DigestAlgorithmSHA512          = validate.SHA512
	SHA256DigestHexLength          = 64
	SHA512DigestHexLength          = 128
	DefaultQueryLimit       uint64 = 100
	MaxQueryLimit           uint64 = 1000
)

// ValidateService checks a service name.
func ValidateService(s string) error {
	return validateName(ErrInvalidService, "service", s, MaxServiceLength)
}

// ValidateEnvironment checks an environment name.
func ValidateEnvironment(s string) error {
	return validateName(ErrInvalidEnvironment, "environment", s, MaxEnvironmentLength)
}

func validateName(class *errorsmod.Error, what, s string, maxLen int) error {
	return validate.Name(class, what, s, maxLen)
}

// ValidateDigest checks "sha256:<64 lowercase hex>" or
// "sha512:<128 lowercase hex>" and says which part is wrong.
func ValidateDigest(d string) error {
	return validate.Digest(ErrInvalidDigest, d, DigestAlgorithmSHA256, DigestAlgorithmSHA512)
}

// ValidateArtifacts checks the artifact list of a deployment.
func ValidateArtifacts(artifacts []Artifact) error {
	if len(artifacts) < MinArtifacts || len(artifacts) > MaxArtifacts {
		return errorsmod.Wrapf(ErrInvalidArtifact, "%d artifacts, want %d to %d", len(artifacts), MinArtifacts, MaxArtifacts)
	}
	for i, a := range artifacts {
		if err := ValidateArtifact(a); err != nil {
			return errorsmod.Wrapf(err, "artifact %d (%q)", i, a.Name)
		}
		for j := 0; j < i; j++ {
			if artifacts[j].Name == a.Name && artifacts[j].Digest == a.Digest {
				return errorsmod.Wrapf(ErrInvalidArtifact, "artifact %d (%q) repeats artifact %d", i, a.Name, j)
			}
		}
	}
	return nil
}

// ValidateArtifact checks one artifact: name, digest and optional uri.
func ValidateArtifact(a Artifact) error {
	if err := validateText(ErrInvalidArtifact, "name", a.Name, 1, MaxArtifactNameLength); err != nil {
		return err
	}
	if err := ValidateDigest(a.Digest); err != nil {
		return err
	}
	return validateText(ErrInvalidArtifact, "uri", a.Uri, 0, MaxArtifactURILength)
}

// ValidateSource checks the optional source fields.
func ValidateSource(s Source) error {
	if err := validateText(ErrInvalidSource, "repository", s.Repository, 0, MaxRepositoryLength); err != nil {
		return err
	}
	if s.Commit == "" {
		return nil
	}
	if len(s.Commit) < MinCommitLength || len(s.Commit) > MaxCommitLength {
		return errorsmod.Wrapf(ErrInvalidSource, "commit %q has %d characters, want %d to %d", s.Commit, len(s.Commit), MinCommitLength, MaxCommitLength)
	}
	for i := 0; i < len(s.Commit); i++ {
		c := s.Commit[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return errorsmod.Wrapf(ErrInvalidSource, "commit %q has %q at position %d (want lowercase hex)", s.Commit, c, i)
		}
	}
	return nil
}

// ValidatePipeline checks the optional pipeline fields.
func ValidatePipeline(p Pipeline) error {
	if err := validateText(ErrInvalidPipeline, "system", p.System, 0, MaxPipelineSystemLength); err != nil {
		return err
	}
	if err := validateText(ErrInvalidPipeline, "run_id", p.RunId, 0, MaxPipelineRunIDLength); err != nil {
		return err
	}
	return validateText(ErrInvalidPipeline, "run_url", p.RunUrl, 0, MaxPipelineRunURLLength)
}

// ValidateLabels checks count, key shape, key uniqueness and values.
func ValidateLabels(labels []Label) error {
	if len(labels) > MaxLabels {
		return errorsmod.Wrapf(ErrInvalidLabel, "%d labels, at most %d allowed", len(labels), MaxLabels)
	}
	for i, l := range labels {
		if err := validateName(ErrInvalidLabel, "label key", l.Key, MaxLabelKeyLength); err != nil {
			return errorsmod.Wrapf(err, "label %d", i)
		}
		if err := validateText(ErrInvalidLabel, "value of label "+l.Key, l.Value, 0, MaxLabelValueLength); err != nil {
			return errorsmod.Wrapf(err, "label %d", i)
		}
		for j := 0; j < i; j++ {
			if labels[j].Key == l.Key {
				return errorsmod.Wrapf(ErrInvalidLabel, "label key %q repeated (labels %d and %d)", l.Key, j, i)
			}
		}
	}
	return nil
}

// ValidateExternalID checks the optional idempotency key.
func ValidateExternalID(id string) error {
	return validateText(ErrInvalidExternalID, "external_id", id, 0, MaxExternalIDLength)
}

// ValidateReason checks a transition reason: UTF-8, printable characters plus
// newline and tab, at most MaxReasonLength bytes.
func ValidateReason(r string) error {
	return validateNote(ErrInvalidReason, "reason", r, MaxReasonLength)
}

// ValidateBreakGlass checks the optional break-glass justification with the
// rules of a reason (it is prose too), at most MaxBreakGlassLength bytes.
func ValidateBreakGlass(s string) error {
	if s != "" && strings.TrimSpace(s) == "" {
		// A justification that says nothing would still open every gate.
		return errorsmod.Wrap(ErrInvalidBreakGlass, "break_glass must say why (it is blank)")
	}
	return validateNote(ErrInvalidBreakGlass, "break_glass", s, MaxBreakGlassLength)
}

// ValidateFixesIncidents checks the incident ids a deployment declares it
// fixes: at most MaxFixesIncidents, none 0 (incident ids start at 1), none
// repeated. Whether the incidents exist is not checked here: x/deployments
// does not know them, and the ids only matter to the incidents deploy gate.
func ValidateFixesIncidents(ids []uint64) error {
	if len(ids) > MaxFixesIncidents {
		return errorsmod.Wrapf(ErrInvalidFixesIncidents, "%d incident ids, at most %d allowed", len(ids), MaxFixesIncidents)
	}
	for i, id := range ids {
		if id == 0 {
			return errorsmod.Wrapf(ErrInvalidFixesIncidents, "fixes_incidents[%d] is 0 (incident ids start at 1)", i)
		}
		for j := 0; j < i; j++ {
			if ids[j] == id {
				return errorsmod.Wrapf(ErrInvalidFixesIncidents, "incident %d repeated (fixes_incidents[%d] and [%d])", id, j, i)
			}
		}
	}
	return nil
}

// validateNote checks free prose: valid UTF-8, printable characters plus
// newline and tab, at most maxLen bytes (may be empty).
func validateNote(class *errorsmod.Error, what, s string, maxLen int) error {
	return validate.Text(class, what, s, 0, maxLen, true)
}

// validateText checks a free-text field: valid UTF-8, printable characters
// only (unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the
// ASCII space), length within [minLen, maxLen] bytes.
func validateText(class *errorsmod.Error, what, s string, minLen, maxLen int) error {
	return validate.Text(class, what, s, minLen, maxLen, false)
}
