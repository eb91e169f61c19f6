//go:build system

package systemtest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFloodingMemberDoesNotStarveOthers is fault test 6: while one deployer
// key submits thousands of records as fast as it can, the node admits at
// most max-pending-per-member of them between two blocks (the rest are
// refused in CheckTx, naming the bound), and another member's records are
// each committed within two blocks of being accepted.
func TestFloodingMemberDoesNotStarveOthers(t *testing.T) {
	n := NewDevNode(t)
	appToml := filepath.Join(n.Home, "config", "app.toml")
	bz, err := os.ReadFile(appToml)
	require.NoError(t, err)
	require.Contains(t, string(bz), "max-pending-per-member = 1000")
	require.NoError(t, os.WriteFile(appToml, []byte(strings.Replace(string(bz), "max-pending-per-member = 1000", "max-pending-per-member = 200", 1)), 0o600))
	n.Start()

	// The dev organisation's admin adds a second CI key.
	out, stderr, err := n.CLI("keys", "add", "ci-2", "--keyring-backend", "test", "--output", "json")
	require.NoError(t, err, stderr)
	var key struct {
		Address string `json:"address"`
	}
	require.NoError(t, json.Unmarshal([]byte(lastJSONLine(out+stderr)), &key), out+stderr)
	n.Commit("tx", "consortium", "set-member", key.Address, "deployer", "--from", "dev")

	// dev floods: 4,000 records flat out from 32 connections.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	trace := filepath.Join(t.TempDir(), "trace.csv")
	flood := exec.CommandContext(ctx, n.Bin, "bench", "load", "--signer", n.Home+":dev", "--count", "4000", "--workers", "32",
		"--drain", "20s", "--trace", trace, "--rpc-url", fmt.Sprintf("http://127.0.0.1:%d", n.RPCPort),
		"--grpc-endpoint", fmt.Sprintf("127.0.0.1:%d", n.GRPCPort), "--home", n.Home)
	var floodOut strings.Builder
	flood.Stdout = &floodOut
	require.NoError(t, flood.Start())
	floodDone := make(chan error, 1)
	go func() { floodDone <- flood.Wait() }()

	// Wait until the flood is under way (the mempool holds dev's records).
	n.waitFor("the flood to fill the mempool", 60*time.Second, func() error {
		var res struct {
			Result struct {
				Total string `json:"total"`
			} `json:"result"`
		}
		if err := getJSON(fmt.Sprintf("http://127.0.0.1:%d/num_unconfirmed_txs", n.RPCPort), &res); err != nil {
			return err
		}
		if total, _ := strconv.Atoi(res.Result.Total); total < 100 {
			return fmt.Errorf("%d transactions waiting", total)
		}
		return nil
	})

	for i := 1; i <= 3; i++ {
		accepted := n.Tx(localRecordArgs(fmt.Sprintf("ci2-%d", i), "ci-2")...)
		require.Zero(t, accepted.Code, accepted.RawLog)
		at := n.heightOrZero()
		committed := n.WaitForTx(accepted.TxHash, 30*time.Second)
		require.Zero(t, committed.Code, committed.RawLog)
		h, err := strconv.ParseInt(committed.Height, 10, 64)
		require.NoError(t, err)
		require.LessOrEqual(t, h, at+2, "record %d accepted at height %d committed at %d", i, at, h)
	}

	require.NoError(t, <-floodDone)
	var res struct {
		Rejected       int     `json:"rejected"`
		Committed      int     `json:"committed_txs"`
		Failed         int     `json:"failed_txs"`
		ResultsRead    bool    `json:"results_read"`
		FirstRejection string  `json:"first_rejection"`
		GeneratorCPU   float64 `json:"generator_cpu_s"`
		Parts          struct {
			Broadcast [2]float64 `json:"broadcast"`
			ToCommit  [2]float64 `json:"to_commit"`
		} `json:"latency_parts_ms"`
	}
	require.NoError(t, json.Unmarshal([]byte(lastJSONLine(floodOut.String())), &res), floodOut.String())
	require.Positive(t, res.Rejected, "the bound refused part of the flood")
	require.Contains(t, res.FirstRejection, "already has 200 transactions waiting")
	// Every accepted flood transaction committed and none failed. The three
	// records above were written during the flood, so the generator found
	// more new records than its blocks carried and read block results to
	// tell its own transactions' outcomes.
	require.Positive(t, res.Committed)
	require.Equal(t, 4000, res.Committed+res.Rejected, floodOut.String())
	require.Zero(t, res.Failed, floodOut.String())
	require.True(t, res.ResultsRead, floodOut.String())
	// Submitting 4,000 transactions over gRPC takes CPU time: the figure is
	// measured, not left at zero.
	require.Positive(t, res.GeneratorCPU, floodOut.String())
	// The latency's parts are measured too: the node took time to admit
	// each transaction and its block came later still; the trace holds a
	// line for every committed transaction.
	require.Positive(t, res.Parts.Broadcast[1], floodOut.String())
	require.Positive(t, res.Parts.ToCommit[1], floodOut.String())
	bz, err = os.ReadFile(trace)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(bz), "\n"), "\n")
	require.Equal(t, "due_s,wait_for_submitter_ms,broadcast_ms,to_commit_ms,height", lines[0])
	require.Len(t, lines, 1+res.Committed)
}
