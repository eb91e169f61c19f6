package app

import (
	"path/filepath"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app/appdb"
)

// A node's index written by an older shiplogd, on cosmos-db's pebble
// defaults, opens with shiplog's options and keeps its entries, and the
// reverse: changing the options changed no on-disk format.
func TestDeploymentsIndexDBKeepsAnOlderNodesEntries(t *testing.T) {
	home := t.TempDir()
	data := filepath.Join(home, "data")
	state, err := appdb.Open(home, dbm.PebbleDBBackend)
	require.NoError(t, err)
	defer state.Close()

	older, err := dbm.NewDB(DeploymentsIndexDBName, dbm.PebbleDBBackend, data)
	require.NoError(t, err)
	require.NoError(t, older.SetSync([]byte("older"), []byte("1")))
	require.NoError(t, older.Close())

	db, err := openNodeLocalDB(state, home, DeploymentsIndexDBName, deploymentsIndexCacheBytes)
	require.NoError(t, err)
	require.IsType(t, &appdb.DB{}, db, "shiplog's options")
	v, err := db.Get([]byte("older"))
	require.NoError(t, err)
	require.Equal(t, []byte("1"), v)
	require.NoError(t, db.SetSync([]byte("newer"), []byte("2")))
	require.NoError(t, db.Close())

	older, err = dbm.NewDB(DeploymentsIndexDBName, dbm.PebbleDBBackend, data)
	require.NoError(t, err)
	defer older.Close()
	v, err = older.Get([]byte("newer"))
	require.NoError(t, err)
	require.Equal(t, []byte("2"), v)
}

func TestDeploymentsIndexDBReportsWhatFailed(t *testing.T) {
	home := t.TempDir()
	state, err := appdb.Open(home, dbm.PebbleDBBackend)
	require.NoError(t, err)
	defer state.Close()
	// Another process (here: this one) holds the index's lock.
	held, err := openNodeLocalDB(state, home, DeploymentsIndexDBName, deploymentsIndexCacheBytes)
	require.NoError(t, err)
	defer held.Close()

	db, err := openNodeLocalDB(state, home, DeploymentsIndexDBName, deploymentsIndexCacheBytes)
	require.ErrorContains(t, err, filepath.Join(home, "data", DeploymentsIndexDBName+".db"))
	require.True(t, db == nil, "no typed nil inside the interface")
}
