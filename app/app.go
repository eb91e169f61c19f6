// Package app wires the shiplog application by hand: auth, consensus and
// upgrade from the SDK, and shiplog's own modules. There is no bank, staking
// or gov: membership and the validator set belong to x/consortium, whose
// module account is the authority of every administrative message.
package app

import (
	"encoding/json"
	"fmt"
	"sync"

	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"
	reflectionv1 "cosmossdk.io/api/cosmos/reflection/v1"
	"cosmossdk.io/client/v2/autocli"
	"cosmossdk.io/core/appmodule"
	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/baseapp/txnrunner"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/grpc/cmtservice"
	nodeservice "github.com/cosmos/cosmos-sdk/client/grpc/node"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/cosmos/cosmos-sdk/codec/address"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/runtime"
	runtimeservices "github.com/cosmos/cosmos-sdk/runtime/services"
	"github.com/cosmos/cosmos-sdk/server"
	"github.com/cosmos/cosmos-sdk/server/api"
	"github.com/cosmos/cosmos-sdk/server/config"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	"github.com/cosmos/cosmos-sdk/std"
	"github.com/cosmos/cosmos-sdk/store/v2/rootmulti"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/version"
	"github.com/cosmos/cosmos-sdk/x/auth"
	authcodec "github.com/cosmos/cosmos-sdk/x/auth/codec"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	authtx "github.com/cosmos/cosmos-sdk/x/auth/tx"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/cosmos/cosmos-sdk/x/consensus"
	consensuskeeper "github.com/cosmos/cosmos-sdk/x/consensus/keeper"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	"github.com/cosmos/cosmos-sdk/x/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/upgrade"
	upgradekeeper "github.com/cosmos/cosmos-sdk/x/upgrade/keeper"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cast"

	"github.com/shiplog/shiplog/app/openapi"
	"github.com/shiplog/shiplog/app/txindex"
	"github.com/shiplog/shiplog/x/aiops"
	aiopskeeper "github.com/shiplog/shiplog/x/aiops/keeper"
	aiopstypes "github.com/shiplog/shiplog/x/aiops/types"
	"github.com/shiplog/shiplog/x/attestations"
	attestationskeeper "github.com/shiplog/shiplog/x/attestations/keeper"
	attestationstypes "github.com/shiplog/shiplog/x/attestations/types"
	"github.com/shiplog/shiplog/x/consortium"
	consortiumkeeper "github.com/shiplog/shiplog/x/consortium/keeper"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments"
	deploymentskeeper "github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/localindex"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents"
	incidentskeeper "github.com/shiplog/shiplog/x/incidents/keeper"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

var (
	_ servertypes.Application = (*App)(nil)

	// x/incidents' deploy freeze is a gate of x/deployments.
	_ deploymentstypes.DeployGate = incidentskeeper.Keeper{}
	// x/attestations' environment policies decide on every new deployment.
	_ deploymentstypes.DeployPolicy = attestationskeeper.Keeper{}

	// moduleAccountPermissions: the consortium account signs proposals'
	// messages; it holds no coins (there are none).
	moduleAccountPermissions = map[string][]string{
		consortiumtypes.ModuleName: nil,
	}
)

// App is the shiplog application.
type App struct {
	*baseapp.BaseApp

	legacyAmino       *codec.LegacyAmino
	appCodec          codec.Codec
	txConfig          client.TxConfig
	interfaceRegistry codectypes.InterfaceRegistry
	keys              map[string]*storetypes.KVStoreKey

	AccountKeeper      authkeeper.AccountKeeper
	ConsensusKeeper    consensuskeeper.Keeper
	UpgradeKeeper      *upgradekeeper.Keeper
	ConsortiumKeeper   consortiumkeeper.Keeper
	DeploymentsKeeper  deploymentskeeper.Keeper
	IncidentsKeeper    incidentskeeper.Keeper
	AttestationsKeeper attestationskeeper.Keeper
	AIOpsKeeper        aiopskeeper.Keeper

	ModuleManager      *module.Manager
	BasicModuleManager module.BasicManager
	configurator       module.Configurator

	// admission bounds each member's transactions in this node's mempool.
	admission *AdmissionBound
	sigCache  *SignatureCache
	txCache   *DecodedTxCache
	// accountCodec decodes x/auth's accounts for its keeper.
	accountCodec *AccountCodec
	// deploymentsIndex serves the lookups only queries make: the
	// Deployments query's environment, status, deployer and digest filters
	// and the success times of DORA metrics (see wireDeploymentsIndex);
	// indexDB holds it.
	deploymentsIndex *localindex.Index
	indexDB          dbm.DB
	// txIndex finds committed transactions by hash and by indexed event
	// attributes for the transaction service (see txservice.go); txIndexDB
	// holds it.
	txIndex   *txindex.Index
	txIndexDB dbm.DB

	closeOnce sync.Once
	closeErr  error
}

// Close releases the databases once. The SDK's start command closes the app
// from two cleanup paths, and pebble panics when closed twice.
func (app *App) Close() error {
	app.closeOnce.Do(func() {
		app.closeErr = app.BaseApp.Close()
		for _, db := range []dbm.DB{app.indexDB, app.txIndexDB} {
			if db == nil {
				continue
			}
			if err := db.Close(); app.closeErr == nil {
				app.closeErr = err
			}
		}
	})
	return app.closeErr
}

// New builds the application over db.
func New(logger log.Logger, db dbm.DB, loadLatest bool, appOpts servertypes.AppOptions, baseAppOptions ...func(*baseapp.BaseApp)) *App {
	SetAddressPrefixes()
	addressCodec := address.Bech32Codec{Bech32Prefix: AccountAddressPrefix}
	interfaceRegistry, err := codectypes.NewInterfaceRegistryWithOptions(codectypes.InterfaceRegistryOptions{
		ProtoFiles: proto.HybridResolver,
		SigningOptions: signing.Options{
			AddressCodec:          addressCodec,
			ValidatorAddressCodec: address.Bech32Codec{Bech32Prefix: AccountAddressPrefix + "valoper"},
		},
	})
	if err != nil {
		panic(err)
	}
	appCodec := codec.NewProtoCodec(interfaceRegistry)
	legacyAmino := codec.NewLegacyAmino()
	// Direct and amino-json only: textual needs bank's denom metadata.
	txConfig := authtx.NewTxConfig(appCodec, authtx.DefaultSignModes)
	std.RegisterLegacyAminoCodec(legacyAmino)
	std.RegisterInterfaces(interfaceRegistry)

	// Simulate and the gRPC services decode with the plain decoder; the
	// mempool path and FinalizeBlock share decoded transactions (see
	// DecodedTxCache and its wiring below).
	bApp := baseapp.NewBaseApp(Name, logger, db, txConfig.TxDecoder(), baseAppOptions...)
	bApp.SetVersion(version.Version)
	bApp.SetInterfaceRegistry(interfaceRegistry)
	bApp.SetTxEncoder(txConfig.TxEncoder())

	keys := storetypes.NewKVStoreKeys(
		authtypes.StoreKey, consensustypes.StoreKey, upgradetypes.StoreKey,
		consortiumtypes.StoreKey, deploymentstypes.StoreKey, incidentstypes.StoreKey,
		attestationstypes.StoreKey, aiopstypes.StoreKey,
	)
	if err := bApp.RegisterStreamingServices(appOpts, keys); err != nil {
		panic(err)
	}

	app := &App{
		BaseApp:           bApp,
		legacyAmino:       legacyAmino,
		appCodec:          appCodec,
		txConfig:          txConfig,
		interfaceRegistry: interfaceRegistry,
		keys:              keys,
	}
	authority := authtypes.NewModuleAddress(consortiumtypes.ModuleName).String()

	app.ConsensusKeeper = consensuskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consensustypes.StoreKey]), authority, runtime.EventService{})
	bApp.SetParamStore(app.ConsensusKeeper.ParamsStore)

	// Accounts are decoded once per distinct stored value (see AccountCodec).
	app.accountCodec = NewAccountCodec(appCodec, DefaultAccountCodecSize)
	app.AccountKeeper = authkeeper.NewAccountKeeper(
		app.accountCodec, runtime.NewKVStoreService(keys[authtypes.StoreKey]), authtypes.ProtoBaseAccount,
		moduleAccountPermissions, authcodec.NewBech32Codec(AccountAddressPrefix), AccountAddressPrefix, authority,
		authkeeper.WithUnorderedTransactions(true),
	)

	skipUpgradeHeights := map[int64]bool{}
	for _, h := range cast.ToIntSlice(appOpts.Get(server.FlagUnsafeSkipUpgrades)) {
		skipUpgradeHeights[int64(h)] = true
	}
	homePath := cast.ToString(appOpts.Get("home"))
	app.UpgradeKeeper = upgradekeeper.NewKeeper(skipUpgradeHeights, runtime.NewKVStoreService(keys[upgradetypes.StoreKey]),
		appCodec, homePath, app.BaseApp, authority)

	app.ConsortiumKeeper = consortiumkeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[consortiumtypes.StoreKey]),
		addressCodec, app.AccountKeeper, app.MsgServiceRouter(), authority)
	app.DeploymentsKeeper = deploymentskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[deploymentstypes.StoreKey]),
		addressCodec, app.ConsortiumKeeper)
	if app.txIndexDB, err = openNodeLocalDB(db, homePath, TxIndexDBName, txIndexCacheBytes); err != nil {
		panic(fmt.Errorf("open the transaction index: %w", err))
	}
	app.txIndex = txindex.New(app.txIndexDB)
	if app.deploymentsIndex = app.wireDeploymentsIndex(db, appOpts, keys[deploymentstypes.StoreKey], logger); app.deploymentsIndex != nil {
		app.DeploymentsKeeper = app.DeploymentsKeeper.WithRecordIndex(app.deploymentsIndex)
	}
	// Incidents read deployments (causes, metrics) through the ungated copy;
	// deployments then consult incidents' freeze before storing a record.
	// Both must be final before the modules copy them below.
	app.IncidentsKeeper = incidentskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[incidentstypes.StoreKey]),
		addressCodec, app.ConsortiumKeeper, app.DeploymentsKeeper, authority)
	app.AttestationsKeeper = attestationskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[attestationstypes.StoreKey]),
		addressCodec, app.ConsortiumKeeper, authority)
	app.DeploymentsKeeper = app.DeploymentsKeeper.WithDeployGates(app.IncidentsKeeper).WithDeployPolicy(app.AttestationsKeeper)
	// aiops halts canaries through deployments and opens incidents from
	// anomalies; it takes the final copies of both.
	app.AIOpsKeeper = aiopskeeper.NewKeeper(appCodec, runtime.NewKVStoreService(keys[aiopstypes.StoreKey]),
		addressCodec, app.ConsortiumKeeper, app.DeploymentsKeeper, app.IncidentsKeeper, authority)

	app.ModuleManager = module.NewManager(
		auth.NewAppModule(appCodec, app.AccountKeeper, nil, nil),
		consensus.NewAppModule(appCodec, app.ConsensusKeeper),
		upgrade.NewAppModule(app.UpgradeKeeper, addressCodec),
		consortium.NewAppModule(appCodec, app.ConsortiumKeeper),
		deployments.NewAppModule(appCodec, app.DeploymentsKeeper),
		incidents.NewAppModule(appCodec, app.IncidentsKeeper),
		attestations.NewAppModule(appCodec, app.AttestationsKeeper),
		aiops.NewAppModule(appCodec, app.AIOpsKeeper),
	)
	app.BasicModuleManager = module.NewBasicManagerFromManager(app.ModuleManager, nil)
	app.BasicModuleManager.RegisterLegacyAminoCodec(legacyAmino)
	app.BasicModuleManager.RegisterInterfaces(interfaceRegistry)
	if err := interfaceRegistry.SigningContext().Validate(); err != nil {
		panic(err)
	}

	// upgrade applies a scheduled plan first; auth prunes expired unordered
	// transaction nonces.
	app.ModuleManager.SetOrderPreBlockers(upgradetypes.ModuleName, authtypes.ModuleName)
	app.ModuleManager.SetOrderBeginBlockers(consortiumtypes.ModuleName, deploymentstypes.ModuleName, incidentstypes.ModuleName)
	app.ModuleManager.SetOrderEndBlockers(consortiumtypes.ModuleName, deploymentstypes.ModuleName, incidentstypes.ModuleName)
	// Incidents after deployments: their genesis refers to deployment ids.
	genesisOrder := []string{
		authtypes.ModuleName, consensustypes.ModuleName, upgradetypes.ModuleName,
		consortiumtypes.ModuleName, deploymentstypes.ModuleName, incidentstypes.ModuleName,
		attestationstypes.ModuleName,
		// aiops last: its genesis refers to deployments and incidents.
		aiopstypes.ModuleName,
	}
	app.ModuleManager.SetOrderInitGenesis(genesisOrder...)
	app.ModuleManager.SetOrderExportGenesis(genesisOrder...)

	app.configurator = module.NewConfigurator(appCodec, app.MsgServiceRouter(), app.GRPCQueryRouter())
	if err := app.ModuleManager.RegisterServices(app.configurator); err != nil {
		panic(err)
	}
	app.registerUpgradeHandlers()
	autocliv1.RegisterQueryServer(app.GRPCQueryRouter(), runtimeservices.NewAutoCLIQueryService(app.ModuleManager.Modules))
	reflectionSvc, err := runtimeservices.NewReflectionService()
	if err != nil {
		panic(err)
	}
	reflectionv1.RegisterReflectionServiceServer(app.GRPCQueryRouter(), reflectionSvc)

	app.MountKVStores(keys)
	if rs, ok := app.CommitMultiStore().(*rootmulti.Store); ok {
		// Queries read a view of the latest version kept per block (see
		// QueryMultiStore).
		app.SetQueryMultiStore(NewQueryMultiStore(rs, db))
	}
	app.SetInitChainer(app.InitChainer)
	app.SetPreBlocker(app.PreBlocker)
	app.SetBeginBlocker(app.BeginBlocker)
	app.SetEndBlocker(app.EndBlocker)

	maxPending := DefaultMaxPendingPerMember
	if v := appOpts.Get(AppOptMaxPendingPerMember); v != nil {
		maxPending = cast.ToInt(v)
	}
	app.admission = NewAdmissionBound(maxPending)
	app.sigCache = NewSignatureCache(DefaultSignatureCacheSize)
	app.txCache = NewDecodedTxCache(txConfig.TxDecoder(), DefaultDecodedTxCacheBytes)
	app.SetCheckTxHandler(app.txCache.CheckTxHandler(IndexEventsOption(appOpts), cast.ToBool(appOpts.Get(server.FlagTrace))))
	// The SDK's sequential runner, decoding through the cache; despite the
	// setter's name nothing runs in parallel (the SDK's blockexec installs
	// its sequential runner the same way).
	app.SetBlockSTMTxRunner(txnrunner.NewDefaultRunner(app.txCache.Take))
	app.SetPrepareProposal(FairPrepareProposal(app.txCache.Decode))
	anteHandler, err := NewAnteHandler(AnteOptions{
		Admission:       app.admission,
		SignatureCache:  app.sigCache,
		Codec:           appCodec,
		AccountKeeper:   app.AccountKeeper,
		Consortium:      app.ConsortiumKeeper,
		SignModeHandler: txConfig.SignModeHandler(),
		MsgRoles:        app.MsgRoles(),
	})
	if err != nil {
		panic(err)
	}
	app.SetAnteHandler(anteHandler)

	if loadLatest {
		if err := app.LoadLatestVersion(); err != nil {
			panic(fmt.Errorf("load latest version: %w", err))
		}
		if err := app.syncDeploymentsIndex(); err != nil {
			panic(err)
		}
		app.warnTxIndexBehind()
	}
	return app
}

// MsgRoles is the union of every module's message-to-role table: the one
// place the membership gate reads.
func (app *App) MsgRoles() consortiumtypes.MsgRoles {
	roles := consortiumtypes.MsgRoles{}
	for _, name := range app.ModuleManager.OrderInitGenesis {
		m, ok := app.ModuleManager.Modules[name].(consortiumtypes.HasMsgRoles)
		if !ok {
			continue
		}
		for typeURL, role := range m.MsgRoles() {
			if _, dup := roles[typeURL]; dup {
				panic(fmt.Sprintf("message %s declared twice in role tables", typeURL))
			}
			roles[typeURL] = role
		}
	}
	return roles
}

func (app *App) Name() string                    { return app.BaseApp.Name() }
func (app *App) LegacyAmino() *codec.LegacyAmino { return app.legacyAmino }
func (app *App) AppCodec() codec.Codec           { return app.appCodec }
func (app *App) TxConfig() client.TxConfig       { return app.txConfig }

// InterfaceRegistry returns the app's interface registry.
func (app *App) InterfaceRegistry() codectypes.InterfaceRegistry { return app.interfaceRegistry }

// GetKey returns a store key, for tests.
func (app *App) GetKey(storeKey string) *storetypes.KVStoreKey { return app.keys[storeKey] }

func (app *App) PreBlocker(ctx sdk.Context, _ *abci.RequestFinalizeBlock) (*sdk.ResponsePreBlock, error) {
	return app.ModuleManager.PreBlock(ctx)
}

func (app *App) BeginBlocker(ctx sdk.Context) (sdk.BeginBlock, error) {
	return app.ModuleManager.BeginBlock(ctx)
}

func (app *App) EndBlocker(ctx sdk.Context) (sdk.EndBlock, error) {
	return app.ModuleManager.EndBlock(ctx)
}

// InitChainer loads genesis; x/consortium returns the validator set.
func (app *App) InitChainer(ctx sdk.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	var genesisState map[string]json.RawMessage
	if err := json.Unmarshal(req.AppStateBytes, &genesisState); err != nil {
		return nil, err
	}
	if err := app.UpgradeKeeper.SetModuleVersionMap(ctx, app.ModuleManager.GetVersionMap()); err != nil {
		return nil, err
	}
	return app.ModuleManager.InitGenesis(ctx, app.appCodec, genesisState)
}

// LoadHeight loads a past version, for export.
func (app *App) LoadHeight(height int64) error { return app.LoadVersion(height) }

// DefaultGenesis is every module's default genesis.
func (app *App) DefaultGenesis() map[string]json.RawMessage {
	return app.BasicModuleManager.DefaultGenesis(app.appCodec)
}

// AutoCliOpts feeds client/v2's generated commands.
func (app *App) AutoCliOpts() autocli.AppOptions {
	modules := make(map[string]appmodule.AppModule)
	for name, m := range app.ModuleManager.Modules {
		if am, ok := m.(appmodule.AppModule); ok {
			modules[name] = am
		}
	}
	return autocli.AppOptions{
		Modules:               modules,
		ModuleOptions:         runtimeservices.ExtractAutoCLIOptions(app.ModuleManager.Modules),
		AddressCodec:          authcodec.NewBech32Codec(AccountAddressPrefix),
		ValidatorAddressCodec: authcodec.NewBech32Codec(AccountAddressPrefix + "valoper"),
		ConsensusAddressCodec: authcodec.NewBech32Codec(AccountAddressPrefix + "valcons"),
	}
}

// RegisterAPIRoutes serves every module's REST routes through grpc-gateway.
func (app *App) RegisterAPIRoutes(apiSvr *api.Server, apiConfig config.APIConfig) {
	clientCtx := apiSvr.ClientCtx
	authtx.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	cmtservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	nodeservice.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	app.BasicModuleManager.RegisterGRPCGatewayRoutes(clientCtx, apiSvr.GRPCGatewayRouter)
	apiSvr.Router.HandleFunc(openapi.Path, openapi.Handler).Methods("GET")
	if err := server.RegisterSwaggerAPI(apiSvr.ClientCtx, apiSvr.Router, apiConfig.Swagger); err != nil {
		panic(err)
	}
}

// RegisterTxService serves the node's transaction service (see
// txService) to ABCI queries and, through RegisterGRPCServer, over gRPC and
// REST.
func (app *App) RegisterTxService(clientCtx client.Context) {
	sdkService := authtx.NewTxServer(clientCtx, app.Simulate, app.interfaceRegistry)
	txtypes.RegisterServiceServer(app.GRPCQueryRouter(), newTxService(app, sdkService, clientCtx))
}

func (app *App) RegisterTendermintService(clientCtx client.Context) {
	cmtApp := server.NewCometABCIWrapper(app)
	cmtservice.RegisterTendermintService(clientCtx, app.GRPCQueryRouter(), app.interfaceRegistry, cmtApp.Query)
}

func (app *App) RegisterNodeService(clientCtx client.Context, cfg config.Config) {
	nodeservice.RegisterNodeService(clientCtx, app.GRPCQueryRouter(), cfg, func() int64 {
		return app.CommitMultiStore().EarliestVersion()
	})
}
