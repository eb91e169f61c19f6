// Package consortiumtest stands in for the consortium keeper in the other
// modules' keeper tests: a fixed member table and organisation set, answered
// with the consortium keeper's error classes.
package consortiumtest

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// Keeper answers RequireRole from Members (keyed by address bytes) and
// HasOrganization from Orgs.
type Keeper struct {
	Members map[string]consortiumtypes.Member
	Orgs    map[string]bool
}

// RequireRole returns the member of addr if it is active and holds role;
// otherwise ErrNotMember, ErrInactiveMember or ErrMissingRole.
func (k Keeper) RequireRole(_ context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error) {
	m, ok := k.Members[string(addr)]
	switch {
	case !ok:
		return m, errorsmod.Wrapf(consortiumtypes.ErrNotMember, "%X", []byte(addr))
	case !m.Active:
		return m, errorsmod.Wrapf(consortiumtypes.ErrInactiveMember, "%s", m.Address)
	case !m.HasRole(role):
		return m, errorsmod.Wrapf(consortiumtypes.ErrMissingRole, "%s needs %s", m.Address, role.ShortName())
	}
	return m, nil
}

// HasOrganization reports whether id is in Orgs.
func (k Keeper) HasOrganization(_ context.Context, id string) (bool, error) {
	return k.Orgs[id], nil
}
