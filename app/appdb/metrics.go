package appdb

import (
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cockroachdb/pebble"
	"github.com/prometheus/client_golang/prometheus"
)

// Every database OpenPebble opens reports pebble's own metrics on the
// process's default Prometheus registry, which CometBFT's instrumentation
// endpoint (config.toml `prometheus = true`) and the API server's
// `/metrics?format=prometheus` (app.toml telemetry) both serve. A node has
// two: "application" (the IAVL state) and "deployments_index". They say
// what the node's disk work costs, which a node's CPU profile and its
// records/s show only in aggregate: how much pebble's compactions rewrite
// for every byte the node writes, and whether they keep up (the debt, L0's
// sublevels, write stalls).

const metricsNamespace = "shiplog_db"

// databases is the set of open databases the collector reports.
var databases = &openDatabases{}

var registerCollector sync.Once

// openDatabases is a prometheus.Collector over the open databases.
type openDatabases struct {
	mu  sync.Mutex
	dbs []*DB // in the order they were opened
}

func (o *openDatabases) add(db *DB) {
	registerCollector.Do(func() { prometheus.MustRegister(o) })
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dbs = append(o.dbs, db)
}

// remove stops reporting db; it returns once no collection reads it, so
// the caller may close it.
func (o *openDatabases) remove(db *DB) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.dbs = slices.DeleteFunc(o.dbs, func(d *DB) bool { return d == db })
}

func newDesc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(metricsNamespace, "", name), help, append([]string{"db"}, labels...), nil)
}

var (
	descDiskBytes       = newDesc("disk_bytes", "Bytes the database's tables, write-ahead logs and manifest take on disk.")
	descLevelBytes      = newDesc("level_bytes", "Bytes of the tables in an LSM level.", "level")
	descL0Files         = newDesc("l0_files", "Tables in level 0; each flush adds one until a compaction takes them down.")
	descL0Sublevels     = newDesc("l0_sublevels", "Overlapping sublevels in level 0, the read amplification L0 adds: pebble compacts L0 from 4 and stops writes at 12.")
	descReadAmp         = newDesc("read_amplification", "Tables a read may have to consult: L0's sublevels plus every non-empty lower level.")
	descDebt            = newDesc("compaction_debt_bytes", "Bytes pebble estimates it must compact before every level is within its target size.")
	descCompactions     = newDesc("compactions_total", "Compactions finished since the database was opened.")
	descCompactionSecs  = newDesc("compaction_seconds_total", "Wall-clock seconds of the finished compactions, summed (two may run at once).")
	descCompactionRead  = newDesc("compaction_read_bytes_total", "Bytes compactions read.")
	descCompactionWrite = newDesc("compaction_written_bytes_total", "Bytes compactions wrote.")
	descFlushWrite      = newDesc("flush_written_bytes_total", "Bytes flushes of the memtable wrote into level 0.")
	descWALWrite        = newDesc("wal_written_bytes_total", "Bytes written to the write-ahead log: what the node wrote. (flush + compaction written) / this is pebble's write amplification.")
	descStalls          = newDesc("write_stalls_total", "Times pebble held writes back because flushes or L0 compactions fell behind.")
	descStallSecs       = newDesc("write_stall_seconds_total", "Seconds writes were held back.")
	descCacheHits       = newDesc("block_cache_hits_total", "Reads the block cache served.")
	descCacheMisses     = newDesc("block_cache_misses_total", "Reads that missed the block cache and went to the table files.")
	descCacheBytes      = newDesc("block_cache_bytes", "Bytes held in the block cache.")
)

func (o *openDatabases) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{
		descDiskBytes, descLevelBytes, descL0Files, descL0Sublevels, descReadAmp, descDebt,
		descCompactions, descCompactionSecs, descCompactionRead, descCompactionWrite, descFlushWrite, descWALWrite,
		descStalls, descStallSecs, descCacheHits, descCacheMisses, descCacheBytes,
	} {
		ch <- d
	}
}

// Collect reports each open database once per name: when a process opens
// two databases of one name (tests do), the one opened last.
func (o *openDatabases) Collect(ch chan<- prometheus.Metric) {
	o.mu.Lock()
	defer o.mu.Unlock()
	seen := make([]string, 0, len(o.dbs))
	for i := len(o.dbs) - 1; i >= 0; i-- {
		db := o.dbs[i]
		if slices.Contains(seen, db.name) {
			continue
		}
		seen = append(seen, db.name)
		db.collect(ch)
	}
}

func (d *DB) collect(ch chan<- prometheus.Metric) {
	m := d.db.Metrics()
	gauge := func(desc *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, v, append([]string{d.name}, labels...)...)
	}
	counter := func(desc *prometheus.Desc, v float64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, d.name)
	}
	var compactionRead, compactionWritten, flushed uint64
	for level := range m.Levels {
		l := &m.Levels[level]
		gauge(descLevelBytes, float64(l.Size), strconv.Itoa(level))
		compactionRead += l.BytesRead
		compactionWritten += l.BytesCompacted
		flushed += l.BytesFlushed
	}
	gauge(descDiskBytes, float64(m.DiskSpaceUsage()))
	gauge(descL0Files, float64(m.Levels[0].NumFiles))
	gauge(descL0Sublevels, float64(m.Levels[0].Sublevels))
	gauge(descReadAmp, float64(m.ReadAmp()))
	gauge(descDebt, float64(m.Compact.EstimatedDebt))
	counter(descCompactions, float64(m.Compact.Count))
	counter(descCompactionSecs, m.Compact.Duration.Seconds())
	counter(descCompactionRead, float64(compactionRead))
	counter(descCompactionWrite, float64(compactionWritten))
	counter(descFlushWrite, float64(flushed))
	counter(descWALWrite, float64(m.WAL.BytesWritten))
	stalls, stalled := d.stalls.read()
	counter(descStalls, float64(stalls))
	counter(descStallSecs, stalled.Seconds())
	counter(descCacheHits, float64(m.BlockCache.Hits))
	counter(descCacheMisses, float64(m.BlockCache.Misses))
	gauge(descCacheBytes, float64(m.BlockCache.Size))
}

// writeStalls counts pebble's write stalls. Pebble reports a stall's begin
// and end in pairs, from its commit pipeline; the counts are read from the
// collector's goroutine.
type writeStalls struct {
	count   atomic.Int64
	total   atomic.Int64 // nanoseconds of finished stalls
	started atomic.Int64 // unix nanoseconds of the stall under way, 0 if none
}

func (s *writeStalls) listener() pebble.EventListener {
	return pebble.EventListener{
		WriteStallBegin: func(pebble.WriteStallBeginInfo) {
			s.count.Add(1)
			s.started.Store(time.Now().UnixNano())
		},
		WriteStallEnd: func() {
			if began := s.started.Swap(0); began != 0 {
				s.total.Add(time.Now().UnixNano() - began)
			}
		},
	}
}

// read returns the stalls so far and their time, the one under way included.
func (s *writeStalls) read() (int64, time.Duration) {
	total := s.total.Load()
	if began := s.started.Load(); began != 0 {
		total += time.Now().UnixNano() - began
	}
	return s.count.Load(), time.Duration(total)
}
