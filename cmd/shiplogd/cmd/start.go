package cmd

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"cosmossdk.io/log/v2"
	sdkslog "cosmossdk.io/log/v2/slog"
	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	pvm "github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	servercmtlog "github.com/cosmos/cosmos-sdk/server/log"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/telemetry"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"go.opentelemetry.io/contrib/bridges/otelslog"
	"golang.org/x/sync/errgroup"
)

// flagGRPCOnly is the SDK's start flag for a node that serves queries
// without CometBFT.
const flagGRPCOnly = "grpc-only"

// startNode is `shiplogd start`: the SDK's in-process start (its
// server/start.go), except that CometBFT reaches the app through one lock
// per ABCI connection instead of one lock for all, so that CheckTx runs
// beside a block's execution (app/abcilanes.go says what the app guards
// and what it measured). The SDK's handler cannot be given a client
// creator. The app out of process (--with-comet=false) is not offered:
// shiplog's node is one process.
func startNode(svrCtx *server.Context, clientCtx client.Context, appCreator servertypes.AppCreator,
	withComet bool, opts server.StartCmdOptions,
) error {
	if !withComet {
		return errors.New("shiplogd runs CometBFT in-process: --with-comet=false is not supported")
	}
	svrCfg, err := serverconfig.GetConfig(svrCtx.Viper)
	if err != nil {
		return fmt.Errorf("read app.toml: %w", err)
	}
	if err := svrCfg.ValidateBasic(); err != nil {
		return fmt.Errorf("app.toml: %w", err)
	}
	if err := telemetry.InitializeOpenTelemetry(filepath.Join(clientCtx.HomeDir, "config", telemetry.OtelFileName)); err != nil {
		return fmt.Errorf("initialize OpenTelemetry: %w", err)
	}
	if telemetry.IsOtelLoggerEnabled() {
		svrCtx.Logger = log.NewMultiLogger(svrCtx.Logger, sdkslog.NewCustomLogger(otelslog.NewLogger("")))
	}

	db, err := opts.DBOpener(svrCtx.Config.RootDir, server.GetAppDBBackend(svrCtx.Viper))
	if err != nil {
		return err
	}
	app := appCreator(svrCtx.Logger, db, svrCtx.Viper)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := telemetry.Shutdown(ctx); err != nil {
			svrCtx.Logger.Error("shut down telemetry", "err", err)
		}
		if err := app.Close(); err != nil {
			svrCtx.Logger.Error("close the app", "err", err)
		}
	}()
	metrics, err := telemetry.New(svrCfg.Telemetry) //nolint:staticcheck // the SDK's API server still takes it
	if err != nil {
		return fmt.Errorf("start telemetry: %w", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	g, ctx := errgroup.WithContext(ctx)
	server.ListenForQuitSignals(g, true, cancel, svrCtx.Logger)

	if svrCtx.Viper.GetBool(flagGRPCOnly) {
		svrCtx.Logger.Info("starting node in gRPC only mode; CometBFT is disabled")
		svrCfg.GRPC.Enable = true
	} else {
		cmtNode, err := startComet(ctx, svrCtx, app)
		if err != nil {
			return err
		}
		// Deferred after the app's Close, so it runs first.
		defer func() {
			if cmtNode.IsRunning() {
				_ = cmtNode.Stop()
			}
		}()
		if svrCfg.API.Enable || svrCfg.GRPC.Enable {
			clientCtx = clientCtx.WithClient(local.New(cmtNode))
			app.RegisterTxService(clientCtx)
			app.RegisterTendermintService(clientCtx)
			app.RegisterNodeService(clientCtx, svrCfg)
		}
	}

	grpcSrv, clientCtx, err := server.StartGrpcServer(ctx, g, svrCfg.GRPC, clientCtx, svrCtx, app)
	if err != nil {
		return fmt.Errorf("start the gRPC server: %w", err)
	}
	if svrCfg.API.Enable {
		apiSrv := api.New(clientCtx.WithHomeDir(svrCtx.Config.RootDir), svrCtx.Logger.With("module", "api-server"), grpcSrv)
		app.RegisterAPIRoutes(apiSrv, svrCfg.API)
		if svrCfg.Telemetry.Enabled { //nolint:staticcheck // as above
			apiSrv.SetTelemetry(metrics)
		}
		g.Go(func() error { return apiSrv.Start(ctx, svrCfg) })
	}
	if opts.PostSetup != nil {
		if err := opts.PostSetup(svrCtx, clientCtx, ctx, g); err != nil {
			return err
		}
	}
	return g.Wait()
}

// startComet starts CometBFT in-process with a lock per ABCI connection.
func startComet(ctx context.Context, svrCtx *server.Context, app servertypes.Application) (*node.Node, error) {
	cfg := svrCtx.Config
	nodeKey, err := p2p.LoadOrGenNodeKey(cfg.NodeKeyFile())
	if err != nil {
		return nil, err
	}
	cmtNode, err := node.NewNodeWithContext(ctx, cfg,
		pvm.LoadOrGenFilePV(cfg.PrivValidatorKeyFile(), cfg.PrivValidatorStateFile()),
		nodeKey,
		proxy.NewConnSyncLocalClientCreator(server.NewCometABCIWrapper(app)),
		func() (*cmttypes.GenesisDoc, error) {
			appGenesis, err := genutiltypes.AppGenesisFromFile(cfg.GenesisFile())
			if err != nil {
				return nil, err
			}
			return appGenesis.ToGenesisDoc()
		},
		cmtcfg.DefaultDBProvider,
		node.DefaultMetricsProvider(cfg.Instrumentation),
		servercmtlog.CometLoggerWrapper{Logger: svrCtx.Logger},
	)
	if err != nil {
		return nil, err
	}
	if err := cmtNode.Start(); err != nil {
		return nil, err
	}
	return cmtNode, nil
}
