package keeper_test

import (
	"strings"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

const badAddress = "ship1notanaddress"

func (f *fixture) setOrgMember(admin byte, target string, roles ...types.Role) error {
	_, err := f.msgs.SetOrgMember(f.ctx, &types.MsgSetOrgMember{Admin: bech(f.t, admin), Address: target, Roles: roles})
	return err
}

func (f *fixture) removeOrgMember(admin byte, target string) error {
	_, err := f.msgs.RemoveOrgMember(f.ctx, &types.MsgRemoveOrgMember{Admin: bech(f.t, admin), Address: target})
	return err
}

func TestSetOrgMemberAddsDeployer(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.accounts.sets = nil
	newKey := bech(t, 20)
	require.False(t, f.accounts.HasAccount(f.ctx, addr(20)))

	require.NoError(t, f.setOrgMember(nAcmeAdmin, newKey, types.ROLE_DEPLOYER))

	m := f.member(20)
	require.Equal(t, types.Member{Address: newKey, OrganizationId: "acme", Roles: []types.Role{types.ROLE_DEPLOYER}, Active: true}, m)
	require.Equal(t, []sdk.AccAddress{addr(20)}, f.accounts.sets, "the auth account is created once")
	_, err := f.k.RequireRole(f.ctx, addr(20), types.ROLE_DEPLOYER)
	require.NoError(t, err)

	events := f.ctx.EventManager().Events()
	require.Len(t, events, 1)
	require.Equal(t, "shiplog.consortium.v1.EventMemberSet", events[0].Type)
	attrs := map[string]string{}
	for _, a := range events[0].Attributes {
		attrs[a.Key] = a.Value
	}
	require.Equal(t, `"`+newKey+`"`, attrs["address"])
	require.Equal(t, `"acme"`, attrs["organization_id"])
	require.Equal(t, `"`+bech(t, nAcmeAdmin)+`"`, attrs["by"])
}

func TestSetOrgMemberUpdatesRoles(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.accounts.sets = nil
	target := bech(t, nAcmeDeployer)

	require.NoError(t, f.setOrgMember(nAcmeAdmin, target, types.ROLE_ATTESTOR, types.ROLE_DEPLOYER))
	require.Equal(t, []types.Role{types.ROLE_ATTESTOR, types.ROLE_DEPLOYER}, f.member(nAcmeDeployer).Roles)
	require.Empty(t, f.accounts.sets, "an existing account is not recreated")

	require.NoError(t, f.setOrgMember(nAcmeAdmin, target, types.ROLE_RESPONDER))
	_, err := f.k.RequireRole(f.ctx, addr(nAcmeDeployer), types.ROLE_DEPLOYER)
	require.ErrorIs(t, err, types.ErrMissingRole, "roles are replaced, not merged")
}

func TestSetOrgMemberRotatesKey(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	oldKey, newKey := bech(t, nAcmeDeployer), bech(t, 21)

	require.NoError(t, f.setOrgMember(nAcmeAdmin, newKey, types.ROLE_DEPLOYER))
	f.freshEvents()
	require.NoError(t, f.removeOrgMember(nAcmeAdmin, oldKey))
	require.Equal(t, []string{"shiplog.consortium.v1.EventMemberRemoved"}, f.eventTypes())

	_, err := f.k.RequireRole(f.ctx, addr(nAcmeDeployer), types.ROLE_DEPLOYER)
	require.ErrorIs(t, err, types.ErrInactiveMember)
	_, err = f.k.RequireRole(f.ctx, addr(21), types.ROLE_DEPLOYER)
	require.NoError(t, err)
	old := f.member(nAcmeDeployer)
	require.False(t, old.Active)
	require.Equal(t, "acme", old.OrganizationId, "the record stays for history")

	// The old key can be readmitted by its own organisation.
	require.NoError(t, f.setOrgMember(nAcmeAdmin, oldKey, types.ROLE_ATTESTOR))
	require.True(t, f.member(nAcmeDeployer).Active)
}

func TestOrgMemberRejections(t *testing.T) {
	tests := []struct {
		name string
		run  func(f *fixture) error
		err  error
	}{
		// SetOrgMember
		{"set: signer not an admin", func(f *fixture) error {
			return f.setOrgMember(nAcmeDeployer, bech(f.t, 20), types.ROLE_DEPLOYER)
		}, types.ErrMissingRole},
		{"set: signer not a member", func(f *fixture) error {
			return f.setOrgMember(nNonMember, bech(f.t, 20), types.ROLE_DEPLOYER)
		}, types.ErrNotMember},
		{"set: signer removed", func(f *fixture) error {
			return f.setOrgMember(nAcmeInactive, bech(f.t, 20), types.ROLE_DEPLOYER)
		}, types.ErrInactiveMember},
		{"set: signer address invalid", func(f *fixture) error {
			_, err := f.msgs.SetOrgMember(f.ctx, &types.MsgSetOrgMember{Admin: badAddress, Address: bech(f.t, 20), Roles: []types.Role{types.ROLE_DEPLOYER}})
			return err
		}, types.ErrInvalidMember},
		{"set: grant admin", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, 20), types.ROLE_DEPLOYER, types.ROLE_ADMIN)
		}, types.ErrReservedRole},
		{"set: grant operator", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, nAcmeDeployer), types.ROLE_OPERATOR)
		}, types.ErrReservedRole},
		{"set: target in another organization", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, nGlobexDeploy), types.ROLE_DEPLOYER)
		}, types.ErrOtherOrganization},
		{"set: target is another organization's admin", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, nGlobexAdmin), types.ROLE_DEPLOYER)
		}, types.ErrOtherOrganization},
		{"set: target holds admin (self demotion)", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, nAcmeAdmin), types.ROLE_DEPLOYER)
		}, types.ErrReservedRole},
		{"set: target holds operator", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, nAcmeOperator), types.ROLE_DEPLOYER)
		}, types.ErrReservedRole},
		{"set: target address invalid", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, badAddress, types.ROLE_DEPLOYER)
		}, types.ErrInvalidMember},
		{"set: target address empty", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, "", types.ROLE_DEPLOYER)
		}, types.ErrInvalidMember},
		{"set: no role", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, 20))
		}, types.ErrInvalidMember},
		{"set: unspecified role", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, 20), types.ROLE_UNSPECIFIED)
		}, types.ErrInvalidMember},
		{"set: unknown role", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, 20), types.Role(42))
		}, types.ErrInvalidMember},
		{"set: duplicate role", func(f *fixture) error {
			return f.setOrgMember(nAcmeAdmin, bech(f.t, 20), types.ROLE_DEPLOYER, types.ROLE_DEPLOYER)
		}, types.ErrInvalidMember},
		// RemoveOrgMember
		{"remove: unknown member", func(f *fixture) error {
			return f.removeOrgMember(nAcmeAdmin, bech(f.t, 20))
		}, types.ErrNotMember},
		{"remove: already removed", func(f *fixture) error {
			return f.removeOrgMember(nAcmeAdmin, bech(f.t, nAcmeInactive))
		}, types.ErrInactiveMember},
		{"remove: signer not an admin", func(f *fixture) error {
			return f.removeOrgMember(nAcmeDeployer, bech(f.t, nAcmeDeployer))
		}, types.ErrMissingRole},
		{"remove: signer not a member", func(f *fixture) error {
			return f.removeOrgMember(nNonMember, bech(f.t, nAcmeDeployer))
		}, types.ErrNotMember},
		{"remove: target in another organization", func(f *fixture) error {
			return f.removeOrgMember(nGlobexAdmin, bech(f.t, nAcmeDeployer))
		}, types.ErrOtherOrganization},
		{"remove: target holds admin", func(f *fixture) error {
			return f.removeOrgMember(nAcmeAdmin, bech(f.t, nAcmeAdmin))
		}, types.ErrReservedRole},
		{"remove: target holds operator", func(f *fixture) error {
			return f.removeOrgMember(nAcmeAdmin, bech(f.t, nAcmeOperator))
		}, types.ErrReservedRole},
		{"remove: target address invalid", func(f *fixture) error {
			return f.removeOrgMember(nAcmeAdmin, badAddress)
		}, types.ErrInvalidMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, threeOrgGenesis(t))
			f.accounts.sets = nil
			before := f.dump()
			require.ErrorIs(t, tc.run(f), tc.err)
			require.Equal(t, before, f.dump(), "a rejected message changes no state")
			require.Empty(t, f.accounts.sets)
			require.Empty(t, f.ctx.EventManager().Events())
		})
	}
}

func TestRemoveOrgMemberTwice(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	require.NoError(t, f.removeOrgMember(nAcmeAdmin, bech(t, nAcmeDeployer)))
	require.ErrorIs(t, f.removeOrgMember(nAcmeAdmin, bech(t, nAcmeDeployer)), types.ErrInactiveMember)
}

func TestAuthorityMessagesRefuseOtherSigners(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	for _, signer := range []string{bech(t, nAcmeAdmin), bech(t, nNonMember), "", "not-an-address"} {
		tests := []struct {
			name string
			run  func() error
		}{
			{"AddOrganization", func() error {
				_, err := f.msgs.AddOrganization(f.ctx, &types.MsgAddOrganization{Authority: signer, Organization: types.Organization{Id: "hooli", Name: "Hooli"}})
				return err
			}},
			{"RemoveOrganization", func() error {
				_, err := f.msgs.RemoveOrganization(f.ctx, &types.MsgRemoveOrganization{Authority: signer, OrganizationId: "initech"})
				return err
			}},
			{"SetMember", func() error {
				_, err := f.msgs.SetMember(f.ctx, &types.MsgSetMember{Authority: signer, Member: member(t, 20, "acme", true, types.ROLE_ADMIN)})
				return err
			}},
			{"RemoveMember", func() error {
				_, err := f.msgs.RemoveMember(f.ctx, &types.MsgRemoveMember{Authority: signer, Address: bech(t, nAcmeDeployer)})
				return err
			}},
			{"SetValidator", func() error {
				_, err := f.msgs.SetValidator(f.ctx, &types.MsgSetValidator{Authority: signer, Validator: validator(kNew1, "new", "acme", 1)})
				return err
			}},
			{"RemoveValidator", func() error {
				_, err := f.msgs.RemoveValidator(f.ctx, &types.MsgRemoveValidator{Authority: signer, PubKey: valKey(kAcme1)})
				return err
			}},
			{"UpdateParams", func() error {
				_, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: signer, Params: types.DefaultParams()})
				return err
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name+"/"+signer, func(t *testing.T) {
				before := f.dump()
				err := tc.run()
				require.ErrorIs(t, err, types.ErrUnauthorized)
				require.ErrorContains(t, err, "submit this message in a proposal")
				require.Equal(t, before, f.dump())
			})
		}
	}
}

func TestAddOrganization(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	_, err := f.msgs.AddOrganization(f.ctx, f.addOrg("hooli", "Hooli XYZ"))
	require.NoError(t, err)
	o, err := f.k.Organizations.Get(f.ctx, "hooli")
	require.NoError(t, err)
	require.Equal(t, types.Organization{Id: "hooli", Name: "Hooli XYZ"}, o)
	require.Equal(t, []string{"shiplog.consortium.v1.EventOrganizationAdded"}, f.eventTypes())

	tests := []struct {
		name string
		msg  *types.MsgAddOrganization
		err  error
	}{
		{"duplicate", f.addOrg("acme", "Acme again"), types.ErrOrganizationExists},
		{"duplicate of the new one", f.addOrg("hooli", "Hooli"), types.ErrOrganizationExists},
		{"uppercase slug", f.addOrg("Hooli2", "Hooli"), types.ErrInvalidOrganization},
		{"slug with space", f.addOrg("hoo li", "Hooli"), types.ErrInvalidOrganization},
		{"slug starting with a dash", f.addOrg("-hooli", "Hooli"), types.ErrInvalidOrganization},
		{"empty slug", f.addOrg("", "Hooli"), types.ErrInvalidOrganization},
		{"slug too long", f.addOrg(strings.Repeat("a", types.MaxOrganizationIDLength+1), "Hooli"), types.ErrInvalidOrganization},
		{"empty name", f.addOrg("umbrella", ""), types.ErrInvalidOrganization},
		{"name too long", f.addOrg("umbrella", strings.Repeat("n", types.MaxNameLength+1)), types.ErrInvalidOrganization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.msgs.AddOrganization(f.ctx, tc.msg)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.dump())
		})
	}
}

func TestRemoveOrganization(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	tests := []struct {
		name string
		id   string
		err  error
	}{
		{"runs validators", "initech", types.ErrOrganizationInUse},
		{"unknown", "hooli", types.ErrUnknownOrganization},
		{"invalid slug", "Not An Id", types.ErrUnknownOrganization},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.msgs.RemoveOrganization(f.ctx, f.removeOrg(tc.id))
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.dump())
		})
	}

	// An initech key that was already removed stays as it is.
	_, err := f.msgs.SetMember(f.ctx, f.setMember(member(t, 33, "initech", true, types.ROLE_DEPLOYER)))
	require.NoError(t, err)
	_, err = f.msgs.RemoveMember(f.ctx, f.removeMember(33))
	require.NoError(t, err)

	// Once its validator is gone, initech can leave; its members lose access.
	_, err = f.msgs.RemoveValidator(f.ctx, f.removeValidator(kInitech))
	require.NoError(t, err)
	f.freshEvents()
	_, err = f.msgs.RemoveOrganization(f.ctx, f.removeOrg("initech"))
	require.NoError(t, err)
	require.False(t, f.hasOrg("initech"))
	require.Contains(t, f.eventTypes(), "shiplog.consortium.v1.EventOrganizationRemoved")
	m := f.member(nInitechAdmin)
	require.False(t, m.Active)
	_, err = f.k.RequireRole(f.ctx, addr(nInitechAdmin), types.ROLE_ADMIN)
	require.ErrorIs(t, err, types.ErrInactiveMember)
	require.False(t, f.member(33).Active)
	// Other organisations' members are untouched.
	require.True(t, f.member(nAcmeAdmin).Active)
	require.True(t, f.member(nGlobexDeploy).Active)
	_, err = f.msgs.RemoveOrganization(f.ctx, f.removeOrg("initech"))
	require.ErrorIs(t, err, types.ErrUnknownOrganization)
}

func TestRemoveLastOrganization(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	_, err := f.msgs.RemoveOrganization(f.ctx, f.removeOrg("acme"))
	require.ErrorIs(t, err, types.ErrOrganizationInUse)
	require.ErrorContains(t, err, "last organization")
	require.True(t, f.hasOrg("acme"))
}

func TestSetMemberByAuthority(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.accounts.sets = nil

	// The authority can grant admin and operator.
	newAdmin := member(t, 30, "globex", true, types.ROLE_ADMIN, types.ROLE_OPERATOR)
	_, err := f.msgs.SetMember(f.ctx, f.setMember(newAdmin))
	require.NoError(t, err)
	require.Equal(t, newAdmin, f.member(30))
	require.Equal(t, []sdk.AccAddress{addr(30)}, f.accounts.sets)
	_, err = f.k.RequireRole(f.ctx, addr(30), types.ROLE_ADMIN)
	require.NoError(t, err)

	// Active is forced on: SetMember always admits.
	inactive := member(t, nAcmeInactive, "acme", false, types.ROLE_DEPLOYER)
	_, err = f.msgs.SetMember(f.ctx, f.setMember(inactive))
	require.NoError(t, err)
	require.True(t, f.member(nAcmeInactive).Active)

	tests := []struct {
		name string
		m    types.Member
		err  error
	}{
		{"unknown organization", member(t, 31, "hooli", true, types.ROLE_ADMIN), types.ErrUnknownOrganization},
		{"invalid organization", member(t, 31, "Hooli", true, types.ROLE_ADMIN), types.ErrInvalidOrganization},
		{"invalid address", types.Member{Address: badAddress, OrganizationId: "acme", Roles: []types.Role{types.ROLE_ADMIN}}, types.ErrInvalidMember},
		{"no role", member(t, 31, "acme", true), types.ErrInvalidMember},
		{"duplicate role", member(t, 31, "acme", true, types.ROLE_ADMIN, types.ROLE_ADMIN), types.ErrInvalidMember},
		{"demote last admin", member(t, nAcmeAdmin, "acme", true, types.ROLE_DEPLOYER), types.ErrInvalidMember},
		{"move last admin away", member(t, nAcmeAdmin, "initech", true, types.ROLE_ADMIN), types.ErrInvalidMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.msgs.SetMember(f.ctx, f.setMember(tc.m))
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.dump())
		})
	}

	// With a second admin, the first can be demoted.
	_, err = f.msgs.SetMember(f.ctx, f.setMember(member(t, 32, "acme", true, types.ROLE_ADMIN)))
	require.NoError(t, err)
	_, err = f.msgs.SetMember(f.ctx, f.setMember(member(t, nAcmeAdmin, "acme", true, types.ROLE_DEPLOYER)))
	require.NoError(t, err)
	require.False(t, f.member(nAcmeAdmin).HasRole(types.ROLE_ADMIN))
}

func TestRemoveMemberByAuthority(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	tests := []struct {
		name string
		msg  *types.MsgRemoveMember
		err  error
	}{
		{"last admin", f.removeMember(nAcmeAdmin), types.ErrInvalidMember},
		{"unknown", f.removeMember(nNonMember), types.ErrNotMember},
		{"already removed", f.removeMember(nAcmeInactive), types.ErrInactiveMember},
		{"invalid address", &types.MsgRemoveMember{Authority: f.authority, Address: badAddress}, types.ErrInvalidMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.msgs.RemoveMember(f.ctx, tc.msg)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.dump())
		})
	}

	// The authority may remove operators and admins (not the last one).
	_, err := f.msgs.RemoveMember(f.ctx, f.removeMember(nAcmeOperator))
	require.NoError(t, err)
	require.False(t, f.member(nAcmeOperator).Active)
	_, err = f.msgs.SetMember(f.ctx, f.setMember(member(t, 32, "acme", true, types.ROLE_ADMIN)))
	require.NoError(t, err)
	_, err = f.msgs.RemoveMember(f.ctx, f.removeMember(nAcmeAdmin))
	require.NoError(t, err)
	require.False(t, f.member(nAcmeAdmin).Active)
	// Now 32 is the last acme admin.
	_, err = f.msgs.RemoveMember(f.ctx, f.removeMember(32))
	require.ErrorIs(t, err, types.ErrInvalidMember)
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	tests := []struct {
		name string
		p    types.Params
	}{
		{"zero denominator", types.Params{ThresholdNumerator: 0, ThresholdDenominator: 0, ProposalLifetime: time.Hour}},
		{"threshold of one", types.Params{ThresholdNumerator: 2, ThresholdDenominator: 2, ProposalLifetime: time.Hour}},
		{"lifetime too short", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: time.Second}},
		{"lifetime too long", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: types.MaxProposalLifetime + time.Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := f.dump()
			_, err := f.msgs.UpdateParams(f.ctx, f.updateParams(tc.p))
			require.ErrorIs(t, err, types.ErrInvalidParams)
			require.Equal(t, before, f.dump())
		})
	}

	want := types.Params{ThresholdNumerator: 2, ThresholdDenominator: 3, ProposalLifetime: time.Hour}
	_, err := f.msgs.UpdateParams(f.ctx, f.updateParams(want))
	require.NoError(t, err)
	got, err := f.k.Params.Get(f.ctx)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, []string{"shiplog.consortium.v1.EventParamsUpdated"}, f.eventTypes())
}

// The authority is compared as an address, not as text: the upper-case
// bech32 form is the same account.
func TestAuthorityComparedAsAddress(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	p := types.DefaultParams()
	p.ThresholdNumerator, p.ThresholdDenominator = 2, 3
	_, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: strings.ToUpper(f.authority), Params: p})
	require.NoError(t, err)
}

// Neither the consortium authority nor another module account can be made a
// member: proposals must not be able to approve proposals.
func TestAuthorityCannotBecomeMember(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	before := f.dump()
	_, err := f.msgs.SetMember(f.ctx, &types.MsgSetMember{Authority: f.authority, Member: types.Member{
		Address: f.authority, OrganizationId: "acme", Roles: []types.Role{types.ROLE_ADMIN}}})
	require.ErrorIs(t, err, types.ErrInvalidMember)
	require.ErrorContains(t, err, "authority cannot be a member")
	require.Equal(t, before, f.dump())
}

// A key its organisation removed is free again: another organisation may
// admit it (nobody can squat an address by adding and removing it).
func TestRemovedMemberCanJoinAnotherOrganization(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	target := bech(t, nAcmeDeployer)
	require.NoError(t, f.removeOrgMember(nAcmeAdmin, target))
	require.NoError(t, f.setOrgMember(nGlobexAdmin, target, types.ROLE_DEPLOYER))
	m := f.member(nAcmeDeployer)
	require.Equal(t, "globex", m.OrganizationId)
	require.True(t, m.Active)
}
