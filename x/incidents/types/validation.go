package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

// Input bounds. Lengths are in bytes of UTF-8; the README lists them all.
const (
	MinTitleLength            = 1
	MaxTitleLength            = 256
	MaxSummaryLength          = 4096
	MaxNoteLength             = 2048
	MinAffected               = 1
	MaxAffected               = 16
	MaxSuspectedDeployments   = 16
	MaxRemediationTitleLength = 256
	MinRootCauseLength        = 1
	MaxRootCauseLength        = 4096
	MaxLocationLength         = 2048
	MaxSourceReferenceLength  = 256
	// MaxCauseLinks bounds the cause links of one incident, so the record
	// (read and written by every later message) stays small.
	MaxCauseLinks = 64
	// MaxRemediationsPerIncident bounds the remediation items of one incident.
	MaxRemediationsPerIncident = 64
	// MaxRemediationDueHorizon is how far after the block time a due time may
	// be (about ten years); it also keeps due-time keys inside the years the
	// sortable time encoding orders correctly.
	MaxRemediationDueHorizon = 3650 * 24 * time.Hour
	// MaxMetricsWindow bounds the cost of a Metrics query: it reads every
	// successful deployment and every incident opened in the window.
	MaxMetricsWindow = 366 * 24 * time.Hour
	// MaxOverduePerBlock bounds the EndBlock work: at most this many overdue
	// events per block, earliest due first; the rest follow in the next blocks.
	MaxOverduePerBlock = 1000

	DefaultQueryLimit uint64 = 100
	MaxQueryLimit     uint64 = 1000
)

// Names of services and environments follow x/deployments exactly, so an
// incident names the same pairs deployments are recorded under.

// ValidateService checks a service name (x/deployments' rule).
func ValidateService(s string) error {
	return validateName(ErrInvalidService, "service", s, deploymentstypes.MaxServiceLength)
}

// ValidateEnvironment checks an environment name (x/deployments' rule).
func ValidateEnvironment(s string) error {
	return validateName(ErrInvalidEnvironment, "environment", s, deploymentstypes.MaxEnvironmentLength)
}

func validateName(class *errorsmod.Error, what, s string, maxLen int) error {
	return validate.Name(class, what, s, maxLen)
}

// ValidateAffected checks the affected pairs: 1..MaxAffected, valid names,
// no pair twice.
func ValidateAffected(pairs []ServiceEnvironment) error {
	if len(pairs) < MinAffected || len(pairs) > MaxAffected {
		return errorsmod.Wrapf(ErrInvalidAffected, "%d affected service/environment pairs, want %d to %d", len(pairs), MinAffected, MaxAffected)
	}
	for i, p := range pairs {
		if err := ValidateService(p.Service); err != nil {
			return errorsmod.Wrapf(err, "affected[%d]", i)
		}
		if err := ValidateEnvironment(p.Environment); err != nil {
			return errorsmod.Wrapf(err, "affected[%d]", i)
		}
		for j := 0; j < i; j++ {
			if pairs[j] == p {
				return errorsmod.Wrapf(ErrInvalidAffected, "affected[%d] %s/%s repeats affected[%d]", i, p.Service, p.Environment, j)
			}
		}
	}
	return nil
}

// ValidateDeploymentIDs checks a list of deployment ids: at most maxLen,
// non-zero, unique. what names the field in errors.
func ValidateDeploymentIDs(what string, ids []uint64, maxLen int) error {
	if len(ids) > maxLen {
		return errorsmod.Wrapf(ErrInvalidDeploymentID, "%d %s, at most %d allowed", len(ids), what, maxLen)
	}
	for i, id := range ids {
		if id == 0 {
			return errorsmod.Wrapf(ErrInvalidDeploymentID, "%s[%d] is 0", what, i)
		}
		for j := 0; j < i; j++ {
			if ids[j] == id {
				return errorsmod.Wrapf(ErrInvalidDeploymentID, "%s[%d] repeats deployment %d", what, i, id)
			}
		}
	}
	return nil
}

// ValidateSource checks who or what detected the incident: a known kind and
// a reference (a person's handle, an alert name, an aiops verdict or anomaly
// id) of 1..MaxSourceReferenceLength printable bytes.
func ValidateSource(s Source) error {
	if s.Kind == SOURCE_KIND_UNSPECIFIED || !s.Kind.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidSource, "kind %d: want person, alert, aiops_verdict or aiops_anomaly", int32(s.Kind))
	}
	return validateText(ErrInvalidSource, "source reference", s.Reference, 1, MaxSourceReferenceLength, false)
}

// ValidateDigest checks "sha256:<64 lowercase hex>" and says which part is
// wrong.
func ValidateDigest(d string) error {
	return validate.Digest(ErrInvalidDigest, d, validate.SHA256)
}

// ValidateDocument checks a document reference: a sha256 digest and, when
// locationRequired, a location; the location is at most MaxLocationLength
// printable bytes.
func ValidateDocument(d Document, locationRequired bool) error {
	if err := ValidateDigest(d.Digest); err != nil {
		return err
	}
	minLen := 0
	if locationRequired {
		minLen = 1
	}
	return validateText(ErrInvalidDocument, "document location", d.Location, minLen, MaxLocationLength, false)
}

// ValidateTitle checks an incident title.
func ValidateTitle(s string) error {
	return validateText(ErrInvalidTitle, "title", s, MinTitleLength, MaxTitleLength, false)
}

// ValidateSummary checks an incident summary (may be empty; newlines and
// tabs allowed).
func ValidateSummary(s string) error {
	return validateText(ErrInvalidSummary, "summary", s, 0, MaxSummaryLength, true)
}

// ValidateNote checks a note (may be empty; newlines and tabs allowed).
func ValidateNote(s string) error {
	return validateText(ErrInvalidNote, "note", s, 0, MaxNoteLength, true)
}

// ValidateRemediationTitle checks a remediation item title.
func ValidateRemediationTitle(s string) error {
	return validateText(ErrInvalidRemediation, "remediation title", s, 1, MaxRemediationTitleLength, false)
}

// ValidateOwnerOrganization checks a remediation owner: an organisation slug
// as x/consortium defines it. Whether the organisation exists is not checked
// (the consortium keeper offers no lookup to this module); the slug only
// decides which organisation's responders may complete the item.
func ValidateOwnerOrganization(id string) error {
	if err := consortiumtypes.ValidateOrganizationID(id); err != nil {
		return errorsmod.Wrapf(ErrInvalidRemediation, "owner_organization_id: %s", err)
	}
	return nil
}

// ValidatePostmortem checks the fields a closer supplies. Author and time are
// set by the chain and must be empty in a message. Whether cause links or
// no_deployment_involved are required depends on the stored incident and is
// checked by the keeper.
func ValidatePostmortem(p Postmortem) error {
	if err := validatePostmortemContent(p); err != nil {
		return err
	}
	if p.Author != "" || !p.Time.IsZero() {
		return errorsmod.Wrap(ErrInvalidPostmortem, "author and time are set by the chain; leave them empty")
	}
	return nil
}

// validatePostmortemContent checks the document and the root cause.
func validatePostmortemContent(p Postmortem) error {
	if err := ValidateDocument(p.Document, true); err != nil {
		return errorsmod.Wrap(err, "postmortem document")
	}
	return validateText(ErrInvalidPostmortem, "root cause", p.RootCause, MinRootCauseLength, MaxRootCauseLength, true)
}

// validateText checks a free-text field: valid UTF-8, printable characters
// only (unicode.IsPrint; with multiline also newline and tab), length within
// [minLen, maxLen] bytes.
func validateText(class *errorsmod.Error, what, s string, minLen, maxLen int, multiline bool) error {
	return validate.Text(class, what, s, minLen, maxLen, multiline)
}
