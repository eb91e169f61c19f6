package appdb_test

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app/appdb"
)

func open(t *testing.T) *appdb.DB {
	t.Helper()
	db, err := appdb.OpenPebble(filepath.Join(t.TempDir(), "application.db"), appdb.BlockCacheBytes)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func TestGetSetDelete(t *testing.T) {
	db := open(t)
	v, err := db.Get([]byte("a"))
	require.NoError(t, err)
	require.Nil(t, v, "absent key")

	require.NoError(t, db.Set([]byte("a"), []byte("1")))
	require.NoError(t, db.SetSync([]byte("b"), []byte{}))
	v, err = db.Get([]byte("a"))
	require.NoError(t, err)
	require.Equal(t, []byte("1"), v)
	has, err := db.Has([]byte("b"))
	require.NoError(t, err)
	require.True(t, has, "an empty value is present")

	require.NoError(t, db.Delete([]byte("a")))
	require.NoError(t, db.DeleteSync([]byte("b")))
	for _, k := range []string{"a", "b"} {
		has, err := db.Has([]byte(k))
		require.NoError(t, err)
		require.False(t, has, k)
	}
}

func TestRejectsEmptyKeysAndNilValues(t *testing.T) {
	db := open(t)
	_, err := db.Get(nil)
	require.ErrorContains(t, err, "key is empty")
	require.ErrorContains(t, db.Set([]byte{}, []byte("v")), "key is empty")
	require.ErrorContains(t, db.Set([]byte("k"), nil), "value is nil")
	require.ErrorContains(t, db.Delete(nil), "key is empty")
	_, err = db.Iterator([]byte{}, nil)
	require.ErrorContains(t, err, "key is empty")
	_, err = db.ReverseIterator(nil, []byte{})
	require.ErrorContains(t, err, "key is empty")
}

func keys(t *testing.T, it dbm.Iterator) []string {
	t.Helper()
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	require.NoError(t, it.Error())
	return out
}

func TestIteratorsHonourBounds(t *testing.T) {
	db := open(t)
	for _, k := range []string{"a", "b", "c", "d"} {
		require.NoError(t, db.Set([]byte(k), []byte(k+k)))
	}
	cases := []struct {
		name       string
		start, end []byte
		forward    []string
	}{
		{"unbounded", nil, nil, []string{"a=aa", "b=bb", "c=cc", "d=dd"}},
		{"start inclusive, end exclusive", []byte("b"), []byte("d"), []string{"b=bb", "c=cc"}},
		{"open end", []byte("c"), nil, []string{"c=cc", "d=dd"}},
		{"open start", nil, []byte("b"), []string{"a=aa"}},
		{"empty range", []byte("bb"), []byte("c"), nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			it, err := db.Iterator(tc.start, tc.end)
			require.NoError(t, err)
			require.Equal(t, tc.forward, keys(t, it))
			start, end := it.Domain()
			require.Equal(t, tc.start, start)
			require.Equal(t, tc.end, end)

			rit, err := db.ReverseIterator(tc.start, tc.end)
			require.NoError(t, err)
			var reverse []string
			for i := len(tc.forward) - 1; i >= 0; i-- {
				reverse = append(reverse, tc.forward[i])
			}
			require.Equal(t, reverse, keys(t, rit))
		})
	}
}

func TestIteratorKeysSurviveMoves(t *testing.T) {
	db := open(t)
	require.NoError(t, db.Set([]byte("k1"), []byte("v1")))
	require.NoError(t, db.Set([]byte("k2"), []byte("v2")))
	it, err := db.Iterator(nil, nil)
	require.NoError(t, err)
	defer it.Close()
	first := it.Key()
	it.Next()
	require.Equal(t, []byte("k1"), first)
	it.Next()
	require.False(t, it.Valid())
	require.Panics(t, func() { it.Key() }, "an exhausted iterator has no key")
}

func TestBatchIsAtomicAndSingleUse(t *testing.T) {
	db := open(t)
	require.NoError(t, db.Set([]byte("old"), []byte("x")))
	b := db.NewBatch()
	require.NoError(t, b.Set([]byte("new"), []byte("y")))
	require.NoError(t, b.Delete([]byte("old")))
	require.ErrorContains(t, b.Set(nil, []byte("v")), "key is empty")
	require.ErrorContains(t, b.Set([]byte("k"), nil), "value is nil")
	size, err := b.GetByteSize()
	require.NoError(t, err)
	require.Positive(t, size)

	v, err := db.Get([]byte("new"))
	require.NoError(t, err)
	require.Nil(t, v, "nothing is visible before Write")
	require.NoError(t, b.WriteSync())
	v, err = db.Get([]byte("new"))
	require.NoError(t, err)
	require.Equal(t, []byte("y"), v)
	has, err := db.Has([]byte("old"))
	require.NoError(t, err)
	require.False(t, has)

	require.ErrorContains(t, b.Set([]byte("k"), []byte("v")), "written or closed")
	require.ErrorContains(t, b.Delete([]byte("k")), "written or closed")
	require.ErrorContains(t, b.Write(), "written or closed")
	_, err = b.GetByteSize()
	require.ErrorContains(t, err, "written or closed")
	require.NoError(t, b.Close(), "closing twice is harmless")

	discarded := db.NewBatchWithSize(16)
	require.NoError(t, discarded.Set([]byte("never"), []byte("z")))
	require.NoError(t, discarded.Close())
	has, err = db.Has([]byte("never"))
	require.NoError(t, err)
	require.False(t, has, "a closed batch writes nothing")
}

// TestOpenIsCompatibleWithCosmosDB checks both directions: a node that
// switches between shiplog's options and cosmos-db's keeps its data.
func TestOpenIsCompatibleWithCosmosDB(t *testing.T) {
	home := t.TempDir()
	db, err := appdb.Open(home, dbm.PebbleDBBackend)
	require.NoError(t, err)
	require.IsType(t, &appdb.DB{}, db)
	require.NoError(t, db.SetSync([]byte("mine"), []byte("1")))
	require.NoError(t, db.Close())

	plain, err := dbm.NewDB(appdb.Name, dbm.PebbleDBBackend, filepath.Join(home, "data"))
	require.NoError(t, err)
	v, err := plain.Get([]byte("mine"))
	require.NoError(t, err)
	require.Equal(t, []byte("1"), v)
	require.NoError(t, plain.SetSync([]byte("theirs"), []byte("2")))
	require.NoError(t, plain.Close())

	db, err = appdb.Open(home, dbm.PebbleDBBackend)
	require.NoError(t, err)
	defer db.Close()
	v, err = db.Get([]byte("theirs"))
	require.NoError(t, err)
	require.Equal(t, []byte("2"), v)
	require.NotEmpty(t, db.Stats()["metrics"])
}

func TestOpenOtherBackendsWithCosmosDB(t *testing.T) {
	db, err := appdb.Open(t.TempDir(), dbm.MemDBBackend)
	require.NoError(t, err)
	defer db.Close()
	require.IsType(t, &dbm.MemDB{}, db)
}

func TestOpenReportsWhatFailed(t *testing.T) {
	home := t.TempDir()
	// The database folder's parent is a file: pebble cannot create it.
	require.NoError(t, os.WriteFile(filepath.Join(home, "data"), []byte("not a folder"), 0o600))
	db, err := appdb.Open(home, dbm.PebbleDBBackend)
	require.ErrorContains(t, err, "open application database")
	require.True(t, db == nil, "no typed nil inside the interface") // require.Nil accepts one
}

func tableBytes(t *testing.T, dir string) int64 {
	t.Helper()
	tables, err := filepath.Glob(filepath.Join(dir, "*.sst"))
	require.NoError(t, err)
	var n int64
	for _, f := range tables {
		st, err := os.Stat(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // pebble removed a replaced table after the glob
		}
		require.NoError(t, err)
		n += st.Size()
	}
	return n
}

// TestCompactDropsDeletedData: after deleting nine keys in ten, the tables
// still hold them until Compact; the survivors read back unchanged.
func TestCompactDropsDeletedData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "application.db")
	db, err := appdb.OpenPebble(dir, appdb.BlockCacheBytes)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, db.Compact(), "an empty database")

	value := make([]byte, 1024)
	n := int(appdb.MemTableBytes) * 5 / 2 / len(value) // incompressible values for more than two memtables
	for i := range n {
		_, _ = rand.Read(value)
		require.NoError(t, db.Set([]byte(fmt.Sprintf("k%06d", i)), value))
	}
	for i := range n {
		if i%10 != 0 {
			require.NoError(t, db.Delete([]byte(fmt.Sprintf("k%06d", i))))
		}
	}
	kept, err := db.Get([]byte("k000010"))
	require.NoError(t, err)
	// Memtables flush in the background: wait for the first two.
	var before int64
	require.Eventually(t, func() bool { before = tableBytes(t, dir); return before > appdb.MemTableBytes*5/4 },
		10*time.Second, 20*time.Millisecond, "flushed tables still hold the deleted values")

	require.NoError(t, db.Compact())
	// Pebble removes the replaced tables in the background.
	require.Eventually(t, func() bool { return tableBytes(t, dir) < int64(n/10*1024*3/2) },
		10*time.Second, 50*time.Millisecond, "about the surviving tenth")
	got, err := db.Get([]byte("k000010"))
	require.NoError(t, err)
	require.Equal(t, kept, got)
	gone, err := db.Has([]byte("k000011"))
	require.NoError(t, err)
	require.False(t, gone)
}
