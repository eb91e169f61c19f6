package cmd_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
)

// TestDBCompact: the command refuses a home without a database, a database
// the node holds open and another backend, and compacts a stopped node's
// databases (the state, and the node-local indexes when there are) without
// losing a key.
func TestDBCompact(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, run(t, home, "init", "node-1"))
	require.ErrorContains(t, run(t, home, "db", "compact"), "no application database at")

	path := filepath.Join(home, "data", appdb.Name+".db")
	db, err := appdb.OpenPebble(path, appdb.BlockCacheBytes)
	require.NoError(t, err)
	for i := range 1000 {
		require.NoError(t, db.Set([]byte(fmt.Sprintf("k%04d", i)), []byte("v")))
	}
	require.ErrorContains(t, run(t, home, "db", "compact"), "stop it first")
	require.NoError(t, db.Close())

	require.NoError(t, run(t, home, "db", "compact"))
	db, err = appdb.OpenPebble(path, appdb.BlockCacheBytes)
	require.NoError(t, err)
	v, err := db.Get([]byte("k0999"))
	require.NoError(t, err)
	require.Equal(t, []byte("v"), v)
	require.NoError(t, db.Close())

	// Each node-local index, when there is one, is compacted after the
	// state and keeps its entries; held open, it is refused by name.
	for _, name := range []string{app.DeploymentsIndexDBName, app.TxIndexDBName} {
		indexPath := filepath.Join(home, "data", name+".db")
		index, err := appdb.OpenPebble(indexPath, appdb.BlockCacheBytes)
		require.NoError(t, err)
		for i := range 1000 {
			require.NoError(t, index.Set([]byte(fmt.Sprintf("i%04d", i)), []byte("x")))
		}
		err = run(t, home, "db", "compact")
		require.ErrorContains(t, err, indexPath)
		require.ErrorContains(t, err, "stop it first")
		require.NoError(t, index.Close())
		require.NoError(t, run(t, home, "db", "compact"))
		index, err = appdb.OpenPebble(indexPath, appdb.BlockCacheBytes)
		require.NoError(t, err)
		v, err = index.Get([]byte("i0999"))
		require.NoError(t, err)
		require.Equal(t, []byte("x"), v)
		require.NoError(t, index.Close())
	}

	setAppToml(t, home, "app-db-backend", `"goleveldb"`)
	require.ErrorContains(t, run(t, home, "db", "compact"), `app-db-backend is "goleveldb"`)
}

// index-txs on a node that has executed no block builds an empty index.
func TestDBIndexTxsOnAFreshNode(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, run(t, home, "init", "node-1"))
	require.NoError(t, run(t, home, "db", "index-txs"))
	require.DirExists(t, filepath.Join(home, "data", app.TxIndexDBName+".db"))
	require.NoDirExists(t, filepath.Join(home, "data", app.TxIndexDBName+".db.rebuild"))
}
