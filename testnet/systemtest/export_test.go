//go:build system

package systemtest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestExportImport exports a stopped node's state with `shiplogd export` and
// starts a new chain from it: every record, transition and member survives.
func TestExportImport(t *testing.T) {
	src := NewDevNode(t)
	src.Start()
	res := src.Tx(recordArgs("ci-export-1")...)
	require.Zero(t, res.Code, res.RawLog)
	require.Zero(t, src.WaitForTx(res.TxHash, 30*time.Second).Code)
	done := src.Tx("tx", "deployments", "set-status", "1", "failed", "--reason", "smoke tests red", "--from", "dev")
	require.Zero(t, done.Code, done.RawLog)
	require.Zero(t, src.WaitForTx(done.TxHash, 30*time.Second).Code)
	var before, members json.RawMessage
	require.NoError(t, getJSON(src.REST("/shiplog/deployments/v1/deployments/1"), &before))
	require.NoError(t, getJSON(src.REST("/shiplog/consortium/v1/members"), &members))
	src.Stop()

	exported := filepath.Join(t.TempDir(), "export.json")
	_, stderr, err := src.CLI("export", "--output-document", exported)
	require.NoError(t, err, stderr)

	// A new home that takes over the exported genesis and the validator key
	// the exported validator set names.
	dst := NewDevNode(t)
	bz, err := os.ReadFile(exported)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dst.Home, "config", "genesis.json"), bz, 0o600))
	key, err := os.ReadFile(filepath.Join(src.Home, "config", "priv_validator_key.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dst.Home, "config", "priv_validator_key.json"), key, 0o600))
	dst.Start()

	var after, membersAfter json.RawMessage
	require.NoError(t, getJSON(dst.REST("/shiplog/deployments/v1/deployments/1"), &after))
	require.JSONEq(t, string(before), string(after))
	require.NoError(t, getJSON(dst.REST("/shiplog/consortium/v1/members"), &membersAfter))
	require.JSONEq(t, string(members), string(membersAfter))
}
