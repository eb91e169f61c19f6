//go:build system

package systemtest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
)

// TestInitFilesLayout checks what `shiplogd testnet init-files` writes
// without starting anything: one genesis for all, the consortium in it, the
// keys in each node's keyring, per-node ports and peers, and the --hosts
// variant for machines of their own.
func TestInitFilesLayout(t *testing.T) {
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "net")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(bin, append([]string{"testnet", "init-files"}, args...)...).CombinedOutput()
		return string(out), err
	}
	out, err := run("--validators", "3", "--output", dir, "--starting-port", "40000",
		"--chain-id", "shiplog-multi-1", "--hosts", "10.0.0.1,10.0.0.2,val3.example.com")
	require.NoError(t, err, out)

	genesis, err := os.ReadFile(filepath.Join(dir, "node0", "config", "genesis.json"))
	require.NoError(t, err)
	for i := 1; i < 3; i++ {
		other, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("node%d", i), "config", "genesis.json"))
		require.NoError(t, err)
		require.Equal(t, genesis, other, "node%d's genesis.json", i)
	}
	var gen struct {
		ChainID  string `json:"chain_id"`
		AppState struct {
			Consortium struct {
				Organizations []struct{ ID string } `json:"organizations"`
				Members       []struct {
					Address        string   `json:"address"`
					OrganizationID string   `json:"organization_id"`
					Roles          []string `json:"roles"`
				} `json:"members"`
				Validators []struct {
					Moniker string `json:"moniker"`
					Power   string `json:"power"`
				} `json:"validators"`
			} `json:"consortium"`
		} `json:"app_state"`
		Consensus struct {
			Validators []json.RawMessage `json:"validators"`
			Params     struct {
				Block struct {
					MaxGas string `json:"max_gas"`
				} `json:"block"`
				Validator struct {
					PubKeyTypes []string `json:"pub_key_types"`
				} `json:"validator"`
			} `json:"params"`
		} `json:"consensus"`
	}
	require.NoError(t, json.Unmarshal(genesis, &gen))
	require.Equal(t, "shiplog-multi-1", gen.ChainID)
	require.Len(t, gen.AppState.Consortium.Organizations, 3)
	require.Len(t, gen.AppState.Consortium.Members, 6)
	require.Len(t, gen.AppState.Consortium.Validators, 3)
	for _, v := range gen.AppState.Consortium.Validators {
		require.Equal(t, "10", v.Power)
	}
	require.Empty(t, gen.Consensus.Validators, "CometBFT takes the set from InitChain")
	require.Equal(t, []string{"ed25519"}, gen.Consensus.Params.Validator.PubKeyTypes)
	require.Equal(t, strconv.FormatInt(app.DefaultBlockMaxGas, 10), gen.Consensus.Params.Block.MaxGas)

	var accounts []LocalnetAccount
	bz, err := os.ReadFile(filepath.Join(dir, "accounts.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &accounts))
	require.Len(t, accounts, 6)
	for _, a := range accounts {
		// The key is in its own node's test keyring.
		home := filepath.Join(dir, a.Node)
		addr, err := exec.Command(bin, "keys", "show", a.Name, "-a", "--keyring-backend", "test", "--home", home).Output()
		require.NoError(t, err, a.Name)
		require.Equal(t, a.Address, strings.TrimSpace(string(addr)))
	}

	cfg, err := os.ReadFile(filepath.Join(dir, "node1", "config", "config.toml"))
	require.NoError(t, err)
	for _, want := range []string{`laddr = "tcp://0.0.0.0:40010"`, `laddr = "tcp://0.0.0.0:40011"`, `external_address = "10.0.0.2:40010"`,
		`pprof_laddr = ""`, `addr_book_strict = false`, `allow_duplicate_ip = true`, `timeout_commit = "250ms"`, `create_empty_blocks_interval = "250ms"`, `peer_gossip_sleep_duration = "10ms"`,
		`prometheus = true`, `prometheus_listen_addr = "0.0.0.0:40014"`, `@10.0.0.1:40000,`, `@val3.example.com:40020"`} {
		require.Contains(t, string(cfg), want)
	}
	appToml, err := os.ReadFile(filepath.Join(dir, "node1", "config", "app.toml"))
	require.NoError(t, err)
	for _, want := range []string{`app-db-backend = "pebbledb"`, `address = "tcp://0.0.0.0:40012"`, `address = "0.0.0.0:40013"`} {
		require.Contains(t, string(appToml), want)
	}
	clientToml, err := os.ReadFile(filepath.Join(dir, "node1", "config", "client.toml"))
	require.NoError(t, err)
	for _, want := range []string{`chain-id = "shiplog-multi-1"`, `keyring-backend = "test"`, `node = "tcp://10.0.0.2:40011"`} {
		require.Contains(t, string(clientToml), want)
	}

	// Refusals: existing homes, a host list of the wrong length.
	out, err = run("--validators", "3", "--output", dir)
	require.Error(t, err)
	require.Contains(t, out, "already exists")
	out, err = run("--validators", "3", "--output", filepath.Join(t.TempDir(), "x"), "--hosts", "a,b")
	require.Error(t, err)
	require.Contains(t, out, "lists 2 hosts for 3 validators")
}
