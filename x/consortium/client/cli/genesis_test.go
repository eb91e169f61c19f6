package cli_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/privval"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/client/cli"
	"github.com/shiplog/shiplog/x/consortium/types"
)

// newHome writes a genesis.json with an empty app state under a fresh home.
func newHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o755))
	require.NoError(t, os.MkdirAll(filepath.Join(home, "data"), 0o755))
	require.NoError(t, genutiltypes.NewAppGenesisWithVersion("shiplog-test", json.RawMessage(`{}`)).
		SaveAs(filepath.Join(home, "config", "genesis.json")))
	return home
}

func run(t *testing.T, cmd *cobra.Command, args ...string) error {
	t.Helper()
	cc := clientCtx()
	ctx := context.WithValue(context.Background(), client.ClientContextKey, &cc)
	cmd.SetArgs(args)
	cmd.SetOut(new(strings.Builder))
	cmd.SetErr(new(strings.Builder))
	return cmd.ExecuteContext(ctx)
}

func readGenesis(t *testing.T, home string) *types.GenesisState {
	t.Helper()
	ag, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	var appState map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(ag.AppState, &appState))
	gs := types.DefaultGenesis()
	if raw, ok := appState[types.ModuleName]; ok {
		require.NoError(t, clientCtx().Codec.UnmarshalJSON(raw, gs))
	}
	return gs
}

func genesisBytes(t *testing.T, home string) []byte {
	t.Helper()
	bz, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	return bz
}

func TestGenesisCommandsBuildAConsortium(t *testing.T) {
	home := newHome(t)
	require.NoError(t, run(t, cli.AddOrgCmd(home), "acme", "Acme Corp"))
	require.NoError(t, run(t, cli.AddMemberCmd(home), bech(t, 1), "acme", "admin,deployer"))
	valKey := base64.StdEncoding.EncodeToString(make([]byte, 32))
	require.NoError(t, run(t, cli.AddValidatorCmd(home), "acme-1", "acme", "--pubkey", valKey, "--power", "7"))

	// Without --pubkey, the node's own consensus key is used.
	pv := privval.GenFilePV(filepath.Join(home, "config", "priv_validator_key.json"), filepath.Join(home, "data", "priv_validator_state.json"))
	pv.Save()
	require.NoError(t, run(t, cli.AddValidatorCmd(home), "acme-2", "acme"))

	gs := readGenesis(t, home)
	require.NoError(t, gs.Validate())
	require.Equal(t, []types.Organization{{Id: "acme", Name: "Acme Corp"}}, gs.Organizations)
	require.Equal(t, []types.Member{{Address: bech(t, 1), OrganizationId: "acme",
		Roles: []types.Role{types.ROLE_ADMIN, types.ROLE_DEPLOYER}, Active: true}}, gs.Members)
	require.Equal(t, []types.Validator{
		{Moniker: "acme-1", OrganizationId: "acme", PubKey: make([]byte, 32), Power: 7},
		{Moniker: "acme-2", OrganizationId: "acme", PubKey: pv.Key.PubKey.Bytes(), Power: 10},
	}, gs.Validators)
	require.Equal(t, types.DefaultParams(), gs.Params)
	require.EqualValues(t, 1, gs.NextProposalId)
}

func TestGenesisCommandsResolveKeyNames(t *testing.T) {
	home := newHome(t)
	require.NoError(t, run(t, cli.AddOrgCmd(home), "acme", "Acme Corp"))
	kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, home, nil, clientCtx().Codec)
	require.NoError(t, err)
	rec, _, err := kr.NewMnemonic("alice", keyring.English, sdk.FullFundraiserPath, keyring.DefaultBIP39Passphrase, hd.Secp256k1)
	require.NoError(t, err)
	a, err := rec.GetAddress()
	require.NoError(t, err)

	require.NoError(t, run(t, cli.AddMemberCmd(home), "alice", "acme", "deployer", "--keyring-backend", keyring.BackendTest))
	require.Equal(t, a.String(), readGenesis(t, home).Members[0].Address)

	err = run(t, cli.AddMemberCmd(home), "bob", "acme", "deployer", "--keyring-backend", keyring.BackendTest)
	require.ErrorContains(t, err, "neither an address nor a key")
}

func TestGenesisCommandsRefuseInvalidState(t *testing.T) {
	key32 := base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct {
		name     string
		cmd      func(home string) *cobra.Command
		args     []string
		err      error
		contains string
	}{
		{"bad organization slug", cli.AddOrgCmd, []string{"Acme", "Acme"}, types.ErrInvalidOrganization, ""},
		{"duplicate organization", cli.AddOrgCmd, []string{"acme", "Acme again"}, types.ErrInvalidGenesis, ""},
		{"member of unknown organization", cli.AddMemberCmd, []string{"", "globex", "deployer"}, types.ErrInvalidGenesis, ""},
		{"duplicate member", cli.AddMemberCmd, []string{"", "acme", "attestor"}, types.ErrInvalidGenesis, ""},
		{"unknown role", cli.AddMemberCmd, []string{"", "acme", "root"}, nil, "unknown role"},
		{"duplicate role", cli.AddMemberCmd, []string{"", "acme", "deployer,deployer"}, types.ErrInvalidMember, ""},
		{"validator of unknown organization", cli.AddValidatorCmd, []string{"v", "globex", "--pubkey", key32}, types.ErrInvalidGenesis, ""},
		{"short validator key", cli.AddValidatorCmd, []string{"v", "acme", "--pubkey", base64.StdEncoding.EncodeToString(make([]byte, 33))}, types.ErrInvalidValidator, ""},
		{"validator key not base64", cli.AddValidatorCmd, []string{"v", "acme", "--pubkey", "%%%"}, nil, "must be base64"},
		{"validator power zero", cli.AddValidatorCmd, []string{"v", "acme", "--pubkey", key32, "--power", "0"}, types.ErrInvalidValidator, ""},
		{"no node key", cli.AddValidatorCmd, []string{"v", "acme"}, nil, "priv_validator_key.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			home := newHome(t)
			require.NoError(t, run(t, cli.AddOrgCmd(home), "acme", "Acme Corp"))
			require.NoError(t, run(t, cli.AddMemberCmd(home), bech(t, 1), "acme", "admin"))
			before := genesisBytes(t, home)
			args := append([]string(nil), tc.args...)
			if len(args) > 0 && args[0] == "" {
				args[0] = bech(t, 1)
			}
			err := run(t, tc.cmd(home), args...)
			require.Error(t, err)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
			}
			if tc.contains != "" {
				require.ErrorContains(t, err, tc.contains)
			}
			require.Equal(t, before, genesisBytes(t, home), "a refused edit leaves genesis.json alone")
		})
	}
}

func TestGenesisCommandsNeedGenesisFile(t *testing.T) {
	err := run(t, cli.AddOrgCmd(t.TempDir()), "acme", "Acme")
	require.ErrorContains(t, err, "genesis.json")
	require.Len(t, cli.GenesisCommands("/nonexistent"), 3)
}
