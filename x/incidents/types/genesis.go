package types

import (
	"cmp"
	"slices"
	"time"

	errorsmod "cosmossdk.io/errors"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// DefaultGenesis has the default params and no records; the first ids are 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextIncidentId: 1, NextRemediationId: 1}
}

// Validate checks every record and the references between them. Addresses
// are decoded, and deployment references resolved, by InitGenesis, which has
// the address codec and the deployments keeper.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "params: %s", err)
	}
	if gs.NextIncidentId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_incident_id must be at least 1")
	}
	if gs.NextRemediationId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_remediation_id must be at least 1")
	}
	incidents := make(map[uint64]Incident, len(gs.Incidents))
	for i, inc := range gs.Incidents {
		if err := ValidateIncident(inc); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "incidents[%d] (id %d): %s", i, inc.Id, err)
		}
		if _, dup := incidents[inc.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "incidents[%d]: duplicate id %d", i, inc.Id)
		}
		if inc.Id >= gs.NextIncidentId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "incidents[%d]: id %d is not below next_incident_id %d", i, inc.Id, gs.NextIncidentId)
		}
		incidents[inc.Id] = inc
	}
	// Ids are issued in block order, so opening times never decrease with the
	// id; the Incidents query turns an opening-time range into an id range.
	byID := slices.Clone(gs.Incidents)
	slices.SortFunc(byID, func(a, b Incident) int { return cmp.Compare(a.Id, b.Id) })
	for i := 1; i < len(byID); i++ {
		if byID[i].OpenedAt.Before(byID[i-1].OpenedAt) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "incident %d opened at %s, before incident %d (%s): opening times must not decrease with the id",
				byID[i].Id, byID[i].OpenedAt.Format(time.RFC3339Nano), byID[i-1].Id, byID[i-1].OpenedAt.Format(time.RFC3339Nano))
		}
	}

	remediations := make(map[uint64]Remediation, len(gs.Remediations))
	for i, r := range gs.Remediations {
		if err := ValidateRemediation(r); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "remediations[%d] (id %d): %s", i, r.Id, err)
		}
		if _, dup := remediations[r.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "remediations[%d]: duplicate id %d", i, r.Id)
		}
		if r.Id >= gs.NextRemediationId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "remediations[%d]: id %d is not below next_remediation_id %d", i, r.Id, gs.NextRemediationId)
		}
		inc, ok := incidents[r.IncidentId]
		if !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "remediation %d: incident %d is not in genesis", r.Id, r.IncidentId)
		}
		if !slices.Contains(inc.RemediationIds, r.Id) {
			return errorsmod.Wrapf(ErrInvalidGenesis, "remediation %d: incident %d does not list it in remediation_ids", r.Id, r.IncidentId)
		}
		remediations[r.Id] = r
	}
	for _, inc := range gs.Incidents {
		for _, id := range inc.RemediationIds {
			r, ok := remediations[id]
			switch {
			case !ok:
				return errorsmod.Wrapf(ErrInvalidGenesis, "incident %d: remediation %d is not in genesis", inc.Id, id)
			case r.IncidentId != inc.Id:
				return errorsmod.Wrapf(ErrInvalidGenesis, "incident %d lists remediation %d, which belongs to incident %d", inc.Id, id, r.IncidentId)
			}
		}
	}
	reported := make(map[uint64]bool, len(gs.OverdueReported))
	for i, id := range gs.OverdueReported {
		r, ok := remediations[id]
		switch {
		case reported[id]:
			return errorsmod.Wrapf(ErrInvalidGenesis, "overdue_reported[%d]: duplicate remediation %d", i, id)
		case !ok:
			return errorsmod.Wrapf(ErrInvalidGenesis, "overdue_reported[%d]: remediation %d is not in genesis", i, id)
		case r.Completed:
			return errorsmod.Wrapf(ErrInvalidGenesis, "overdue_reported[%d]: remediation %d is completed", i, id)
		}
		reported[id] = true
	}
	return nil
}

// ValidateIncident checks a stored record: the message bounds plus the
// consistency of status, timestamps, causes, postmortem and timeline.
func ValidateIncident(inc Incident) error {
	if inc.Id == 0 {
		return errorsmod.Wrap(ErrInvalidIncident, "id must be at least 1")
	}
	if err := ValidateTitle(inc.Title); err != nil {
		return err
	}
	if !inc.Severity.IsSet() {
		return errorsmod.Wrapf(ErrInvalidSeverity, "severity %d", int32(inc.Severity))
	}
	if inc.Status == INCIDENT_STATUS_UNSPECIFIED || !inc.Status.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidStatus, "status %d", int32(inc.Status))
	}
	if err := ValidateAffected(inc.Affected); err != nil {
		return err
	}
	if err := ValidateSummary(inc.Summary); err != nil {
		return err
	}
	if err := ValidateDeploymentIDs("suspected_deployments", inc.SuspectedDeployments, MaxSuspectedDeployments); err != nil {
		return err
	}
	if err := ValidateSource(inc.Source); err != nil {
		return err
	}
	if inc.Document != nil {
		if err := ValidateDocument(*inc.Document, false); err != nil {
			return err
		}
	}
	if inc.OpenedBy == "" {
		return errorsmod.Wrap(ErrInvalidAddress, "opened_by is required")
	}
	if err := consortiumtypes.ValidateOrganizationID(inc.OrganizationId); err != nil {
		return errorsmod.Wrapf(ErrInvalidIncident, "organization_id: %s", err)
	}
	if err := validateTimes(inc); err != nil {
		return err
	}
	if len(inc.Causes) > MaxCauseLinks {
		return errorsmod.Wrapf(ErrTooManyCauses, "%d cause links, at most %d", len(inc.Causes), MaxCauseLinks)
	}
	for i, c := range inc.Causes {
		if c.DeploymentId == 0 {
			return errorsmod.Wrapf(ErrInvalidDeploymentID, "causes[%d]: deployment_id is 0", i)
		}
		for j := 0; j < i; j++ {
			if inc.Causes[j].DeploymentId == c.DeploymentId {
				return errorsmod.Wrapf(ErrCauseExists, "causes[%d] repeats deployment %d", i, c.DeploymentId)
			}
		}
		if err := ValidateNote(c.Note); err != nil {
			return errorsmod.Wrapf(err, "causes[%d]", i)
		}
		if c.LinkedBy == "" {
			return errorsmod.Wrapf(ErrInvalidAddress, "causes[%d]: linked_by is required", i)
		}
	}
	if err := validateStoredPostmortem(inc); err != nil {
		return err
	}
	if len(inc.Timeline) == 0 || inc.Timeline[0].Kind != TIMELINE_KIND_OPENED {
		return errorsmod.Wrap(ErrInvalidIncident, "the timeline must start with an opened entry")
	}
	for i, e := range inc.Timeline {
		if e.Kind == TIMELINE_KIND_UNSPECIFIED || !e.Kind.IsKnown() {
			return errorsmod.Wrapf(ErrInvalidIncident, "timeline[%d]: kind %d", i, int32(e.Kind))
		}
		if err := ValidateNote(e.Note); err != nil {
			return errorsmod.Wrapf(err, "timeline[%d]", i)
		}
		if e.Actor == "" {
			return errorsmod.Wrapf(ErrInvalidAddress, "timeline[%d]: actor is required", i)
		}
	}
	if len(inc.RemediationIds) > MaxRemediationsPerIncident {
		return errorsmod.Wrapf(ErrTooManyRemediations, "%d remediation items, at most %d", len(inc.RemediationIds), MaxRemediationsPerIncident)
	}
	for i, id := range inc.RemediationIds {
		if id == 0 || slices.Contains(inc.RemediationIds[:i], id) {
			return errorsmod.Wrapf(ErrInvalidIncident, "remediation_ids[%d] (%d) is 0 or repeated", i, id)
		}
	}
	return nil
}

// validateTimes checks that each status has exactly the timestamps of the
// steps it went through, in order: detected <= opened <= mitigated <=
// resolved <= closed (mitigated may be skipped).
func validateTimes(inc Incident) error {
	if inc.OpenedAt.IsZero() || inc.DetectedAt.IsZero() {
		return errorsmod.Wrap(ErrInvalidIncident, "opened_at and detected_at are required")
	}
	if inc.DetectedAt.After(inc.OpenedAt) {
		return errorsmod.Wrap(ErrInvalidDetectedAt, "detected_at is after opened_at")
	}
	st := inc.Status
	need := func(set bool, name string, required bool) error {
		if set != required {
			if required {
				return errorsmod.Wrapf(ErrInvalidIncident, "status %s needs %s", st.ShortName(), name)
			}
			return errorsmod.Wrapf(ErrInvalidIncident, "status %s must not have %s", st.ShortName(), name)
		}
		return nil
	}
	if st == INCIDENT_STATUS_OPEN {
		if err := need(inc.MitigatedAt != nil, "mitigated_at", false); err != nil {
			return err
		}
	}
	if st == INCIDENT_STATUS_MITIGATED {
		if err := need(inc.MitigatedAt != nil, "mitigated_at", true); err != nil {
			return err
		}
	}
	if err := need(inc.ResolvedAt != nil, "resolved_at", st >= INCIDENT_STATUS_RESOLVED); err != nil {
		return err
	}
	if err := need(inc.ClosedAt != nil, "closed_at", st == INCIDENT_STATUS_CLOSED); err != nil {
		return err
	}
	prev, prevName := inc.OpenedAt, "opened_at"
	for _, step := range []struct {
		t    *time.Time
		name string
	}{{inc.MitigatedAt, "mitigated_at"}, {inc.ResolvedAt, "resolved_at"}, {inc.ClosedAt, "closed_at"}} {
		if step.t == nil {
			continue
		}
		if step.t.Before(prev) {
			return errorsmod.Wrapf(ErrInvalidIncident, "%s is before %s", step.name, prevName)
		}
		prev, prevName = *step.t, step.name
	}
	return nil
}

// validateStoredPostmortem: a postmortem exists only on a closed incident,
// is required for sev1 and sev2, and states its causes consistently.
func validateStoredPostmortem(inc Incident) error {
	p := inc.Postmortem
	if p == nil {
		if inc.Status == INCIDENT_STATUS_CLOSED && inc.Severity.RequiresPostmortem() {
			return errorsmod.Wrapf(ErrPostmortemRequired, "closed %s incident without postmortem", inc.Severity.ShortName())
		}
		return nil
	}
	if inc.Status != INCIDENT_STATUS_CLOSED {
		return errorsmod.Wrapf(ErrInvalidPostmortem, "a %s incident has no postmortem yet", inc.Status.ShortName())
	}
	if err := validatePostmortemContent(*p); err != nil {
		return err
	}
	if p.Author == "" || p.Time.IsZero() {
		return errorsmod.Wrap(ErrInvalidPostmortem, "author and time are required")
	}
	return CheckPostmortemCauses(*p, len(inc.Causes))
}

// CheckPostmortemCauses: a postmortem names at least one cause link or says
// explicitly that no deployment was involved, not both.
func CheckPostmortemCauses(p Postmortem, causes int) error {
	switch {
	case p.NoDeploymentInvolved && causes > 0:
		return errorsmod.Wrapf(ErrInvalidPostmortem, "no_deployment_involved contradicts the %d cause link(s); unlink them first or drop the flag", causes)
	case !p.NoDeploymentInvolved && causes == 0:
		return errorsmod.Wrap(ErrInvalidPostmortem, "link the causing deployment(s) first (tx incidents link-cause) or set no_deployment_involved")
	}
	return nil
}

// ValidateRemediation checks a stored remediation item.
func ValidateRemediation(r Remediation) error {
	if r.Id == 0 {
		return errorsmod.Wrap(ErrInvalidRemediation, "id must be at least 1")
	}
	if r.IncidentId == 0 {
		return errorsmod.Wrap(ErrInvalidRemediation, "incident_id is required")
	}
	if err := ValidateRemediationTitle(r.Title); err != nil {
		return err
	}
	if err := ValidateOwnerOrganization(r.OwnerOrganizationId); err != nil {
		return err
	}
	if r.CreatedBy == "" {
		return errorsmod.Wrap(ErrInvalidAddress, "created_by is required")
	}
	if r.CreatedAt.IsZero() || !r.DueTime.After(r.CreatedAt) {
		return errorsmod.Wrap(ErrInvalidDueTime, "due_time must be after created_at")
	}
	if r.DueTime.Sub(r.CreatedAt) > MaxRemediationDueHorizon {
		return errorsmod.Wrapf(ErrInvalidDueTime, "due_time is more than %s after created_at", MaxRemediationDueHorizon)
	}
	if err := ValidateNote(r.CompletionNote); err != nil {
		return err
	}
	if r.Completed {
		if r.CompletedAt == nil || r.CompletedBy == "" {
			return errorsmod.Wrap(ErrInvalidRemediation, "a completed item needs completed_at and completed_by")
		}
		if r.CompletedAt.Before(r.CreatedAt) {
			return errorsmod.Wrap(ErrInvalidRemediation, "completed_at is before created_at")
		}
		return nil
	}
	if r.CompletedAt != nil || r.CompletedBy != "" || r.CompletionNote != "" {
		return errorsmod.Wrap(ErrInvalidRemediation, "an incomplete item has no completion fields")
	}
	return nil
}
