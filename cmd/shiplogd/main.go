// Command shiplogd is the shiplog node, its CLI, and its genesis tooling.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	svrcmd "github.com/cosmos/cosmos-sdk/server/cmd"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/cmd/shiplogd/cmd"
)

// defaultGCPercent applies when GOGC is not set. A node under load
// allocates quickly and keeps a modest live heap (IAVL caches, mempool);
// collecting at 200% instead of Go's 100% raised committed records per
// second from 570 to 663 in `shiplogd bench load` (one node, 2 cores, an
// A/B run with IAVL's fast-node index off), for a larger peak heap. GOGC
// overrides it.
const defaultGCPercent = 200

func main() {
	if _, set := os.LookupEnv("GOGC"); !set {
		debug.SetGCPercent(defaultGCPercent)
	}
	rootCmd := cmd.NewRootCmd()
	if err := svrcmd.Execute(rootCmd, "SHIPLOGD", app.DefaultNodeHome); err != nil {
		fmt.Fprintln(rootCmd.OutOrStderr(), err)
		os.Exit(1)
	}
}
