package app

import (
	"encoding/json"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
)

// ExportAppStateAndValidators exports every module's state and the
// consensus params, so the export can start a new chain.
func (app *App) ExportAppStateAndValidators(forZeroHeight bool, _ []string, modulesToExport []string) (servertypes.ExportedApp, error) {
	ctx := app.NewContextLegacy(true, cmtproto.Header{Height: app.LastBlockHeight()})
	height := app.LastBlockHeight() + 1
	if forZeroHeight {
		// Nothing in shiplog depends on heights in a way that needs rewriting:
		// records keep the heights at which they were written.
		height = 0
	}
	genState, err := app.ModuleManager.ExportGenesisForModules(ctx, app.appCodec, modulesToExport)
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	appState, err := json.MarshalIndent(genState, "", "  ")
	if err != nil {
		return servertypes.ExportedApp{}, err
	}
	params := app.GetConsensusParams(ctx)
	// Validators stay out of the consensus section: CometBFT takes the set
	// from InitChain, where x/consortium returns it from its own genesis.
	return servertypes.ExportedApp{AppState: appState, Height: height, ConsensusParams: params}, nil
}
