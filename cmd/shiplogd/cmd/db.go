package cmd

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
)

// dbCmd gathers offline maintenance of the node's databases.
func dbCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "db",
		Short:                      "Offline maintenance of the node's pebble databases",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(dbCompactCmd(), dbIndexTxsCmd())
	return cmd
}

func dbCompactCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "compact",
		Short: "Give back the disk space of pruned state versions now (stop the node first)",
		Long: `Rewrites the application database (pebble) so that the tree nodes IAVL
pruning deleted, and the entries they shadowed, leave the disk at once instead
of as pebble's own compactions reach them, then the node-local indexes
(` + app.DeploymentsIndexDBName + `.db and ` + app.TxIndexDBName + `.db) the node has. Useful
after lowering pruning-keep-recent on a running chain, or after a burst of
writes. The node must be stopped: the databases are locked while it runs.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			sctx := server.GetServerContextFromCmd(cmd)
			if backend := server.GetAppDBBackend(sctx.Viper); backend != dbm.PebbleDBBackend {
				return fmt.Errorf("db compact works on pebbledb; this node's app-db-backend is %q", backend)
			}
			data := filepath.Join(sctx.Config.RootDir, "data")
			path := filepath.Join(data, appdb.Name+".db")
			if _, err := os.Stat(path); err != nil {
				return fmt.Errorf("no application database at %s: %w", path, err)
			}
			if err := compactPebble(cmd, path); err != nil {
				return err
			}
			// The indexes are optional: a node with a streaming plugin has no
			// deployments index, and one that lost it rebuilds it at start.
			for _, name := range []string{app.DeploymentsIndexDBName, app.TxIndexDBName} {
				index := filepath.Join(data, name+".db")
				if _, err := os.Stat(index); errors.Is(err, fs.ErrNotExist) {
					continue
				}
				if err := compactPebble(cmd, index); err != nil {
					return err
				}
			}
			return nil
		},
	}
}

// compactPebble compacts the pebble database at path and prints its size
// before and after.
func compactPebble(cmd *cobra.Command, path string) error {
	before, err := dirBytes(path)
	if err != nil {
		return err
	}
	db, err := appdb.OpenPebble(path, appdb.BlockCacheBytes)
	if err != nil {
		return fmt.Errorf("%w (is the node still running? stop it first)", err)
	}
	if err := db.Compact(); err != nil {
		_ = db.Close()
		return fmt.Errorf("compact %s: %w", path, err)
	}
	// Close waits for pebble to remove the tables it replaced.
	if err := db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	after, err := dirBytes(path)
	if err != nil {
		return err
	}
	cmd.Printf("compacted %s: %d -> %d bytes\n", path, before, after)
	return nil
}

// dirBytes is the size of the regular files under dir.
func dirBytes(dir string) (int64, error) {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	return n, err
}
