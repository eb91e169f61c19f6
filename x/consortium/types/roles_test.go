package types_test

import (
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		in   string
		want types.Role
		ok   bool
	}{
		{"deployer", types.ROLE_DEPLOYER, true},
		{"DEPLOYER", types.ROLE_DEPLOYER, true},
		{"ROLE_DEPLOYER", types.ROLE_DEPLOYER, true},
		{"role_attestor", types.ROLE_ATTESTOR, true},
		{" admin ", types.ROLE_ADMIN, true},
		{"operator", types.ROLE_OPERATOR, true},
		{"responder", types.ROLE_RESPONDER, true},
		{"detector", types.ROLE_DETECTOR, true},
		{"", 0, false},
		{"unspecified", 0, false},
		{"ROLE_UNSPECIFIED", 0, false},
		{"root", 0, false},
		{"3", 0, false},
		{"deployers", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := types.ParseRole(tc.in)
			if !tc.ok {
				require.Error(t, err)
				require.ErrorContains(t, err, "want one of admin, operator, deployer, attestor, responder, detector")
				require.Equal(t, types.ROLE_UNSPECIFIED, r)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, r)
		})
	}
	// Every role round-trips through its short name.
	for _, r := range types.AllRoles {
		got, err := types.ParseRole(r.ShortName())
		require.NoError(t, err)
		require.Equal(t, r, got)
	}
}

func TestValidateRoles(t *testing.T) {
	tests := []struct {
		name  string
		roles []types.Role
		ok    bool
	}{
		{"one", []types.Role{types.ROLE_DEPLOYER}, true},
		{"all", types.AllRoles, true},
		{"empty", nil, false},
		{"unspecified", []types.Role{types.ROLE_UNSPECIFIED}, false},
		{"unspecified among valid", []types.Role{types.ROLE_DEPLOYER, types.ROLE_UNSPECIFIED}, false},
		{"unknown", []types.Role{types.Role(7)}, false},
		{"negative", []types.Role{types.Role(-1)}, false},
		{"duplicate", []types.Role{types.ROLE_ATTESTOR, types.ROLE_DEPLOYER, types.ROLE_ATTESTOR}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := types.ValidateRoles(tc.roles)
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidMember)
		})
	}
}

func TestRoleHelpers(t *testing.T) {
	require.Equal(t, "deployer", types.ROLE_DEPLOYER.ShortName())
	require.Equal(t, "admin, operator, deployer, attestor, responder, detector", types.RoleNames())
	for _, r := range types.AllRoles {
		require.Equal(t, r == types.ROLE_ADMIN || r == types.ROLE_OPERATOR, r.IsReserved(), r.String())
	}
	require.Len(t, types.AllRoles, len(types.Role_name)-1, "AllRoles lists every role but unspecified")

	m := types.Member{Roles: []types.Role{types.ROLE_DEPLOYER, types.ROLE_ATTESTOR}}
	require.True(t, m.HasRole(types.ROLE_ATTESTOR))
	require.False(t, m.HasRole(types.ROLE_ADMIN))
	require.False(t, m.HasReservedRole())
	m.Roles = append(m.Roles, types.ROLE_OPERATOR)
	require.True(t, m.HasReservedRole())
}

func TestModuleMsgRoles(t *testing.T) {
	roles := types.ModuleMsgRoles()
	member := []sdk.Msg{
		&types.MsgSubmitProposal{}, &types.MsgApproveProposal{}, &types.MsgWithdrawProposal{},
		&types.MsgSetOrgMember{}, &types.MsgRemoveOrgMember{},
	}
	require.Len(t, roles, len(member))
	for _, m := range member {
		require.Equal(t, types.ROLE_ADMIN, roles[sdk.MsgTypeURL(m)], sdk.MsgTypeURL(m))
	}
	// Authority messages are absent: the ante gate refuses them in transactions.
	for _, m := range []sdk.Msg{
		&types.MsgAddOrganization{}, &types.MsgRemoveOrganization{}, &types.MsgSetMember{}, &types.MsgRemoveMember{},
		&types.MsgSetValidator{}, &types.MsgRemoveValidator{}, &types.MsgUpdateParams{},
	} {
		_, ok := roles[sdk.MsgTypeURL(m)]
		require.False(t, ok, sdk.MsgTypeURL(m))
	}
}
