package cmd

import (
	"errors"

	"cosmossdk.io/log/v2"
	cmtcfg "github.com/cometbft/cometbft/config"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/debug"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/keys"
	"github.com/cosmos/cosmos-sdk/client/pruning"
	"github.com/cosmos/cosmos-sdk/client/snapshot"
	"github.com/cosmos/cosmos-sdk/server"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	authcmd "github.com/cosmos/cosmos-sdk/x/auth/client/cli"
	genutilcli "github.com/cosmos/cosmos-sdk/x/genutil/client/cli"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/spf13/cast"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	consortiumcli "github.com/shiplog/shiplog/x/consortium/client/cli"
)

func initRootCmd(rootCmd *cobra.Command, tempApp *app.App) {
	rootCmd.AddCommand(
		initCmd(tempApp),
		debug.Cmd(),
		pruning.Cmd(newApp, app.DefaultNodeHome),
		snapshot.Cmd(newApp),
	)
	server.AddCommandsWithStartCmdOptions(rootCmd, app.DefaultNodeHome, newApp, appExport,
		server.StartCmdOptions{DBOpener: appdb.Open})
	rootCmd.AddCommand(
		server.StatusCommand(),
		genesisCmd(tempApp),
		testnetCmd(tempApp),
		benchCmd(),
		queryCmd(),
		txCmd(),
		keys.Commands(),
		aiopsCmd(),
		dbCmd(),
	)
}

// initCmd is genutil's init with shiplog's consensus defaults: a finite block
// gas limit, ed25519 validator keys, and the consensus timing in config.toml.
func initCmd(tempApp *app.App) *cobra.Command {
	cmd := genutilcli.InitCmd(tempApp.BasicModuleManager, app.DefaultNodeHome)
	cmd.Flags().Lookup(flags.FlagChainID).DefValue = app.DefaultChainID
	_ = cmd.Flags().Set(flags.FlagChainID, app.DefaultChainID)
	run := cmd.RunE
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if err := run(cmd, args); err != nil {
			return err
		}
		serverCtx := server.GetServerContextFromCmd(cmd)
		conf := serverCtx.Config
		applyConsensusTiming(conf)
		cmtcfg.WriteConfigFile(conf.RootDir+"/config/config.toml", conf)

		genFile := conf.GenesisFile()
		appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
		if err != nil {
			return err
		}
		appGenesis.Consensus.Params.Block.MaxGas = app.DefaultBlockMaxGas
		appGenesis.Consensus.Params.Validator.PubKeyTypes = []string{"ed25519"}
		return appGenesis.SaveAs(genFile)
	}
	return cmd
}

// genesisCmd gathers the genesis tools: consortium set-up and validation.
func genesisCmd(tempApp *app.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "genesis",
		Short:                      "Build and check genesis.json (organizations, members, validators)",
		DisableFlagParsing:         false,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(consortiumcli.GenesisCommands(app.DefaultNodeHome)...)
	cmd.AddCommand(genutilcli.ValidateGenesisCmd(tempApp.BasicModuleManager))
	return cmd
}

func queryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "query",
		Aliases:                    []string{"q"},
		Short:                      "Querying subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		waitTxCmd(),
		server.QueryBlockCmd(),
		queryTxsCmd(),
		server.QueryBlocksCmd(),
		queryTxCmd(),
		server.QueryBlockResultsCmd(),
	)
	return cmd
}

func txCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        "tx",
		Short:                      "Transactions subcommands",
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		authcmd.GetSignCommand(),
		authcmd.GetSignBatchCommand(),
		authcmd.GetMultiSignCommand(),
		authcmd.GetMultiSignBatchCmd(),
		authcmd.GetValidateSignaturesCommand(),
		authcmd.GetBroadcastCommand(),
		authcmd.GetEncodeCommand(),
		authcmd.GetDecodeCommand(),
		authcmd.GetSimulateCmd(),
	)
	return cmd
}

func newApp(logger log.Logger, db dbm.DB, appOpts servertypes.AppOptions) servertypes.Application {
	opts := server.DefaultBaseappOptions(appOpts)
	if cast.ToBool(appOpts.Get(server.FlagInterBlockCache)) {
		// Replaces the SDK's cache, set by the options above.
		opts = append(opts, baseapp.SetInterBlockCache(app.NewInterBlockCache()))
	}
	return app.New(logger, db, true, appOpts, opts...)
}

func appExport(logger log.Logger, db dbm.DB, height int64, forZeroHeight bool,
	jailAllowedAddrs []string, appOpts servertypes.AppOptions, modulesToExport []string,
) (servertypes.ExportedApp, error) {
	if _, ok := appOpts.(*viper.Viper); !ok {
		return servertypes.ExportedApp{}, errors.New("appOpts is not viper.Viper")
	}
	var a *app.App
	if height != -1 {
		a = app.New(logger, db, false, appOpts)
		if err := a.LoadHeight(height); err != nil {
			return servertypes.ExportedApp{}, err
		}
	} else {
		a = app.New(logger, db, true, appOpts)
	}
	return a.ExportAppStateAndValidators(forZeroHeight, jailAllowedAddrs, modulesToExport)
}
