package cli_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/std"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	shiplogparams "github.com/shiplog/shiplog/app/params"
	"github.com/shiplog/shiplog/x/consortium/client/cli"
	"github.com/shiplog/shiplog/x/consortium/types"
)

// The CLI prints addresses with the SDK's global bech32 config, which the
// app sets to the ship prefixes at init.
func TestMain(m *testing.M) {
	shiplogparams.SetAddressPrefixes()
	os.Exit(m.Run())
}

var ac = addresscodec.NewBech32Codec("ship")

func bech(t testing.TB, n byte) string {
	t.Helper()
	s, err := ac.BytesToString(bytes.Repeat([]byte{n}, 20))
	require.NoError(t, err)
	return s
}

func clientCtx() client.Context {
	registry := codectypes.NewInterfaceRegistry()
	std.RegisterInterfaces(registry) // keyring records hold crypto keys
	types.RegisterInterfaces(registry)
	authtypes.RegisterInterfaces(registry)
	return client.Context{}.WithCodec(codec.NewProtoCodec(registry)).WithInterfaceRegistry(registry)
}

func TestParseRoles(t *testing.T) {
	tests := []struct {
		in   string
		want []types.Role
		err  error // nil with ok=false means a plain parse error
		ok   bool
	}{
		{"deployer", []types.Role{types.ROLE_DEPLOYER}, nil, true},
		{"deployer,attestor", []types.Role{types.ROLE_DEPLOYER, types.ROLE_ATTESTOR}, nil, true},
		{" deployer , ATTESTOR ", []types.Role{types.ROLE_DEPLOYER, types.ROLE_ATTESTOR}, nil, true},
		{"ROLE_ADMIN,operator", []types.Role{types.ROLE_ADMIN, types.ROLE_OPERATOR}, nil, true},
		{"deployer,deployer", nil, types.ErrInvalidMember, false},
		{"deployer,root", nil, nil, false},
		{"", nil, nil, false},
		{"deployer,", nil, nil, false},
		{"unspecified", nil, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			roles, err := cli.ParseRoles(tc.in)
			if tc.ok {
				require.NoError(t, err)
				require.Equal(t, tc.want, roles)
				return
			}
			require.Error(t, err)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			}
		})
	}
}

func TestAuthorityAddress(t *testing.T) {
	want, err := ac.BytesToString(authtypes.NewModuleAddress(types.ModuleName))
	require.NoError(t, err)
	require.Equal(t, want, cli.AuthorityAddress())
}

func TestParseProposalFillsAuthority(t *testing.T) {
	other := bech(t, 3)
	file := `{
  "title": "Admit globex",
  "summary": "Globex joins",
  "messages": [
    {"@type": "/shiplog.consortium.v1.MsgAddOrganization", "organization": {"id": "globex", "name": "Globex Corp"}},
    {"@type": "/shiplog.consortium.v1.MsgSetMember", "authority": "",
     "member": {"address": "` + bech(t, 2) + `", "organization_id": "globex", "roles": ["ROLE_ADMIN"]}},
    {"@type": "/shiplog.consortium.v1.MsgRemoveOrganization", "authority": "` + other + `", "organization_id": "initech"}
  ]
}`
	msgs, title, summary, err := cli.ParseProposal(clientCtx(), []byte(file))
	require.NoError(t, err)
	require.Equal(t, "Admit globex", title)
	require.Equal(t, "Globex joins", summary)
	require.Len(t, msgs, 3)

	authority := cli.AuthorityAddress()
	require.Equal(t, &types.MsgAddOrganization{Authority: authority, Organization: types.Organization{Id: "globex", Name: "Globex Corp"}},
		msgs[0].GetCachedValue(), "an omitted authority is filled in")
	require.Equal(t, &types.MsgSetMember{Authority: authority, Member: types.Member{
		Address: bech(t, 2), OrganizationId: "globex", Roles: []types.Role{types.ROLE_ADMIN},
	}}, msgs[1].GetCachedValue(), "an empty authority is filled in")
	require.Equal(t, &types.MsgRemoveOrganization{Authority: other, OrganizationId: "initech"},
		msgs[2].GetCachedValue(), "an explicit authority is kept (and refused at submission if wrong)")
	require.Equal(t, "/shiplog.consortium.v1.MsgAddOrganization", msgs[0].TypeUrl)
}

func TestParseProposalRejects(t *testing.T) {
	tests := []struct {
		name, file, contains string
	}{
		{"not JSON", `{"title": `, "invalid proposal JSON"},
		{"no messages", `{"title": "t", "messages": []}`, "no messages"},
		{"messages missing", `{"title": "t"}`, "no messages"},
		{"message not an object", `{"title": "t", "messages": [42]}`, "message 0"},
		{"unknown type", `{"title": "t", "messages": [{"@type": "/unknown.v1.MsgNothing"}]}`, "message 0"},
		{"no type", `{"title": "t", "messages": [{"organization_id": "acme"}]}`, "message 0"},
		{"unknown field", `{"title": "t", "messages": [
			{"@type": "/shiplog.consortium.v1.MsgRemoveOrganization", "organization_id": "a"},
			{"@type": "/shiplog.consortium.v1.MsgRemoveOrganization", "organisation": "a"}]}`, "message 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := cli.ParseProposal(clientCtx(), []byte(tc.file))
			require.ErrorContains(t, err, tc.contains)
		})
	}
}

func TestTxCommands(t *testing.T) {
	cmd := cli.NewTxCmd()
	require.Equal(t, types.ModuleName, cmd.Use)
	names := map[string]bool{}
	for _, c := range cmd.Commands() {
		names[c.Name()] = true
		require.NotNil(t, c.Flags().Lookup("from"), c.Name())
	}
	require.Equal(t, map[string]bool{"propose": true, "set-member": true}, names)
}
