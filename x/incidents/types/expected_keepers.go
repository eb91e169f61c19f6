package types

import (
	"context"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// ConsortiumKeeper answers who may run incidents and for which organisation.
type ConsortiumKeeper interface {
	// RequireRole returns the member record of addr if it is an active member
	// holding role; errors wrap consortiumtypes.ErrNotMember /
	// ErrInactiveMember / ErrMissingRole.
	RequireRole(ctx context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error)
}

// DeploymentsKeeper is the read access to deployment records: existence of
// linked and suspected deployments, and the successful deployments of a
// metrics window.
type DeploymentsKeeper interface {
	// GetDeployment returns the record with id; an unknown id fails with an
	// error wrapping deploymentstypes.ErrNotFound.
	GetDeployment(ctx context.Context, id uint64) (deploymentstypes.Deployment, error)
	// IterateSucceeded calls fn for every deployment that became succeeded in
	// [from, to), in order of that time, then id, until fn returns stop=true
	// or an error.
	IterateSucceeded(ctx context.Context, from, to time.Time, fn func(d deploymentstypes.Deployment, succeededAt time.Time) (stop bool, err error)) error
}
