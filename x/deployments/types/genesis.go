package types

import (
	"crypto/sha256"

	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis has no deployments; the first id is 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{NextDeploymentId: 1}
}

// Validate checks every record and the relations between them. The deployer
// addresses are decoded by InitGenesis, which has the address codec.
func (gs GenesisState) Validate() error {
	if gs.NextDeploymentId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_deployment_id must be at least 1")
	}
	byID := make(map[uint64]Deployment, len(gs.Deployments))
	type extKey struct{ org, ext string }
	extIDs := make(map[extKey]uint64)
	for i, gd := range gs.Deployments {
		d := gd.Deployment
		if err := ValidateDeployment(d); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployments[%d] (id %d): %s", i, d.Id, err)
		}
		if _, dup := byID[d.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployments[%d]: duplicate id %d", i, d.Id)
		}
		if d.Id >= gs.NextDeploymentId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployments[%d]: id %d is not below next_deployment_id %d", i, d.Id, gs.NextDeploymentId)
		}
		byID[d.Id] = d
		if d.ExternalId == "" {
			if len(gd.ContentDigest) != 0 {
				return errorsmod.Wrapf(ErrInvalidGenesis, "deployment %d: content_digest set without external_id", d.Id)
			}
			continue
		}
		if len(gd.ContentDigest) != sha256.Size {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployment %d: content_digest is %d bytes, want %d", d.Id, len(gd.ContentDigest), sha256.Size)
		}
		key := extKey{d.OrganizationId, d.ExternalId}
		if other, dup := extIDs[key]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployments %d and %d share external id %q of organization %q", other, d.Id, d.ExternalId, d.OrganizationId)
		}
		extIDs[key] = d.Id
	}
	for _, gd := range gs.Deployments {
		d := gd.Deployment
		if d.RollbackOf == 0 {
			continue
		}
		target, ok := byID[d.RollbackOf]
		switch {
		case !ok:
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployment %d: rollback_of %d is not in genesis", d.Id, d.RollbackOf)
		case d.RollbackOf >= d.Id:
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployment %d: rollback_of %d is not an earlier deployment", d.Id, d.RollbackOf)
		case target.Service != d.Service || target.Environment != d.Environment:
			return errorsmod.Wrapf(ErrInvalidGenesis, "deployment %d (%s/%s): rollback_of %d is %s/%s", d.Id, d.Service, d.Environment, target.Id, target.Service, target.Environment)
		}
	}
	return nil
}

// ValidateDeployment checks a stored record: the request bounds plus the
// consistency of status, transitions and timestamps.
func ValidateDeployment(d Deployment) error {
	if d.Id == 0 {
		return errorsmod.Wrap(ErrInvalidDeployment, "id must be at least 1")
	}
	if err := ValidateContent(d.Service, d.Environment, d.Version, d.Artifacts, d.Source, d.Pipeline, d.Strategy, d.Labels, d.ExternalId); err != nil {
		return err
	}
	if err := ValidateFixesIncidents(d.FixesIncidents); err != nil {
		return err
	}
	if err := ValidateBreakGlass(d.BreakGlass); err != nil {
		return err
	}
	if d.Status == DEPLOYMENT_STATUS_UNSPECIFIED || !d.Status.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidStatus, "status %d", int32(d.Status))
	}
	if d.Deployer == "" {
		return errorsmod.Wrap(ErrInvalidAddress, "deployer is required")
	}
	if d.OrganizationId == "" {
		return errorsmod.Wrap(ErrInvalidDeployment, "organization_id is required")
	}
	if d.RollbackOf == d.Id {
		return errorsmod.Wrap(ErrInvalidRollback, "a deployment cannot roll back itself")
	}
	if len(d.Transitions) == 0 {
		return errorsmod.Wrap(ErrInvalidDeployment, "at least one transition is required")
	}
	first, last := d.Transitions[0], d.Transitions[len(d.Transitions)-1]
	if first.From != DEPLOYMENT_STATUS_UNSPECIFIED || (first.To != DEPLOYMENT_STATUS_IN_PROGRESS && !first.To.IsFinal()) {
		return errorsmod.Wrapf(ErrIllegalTransition, "first transition %s -> %s, want unspecified -> in_progress or a final status", first.From.ShortName(), first.To.ShortName())
	}
	for i, t := range d.Transitions {
		if t.Actor == "" {
			return errorsmod.Wrapf(ErrInvalidAddress, "transition %d: actor is required", i)
		}
		if err := ValidateReason(t.Reason); err != nil {
			return errorsmod.Wrapf(err, "transition %d", i)
		}
		if i == 0 {
			continue
		}
		prev := d.Transitions[i-1]
		if t.From != prev.To {
			return errorsmod.Wrapf(ErrIllegalTransition, "transition %d starts from %s but the previous one ended in %s", i, t.From.ShortName(), prev.To.ShortName())
		}
		if err := ValidateTransition(t.From, t.To); err != nil {
			return errorsmod.Wrapf(err, "transition %d", i)
		}
		if t.Height < prev.Height {
			return errorsmod.Wrapf(ErrInvalidDeployment, "transition %d: height %d is below the previous %d", i, t.Height, prev.Height)
		}
	}
	if last.To != d.Status {
		return errorsmod.Wrapf(ErrInvalidStatus, "status %s differs from the last transition's %s", d.Status.ShortName(), last.To.ShortName())
	}
	if d.CreatedHeight != first.Height || !d.CreatedAt.Equal(first.Time) {
		return errorsmod.Wrap(ErrInvalidDeployment, "created_at/created_height differ from the first transition")
	}
	if d.UpdatedHeight != last.Height || !d.UpdatedAt.Equal(last.Time) {
		return errorsmod.Wrap(ErrInvalidDeployment, "updated_at/updated_height differ from the last transition")
	}
	return nil
}
