package cmd_test

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/cmd/shiplogd/cmd"
)

func run(t *testing.T, home string, args ...string) error {
	t.Helper()
	root := cmd.NewRootCmd()
	root.SetArgs(append(args, "--home", home))
	root.SetOut(io.Discard)
	root.SetErr(io.Discard)
	return svrcmd.Execute(root, "SHIPLOGD", home)
}

// setAppToml sets key's line in home's app.toml to key = value (TOML).
func setAppToml(t *testing.T, home, key, value string) {
	t.Helper()
	path := filepath.Join(home, "config", "app.toml")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	line := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + ` = .*$`)
	require.True(t, line.Match(bz), "app.toml has no %s", key)
	require.NoError(t, os.WriteFile(path, line.ReplaceAll(bz, []byte(key+" = "+value)), 0o600))
}

// TestInitWritesShiplogDefaults: `shiplogd init` gives the dev chain id, a
// finite block gas limit, ed25519 validator keys, a 250 ms pause after each
// commit and up to 250 ms more before an empty block, 10 ms consensus
// gossip sleeps and the app.toml defaults (pebble, no fees, loopback REST
// and gRPC).
func TestInitWritesShiplogDefaults(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, run(t, home, "init", "node-1"))

	gen, err := genutiltypes.AppGenesisFromFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, app.DefaultChainID, gen.ChainID)
	require.Equal(t, int64(app.DefaultBlockMaxGas), gen.Consensus.Params.Block.MaxGas)
	require.Equal(t, []string{"ed25519"}, gen.Consensus.Params.Validator.PubKeyTypes)
	require.Empty(t, gen.Consensus.Validators, "CometBFT takes the set from InitChain")

	cometToml, err := os.ReadFile(filepath.Join(home, "config", "config.toml"))
	require.NoError(t, err)
	require.Contains(t, string(cometToml), `timeout_commit = "250ms"`)
	require.Contains(t, string(cometToml), `create_empty_blocks = true`)
	require.Contains(t, string(cometToml), `create_empty_blocks_interval = "250ms"`)
	require.Contains(t, string(cometToml), `peer_gossip_sleep_duration = "10ms"`)

	appToml, err := os.ReadFile(filepath.Join(home, "config", "app.toml"))
	require.NoError(t, err)
	for _, want := range []string{`app-db-backend = "pebbledb"`, `minimum-gas-prices = "0ship"`, `address = "127.0.0.1:9090"`, `address = "tcp://127.0.0.1:1317"`,
		"max-pending-per-member = 1000", `index-events = ["message.action", "message.sender", ]`,
		`pruning = "custom"`, `pruning-keep-recent = "10"`, `pruning-interval = "10"`, "iavl-disable-fastnode = false",
		"iavl-cache-size = 100000"} {
		require.Contains(t, string(appToml), want)
	}
	// Records are found through state indexes; the transaction index holds
	// hashes, heights, action and sender only.
	require.NotContains(t, string(appToml), `EventDeploymentRecorded`)
}

// TestGenesisCommandsBuildAConsortium drives the genesis tools in order and
// checks that validate-genesis wants a validator before it passes.
func TestGenesisCommandsBuildAConsortium(t *testing.T) {
	home := t.TempDir()
	member := sdk.AccAddress(bytes.Repeat([]byte{7}, 20)).String()
	require.True(t, strings.HasPrefix(member, "ship1"))
	require.NoError(t, run(t, home, "init", "node-1", "--chain-id", "shiplog-test-1"))
	require.NoError(t, run(t, home, "genesis", "add-org", "acme", "Acme Corp"))
	require.NoError(t, run(t, home, "genesis", "add-member", member, "acme", "admin,deployer"))
	err := run(t, home, "genesis", "validate-genesis")
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "validator"), err.Error())

	require.NoError(t, run(t, home, "genesis", "add-validator", "acme-1", "acme", "--power", "10"))
	require.NoError(t, run(t, home, "genesis", "validate-genesis"))

	// Unknown organisation and bad role are refused and change nothing.
	before, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	other := sdk.AccAddress(bytes.Repeat([]byte{8}, 20)).String()
	require.ErrorContains(t, run(t, home, "genesis", "add-member", other, "nobody", "deployer"), "unknown organization")
	require.ErrorContains(t, run(t, home, "genesis", "add-member", other, "acme", "king"), "unknown role")
	require.ErrorContains(t, run(t, home, "genesis", "add-member", member, "acme", "deployer"), "duplicate member")
	after, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
	require.NoError(t, err)
	require.Equal(t, before, after)
}
