//go:build system

// Package systemtest drives real shiplogd processes over loopback, only
// through the CLI, REST, gRPC and CometBFT RPC, with bounded waits.
package systemtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Node is one shiplogd process with its home folder and loopback ports.
type Node struct {
	t        *testing.T
	Bin      string
	Home     string
	RPCPort  int
	P2PPort  int
	APIPort  int
	GRPCPort int
	// MetricsPort serves Prometheus metrics (0: not configured).
	MetricsPort int
	cmd         *exec.Cmd
	logFile     *os.File
	exited      chan struct{}
	// ExitErr is how the last stopped process ended (nil: exit code 0).
	ExitErr error
}

// binary returns the shiplogd under test: $SHIPLOGD (set by make test-system)
// or a fresh build.
func binary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("SHIPLOGD"); bin != "" {
		return bin
	}
	bin := filepath.Join(t.TempDir(), "shiplogd")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/shiplogd").CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// NewDevNode initialises a home exactly as `make run` does, on free ports.
func NewDevNode(t *testing.T) *Node {
	t.Helper()
	n := &Node{t: t, Bin: binary(t), Home: filepath.Join(t.TempDir(), "home"),
		RPCPort: freePort(t), P2PPort: freePort(t), APIPort: freePort(t), GRPCPort: freePort(t), MetricsPort: freePort(t)}
	script, err := filepath.Abs("../../scripts/dev-node.sh")
	require.NoError(t, err)
	cmd := exec.Command(script, "init")
	cmd.Env = append(os.Environ(),
		"SHIPLOGD="+n.Bin, "SHIPLOG_HOME="+n.Home,
		"RPC_PORT="+strconv.Itoa(n.RPCPort), "P2P_PORT="+strconv.Itoa(n.P2PPort),
		"API_PORT="+strconv.Itoa(n.APIPort), "GRPC_PORT="+strconv.Itoa(n.GRPCPort),
		"METRICS_PORT="+strconv.Itoa(n.MetricsPort))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	t.Cleanup(n.Stop)
	return n
}

// Start launches the node in the background and waits for a new block.
func (n *Node) Start() {
	n.t.Helper()
	n.Launch()
	// Wait for a block committed by this process: until then CheckTx runs
	// with an empty header (height 0) and signatures check as at genesis.
	n.WaitForHeight(1, 90*time.Second)
	n.WaitForHeight(n.heightOrZero()+1, 30*time.Second)
	// The REST server starts after CometBFT's RPC.
	n.WaitForREST(30 * time.Second)
}

func (n *Node) waitFor(what string, timeout time.Duration, ready func() error) {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	var err error
	for time.Now().Before(deadline) {
		if err = ready(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	n.t.Fatalf("%s not ready within %s: %v\n%s", what, timeout, err, n.logTail())
}

// Stop ends the node by its pid (SIGTERM, then SIGKILL after 30 s).
func (n *Node) Stop() {
	if n.cmd == nil || n.cmd.Process == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.exited:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
	}
	n.cmd = nil
	_ = n.logFile.Close()
}

func (n *Node) logTail() string {
	bz, _ := os.ReadFile(filepath.Join(n.Home, "node.log"))
	if len(bz) > 4000 {
		bz = bz[len(bz)-4000:]
	}
	return string(bz)
}

// Height is the latest block height from CometBFT RPC.
func (n *Node) Height() (int64, error) {
	var status struct {
		Result struct {
			SyncInfo struct {
				LatestBlockHeight string `json:"latest_block_height"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/status", n.RPCPort), &status); err != nil {
		return 0, err
	}
	return strconv.ParseInt(status.Result.SyncInfo.LatestBlockHeight, 10, 64)
}

func (n *Node) heightOrZero() int64 {
	h, err := n.Height()
	if err != nil {
		return 0
	}
	return h
}

// WaitForHeight polls CometBFT RPC until the chain reaches h.
func (n *Node) WaitForHeight(h int64, timeout time.Duration) {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-n.exited:
			n.t.Fatalf("node exited while waiting for height %d:\n%s", h, n.logTail())
		default:
		}
		if cur, err := n.Height(); err == nil && cur >= h {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	n.t.Fatalf("height %d not reached within %s:\n%s", h, timeout, n.logTail())
}

// CLI runs shiplogd with the node's home; it returns stdout, stderr and the error.
func (n *Node) CLI(args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, n.Bin, append(args, "--home", n.Home)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TxResult is the part of a broadcast or query-tx answer the tests read.
type TxResult struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	TxHash    string `json:"txhash"`
	RawLog    string `json:"raw_log"`
	Height    string `json:"height"`
}

// Tx runs a tx command with --yes --output json and parses the CheckTx result.
func (n *Node) Tx(args ...string) TxResult {
	n.t.Helper()
	stdout, stderr, err := n.CLI(append(args, "--yes", "--output", "json")...)
	require.NoError(n.t, err, "stdout: %s\nstderr: %s", stdout, stderr)
	var res TxResult
	require.NoError(n.t, json.Unmarshal([]byte(lastJSONLine(stdout)), &res), stdout)
	return res
}

// WaitForTx polls REST until the tx is in a block and returns its result.
func (n *Node) WaitForTx(hash string, timeout time.Duration) TxResult {
	n.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var res struct {
			TxResponse TxResult `json:"tx_response"`
		}
		if err := getJSON(n.REST("/cosmos/tx/v1beta1/txs/"+hash), &res); err == nil && res.TxResponse.TxHash != "" {
			return res.TxResponse
		}
		time.Sleep(300 * time.Millisecond)
	}
	n.t.Fatalf("tx %s not committed within %s", hash, timeout)
	return TxResult{}
}

// Commit runs a tx command, requires CheckTx and the block to accept it and
// returns the committed result.
func (n *Node) Commit(args ...string) TxResult {
	n.t.Helper()
	res := n.Tx(args...)
	require.Zero(n.t, res.Code, "%v: %s", args, res.RawLog)
	committed := n.WaitForTx(res.TxHash, 30*time.Second)
	require.Zero(n.t, committed.Code, "%v: %s", args, committed.RawLog)
	return committed
}

// REST is the URL of a REST path on this node.
func (n *Node) REST(path string) string {
	return fmt.Sprintf("http://127.0.0.1:%d%s", n.APIPort, path)
}

func lastJSONLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.HasPrefix(strings.TrimSpace(lines[i]), "{") {
			return lines[i]
		}
	}
	return out
}

var httpClient = &http.Client{Timeout: 10 * time.Second}

// Metrics is the node's Prometheus exposition text.
func (n *Node) Metrics() string {
	n.t.Helper()
	require.NotZero(n.t, n.MetricsPort, "no metrics port configured")
	resp, err := httpClient.Get(fmt.Sprintf("http://127.0.0.1:%d/metrics", n.MetricsPort))
	require.NoError(n.t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(n.t, err)
	require.Equal(n.t, http.StatusOK, resp.StatusCode, string(body))
	return string(body)
}

func getJSON(url string, v any) error {
	resp, err := httpClient.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, body)
	}
	return json.Unmarshal(body, v)
}
