//go:build system

package systemtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFifthValidatorJoinsAndLeaves is fault test 4: a four-validator
// consortium whose nodes take state-sync snapshots; a fifth node joins by
// state sync (from the others' snapshots) and a sixth, a full node, by block
// sync from genesis; a proposal approved by three of the four organisations
// admits a new organisation and makes the fifth node a validator, which then
// signs blocks; a second proposal removes it and the chain goes on. Every
// node agrees on the app hash.
func TestFifthValidatorJoinsAndLeaves(t *testing.T) {
	ln := NewLocalnet(t, 4)
	// CometBFT's state sync keeps asking for the snapshot it chose, so each
	// must outlive discovery (15 s) and the restore: 12 snapshots 10 blocks
	// apart keep the oldest for about a minute at an idle chain's block
	// every half second.
	for _, n := range ln.Nodes {
		setAppToml(t, n.Home, map[string]string{"snapshot-interval": "10", "snapshot-keep-recent": "12"})
	}
	ln.LaunchAll(3, 90*time.Second)
	n0 := ln.Nodes[0]
	// A snapshot exists from height 10 on.
	ln.WaitForHeight(12, 60*time.Second, n0)

	var peers []string
	for _, n := range ln.Nodes {
		peers = append(peers, fmt.Sprintf("%s@127.0.0.1:%d", nodeID(t, n), n.P2PPort))
	}
	trustHeight := ln.MinHeight(n0) - 1
	trustHash := blockHash(t, n0, trustHeight)

	// node4 joins by state sync, node5 by block sync.
	n4 := newJoiningNode(t, ln, "node4", peers, fmt.Sprintf(`enable = true
rpc_servers = "127.0.0.1:%d,127.0.0.1:%d"
trust_height = %d
trust_hash = "%s"`, ln.Nodes[0].RPCPort, ln.Nodes[1].RPCPort, trustHeight, trustHash))
	n5 := newJoiningNode(t, ln, "node5", peers, "")
	n4.Launch()
	n5.Launch()
	for _, n := range []*Node{n4, n5} {
		n.waitFor("catching up", 90*time.Second, func() error {
			st, err := syncInfo(n)
			if err != nil {
				return err
			}
			if st.CatchingUp || st.LatestBlockHeight < ln.MinHeight(n0)-2 {
				return fmt.Errorf("at %d, catching up %v", st.LatestBlockHeight, st.CatchingUp)
			}
			return nil
		})
	}
	st4, err := syncInfo(n4)
	require.NoError(t, err)
	require.Greater(t, st4.EarliestBlockHeight, int64(1), "node4 restored a snapshot instead of replaying from genesis")
	st5, err := syncInfo(n5)
	require.NoError(t, err)
	require.Equal(t, int64(1), st5.EarliestBlockHeight, "node5 replayed every block")

	// org0 proposes the new organisation and its validator; org1 and org2
	// approve (3 of 4 > 1/2).
	pubKey := validatorPubKey(t, n4)
	proposal := map[string]any{
		"title": "org4 joins with a validator",
		"messages": []any{
			map[string]any{"@type": "/shiplog.consortium.v1.MsgAddOrganization", "organization": map[string]any{"id": "org4", "name": "Org 4"}},
			map[string]any{"@type": "/shiplog.consortium.v1.MsgSetValidator",
				"validator": map[string]any{"moniker": "node4", "organization_id": "org4", "pub_key": pubKey, "power": "10"}},
		},
	}
	propose := func(p map[string]any) string {
		t.Helper()
		res := n0.Commit("tx", "consortium", "propose", writeJSON(t, t.TempDir(), "proposal.json", p), "--from", "org0-admin")
		id := proposalID(t, n0, res.TxHash)
		for i := 1; i <= 2; i++ {
			ln.Nodes[i].Commit("tx", "consortium", "approve", id, "--from", fmt.Sprintf("org%d-admin", i))
		}
		return id
	}
	propose(proposal)
	address := validatorAddress(t, n4)
	n0.waitFor("node4 in the validator set", 30*time.Second, func() error {
		if !hasValidator(t, n0, address) {
			return fmt.Errorf("not yet")
		}
		return nil
	})
	n0.waitFor("a block signed by node4", 30*time.Second, func() error {
		h := ln.MinHeight(n0)
		if signedBy(t, n0, h, address) {
			return nil
		}
		return fmt.Errorf("commit %d not signed by node4", h)
	})

	propose(map[string]any{
		"title":    "node4 leaves",
		"messages": []any{map[string]any{"@type": "/shiplog.consortium.v1.MsgRemoveValidator", "pub_key": pubKey}},
	})
	n0.waitFor("node4 out of the validator set", 30*time.Second, func() error {
		if hasValidator(t, n0, address) {
			return fmt.Errorf("still a validator")
		}
		return nil
	})
	all := append(append([]*Node{}, ln.Nodes...), n4, n5)
	h := ln.MinHeight(all...)
	ln.WaitForHeight(h+3, 30*time.Second, all...)
	common := ln.MinHeight(all...)
	want, err := n0.AppHashAt(common)
	require.NoError(t, err)
	for _, n := range all {
		got, err := n.AppHashAt(common)
		require.NoError(t, err)
		require.Equal(t, want, got, "%s's app hash at %d", filepath.Base(n.Home), common)
	}
}

// newJoiningNode initialises a node home for the localnet's chain on free
// ports, peered with peers; a non-empty statesync replaces the [statesync]
// settings.
func newJoiningNode(t *testing.T, ln *Localnet, name string, peers []string, statesync string) *Node {
	t.Helper()
	n := &Node{t: t, Bin: ln.Nodes[0].Bin, Home: filepath.Join(t.TempDir(), name),
		RPCPort: freePort(t), P2PPort: freePort(t), APIPort: freePort(t), GRPCPort: freePort(t)}
	t.Cleanup(n.Stop)
	_, stderr, err := n.CLI("init", name, "--chain-id", chainID(t, ln.Nodes[0]))
	require.NoError(t, err, stderr)
	genesis, err := os.ReadFile(filepath.Join(ln.Nodes[0].Home, "config", "genesis.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(n.Home, "config", "genesis.json"), genesis, 0o600))

	path := filepath.Join(n.Home, "config", "config.toml")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	cfg := string(bz)
	for _, r := range []struct{ pattern, value string }{
		{`(?m)^laddr = "tcp://127.0.0.1:26657"`, fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, n.RPCPort)},
		{`(?m)^laddr = "tcp://0.0.0.0:26656"`, fmt.Sprintf(`laddr = "tcp://127.0.0.1:%d"`, n.P2PPort)},
		{`(?m)^persistent_peers = ""`, fmt.Sprintf(`persistent_peers = "%s"`, strings.Join(peers, ","))},
		{`(?m)^addr_book_strict = true`, `addr_book_strict = false`},
		{`(?m)^allow_duplicate_ip = false`, `allow_duplicate_ip = true`},
		{`(?m)^pprof_laddr = .*`, `pprof_laddr = ""`},
	} {
		re := regexp.MustCompile(r.pattern)
		require.True(t, re.MatchString(cfg), "config.toml has no %s", r.pattern)
		cfg = re.ReplaceAllString(cfg, r.value)
	}
	if statesync != "" {
		re := regexp.MustCompile(`(?s)(\[statesync\]\n.*?)enable = false\n.*?trust_hash = ""`)
		require.True(t, re.MatchString(cfg), "config.toml has no [statesync] section")
		cfg = re.ReplaceAllString(cfg, "${1}"+statesync)
	}
	require.NoError(t, os.WriteFile(path, []byte(cfg), 0o600))
	appPath := filepath.Join(n.Home, "config", "app.toml")
	bz, err = os.ReadFile(appPath)
	require.NoError(t, err)
	app := strings.Replace(string(bz), `address = "tcp://127.0.0.1:1317"`, fmt.Sprintf(`address = "tcp://127.0.0.1:%d"`, n.APIPort), 1)
	app = strings.Replace(app, `address = "127.0.0.1:9090"`, fmt.Sprintf(`address = "127.0.0.1:%d"`, n.GRPCPort), 1)
	require.NoError(t, os.WriteFile(appPath, []byte(app), 0o600))
	return n
}

// setAppToml sets "key = value" lines of app.toml (each key must exist).
func setAppToml(t *testing.T, home string, values map[string]string) {
	t.Helper()
	path := filepath.Join(home, "config", "app.toml")
	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	s := string(bz)
	for key, value := range values {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(key) + ` = .*$`)
		require.True(t, re.MatchString(s), "app.toml has no %s", key)
		s = re.ReplaceAllString(s, key+" = "+value)
	}
	require.NoError(t, os.WriteFile(path, []byte(s), 0o600))
}

type syncState struct {
	LatestBlockHeight   int64
	EarliestBlockHeight int64
	CatchingUp          bool
}

func syncInfo(n *Node) (syncState, error) {
	var st struct {
		Result struct {
			SyncInfo struct {
				Latest     string `json:"latest_block_height"`
				Earliest   string `json:"earliest_block_height"`
				CatchingUp bool   `json:"catching_up"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", n.RPCPort), &st); err != nil {
		return syncState{}, err
	}
	latest, _ := strconv.ParseInt(st.Result.SyncInfo.Latest, 10, 64)
	earliest, _ := strconv.ParseInt(st.Result.SyncInfo.Earliest, 10, 64)
	return syncState{LatestBlockHeight: latest, EarliestBlockHeight: earliest, CatchingUp: st.Result.SyncInfo.CatchingUp}, nil
}

func nodeID(t *testing.T, n *Node) string {
	t.Helper()
	out, stderr, err := n.CLI("comet", "show-node-id")
	require.NoError(t, err, stderr)
	return strings.TrimSpace(out)
}

func chainID(t *testing.T, n *Node) string {
	t.Helper()
	var st struct {
		Result struct {
			NodeInfo struct {
				Network string `json:"network"`
			} `json:"node_info"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", n.RPCPort), &st))
	return st.Result.NodeInfo.Network
}

func blockHash(t *testing.T, n *Node, h int64) string {
	t.Helper()
	var blk struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("http://127.0.0.1:%d/block?height=%d", n.RPCPort, h), &blk))
	require.NotEmpty(t, blk.Result.BlockID.Hash)
	return blk.Result.BlockID.Hash
}

// validatorPubKey is the node's ed25519 consensus key, base64 (the proto
// JSON of bytes).
func validatorPubKey(t *testing.T, n *Node) string {
	t.Helper()
	out, stderr, err := n.CLI("comet", "show-validator")
	require.NoError(t, err, stderr)
	var pk struct {
		Key string `json:"key"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &pk), out)
	raw, err := base64.StdEncoding.DecodeString(pk.Key)
	require.NoError(t, err)
	require.Len(t, raw, 32)
	return pk.Key
}

// validatorAddress is the node's consensus address as CometBFT prints it.
func validatorAddress(t *testing.T, n *Node) string {
	t.Helper()
	var st struct {
		Result struct {
			ValidatorInfo struct {
				Address string `json:"address"`
			} `json:"validator_info"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", n.RPCPort), &st))
	return st.Result.ValidatorInfo.Address
}

func hasValidator(t *testing.T, n *Node, address string) bool {
	t.Helper()
	var vals struct {
		Result struct {
			Validators []struct {
				Address string `json:"address"`
			} `json:"validators"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("http://127.0.0.1:%d/validators", n.RPCPort), &vals))
	for _, v := range vals.Result.Validators {
		if v.Address == address {
			return true
		}
	}
	return false
}

func signedBy(t *testing.T, n *Node, h int64, address string) bool {
	t.Helper()
	var c struct {
		Result struct {
			SignedHeader struct {
				Commit struct {
					Signatures []struct {
						ValidatorAddress string `json:"validator_address"`
					} `json:"signatures"`
				} `json:"commit"`
			} `json:"signed_header"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("http://127.0.0.1:%d/commit?height=%d", n.RPCPort, h), &c))
	for _, s := range c.Result.SignedHeader.Commit.Signatures {
		if s.ValidatorAddress == address {
			return true
		}
	}
	return false
}

// proposalID reads the id of the proposal a committed tx submitted.
func proposalID(t *testing.T, n *Node, txHash string) string {
	t.Helper()
	var tx struct {
		TxResponse struct {
			Events []struct {
				Type       string `json:"type"`
				Attributes []struct {
					Key   string `json:"key"`
					Value string `json:"value"`
				} `json:"attributes"`
			} `json:"events"`
		} `json:"tx_response"`
	}
	require.NoError(t, getJSON(n.REST("/cosmos/tx/v1beta1/txs/"+txHash), &tx))
	for _, e := range tx.TxResponse.Events {
		if !strings.HasSuffix(e.Type, "EventProposalSubmitted") {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == "id" || a.Key == "proposal_id" {
				return strings.Trim(a.Value, `"`)
			}
		}
	}
	t.Fatalf("no proposal id in tx %s", txHash)
	return ""
}
