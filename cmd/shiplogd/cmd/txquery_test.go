package cmd_test

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// The transaction queries refuse what they cannot ask before they ask: a
// missing query, an unknown order, a wait-tx without a hash.
func TestTxQueriesRejectBadFlags(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, run(t, home, "init", "node-1"))
	require.ErrorContains(t, run(t, home, "q", "txs"), `required flag(s) "query" not set`)
	require.ErrorContains(t, run(t, home, "q", "txs", "--query", "tx.height=1", "--order-by", "sideways"), `--order-by "sideways": want asc or desc`)
	require.ErrorContains(t, run(t, home, "q", "tx"), "accepts 1 arg(s), received 0")
}
