package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// setMember stores an active member, creating its auth account on first
// admission so the member can sign with the normal CLI. by is the admin or
// the authority, for the event.
func (k Keeper) setMember(ctx context.Context, m types.Member, by string) error {
	addr, err := k.addressCodec.StringToBytes(m.Address)
	if err != nil {
		return errorsmod.Wrapf(types.ErrInvalidMember, "address %q: %s", m.Address, err)
	}
	m.Active = true
	if err := m.Validate(); err != nil {
		return err
	}
	if authority, _ := k.addressCodec.StringToBytes(k.authority); sdk.AccAddress(addr).Equals(sdk.AccAddress(authority)) {
		// Otherwise a proposal could make the authority a member and let
		// proposals approve proposals.
		return errorsmod.Wrap(types.ErrInvalidMember, "the consortium authority cannot be a member")
	}
	if acc := k.accountKeeper.GetAccount(ctx, addr); acc != nil {
		if _, isModule := acc.(sdk.ModuleAccountI); isModule {
			return errorsmod.Wrapf(types.ErrInvalidMember, "%s is a module account", m.Address)
		}
	}
	if err := k.requireOrganization(ctx, m.OrganizationId); err != nil {
		return err
	}
	if prev, err := k.Members.Get(ctx, addr); err == nil {
		if prev.Active && prev.HasRole(types.ROLE_ADMIN) && (!m.HasRole(types.ROLE_ADMIN) || prev.OrganizationId != m.OrganizationId) {
			if err := k.requireAnotherAdmin(ctx, prev); err != nil {
				return err
			}
		}
	} else if !errors.Is(err, collections.ErrNotFound) {
		return err
	}
	if err := k.Members.Set(ctx, addr, m); err != nil {
		return err
	}
	if !k.accountKeeper.HasAccount(ctx, addr) {
		k.accountKeeper.SetAccount(ctx, k.accountKeeper.NewAccountWithAddress(ctx, addr))
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberSet{
		Address: m.Address, OrganizationId: m.OrganizationId, Roles: m.Roles, By: by,
	})
}

// deactivateMember keeps the record (history names it) but revokes it.
func (k Keeper) deactivateMember(ctx context.Context, m types.Member, by string) error {
	addr, err := k.addressCodec.StringToBytes(m.Address)
	if err != nil {
		return err
	}
	if !m.Active {
		return errorsmod.Wrapf(types.ErrInactiveMember, "%s was already removed", m.Address)
	}
	if m.HasRole(types.ROLE_ADMIN) {
		if err := k.requireAnotherAdmin(ctx, m); err != nil {
			return err
		}
	}
	m.Active = false
	if err := k.Members.Set(ctx, addr, m); err != nil {
		return err
	}
	return sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberRemoved{
		Address: m.Address, OrganizationId: m.OrganizationId, By: by,
	})
}

// requireAnotherAdmin refuses to take away an organisation's last active
// admin: without one it could no longer vote or manage its keys.
func (k Keeper) requireAnotherAdmin(ctx context.Context, leaving types.Member) error {
	n, err := k.countActive(ctx, leaving.OrganizationId, types.ROLE_ADMIN, leaving.Address)
	if err != nil {
		return err
	}
	if n == 0 {
		return errorsmod.Wrapf(types.ErrInvalidMember,
			"%s is the last active admin of %s; add another admin first", leaving.Address, leaving.OrganizationId)
	}
	return nil
}

// countActive counts active members of org holding role, other than except.
func (k Keeper) countActive(ctx context.Context, orgID string, role types.Role, except string) (int, error) {
	it, err := k.Members.Indexes.Organization.MatchExact(ctx, orgID)
	if err != nil {
		return 0, err
	}
	defer it.Close()
	n := 0
	for ; it.Valid(); it.Next() {
		addr, err := it.PrimaryKey()
		if err != nil {
			return 0, err
		}
		m, err := k.Members.Get(ctx, addr)
		if err != nil {
			return 0, err
		}
		if m.Active && m.Address != except && m.HasRole(role) {
			n++
		}
	}
	return n, nil
}

func (k Keeper) requireOrganization(ctx context.Context, id string) error {
	ok, err := k.Organizations.Has(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return errorsmod.Wrapf(types.ErrUnknownOrganization, "%q", id)
	}
	return nil
}

// memberByAddress decodes addr and loads the member.
func (k Keeper) memberByAddress(ctx context.Context, address string) (types.Member, error) {
	addr, err := k.addressCodec.StringToBytes(address)
	if err != nil {
		return types.Member{}, errorsmod.Wrapf(types.ErrInvalidMember, "address %q: %s", address, err)
	}
	return k.GetMember(ctx, addr)
}

// requireSigner decodes a signer address and checks its role.
func (k Keeper) requireSigner(ctx context.Context, address string, role types.Role) (types.Member, error) {
	addr, err := k.addressCodec.StringToBytes(address)
	if err != nil {
		return types.Member{}, errorsmod.Wrapf(types.ErrInvalidMember, "signer %q: %s", address, err)
	}
	return k.RequireRole(ctx, addr, role)
}
