package types

import (
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

var (
	_ sdk.Msg = &MsgOpenIncident{}
	_ sdk.Msg = &MsgUpdateIncident{}
	_ sdk.Msg = &MsgLinkCause{}
	_ sdk.Msg = &MsgUnlinkCause{}
	_ sdk.Msg = &MsgAddRemediation{}
	_ sdk.Msg = &MsgCompleteRemediation{}
	_ sdk.Msg = &MsgCloseIncident{}
	_ sdk.Msg = &MsgUpdateParams{}
)

// Each Validate runs the stateless checks of its message except the signer
// address, which needs the chain's address codec (the msg server decodes
// it). Checks against the block time and the stored state are the keeper's.

// Validate checks MsgOpenIncident. detected_at is checked against the block
// time and the suspected deployments' existence by the keeper.
func (m *MsgOpenIncident) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidIncident, "empty message")
	}
	if err := ValidateTitle(m.Title); err != nil {
		return err
	}
	if !m.Severity.IsSet() {
		return errorsmod.Wrapf(ErrInvalidSeverity, "severity %d: want one of %s", int32(m.Severity), SeverityNames())
	}
	if err := ValidateAffected(m.Affected); err != nil {
		return err
	}
	if err := ValidateSummary(m.Summary); err != nil {
		return err
	}
	if m.DetectedAt != nil && m.DetectedAt.IsZero() {
		return errorsmod.Wrap(ErrInvalidDetectedAt, "detected_at is the zero time; omit it to use the block time")
	}
	if err := ValidateDeploymentIDs("suspected_deployments", m.SuspectedDeployments, MaxSuspectedDeployments); err != nil {
		return err
	}
	if err := ValidateSource(m.Source); err != nil {
		return err
	}
	if m.Document != nil {
		if err := ValidateDocument(*m.Document, false); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks MsgUpdateIncident: an id, a note within bounds, and at
// least one of note, status and severity.
func (m *MsgUpdateIncident) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidIncident, "empty message")
	}
	if m.Id == 0 {
		return errorsmod.Wrap(ErrInvalidIncident, "id is required")
	}
	if err := ValidateNote(m.Note); err != nil {
		return err
	}
	switch {
	case !m.Status.IsKnown():
		return errorsmod.Wrapf(ErrInvalidStatus, "unknown status %d", int32(m.Status))
	case m.Status == INCIDENT_STATUS_CLOSED:
		return errorsmod.Wrap(ErrIllegalTransition, "to closed: close with MsgCloseIncident (tx incidents close), from resolved")
	case m.Status == INCIDENT_STATUS_OPEN:
		return errorsmod.Wrap(ErrIllegalTransition, "to open: the status only moves forward (open -> mitigated -> resolved -> closed)")
	}
	if !m.Severity.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidSeverity, "unknown severity %d", int32(m.Severity))
	}
	if m.Note == "" && m.Status == INCIDENT_STATUS_UNSPECIFIED && m.Severity == SEVERITY_UNSPECIFIED {
		return errorsmod.Wrap(ErrEmptyUpdate, "give a note, a status or a severity")
	}
	return nil
}

// Validate checks MsgLinkCause.
func (m *MsgLinkCause) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidIncident, "empty message")
	}
	return validateCauseFields(m.IncidentId, m.DeploymentId, m.Note)
}

// Validate checks MsgUnlinkCause.
func (m *MsgUnlinkCause) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidIncident, "empty message")
	}
	return validateCauseFields(m.IncidentId, m.DeploymentId, m.Note)
}

func validateCauseFields(incidentID, deploymentID uint64, note string) error {
	if incidentID == 0 {
		return errorsmod.Wrap(ErrInvalidIncident, "incident_id is required")
	}
	if deploymentID == 0 {
		return errorsmod.Wrap(ErrInvalidDeploymentID, "deployment_id is required")
	}
	return ValidateNote(note)
}

// Validate checks MsgAddRemediation. The due time is checked against the
// block time by the keeper.
func (m *MsgAddRemediation) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRemediation, "empty message")
	}
	if m.IncidentId == 0 {
		return errorsmod.Wrap(ErrInvalidIncident, "incident_id is required")
	}
	if err := ValidateRemediationTitle(m.Title); err != nil {
		return err
	}
	if err := ValidateOwnerOrganization(m.OwnerOrganizationId); err != nil {
		return err
	}
	if m.DueTime.IsZero() {
		return errorsmod.Wrap(ErrInvalidDueTime, "due_time is required")
	}
	return nil
}

// Validate checks MsgCompleteRemediation.
func (m *MsgCompleteRemediation) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidRemediation, "empty message")
	}
	if m.RemediationId == 0 {
		return errorsmod.Wrap(ErrInvalidRemediation, "remediation_id is required")
	}
	return ValidateNote(m.Note)
}

// Validate checks MsgCloseIncident. Whether a postmortem is required, and
// whether its cause statement fits the incident's links, is the keeper's.
func (m *MsgCloseIncident) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidIncident, "empty message")
	}
	if m.Id == 0 {
		return errorsmod.Wrap(ErrInvalidIncident, "id is required")
	}
	if err := ValidateNote(m.Note); err != nil {
		return err
	}
	if m.Postmortem != nil {
		if err := ValidatePostmortem(*m.Postmortem); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks MsgUpdateParams' params; the authority is checked by the
// msg server.
func (m *MsgUpdateParams) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidParams, "empty message")
	}
	return m.Params.Validate()
}
