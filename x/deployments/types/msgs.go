package types

import (
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

var (
	_ sdk.Msg = &MsgRecordDeployment{}
	_ sdk.Msg = &MsgUpdateDeploymentStatus{}
	_ sdk.Msg = &MsgRecordDeployments{}
)

// MaxBatchRecords is the most records one MsgRecordDeployments may carry; it
// needs at least one.
const MaxBatchRecords = 100

// Validate runs every stateless check of MsgRecordDeployment except the
// deployer address, which needs the chain's address codec (the msg server
// decodes it).
func (m *MsgRecordDeployment) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidDeployment, "empty message")
	}
	if err := ValidateContent(m.Service, m.Environment, m.Version, m.Artifacts, m.Source, m.Pipeline, m.Strategy, m.Labels, m.ExternalId); err != nil {
		return err
	}
	if m.Status != DEPLOYMENT_STATUS_UNSPECIFIED && m.Status != DEPLOYMENT_STATUS_IN_PROGRESS && !m.Status.IsFinal() {
		return errorsmod.Wrapf(ErrInvalidStatus, "initial status %d is not in_progress or a final status", int32(m.Status))
	}
	if err := ValidateReason(m.Reason); err != nil {
		return err
	}
	if err := ValidateFixesIncidents(m.FixesIncidents); err != nil {
		return err
	}
	return ValidateBreakGlass(m.BreakGlass)
}

// InitialStatus is the status a new record starts in: in_progress unless the
// message names a final status.
func (m *MsgRecordDeployment) InitialStatus() DeploymentStatus {
	if m.Status == DEPLOYMENT_STATUS_UNSPECIFIED {
		return DEPLOYMENT_STATUS_IN_PROGRESS
	}
	return m.Status
}

// ContentDigest is sha256 over the deterministic protobuf encoding of the
// message with the deployer cleared: two deployers of one organisation
// retrying the same request produce the same digest. Every other field counts,
// fixes_incidents (in its order) and break_glass included: a retry that adds a
// justification is a different request, not a replay.
func (m *MsgRecordDeployment) ContentDigest() ([]byte, error) {
	c := *m
	c.Deployer = ""
	bz, err := c.Marshal()
	if err != nil {
		return nil, errorsmod.Wrapf(ErrInvalidDeployment, "encode content: %s", err)
	}
	sum := sha256.Sum256(bz)
	return sum[:], nil
}

// ValidateContent checks the fields shared by a record request and a stored
// deployment.
func ValidateContent(service, environment, version string, artifacts []Artifact, source Source, pipeline Pipeline, strategy Strategy, labels []Label, externalID string) error {
	if err := ValidateService(service); err != nil {
		return err
	}
	if err := ValidateEnvironment(environment); err != nil {
		return err
	}
	if err := validateText(ErrInvalidVersion, "version", version, 1, MaxVersionLength); err != nil {
		return err
	}
	if err := ValidateArtifacts(artifacts); err != nil {
		return err
	}
	if err := ValidateSource(source); err != nil {
		return err
	}
	if err := ValidatePipeline(pipeline); err != nil {
		return err
	}
	if !strategy.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidStrategy, "unknown strategy %d", int32(strategy))
	}
	if err := ValidateLabels(labels); err != nil {
		return err
	}
	return ValidateExternalID(externalID)
}

// Validate runs the stateless checks of MsgUpdateDeploymentStatus except the
// deployer address. Whether the transition is allowed depends on the stored
// record and is checked by the keeper.
func (m *MsgUpdateDeploymentStatus) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidDeployment, "empty message")
	}
	if m.Id == 0 {
		return errorsmod.Wrap(ErrInvalidDeployment, "id is required")
	}
	if !m.Status.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidStatus, "unknown status %d", int32(m.Status))
	}
	return ValidateReason(m.Reason)
}

// Validate runs the stateless checks of MsgReviewBreakGlass except the
// reviewer address.
func (m *MsgReviewBreakGlass) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidDeployment, "empty message")
	}
	if m.Id == 0 {
		return errorsmod.Wrap(ErrInvalidDeployment, "id is required")
	}
	return validateNote(ErrInvalidNote, "note", m.Note, MaxReasonLength)
}

// Msg returns the MsgRecordDeployment that deployer would sign for the
// record's content. A batch record goes through exactly the checks, the
// idempotency rules (same content digest) and the keeper path of that message.
func (r DeploymentRecord) Msg(deployer string) *MsgRecordDeployment {
	return &MsgRecordDeployment{
		Deployer:       deployer,
		Service:        r.Service,
		Environment:    r.Environment,
		Version:        r.Version,
		Artifacts:      r.Artifacts,
		Source:         r.Source,
		Pipeline:       r.Pipeline,
		Strategy:       r.Strategy,
		Status:         r.Status,
		RollbackOf:     r.RollbackOf,
		Labels:         r.Labels,
		ExternalId:     r.ExternalId,
		Reason:         r.Reason,
		FixesIncidents: r.FixesIncidents,
		BreakGlass:     r.BreakGlass,
	}
}

// Msgs returns one MsgRecordDeployment per record, in order, all signed by
// the batch's deployer.
func (m *MsgRecordDeployments) Msgs() []*MsgRecordDeployment {
	out := make([]*MsgRecordDeployment, len(m.Records))
	for i, r := range m.Records {
		out[i] = r.Msg(m.Deployer)
	}
	return out
}

// Validate checks the record count (1 to MaxBatchRecords) and runs
// MsgRecordDeployment.Validate on every record in order; the first failure
// is returned wrapped with "record <index>" (0-based), keeping its error
// class. The deployer address is checked by the msg server.
func (m *MsgRecordDeployments) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidDeployment, "empty message")
	}
	if len(m.Records) == 0 {
		return errorsmod.Wrap(ErrInvalidDeployment, "at least one record is required")
	}
	if len(m.Records) > MaxBatchRecords {
		return errorsmod.Wrapf(ErrInvalidDeployment, "%d records; at most %d per message", len(m.Records), MaxBatchRecords)
	}
	for i, msg := range m.Msgs() {
		if err := msg.Validate(); err != nil {
			return WrapRecordIndex(err, i)
		}
	}
	return nil
}

// WrapRecordIndex prefixes err with "record <i>" (the 0-based index in a
// MsgRecordDeployments); errors.Is and the ABCI code still see err's class.
func WrapRecordIndex(err error, i int) error {
	return errorsmod.Wrapf(err, "record %d", i)
}
