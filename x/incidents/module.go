package incidents

import (
	"context"
	"encoding/json"
	"fmt"

	"cosmossdk.io/core/address"
	"cosmossdk.io/core/appmodule"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	gwruntime "github.com/grpc-ecosystem/grpc-gateway/runtime"
	"github.com/spf13/cobra"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/incidents/client/cli"
	"github.com/shiplog/shiplog/x/incidents/keeper"
	"github.com/shiplog/shiplog/x/incidents/types"
)

// ConsensusVersion is the version of the module's state layout.
// 2: FrozenPairs answers the deploy gate for a pair nothing freezes
// (keeper.Migrator.Migrate1to2 builds it from the freeze entries).
const ConsensusVersion = 2

var (
	_ module.AppModuleBasic      = AppModuleBasic{}
	_ module.HasGenesisBasics    = AppModuleBasic{}
	_ module.HasName             = AppModule{}
	_ module.HasGenesis          = AppModule{}
	_ module.HasServices         = AppModule{}
	_ module.HasConsensusVersion = AppModule{}

	_ appmodule.AppModule         = AppModule{}
	_ appmodule.HasEndBlocker     = AppModule{}
	_ consortiumtypes.HasMsgRoles = AppModule{}
)

// AppModuleBasic is the stateless part of the incidents module.
type AppModuleBasic struct {
	cdc codec.Codec
	// ac prints the signer address in the custom tx commands; when nil they
	// fall back to the SDK's global bech32 configuration.
	ac address.Codec
}

// Name returns the module name.
func (AppModuleBasic) Name() string { return types.ModuleName }

// RegisterLegacyAminoCodec registers the messages for amino-json signing.
func (AppModuleBasic) RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	types.RegisterLegacyAminoCodec(cdc)
}

// RegisterInterfaces registers the messages as sdk.Msg implementations.
func (AppModuleBasic) RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	types.RegisterInterfaces(registry)
}

// RegisterGRPCGatewayRoutes registers the REST routes of the Query service.
func (AppModuleBasic) RegisterGRPCGatewayRoutes(clientCtx client.Context, mux *gwruntime.ServeMux) {
	if err := types.RegisterQueryHandlerClient(context.Background(), mux, types.NewQueryClient(clientCtx)); err != nil {
		panic(err)
	}
}

// DefaultGenesis has the default params, no records and next ids 1.
func (AppModuleBasic) DefaultGenesis(cdc codec.JSONCodec) json.RawMessage {
	return cdc.MustMarshalJSON(types.DefaultGenesis())
}

// ValidateGenesis checks the module's genesis state.
func (AppModuleBasic) ValidateGenesis(cdc codec.JSONCodec, _ client.TxEncodingConfig, bz json.RawMessage) error {
	var gs types.GenesisState
	if err := cdc.UnmarshalJSON(bz, &gs); err != nil {
		return errorsmod.Wrapf(types.ErrInvalidGenesis, "decode %s genesis: %s", types.ModuleName, err)
	}
	return gs.Validate()
}

// GetTxCmd returns the custom tx commands; autocli adds nothing else to them
// (see AutoCLIOptions).
func (ab AppModuleBasic) GetTxCmd() *cobra.Command {
	return cli.GetTxCmd(ab.ac)
}

// AppModule is the incidents module.
type AppModule struct {
	AppModuleBasic
	keeper keeper.Keeper
}

// NewAppModule builds the module around its keeper.
func NewAppModule(cdc codec.Codec, k keeper.Keeper) AppModule {
	return AppModule{
		AppModuleBasic: AppModuleBasic{cdc: cdc, ac: k.AddressCodec()},
		keeper:         k,
	}
}

// IsOnePerModuleType implements depinject.OnePerModuleType.
func (AppModule) IsOnePerModuleType() {}

// IsAppModule implements appmodule.AppModule.
func (AppModule) IsAppModule() {}

// ConsensusVersion is the version of the module's state layout.
func (AppModule) ConsensusVersion() uint64 { return ConsensusVersion }

// MsgRoles is the role each message's signer needs (read by the ante gate).
func (AppModule) MsgRoles() consortiumtypes.MsgRoles { return types.MsgRoles() }

// RegisterServices registers the Msg and Query services and the store
// migrations.
func (am AppModule) RegisterServices(cfg module.Configurator) {
	types.RegisterMsgServer(cfg.MsgServer(), keeper.NewMsgServerImpl(am.keeper))
	types.RegisterQueryServer(cfg.QueryServer(), keeper.NewQueryServerImpl(am.keeper))
	if err := cfg.RegisterMigration(types.ModuleName, 1, keeper.NewMigrator(am.keeper).Migrate1to2); err != nil {
		panic(fmt.Errorf("%s: register migration 1 to 2: %w", types.ModuleName, err))
	}
}

// InitGenesis stores the genesis records and rebuilds the indexes.
func (am AppModule) InitGenesis(ctx sdk.Context, cdc codec.JSONCodec, bz json.RawMessage) {
	var gs types.GenesisState
	cdc.MustUnmarshalJSON(bz, &gs)
	if err := am.keeper.InitGenesis(ctx, gs); err != nil {
		panic(errorsmod.Wrapf(err, "%s InitGenesis", types.ModuleName))
	}
}

// ExportGenesis exports params, records and next ids.
func (am AppModule) ExportGenesis(ctx sdk.Context, cdc codec.JSONCodec) json.RawMessage {
	gs, err := am.keeper.ExportGenesis(ctx)
	if err != nil {
		panic(errorsmod.Wrapf(err, "%s ExportGenesis", types.ModuleName))
	}
	return cdc.MustMarshalJSON(gs)
}

// EndBlock emits the overdue events of remediation items that came due. It
// returns no validator updates (x/consortium alone does).
func (am AppModule) EndBlock(ctx context.Context) error {
	return am.keeper.EndBlocker(ctx)
}
