package deployments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/cosmos/cosmos-sdk/baseapp"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments"
	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/types"
)

type allowAll struct{}

func (allowAll) RequireRole(_ context.Context, addr sdk.AccAddress, _ consortiumtypes.Role) (consortiumtypes.Member, error) {
	return consortiumtypes.Member{OrganizationId: "acme", Active: true}, nil
}

func newModule(t *testing.T) (deployments.AppModule, sdk.Context, moduletestutil.TestEncodingConfig) {
	t.Helper()
	encCfg := moduletestutil.MakeTestEncodingConfig(deployments.AppModuleBasic{})
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test")).Ctx
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), addresscodec.NewBech32Codec("ship"), allowAll{})
	return deployments.NewAppModule(encCfg.Codec, k), ctx, encCfg
}

func TestModuleBasics(t *testing.T) {
	am, _, encCfg := newModule(t)
	require.Equal(t, "deployments", am.Name())
	require.Equal(t, uint64(3), am.ConsensusVersion())
	require.Equal(t, types.MsgRoles(), am.MsgRoles())

	for _, url := range []string{"/shiplog.deployments.v1.MsgRecordDeployment", "/shiplog.deployments.v1.MsgUpdateDeploymentStatus", "/shiplog.deployments.v1.MsgRecordDeployments"} {
		msg, err := encCfg.InterfaceRegistry.Resolve(url)
		require.NoError(t, err, url)
		require.Implements(t, (*sdk.Msg)(nil), msg)
	}

	bz, err := encCfg.Amino.MarshalJSON(&types.MsgUpdateDeploymentStatus{Id: 1})
	require.NoError(t, err)
	require.Contains(t, string(bz), "shiplog/deployments/MsgUpdateDeploymentStatus")
	bz, err = encCfg.Amino.MarshalJSON(&types.MsgRecordDeployment{})
	require.NoError(t, err)
	require.Contains(t, string(bz), "shiplog/deployments/MsgRecordDeployment")
	bz, err = encCfg.Amino.MarshalJSON(&types.MsgRecordDeployments{})
	require.NoError(t, err)
	require.Contains(t, string(bz), `"shiplog/deployments/MsgRecordDeployments"`)
	require.Equal(t, consortiumtypes.ROLE_DEPLOYER, types.MsgRoles()["/shiplog.deployments.v1.MsgRecordDeployments"])

	cmd := am.GetTxCmd()
	require.Equal(t, types.ModuleName, cmd.Name())
}

func TestModuleGenesis(t *testing.T) {
	am, ctx, encCfg := newModule(t)
	def := am.DefaultGenesis(encCfg.Codec)
	require.NoError(t, am.ValidateGenesis(encCfg.Codec, nil, def))
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"next_deployment_id":"0"}`)), types.ErrInvalidGenesis)
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"deployments":5}`)), types.ErrInvalidGenesis)

	am.InitGenesis(ctx, encCfg.Codec, def)
	exported := am.ExportGenesis(ctx, encCfg.Codec)
	var a, b bytes.Buffer
	require.NoError(t, json.Compact(&a, def))
	require.NoError(t, json.Compact(&b, exported))
	require.Equal(t, a.String(), b.String())
	require.Panics(t, func() { am.InitGenesis(ctx, encCfg.Codec, json.RawMessage(`{"next_deployment_id":"0"}`)) })
}

// The services register with the SDK's routers (which check the msg
// annotations against the interface registry) and are reachable by type URL.
func TestModuleRegisterServices(t *testing.T) {
	am, _, encCfg := newModule(t)
	msgRouter := baseapp.NewMsgServiceRouter()
	msgRouter.SetInterfaceRegistry(encCfg.InterfaceRegistry)
	queryRouter := baseapp.NewGRPCQueryRouter()
	queryRouter.SetInterfaceRegistry(encCfg.InterfaceRegistry)
	cfg := module.NewConfigurator(encCfg.Codec, msgRouter, queryRouter)
	am.RegisterServices(cfg)
	require.NoError(t, cfg.Error())
	require.NotNil(t, msgRouter.HandlerByTypeURL("/shiplog.deployments.v1.MsgRecordDeployment"))
	require.NotNil(t, msgRouter.HandlerByTypeURL("/shiplog.deployments.v1.MsgUpdateDeploymentStatus"))
	require.NotNil(t, msgRouter.HandlerByTypeURL("/shiplog.deployments.v1.MsgRecordDeployments"))
	for _, m := range []string{"Deployment", "Deployments", "Current", "DeploymentByExternalID"} {
		require.NotNil(t, queryRouter.Route("/shiplog.deployments.v1.Query/"+m), m)
	}
}

// Every method and positional field the autocli options name exists, so
// autocli will not refuse the module at start-up.
func TestAutoCLIOptions(t *testing.T) {
	am, _, _ := newModule(t)
	opts := am.AutoCLIOptions()
	require.Equal(t, "shiplog.deployments.v1.Query", opts.Query.Service)
	require.Equal(t, "shiplog.deployments.v1.Msg", opts.Tx.Service)
	require.True(t, opts.Tx.EnhanceCustomCommand)

	for _, svc := range []string{opts.Query.Service, opts.Tx.Service} {
		desc, err := gogoproto.HybridResolver.FindDescriptorByName(protoreflect.FullName(svc))
		require.NoError(t, err, svc)
		methods := desc.(protoreflect.ServiceDescriptor).Methods()
		rpcs := opts.Query.RpcCommandOptions
		if svc == opts.Tx.Service {
			rpcs = opts.Tx.RpcCommandOptions
		}
		for _, o := range rpcs {
			m := methods.ByName(protoreflect.Name(o.RpcMethod))
			require.NotNil(t, m, o.RpcMethod)
			for _, p := range o.PositionalArgs {
				require.NotNil(t, m.Input().Fields().ByName(protoreflect.Name(p.ProtoField)), "%s.%s", o.RpcMethod, p.ProtoField)
			}
		}
		// Every tx method is described: a hand-written command (skipped)
		// or an autocli one (review-break-glass).
		if svc == opts.Tx.Service {
			require.Len(t, rpcs, methods.Len())
			for _, o := range rpcs {
				require.True(t, o.Skip || o.RpcMethod == "ReviewBreakGlass", o.RpcMethod)
			}
		}
	}
}
