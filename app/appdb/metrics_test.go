package appdb_test

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app/appdb"
)

// series returns the value of every series of the metric family name whose
// db label is db, keyed by its other labels ("" when it has none).
func series(t *testing.T, name, db string) map[string]float64 {
	t.Helper()
	families, err := prometheus.DefaultGatherer.Gather()
	require.NoError(t, err, "the default registry gathers (no duplicate series)")
	out := map[string]float64{}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			key, match := "", false
			for _, l := range m.GetLabel() {
				switch {
				case l.GetName() == "db":
					match = l.GetValue() == db
				default:
					key = l.GetName() + "=" + l.GetValue()
				}
			}
			if match {
				out[key] = value(m)
			}
		}
	}
	return out
}

func value(m *dto.Metric) float64 {
	if m.GetCounter() != nil {
		return m.GetCounter().GetValue()
	}
	return m.GetGauge().GetValue()
}

func TestMetricsReportPebbleWork(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metricstest.db")
	db, err := appdb.OpenPebble(path, 8<<20) // closed below
	require.NoError(t, err)

	// Some MiB of random values, then compacted: a flush into L0 and a
	// compaction down.
	batch := db.NewBatch()
	for i := range 4000 {
		v := make([]byte, 1024)
		_, _ = rand.Read(v)
		require.NoError(t, batch.Set(fmt.Appendf(nil, "key-%06d", i), v))
	}
	require.NoError(t, batch.Write())
	require.NoError(t, db.Compact())

	one := func(name string) float64 {
		t.Helper()
		s := series(t, name, "metricstest")
		require.Len(t, s, 1, name)
		return s[""]
	}
	wal := one("shiplog_db_wal_written_bytes_total")
	require.Greater(t, wal, float64(4000*1024), "the batch went through the WAL")
	written := one("shiplog_db_flush_written_bytes_total") + one("shiplog_db_compaction_written_bytes_total")
	require.Greater(t, written, float64(4000*1024), "the batch reached the tables")
	require.GreaterOrEqual(t, one("shiplog_db_compactions_total"), 1.0)
	require.Greater(t, one("shiplog_db_disk_bytes"), float64(4000*1024))
	require.Zero(t, one("shiplog_db_write_stalls_total"))

	levels := series(t, "shiplog_db_level_bytes", "metricstest")
	require.Len(t, levels, 7, "one series per level")
	require.Greater(t, levels["level=6"], float64(4000*1024), "the manual compaction moved everything to the last level")
	require.Zero(t, levels["level=0"])

	_, err = db.Get([]byte("key-000001"))
	require.NoError(t, err)
	require.Greater(t, one("shiplog_db_block_cache_hits_total")+one("shiplog_db_block_cache_misses_total"), 0.0)

	require.NoError(t, db.Close())
	require.Empty(t, series(t, "shiplog_db_disk_bytes", "metricstest"), "a closed database is no longer reported")
}

func TestMetricsReportOneDatabasePerName(t *testing.T) {
	first, err := appdb.OpenPebble(filepath.Join(t.TempDir(), "twice.db"), 1<<20)
	require.NoError(t, err)
	defer first.Close()
	second, err := appdb.OpenPebble(filepath.Join(t.TempDir(), "twice.db"), 1<<20) // closed below
	require.NoError(t, err)

	require.NoError(t, second.Set([]byte("k"), make([]byte, 1000)))
	s := series(t, "shiplog_db_wal_written_bytes_total", "twice")
	require.Len(t, s, 1)
	require.Greater(t, s[""], 1000.0, "the database opened last")

	require.NoError(t, second.Close())
	s = series(t, "shiplog_db_wal_written_bytes_total", "twice")
	require.Len(t, s, 1, "the first is reported again")
	require.Less(t, s[""], 1000.0)
}
