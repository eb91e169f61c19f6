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

// registerUpgradeHandlers tells x/upgrade what each named upgrade does. A
// handler runs the modules' registered migrations from the versions the
// chain's state records.
func (app *App) registerUpgradeHandlers() {
	app.UpgradeKeeper.SetUpgradeHandler(UpgradeLocalDeploymentsIndex,
		func(ctx context.Context, _ upgradetypes.Plan, fromVM module.VersionMap) (module.VersionMap, error) {
			return app.ModuleManager.RunMigrations(ctx, app.configurator, fromVM)
		})
}
