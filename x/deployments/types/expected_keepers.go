package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// ConsortiumKeeper answers who may write deployment records and for which
// organisation.
type ConsortiumKeeper interface {
	// RequireRole returns the member record of addr if it is an active member
	// holding role; errors wrap consortiumtypes.ErrNotMember /
	// ErrInactiveMember / ErrMissingRole.
	RequireRole(ctx context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error)
}

// DeployGate is consulted before a new deployment record is stored; an error
// rejects the message (nothing is written). Gates see the complete record,
// id included, and must not modify it. They are not consulted for an
// idempotent replay.
type DeployGate interface {
	CheckDeployment(ctx context.Context, d Deployment) error
}

// DeployPolicy decides whether an environment's policy admits a new
// deployment (see WithDeployPolicy). It sees the complete record, id
// included, after every DeployGate accepted it. An error rejects the message
// (nothing is written); otherwise the decision is stored with the record.
type DeployPolicy interface {
	EvaluateDeployment(ctx context.Context, d Deployment) (PolicyDecision, error)
}
