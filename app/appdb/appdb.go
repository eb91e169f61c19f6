// Package appdb opens shiplog's pebble databases (the IAVL state and the
// deployments module's node-local index) with options chosen for shiplog's
// load, instead of cosmos-db's defaults.
//
// Every record writes new keys (sequence ids, index entries), and collections
// read a key before writing it; on pebble's defaults, a read of a key that is
// not there searches every level without a filter, through an 8 MiB block
// cache, and the memtable flushes every 4 MiB. Those reads were a tenth of a
// batched record's time in-process, and they grow with the state. The
// on-disk format is unchanged: a database written here opens with default
// options and the reverse (filters are added as files are rewritten).
//
// Each open database reports pebble's own metrics (sizes, compaction work,
// write stalls, block cache) on the default Prometheus registry; see
// metrics.go.
package appdb

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/cockroachdb/pebble"
	"github.com/cockroachdb/pebble/bloom"
	dbm "github.com/cosmos/cosmos-db"
)

const (
	// Name is the database's name in the node's data folder (the SDK's).
	Name = "application"
	// BlockCacheBytes is the application database's block cache, shared
	// by all levels. It holds the upper IAVL levels and the fast-node index
	// of recent records.
	BlockCacheBytes = 256 << 20
	// MemTableBytes is the size at which the memtable is flushed to L0,
	// sixteen times pebble's default. IAVL's pruning deletes the tree
	// nodes a block replaced 11-20 blocks later; a memtable this size
	// (about 40 s of a loaded node's writes) usually still holds them, so
	// the flush drops their values instead of writing them to L0 for
	// compactions to carry down. One validator at 1,500 records/s:
	// pebble wrote 1,590-1,796 bytes per record instead of 2,711-2,741
	// with 16 MiB, p99 3.7-4.6 s instead of 5.9-9.2 s. Pebble keeps a pool
	// of write-ahead logs of this size, one more than memTablesBeforeStall:
	// about 300 MB per database that fills once and stays (16 MiB: about
	// 100 MB). Measured in-process, 8 MiB with a stall threshold of 2 was
	// 15% slower than 16 MiB.
	MemTableBytes = 64 << 20
	// memTablesBeforeStall queued memtables stop writes until one is
	// flushed (pebble's default).
	memTablesBeforeStall = 4
	// bloomBitsPerKey gives a 1% false-positive rate: a miss costs a filter
	// probe per level instead of an index and a data block read.
	bloomBitsPerKey = 10
)

// Open opens the application database of the node home for backend; pebble
// gets shiplog's options, any other backend cosmos-db's. Its signature is the
// SDK's StartCmdOptions.DBOpener.
func Open(home string, backend dbm.BackendType) (dbm.DB, error) {
	dir := filepath.Join(home, "data")
	if backend != dbm.PebbleDBBackend {
		return dbm.NewDB(Name, backend, dir)
	}
	db, err := OpenPebble(filepath.Join(dir, Name+".db"), BlockCacheBytes)
	if err != nil {
		return nil, fmt.Errorf("open application database: %w", err) // not a typed nil inside the interface
	}
	return db, nil
}

// OpenPebble opens (or creates) a pebble database at path with shiplog's
// options and a block cache of cacheBytes. Until it is closed, its metrics
// are on the default Prometheus registry under its file name without
// ".db" (see metrics.go).
func OpenPebble(path string, cacheBytes int64) (*DB, error) {
	d := &DB{name: strings.TrimSuffix(filepath.Base(path), ".db")}
	cache := pebble.NewCache(cacheBytes)
	defer cache.Unref() // the database holds its own reference
	opts := &pebble.Options{
		Cache:                       cache,
		MemTableSize:                MemTableBytes,
		MemTableStopWritesThreshold: memTablesBeforeStall,
		// Compactions run beside the state machine; cosmos-db allows three,
		// two leave a 2-core node a core for the state machine.
		MaxConcurrentCompactions: func() int { return 2 },
		Levels:                   make([]pebble.LevelOptions, 7),
		Logger:                   quietLogger{},
	}
	opts.AddEventListener(d.stalls.listener())
	for i := range opts.Levels {
		opts.Levels[i].FilterPolicy = bloom.FilterPolicy(bloomBitsPerKey)
		opts.Levels[i].FilterType = pebble.TableFilter
	}
	opts.EnsureDefaults()
	db, err := pebble.Open(path, opts)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	d.db = db
	databases.add(d)
	return d, nil
}

// DB is a dbm.DB over pebble.
type DB struct {
	db     *pebble.DB
	name   string // the metrics' db label
	stalls writeStalls
}

var _ dbm.DB = (*DB)(nil)

var errEmptyKey = errors.New("appdb: key is empty")

// Get returns a copy of the value of key, or nil when it is absent.
func (d *DB) Get(key []byte) ([]byte, error) {
	if len(key) == 0 {
		return nil, errEmptyKey
	}
	v, closer, err := d.db.Get(key)
	if errors.Is(err, pebble.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer closer.Close()
	return bytes.Clone(v), nil
}

// Has reports whether key is present.
func (d *DB) Has(key []byte) (bool, error) {
	v, err := d.Get(key)
	return v != nil, err
}

func (d *DB) Set(key, value []byte) error     { return d.set(key, value, pebble.NoSync) }
func (d *DB) SetSync(key, value []byte) error { return d.set(key, value, pebble.Sync) }
func (d *DB) Delete(key []byte) error         { return d.delete(key, pebble.NoSync) }
func (d *DB) DeleteSync(key []byte) error     { return d.delete(key, pebble.Sync) }

func (d *DB) set(key, value []byte, o *pebble.WriteOptions) error {
	if len(key) == 0 {
		return errEmptyKey
	}
	if value == nil {
		return errors.New("appdb: value is nil")
	}
	return d.db.Set(key, value, o)
}

func (d *DB) delete(key []byte, o *pebble.WriteOptions) error {
	if len(key) == 0 {
		return errEmptyKey
	}
	return d.db.Delete(key, o)
}

// Iterator iterates [start, end) in ascending order; nil means unbounded.
func (d *DB) Iterator(start, end []byte) (dbm.Iterator, error) {
	return d.newIterator(start, end, false)
}

// ReverseIterator iterates [start, end) in descending order.
func (d *DB) ReverseIterator(start, end []byte) (dbm.Iterator, error) {
	return d.newIterator(start, end, true)
}

func (d *DB) newIterator(start, end []byte, reverse bool) (dbm.Iterator, error) {
	if (start != nil && len(start) == 0) || (end != nil && len(end) == 0) {
		return nil, errEmptyKey
	}
	it, err := d.db.NewIter(&pebble.IterOptions{LowerBound: start, UpperBound: end})
	if err != nil {
		return nil, err
	}
	if reverse {
		it.Last()
	} else {
		it.First()
	}
	return &iterator{it: it, start: start, end: end, reverse: reverse}, nil
}

func (d *DB) Close() error {
	databases.remove(d) // a scrape must not read a closed database
	return d.db.Close()
}

// Compact rewrites every key range down to the last level, dropping the
// versions IAVL pruning deleted and the entries they shadowed. Pebble gets
// there on its own as levels fill; this gives the space back at once.
func (d *DB) Compact() error {
	it, err := d.db.NewIter(nil)
	if err != nil {
		return err
	}
	var first, last []byte
	if it.First() {
		first = bytes.Clone(it.Key())
	}
	if it.Last() {
		last = bytes.Clone(it.Key())
	}
	if err := it.Close(); err != nil {
		return err
	}
	if first == nil {
		return nil // empty
	}
	// Compact's end is exclusive: the smallest key after last.
	return d.db.Compact(first, append(last, 0), true)
}

func (d *DB) NewBatch() dbm.Batch            { return &batch{db: d.db, b: d.db.NewBatch()} }
func (d *DB) NewBatchWithSize(int) dbm.Batch { return d.NewBatch() }

// Print writes the database's metrics to standard output.
func (d *DB) Print() error {
	fmt.Println(d.db.Metrics().String())
	return nil
}

// Stats returns pebble's metrics as one entry.
func (d *DB) Stats() map[string]string {
	return map[string]string{"metrics": d.db.Metrics().String()}
}

// iterator is a dbm.Iterator; pebble's bounds keep it inside [start, end).
type iterator struct {
	it         *pebble.Iterator
	start, end []byte
	reverse    bool
}

func (i *iterator) Domain() ([]byte, []byte) { return i.start, i.end }
func (i *iterator) Valid() bool              { return i.it.Valid() }
func (i *iterator) Error() error             { return i.it.Error() }
func (i *iterator) Close() error             { return i.it.Close() }

// Key returns a copy: pebble's slice is only valid until the iterator moves,
// and IAVL keeps keys across moves.
func (i *iterator) Key() []byte {
	i.mustBeValid()
	return bytes.Clone(i.it.Key())
}

func (i *iterator) Value() []byte {
	i.mustBeValid()
	return bytes.Clone(i.it.Value())
}

func (i *iterator) Next() {
	i.mustBeValid()
	if i.reverse {
		i.it.Prev()
	} else {
		i.it.Next()
	}
}

func (i *iterator) mustBeValid() {
	if !i.Valid() {
		panic("appdb: iterator is not valid")
	}
}

// batch is a dbm.Batch; after Write or Close it refuses further use.
type batch struct {
	db *pebble.DB
	b  *pebble.Batch
}

var errBatchClosed = errors.New("appdb: batch has been written or closed")

func (b *batch) Set(key, value []byte) error {
	switch {
	case b.b == nil:
		return errBatchClosed
	case len(key) == 0:
		return errEmptyKey
	case value == nil:
		return errors.New("appdb: value is nil")
	}
	return b.b.Set(key, value, nil)
}

func (b *batch) Delete(key []byte) error {
	switch {
	case b.b == nil:
		return errBatchClosed
	case len(key) == 0:
		return errEmptyKey
	}
	return b.b.Delete(key, nil)
}

func (b *batch) Write() error     { return b.commit(pebble.NoSync) }
func (b *batch) WriteSync() error { return b.commit(pebble.Sync) }

func (b *batch) commit(o *pebble.WriteOptions) error {
	if b.b == nil {
		return errBatchClosed
	}
	if err := b.b.Commit(o); err != nil {
		return err
	}
	return b.Close()
}

func (b *batch) Close() error {
	if b.b == nil {
		return nil
	}
	err := b.b.Close()
	b.b = nil
	return err
}

func (b *batch) GetByteSize() (int, error) {
	if b.b == nil {
		return 0, errBatchClosed
	}
	return b.b.Len(), nil
}

// quietLogger drops pebble's informational logs (flushes, compactions),
// which would interleave with the node's structured log; fatal conditions
// still reach pebble's default logger.
type quietLogger struct{}

func (quietLogger) Infof(string, ...interface{}) {}
func (quietLogger) Fatalf(format string, args ...interface{}) {
	pebble.DefaultLogger.Fatalf(format, args...)
}
