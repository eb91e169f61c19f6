package app

import (
	"context"

	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"

	"github.com/cosmos/cosmos-sdk/types/module"
)

// UpgradeLocalDeploymentsIndex is the software upgrade that takes
// x/deployments to consensus version 2: its environment, status and
// deployer indexes leave state for the node-local index. A consortium
// proposal schedules it (MsgSoftwareUpgrade with this name); at that height
// every node stops, and the new binary runs the migration.
const UpgradeLocalDeploymentsIndex = "v2-local-deployments-index"

// UpgradeLocalDigestIndex takes x/deployments to consensus version 3: its
// artifact digest and success-time indexes join the node-local index. A
// chain still at version 1 runs both migrations in this one upgrade.
const UpgradeLocalDigestIndex = "v3-local-digest-index"

// UpgradeFrozenPairs takes x/incidents to consensus version 2: the deploy
// gate reads one frozen-pair entry instead of iterating the pair's freeze
// entries. Every upgrade runs all pending migrations, so a chain that missed
// an earlier one takes it here too.
const UpgradeFrozenPairs = "v4-frozen-pairs"

// UpgradeSucceededRecordGas changes no state: from it on, recording a
// deployment as succeeded makes it current without reading the current one,
// which uses less gas. Gas is part of every transaction's result, so
// validators switch binaries at one height.
const UpgradeSucceededRecordGas = "v5-succeeded-record-gas"

// UpgradeCanonicalSignatures changes no state: from it on, a secp256k1
// signature whose r or s is not below the group order is refused
// (CanonicalSignatures), and shiplogd verifies signatures with
// libsecp256k1, which refuses them too. The SDK's pure-Go verifier accepted
// some, so validators switch binaries at one height.
const UpgradeCanonicalSignatures = "v6-canonical-signatures"

// registerUpgradeHandlers tells x/upgrade what each named upgrade does. A
// handler runs the modules' registered migrations from the versions the
// chain's state records.
func (app *App) registerUpgradeHandlers() {
	runMigrations := func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
		return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
	}
	for _, name := range []string{UpgradeLocalDeploymentsIndex, UpgradeLocalDigestIndex, UpgradeFrozenPairs, UpgradeSucceededRecordGas, UpgradeCanonicalSignatures} {
		app.UpgradeKeeper.SetUpgradeHandler(name, runMigrations)
	}
}
