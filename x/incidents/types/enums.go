package types

import (
	"strings"

	errorsmod "cosmossdk.io/errors"
)

const (
	severityPrefix   = "SEVERITY_"
	statusPrefix     = "INCIDENT_STATUS_"
	sourceKindPrefix = "SOURCE_KIND_"
	timelinePrefix   = "TIMELINE_KIND_"
)

// Severities lists the settable severities, most severe first.
var Severities = []Severity{SEVERITY_SEV1, SEVERITY_SEV2, SEVERITY_SEV3, SEVERITY_SEV4}

// IsKnown reports whether s is a value of the enum (unspecified included).
func (s Severity) IsKnown() bool {
	_, ok := Severity_name[int32(s)]
	return ok
}

// IsSet reports whether s is one of sev1..sev4.
func (s Severity) IsSet() bool { return s != SEVERITY_UNSPECIFIED && s.IsKnown() }

// AtLeast reports whether s is as severe as threshold or more: sev1 is the
// most severe and has the smallest value. An unspecified s or threshold is
// never reached.
func (s Severity) AtLeast(threshold Severity) bool {
	return s.IsSet() && threshold.IsSet() && s <= threshold
}

// RequiresPostmortem reports whether closing an incident of this severity
// needs a postmortem (sev1 and sev2).
func (s Severity) RequiresPostmortem() bool { return s.AtLeast(SEVERITY_SEV2) }

// ShortName is the lowercase name used on the command line ("sev1").
func (s Severity) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(s.String(), severityPrefix))
}

// ParseSeverity accepts "sev1", "SEV1", "1" or "SEVERITY_SEV1". Unspecified
// is refused.
func ParseSeverity(s string) (Severity, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if len(name) == 1 && name[0] >= '0' && name[0] <= '9' {
		name = "SEV" + name
	}
	v, ok := Severity_value[enumName(name, severityPrefix)]
	if !ok || Severity(v) == SEVERITY_UNSPECIFIED {
		return SEVERITY_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidSeverity, "unknown severity %q (want one of %s)", s, SeverityNames())
	}
	return Severity(v), nil
}

// SeverityNames is the comma-separated list of short severity names.
func SeverityNames() string {
	names := make([]string, len(Severities))
	for i, s := range Severities {
		names[i] = s.ShortName()
	}
	return strings.Join(names, ", ")
}

// IsKnown reports whether s is a value of the enum (unspecified included).
func (s IncidentStatus) IsKnown() bool {
	_, ok := IncidentStatus_name[int32(s)]
	return ok
}

// IsActive reports whether the incident is still being worked on (open or
// mitigated): only active incidents freeze deployments.
func (s IncidentStatus) IsActive() bool {
	return s == INCIDENT_STATUS_OPEN || s == INCIDENT_STATUS_MITIGATED
}

// ShortName is the lowercase name used on the command line ("mitigated").
func (s IncidentStatus) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(s.String(), statusPrefix))
}

// ParseIncidentStatus accepts "mitigated", "MITIGATED" or
// "INCIDENT_STATUS_MITIGATED". Unspecified is refused.
func ParseIncidentStatus(s string) (IncidentStatus, error) {
	v, ok := IncidentStatus_value[enumName(s, statusPrefix)]
	if !ok || IncidentStatus(v) == INCIDENT_STATUS_UNSPECIFIED {
		return INCIDENT_STATUS_UNSPECIFIED, errorsmod.Wrapf(ErrInvalidStatus, "unknown status %q (want one of open, mitigated, resolved, closed)", s)
	}
	return IncidentStatus(v), nil
}

// ValidateUpdateTransition checks a status change requested by
// MsgUpdateIncident: forward only, to mitigated or resolved. Closing has its
// own message and a closed incident never changes.
func ValidateUpdateTransition(from, to IncidentStatus) error {
	switch {
	case from == INCIDENT_STATUS_CLOSED:
		return errorsmod.Wrap(ErrIncidentClosed, "a closed incident never changes status")
	case to == INCIDENT_STATUS_CLOSED:
		return errorsmod.Wrapf(ErrIllegalTransition, "from %s to closed: close with MsgCloseIncident (tx incidents close), from resolved", from.ShortName())
	case to != INCIDENT_STATUS_MITIGATED && to != INCIDENT_STATUS_RESOLVED:
		return errorsmod.Wrapf(ErrIllegalTransition, "from %s to %s: an update may only move to mitigated or resolved", from.ShortName(), to.ShortName())
	case to <= from:
		return errorsmod.Wrapf(ErrIllegalTransition, "from %s to %s: the status only moves forward (open -> mitigated -> resolved -> closed)", from.ShortName(), to.ShortName())
	}
	return nil
}

// IsKnown reports whether k is a value of the enum (unspecified included).
func (k SourceKind) IsKnown() bool {
	_, ok := SourceKind_name[int32(k)]
	return ok
}

// ShortName is the lowercase name ("aiops_verdict").
func (k SourceKind) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(k.String(), sourceKindPrefix))
}

// IsKnown reports whether k is a value of the enum (unspecified included).
func (k TimelineKind) IsKnown() bool {
	_, ok := TimelineKind_name[int32(k)]
	return ok
}

// ShortName is the lowercase name ("status_change").
func (k TimelineKind) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(k.String(), timelinePrefix))
}

// enumName normalises a user-supplied enum name to its proto constant name.
func enumName(s, prefix string) string {
	name := strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), "-", "_"))
	if !strings.HasPrefix(name, prefix) {
		name = prefix + name
	}
	return name
}
