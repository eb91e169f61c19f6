package types

import (
	"context"

	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// ConsortiumKeeper answers who may manage keys, submit evidence and for which
// organisation, and which organisations exist.
type ConsortiumKeeper interface {
	// RequireRole returns the member record of addr if it is an active member
	// holding role; errors wrap consortiumtypes.ErrNotMember /
	// ErrInactiveMember / ErrMissingRole.
	RequireRole(ctx context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error)
	// HasOrganization reports whether organization id is registered.
	HasOrganization(ctx context.Context, id string) (bool, error)
}
