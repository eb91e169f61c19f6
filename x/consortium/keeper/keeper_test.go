package keeper_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestRequireRole(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	tests := []struct {
		name     string
		n        byte
		role     types.Role
		err      error
		contains []string
	}{
		{"non-member", nNonMember, types.ROLE_DEPLOYER, types.ErrNotMember, []string{bech(t, nNonMember)}},
		{"inactive member", nAcmeInactive, types.ROLE_DEPLOYER, types.ErrInactiveMember, []string{bech(t, nAcmeInactive), "acme"}},
		{"missing role", nAcmeDeployer, types.ROLE_ADMIN, types.ErrMissingRole, []string{bech(t, nAcmeDeployer), "acme", "needs role admin"}},
		{"admin is not a deployer", nAcmeAdmin, types.ROLE_DEPLOYER, types.ErrMissingRole, []string{bech(t, nAcmeAdmin), "deployer"}},
		{"second of two roles", nGlobexDeploy, types.ROLE_ATTESTOR, nil, nil},
		{"deployer", nAcmeDeployer, types.ROLE_DEPLOYER, nil, nil},
		{"admin", nGlobexAdmin, types.ROLE_ADMIN, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := f.k.RequireRole(f.ctx, addr(tc.n), tc.role)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				for _, s := range tc.contains {
					require.ErrorContains(t, err, s)
				}
				return
			}
			require.NoError(t, err)
			require.Equal(t, bech(t, tc.n), m.Address)
			require.True(t, m.Active)
		})
	}
}

func TestGetMember(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	m, err := f.k.GetMember(f.ctx, addr(nAcmeInactive))
	require.NoError(t, err, "inactive members are still returned")
	require.False(t, m.Active)

	_, err = f.k.GetMember(f.ctx, addr(nNonMember))
	require.ErrorIs(t, err, types.ErrNotMember)
}

func TestAuthority(t *testing.T) {
	f := newBareFixture(t)
	require.Equal(t, f.authority, f.k.Authority())
	require.Regexp(t, "^ship1", f.k.Authority())
}
