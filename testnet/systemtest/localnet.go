//go:build system

package systemtest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Localnet is an N-validator network written by `shiplogd testnet
// init-files` into a temporary folder, one organisation per validator.
type Localnet struct {
	t     *testing.T
	Dir   string
	Nodes []*Node
	// Accounts as listed in accounts.json (org, role, name, address).
	Accounts []LocalnetAccount
}

// LocalnetAccount is one entry of accounts.json.
type LocalnetAccount struct {
	Org     string `json:"org"`
	Role    string `json:"role"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Node    string `json:"node"`
}

type localnetNode struct {
	Name     string `json:"name"`
	Home     string `json:"home"`
	RPCPort  int    `json:"rpc_port"`
	P2PPort  int    `json:"p2p_port"`
	APIPort  int    `json:"api_port"`
	GRPCPort int    `json:"grpc_port"`
	// MetricsPort is Prometheus' endpoint.
	MetricsPort int `json:"metrics_port"`
}

// freePortBase probes for a base port such that base+10*i+{0..4} is free
// on 127.0.0.1 for every node i (the init-files port layout).
func freePortBase(t *testing.T, nodes int) int {
	t.Helper()
	for attempt := 0; attempt < 100; attempt++ {
		base := 20000 + 10*rand.IntN(3000) // 20000..49990, below the ephemeral range
		free := true
		var held []net.Listener
		for i := 0; i < nodes && free; i++ {
			for k := 0; k < 5; k++ {
				l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(base+10*i+k))
				if err != nil {
					free = false
					break
				}
				held = append(held, l)
			}
		}
		for _, l := range held {
			_ = l.Close()
		}
		if free {
			return base
		}
	}
	t.Fatal("no free port range found for the localnet")
	return 0
}

// NewLocalnet runs `shiplogd testnet init-files` for n validators on free
// loopback ports. Nothing is started; every node is stopped at cleanup.
func NewLocalnet(t *testing.T, n int) *Localnet {
	t.Helper()
	bin := binary(t)
	dir := filepath.Join(t.TempDir(), "localnet")
	base := freePortBase(t, n)
	out, err := exec.Command(bin, "testnet", "init-files", "--validators", strconv.Itoa(n),
		"--output", dir, "--starting-port", strconv.Itoa(base)).CombinedOutput()
	require.NoError(t, err, string(out))

	ln := &Localnet{t: t, Dir: dir}
	var nodes []localnetNode
	bz, err := os.ReadFile(filepath.Join(dir, "nodes.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &nodes))
	require.Len(t, nodes, n)
	bz, err = os.ReadFile(filepath.Join(dir, "accounts.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(bz, &ln.Accounts))
	for _, nd := range nodes {
		node := &Node{t: t, Bin: bin, Home: nd.Home, RPCPort: nd.RPCPort, P2PPort: nd.P2PPort, APIPort: nd.APIPort, GRPCPort: nd.GRPCPort, MetricsPort: nd.MetricsPort}
		ln.Nodes = append(ln.Nodes, node)
		t.Cleanup(node.Stop)
	}
	return ln
}

// Launch starts the node process without waiting for blocks: a validator
// of a multi-validator chain makes none until enough of the others run.
func (n *Node) Launch() {
	n.t.Helper()
	require.Nil(n.t, n.cmd, "node already running")
	var err error
	n.logFile, err = os.OpenFile(filepath.Join(n.Home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(n.t, err)
	n.cmd = exec.Command(n.Bin, "start", "--home", n.Home, "--log_no_color")
	n.cmd.Stdout, n.cmd.Stderr = n.logFile, n.logFile
	require.NoError(n.t, n.cmd.Start())
	n.exited = make(chan struct{})
	go func(n *Node, cmd *exec.Cmd, done chan struct{}) { n.ExitErr = cmd.Wait(); close(done) }(n, n.cmd, n.exited)
}

// Kill ends the node with SIGKILL (no shutdown of any kind) by its pid.
func (n *Node) Kill() {
	n.t.Helper()
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	require.NoError(n.t, n.cmd.Process.Kill())
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		n.t.Fatal("killed node did not exit within 30 s")
	}
	n.cmd = nil
	_ = n.logFile.Close()
}

// WaitForREST waits until the node's REST server answers.
func (n *Node) WaitForREST(timeout time.Duration) {
	n.t.Helper()
	n.waitFor("REST", timeout, func() error {
		var params json.RawMessage
		return getJSON(n.REST("/shiplog/consortium/v1/params"), &params)
	})
}

// Peers is the number of peers from CometBFT RPC /net_info.
func (n *Node) Peers() (int, error) {
	var ni struct {
		Result struct {
			NPeers string `json:"n_peers"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/net_info", n.RPCPort), &ni); err != nil {
		return 0, err
	}
	return strconv.Atoi(ni.Result.NPeers)
}

// AppHashAt is the app hash in the header of block h (the state after h-1),
// from CometBFT RPC /block?height=h.
func (n *Node) AppHashAt(h int64) (string, error) {
	var blk struct {
		Result struct {
			Block struct {
				Header struct {
					Height  string `json:"height"`
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/block?height=%d", n.RPCPort, h), &blk); err != nil {
		return "", err
	}
	if blk.Result.Block.Header.Height != strconv.FormatInt(h, 10) {
		return "", fmt.Errorf("asked for block %d, got %q", h, blk.Result.Block.Header.Height)
	}
	return blk.Result.Block.Header.AppHash, nil
}

// LaunchAll starts every node, then waits (bounded) until each reaches h
// and serves REST.
func (ln *Localnet) LaunchAll(h int64, timeout time.Duration) {
	ln.t.Helper()
	for _, n := range ln.Nodes {
		n.Launch()
	}
	ln.WaitForHeight(h, timeout, ln.Nodes...)
	for _, n := range ln.Nodes {
		n.WaitForREST(30 * time.Second)
	}
}

// WaitForHeight waits until every given node reaches h, sharing one deadline.
func (ln *Localnet) WaitForHeight(h int64, timeout time.Duration, nodes ...*Node) {
	ln.t.Helper()
	deadline := time.Now().Add(timeout)
	for _, n := range nodes {
		n.WaitForHeight(h, max(time.Until(deadline), time.Second))
	}
}

// MinHeight is the lowest latest height among the given nodes.
func (ln *Localnet) MinHeight(nodes ...*Node) int64 {
	ln.t.Helper()
	var low int64 = -1
	for _, n := range nodes {
		h, err := n.Height()
		require.NoError(ln.t, err)
		if low < 0 || h < low {
			low = h
		}
	}
	return low
}
