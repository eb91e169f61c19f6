package cmd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// shiplogd start runs CometBFT in its own process: starting the app alone
// for an external CometBFT is refused, and so is an app.toml the SDK
// rejects, before any database is opened. (The system tests start real
// nodes.)
func TestStartRefusesWhatItDoesNotRun(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, run(t, home, "init", "node-1"))
	require.ErrorContains(t, run(t, home, "start", "--with-comet=false"),
		"shiplogd runs CometBFT in-process: --with-comet=false is not supported")

	setAppToml(t, home, "minimum-gas-prices", `""`)
	require.ErrorContains(t, run(t, home, "start"), "app.toml: set min gas price")
	_, err := os.Stat(filepath.Join(home, "data", "application.db"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
