package cmd

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/crypto/hd"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/shiplog/shiplog/app"
)

const (
	flagValidators   = "validators"
	flagOutput       = "output"
	flagStartingPort = "starting-port"
	flagHosts        = "hosts"
	flagChainIDTN    = "chain-id"

	// DefaultLocalnetChainID is the chain id of `shiplogd testnet init-files`.
	DefaultLocalnetChainID = "shiplog-localnet-1"
	// DefaultLocalnetStartingPort is node0's p2p port; node i uses
	// base+10*i+{0 p2p, 1 rpc, 2 api, 3 grpc, 4 metrics}.
	DefaultLocalnetStartingPort = 27000

	adminRoles    = "admin,operator"
	deployerRoles = "deployer,attestor,responder,detector"
)

// testnetCmd gathers the multi-validator localnet tools.
func testnetCmd(tempApp *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "testnet",
		Short:                      "Multi-validator localnet and consortium set-up",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(testnetInitFilesCmd(tempApp))
	return cmd
}

// LocalnetAccount is one key written by `testnet init-files`, as listed in
// accounts.json.
type LocalnetAccount struct {
	Org     string `json:"org"`
	Role    string `json:"role"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Node    string `json:"node"`
}

// LocalnetNode is one node's identity and ports, as listed in nodes.json.
type LocalnetNode struct {
	Name     string `json:"name"`
	Home     string `json:"home"`
	Org      string `json:"org"`
	NodeID   string `json:"node_id"`
	Host     string `json:"host"`
	P2PPort  int    `json:"p2p_port"`
	RPCPort  int    `json:"rpc_port"`
	APIPort  int    `json:"api_port"`
	GRPCPort int    `json:"grpc_port"`
	// MetricsPort serves CometBFT's and shiplog's Prometheus metrics.
	MetricsPort int `json:"metrics_port"`
}

func testnetInitFilesCmd(tempApp *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init-files",
		Short: "Write the homes of an N-validator consortium (one organisation per validator)",
		Long: `Writes DIR/node0..node{N-1}, each a complete home (config/, data/,
keyring-test/) with its own ed25519 consensus key and node key, and one
genesis.json shared byte for byte by every node: organisations org0..org{N-1},
per organisation an admin key (admin,operator) and a deployer key
(deployer,attestor,responder,detector) in that node's test keyring, and one
validator of power 10 per organisation. All addresses go to DIR/accounts.json,
node ids and ports to DIR/nodes.json.

Node i uses the ports base+10*i+{0 p2p, 1 rpc, 2 api, 3 grpc, 4 Prometheus
metrics} with base = --starting-port. Without --hosts every listener is on
127.0.0.1 (one machine, scripts/localnet.sh starts them). With --hosts
h0,h1,... node i listens on 0.0.0.0, advertises and is dialled at host i:
copy DIR/nodeI to machine i and run 'shiplogd start --home nodeI' there.
This is the path to a real multi-machine consortium; each organisation then
keeps only its own home and should replace the generated test keys with its
own.`,
		Example: `  shiplogd testnet init-files --validators 4 --output ./build/localnet
  shiplogd testnet init-files --validators 3 --output ./consortium --hosts 10.0.0.1,10.0.0.2,val3.example.com`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.SilenceUsage = true
			n, _ := cmd.Flags().GetInt(flagValidators)
			out, _ := cmd.Flags().GetString(flagOutput)
			chainID, _ := cmd.Flags().GetString(flagChainIDTN)
			base, _ := cmd.Flags().GetInt(flagStartingPort)
			hostsFlag, _ := cmd.Flags().GetString(flagHosts)
			var hosts []string
			if hostsFlag != "" {
				hosts = strings.Split(hostsFlag, ",")
			}
			if err := initFiles(tempApp.AppCodec(), n, out, chainID, base, hosts); err != nil {
				return err
			}
			cmd.Printf("wrote %d node homes, accounts.json and nodes.json to %s (chain %s)\n", n, out, chainID)
			return nil
		},
	}
	cmd.Flags().Int(flagValidators, 4, "number of validators (one organisation each)")
	cmd.Flags().String(flagOutput, "./build/localnet", "directory for the node homes")
	cmd.Flags().String(flagChainIDTN, DefaultLocalnetChainID, "chain id")
	cmd.Flags().Int(flagStartingPort, DefaultLocalnetStartingPort, "node0's p2p port; node i uses base+10*i+{0,1,2,3,4} for p2p, rpc, api, grpc, metrics")
	cmd.Flags().String(flagHosts, "", "comma-separated host (IP or name) of each node; listeners on 0.0.0.0 (default: all on 127.0.0.1)")
	return cmd
}

func initFiles(cdc codec.Codec, n int, out, chainID string, base int, hosts []string) (err error) {
	switch {
	case n < 1:
		return fmt.Errorf("--%s must be at least 1", flagValidators)
	case chainID == "":
		return fmt.Errorf("--%s is required", flagChainIDTN)
	case base < 1 || base+10*(n-1)+4 > 65535:
		return fmt.Errorf("--%s %d leaves no room for %d nodes' ports", flagStartingPort, base, n)
	case hosts != nil && len(hosts) != n:
		return fmt.Errorf("--%s lists %d hosts for %d validators", flagHosts, len(hosts), n)
	}
	for i, h := range hosts {
		hosts[i] = strings.TrimSpace(h)
		if hosts[i] == "" || strings.ContainsAny(hosts[i], ":/@ ") {
			return fmt.Errorf("--%s: host %d %q must be an IP or a name without port", flagHosts, i, h)
		}
	}
	if out, err = filepath.Abs(out); err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		if _, err := os.Stat(filepath.Join(out, fmt.Sprintf("node%d", i))); err == nil {
			return fmt.Errorf("%s already exists: remove it or choose another --%s", filepath.Join(out, fmt.Sprintf("node%d", i)), flagOutput)
		}
	}
	// A failed run leaves no half-made homes behind (none existed before).
	defer func() {
		if err != nil {
			for i := 0; i < n; i++ {
				_ = os.RemoveAll(filepath.Join(out, fmt.Sprintf("node%d", i)))
			}
		}
	}()

	nodes := make([]LocalnetNode, n)
	var accounts []LocalnetAccount
	pubKeys := make([]string, n)
	for i := range nodes {
		nd := &nodes[i]
		nd.Name = fmt.Sprintf("node%d", i)
		nd.Home = filepath.Join(out, nd.Name)
		nd.Org = fmt.Sprintf("org%d", i)
		nd.Host = "127.0.0.1"
		if hosts != nil {
			nd.Host = hosts[i]
		}
		nd.P2PPort, nd.RPCPort, nd.APIPort, nd.GRPCPort = base+10*i, base+10*i+1, base+10*i+2, base+10*i+3
		nd.MetricsPort = base + 10*i + 4

		// `shiplogd init`: keys, default configs, genesis with shiplog's
		// consensus parameters.
		if err := runSelf("init", nd.Name, "--chain-id", chainID, "--home", nd.Home); err != nil {
			return err
		}
		nodeKey, err := p2p.LoadNodeKey(filepath.Join(nd.Home, "config", "node_key.json"))
		if err != nil {
			return err
		}
		nd.NodeID = string(nodeKey.ID())
		pv := privval.LoadFilePVEmptyState(filepath.Join(nd.Home, "config", "priv_validator_key.json"), filepath.Join(nd.Home, "data", "priv_validator_state.json"))
		pk, err := pv.GetPubKey()
		if err != nil {
			return err
		}
		if _, ok := pk.(ed25519.PubKey); !ok {
			return fmt.Errorf("%s: consensus key is %s, not ed25519", nd.Name, pk.Type())
		}
		pubKeys[i] = base64.StdEncoding.EncodeToString(pk.Bytes())

		kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, nd.Home, nil, cdc)
		if err != nil {
			return err
		}
		for _, role := range []string{"admin", "deployer"} {
			name := nd.Org + "-" + role
			rec, _, err := kr.NewMnemonic(name, keyring.English, sdk.GetConfig().GetFullBIP44Path(), keyring.DefaultBIP39Passphrase, hd.Secp256k1)
			if err != nil {
				return fmt.Errorf("%s: key %s: %w", nd.Name, name, err)
			}
			addr, err := rec.GetAddress()
			if err != nil {
				return err
			}
			accounts = append(accounts, LocalnetAccount{Org: nd.Org, Role: role, Name: name, Address: addr.String(), Node: nd.Name})
		}
	}

	// The consortium, built with the `genesis` commands on node0's home.
	gen0 := nodes[0].Home
	for i, nd := range nodes {
		if err := runSelf("genesis", "add-org", nd.Org, fmt.Sprintf("Organisation %d", i), "--home", gen0); err != nil {
			return err
		}
	}
	for _, a := range accounts {
		roles := adminRoles
		if a.Role == "deployer" {
			roles = deployerRoles
		}
		if err := runSelf("genesis", "add-member", a.Address, a.Org, roles, "--home", gen0); err != nil {
			return err
		}
	}
	for i, nd := range nodes {
		if err := runSelf("genesis", "add-validator", nd.Name, nd.Org, "--pubkey", pubKeys[i], "--power", "10", "--home", gen0); err != nil {
			return err
		}
	}
	if err := runSelf("genesis", "validate-genesis", "--home", gen0); err != nil {
		return err
	}
	genesis, err := os.ReadFile(filepath.Join(gen0, "config", "genesis.json"))
	if err != nil {
		return err
	}

	for i, nd := range nodes {
		if i > 0 {
			if err := os.WriteFile(filepath.Join(nd.Home, "config", "genesis.json"), genesis, 0o644); err != nil {
				return err
			}
		}
		var peers []string
		for j, other := range nodes {
			if j != i {
				peers = append(peers, fmt.Sprintf("%s@%s", other.NodeID, net.JoinHostPort(other.Host, strconv.Itoa(other.P2PPort))))
			}
		}
		listen := "127.0.0.1"
		if hosts != nil {
			listen = "0.0.0.0"
		}
		if err := writeNodeConfigs(nd, listen, hosts != nil, chainID, strings.Join(peers, ",")); err != nil {
			return fmt.Errorf("%s: %w", nd.Name, err)
		}
	}

	if err := writeJSON(filepath.Join(out, "accounts.json"), accounts); err != nil {
		return err
	}
	return writeJSON(filepath.Join(out, "nodes.json"), nodes)
}

// writeNodeConfigs sets one node's ports, peers and client defaults in the
// config.toml, app.toml and client.toml that `shiplogd init` wrote.
func writeNodeConfigs(nd LocalnetNode, listen string, advertise bool, chainID, peers string) error {
	cfgDir := filepath.Join(nd.Home, "config")

	// config.toml
	v := viper.New()
	v.SetConfigFile(filepath.Join(cfgDir, "config.toml"))
	if err := v.ReadInConfig(); err != nil {
		return err
	}
	conf := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return err
	}
	conf.SetRoot(nd.Home)
	conf.Moniker = nd.Name
	conf.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", listen, nd.RPCPort)
	conf.RPC.PprofListenAddress = ""
	conf.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", listen, nd.P2PPort)
	if advertise {
		conf.P2P.ExternalAddress = net.JoinHostPort(nd.Host, strconv.Itoa(nd.P2PPort))
	}
	conf.P2P.PersistentPeers = peers
	conf.P2P.AddrBookStrict = false
	conf.P2P.AllowDuplicateIP = true
	conf.Instrumentation.Prometheus = true
	conf.Instrumentation.PrometheusListenAddr = fmt.Sprintf("%s:%d", listen, nd.MetricsPort)
	applyConsensusTiming(conf)
	if err := conf.ValidateBasic(); err != nil {
		return err
	}
	cmtcfg.WriteConfigFile(filepath.Join(cfgDir, "config.toml"), conf)

	// app.toml
	av := viper.New()
	av.SetConfigFile(filepath.Join(cfgDir, "app.toml"))
	if err := av.ReadInConfig(); err != nil {
		return err
	}
	appCfg, err := serverconfig.ParseConfig(av)
	if err != nil {
		return err
	}
	appCfg.AppDBBackend = "pebbledb"
	appCfg.API.Enable = true
	appCfg.API.Address = fmt.Sprintf("tcp://%s:%d", listen, nd.APIPort)
	appCfg.GRPC.Enable = true
	appCfg.GRPC.Address = fmt.Sprintf("%s:%d", listen, nd.GRPCPort)
	var shiplog ShiplogConfig
	if err := av.UnmarshalKey("shiplog", &shiplog); err != nil {
		return err
	}
	// The template is app.toml's with shiplog's section (see appConfig).
	serverconfig.WriteConfigFile(filepath.Join(cfgDir, "app.toml"), AppTomlConfig{Config: *appCfg, Shiplog: shiplog})

	// client.toml (the SDK exports no writer for it): edit its keys in place.
	clientHost := nd.Host
	if !advertise {
		clientHost = "127.0.0.1"
	}
	return setTOMLKeys(filepath.Join(cfgDir, "client.toml"), map[string]string{
		"chain-id":        chainID,
		"keyring-backend": keyring.BackendTest,
		"node":            fmt.Sprintf("tcp://%s", net.JoinHostPort(clientHost, strconv.Itoa(nd.RPCPort))),
		"broadcast-mode":  "sync",
	})
}

// setTOMLKeys replaces top-level `key = "..."` lines; every key must exist.
func setTOMLKeys(path string, kv map[string]string) error {
	bz, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for k, val := range kv {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(k) + ` = .*$`)
		if !re.Match(bz) {
			return fmt.Errorf("%s has no %q", path, k)
		}
		bz = re.ReplaceAll(bz, []byte(fmt.Sprintf("%s = %q", k, val)))
	}
	return os.WriteFile(path, bz, 0o644)
}

func writeJSON(path string, v any) error {
	bz, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(bz, '\n'), 0o644)
}

// runSelf runs one shiplogd command in this process with a fresh command
// tree, so init-files goes through exactly the code of `shiplogd init` and
// the `genesis` commands.
func runSelf(args ...string) error {
	root := NewRootCmd()
	var outBuf bytes.Buffer
	root.SetOut(&outBuf)
	root.SetErr(&outBuf)
	root.SetArgs(args)
	// genutil's init prints its summary straight to os.Stderr: keep it out
	// of init-files' output, but show it if the step fails.
	stderr, err := os.CreateTemp("", "shiplogd-init-files-*")
	if err != nil {
		return err
	}
	defer os.Remove(stderr.Name())
	defer stderr.Close()
	saved := os.Stderr
	os.Stderr = stderr
	err = svrcmd.Execute(root, "SHIPLOGD", app.DefaultNodeHome)
	os.Stderr = saved
	if err != nil {
		printed, _ := os.ReadFile(stderr.Name())
		return fmt.Errorf("shiplogd %s: %w\n%s%s", strings.Join(args, " "), err, outBuf.String(), printed)
	}
	return nil
}
