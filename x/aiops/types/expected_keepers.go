package types

import (
	"context"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// ConsortiumKeeper answers who may act as a detector and for which
// organisation.
type ConsortiumKeeper interface {
	// RequireRole returns the member record of addr if it is an active member
	// holding role; errors wrap consortiumtypes.ErrNotMember /
	// ErrInactiveMember / ErrMissingRole.
	RequireRole(ctx context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error)
}

// DeploymentsKeeper reads deployment records and halts canaries.
type DeploymentsKeeper interface {
	// GetDeployment returns the record with id; an unknown id fails with an
	// error wrapping deploymentstypes.ErrNotFound.
	GetDeployment(ctx context.Context, id uint64) (deploymentstypes.Deployment, error)
	// HaltDeployment moves an in-progress deployment to halted on behalf of
	// actor, with reason in its transition.
	HaltDeployment(ctx context.Context, id uint64, actor, reason string) error
	// WalkServiceEnvDeployments calls fn for the deployments of service in
	// environment, newest (highest id) first, until fn returns stop=true.
	WalkServiceEnvDeployments(ctx context.Context, service, environment string, fn func(d deploymentstypes.Deployment) (stop bool, err error)) error
}

// IncidentsKeeper opens incidents from anomalies and resolves incident ids.
type IncidentsKeeper interface {
	// GetIncident returns the incident with id; an unknown id fails with an
	// error wrapping incidentstypes.ErrNotFound.
	GetIncident(ctx context.Context, id uint64) (incidentstypes.Incident, error)
	// OpenFromAnomaly opens an incident of severity on service/environment on
	// behalf of opener (of organization orgID), detected at onset, whose
	// source is aiops anomaly anomalyID; it returns the incident id.
	OpenFromAnomaly(ctx context.Context, opener, orgID string, anomalyID uint64, service, environment, title, summary string,
		severity incidentstypes.Severity, onset time.Time) (uint64, error)
}
