package incidents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"cosmossdk.io/client/v2/autocli"
	autocliflag "cosmossdk.io/client/v2/autocli/flag"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client/flags"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/module"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents"
	"github.com/shiplog/shiplog/x/incidents/keeper"
	"github.com/shiplog/shiplog/x/incidents/types"
)

type allowAll struct{}

func (allowAll) RequireRole(context.Context, sdk.AccAddress, consortiumtypes.Role) (consortiumtypes.Member, error) {
	return consortiumtypes.Member{OrganizationId: "acme", Active: true}, nil
}

type noDeployments struct{}

func (noDeployments) GetDeployment(_ context.Context, id uint64) (deploymentstypes.Deployment, error) {
	return deploymentstypes.Deployment{}, deploymentstypes.ErrNotFound
}

func (noDeployments) IterateSucceeded(context.Context, time.Time, time.Time, func(deploymentstypes.Deployment, time.Time) (bool, error)) error {
	return nil
}

func newModule(t *testing.T) (incidents.AppModule, sdk.Context, moduletestutil.TestEncodingConfig) {
	t.Helper()
	encCfg := moduletestutil.MakeTestEncodingConfig(incidents.AppModuleBasic{})
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test")).Ctx
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), addresscodec.NewBech32Codec("ship"), allowAll{}, noDeployments{}, "ship1authority")
	return incidents.NewAppModule(encCfg.Codec, k), ctx, encCfg
}

func TestModuleBasics(t *testing.T) {
	am, _, encCfg := newModule(t)
	require.Equal(t, "incidents", am.Name())
	require.Equal(t, uint64(2), am.ConsensusVersion())
	require.Equal(t, types.MsgRoles(), am.MsgRoles())

	for _, name := range []string{"MsgOpenIncident", "MsgUpdateIncident", "MsgLinkCause", "MsgUnlinkCause", "MsgAddRemediation", "MsgCompleteRemediation", "MsgCloseIncident", "MsgUpdateParams"} {
		msg, err := encCfg.InterfaceRegistry.Resolve("/shiplog.incidents.v1." + name)
		require.NoError(t, err, name)
		require.Implements(t, (*sdk.Msg)(nil), msg)
		bz, err := encCfg.Amino.MarshalJSON(msg)
		require.NoError(t, err, name)
		require.Contains(t, string(bz), "shiplog/incidents/"+name)
	}
	require.Equal(t, types.ModuleName, am.GetTxCmd().Name())
}

func TestModuleGenesis(t *testing.T) {
	am, ctx, encCfg := newModule(t)
	def := am.DefaultGenesis(encCfg.Codec)
	require.NoError(t, am.ValidateGenesis(encCfg.Codec, nil, def))
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"next_incident_id":"0"}`)), types.ErrInvalidGenesis)
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"incidents":5}`)), types.ErrInvalidGenesis)

	am.InitGenesis(ctx, encCfg.Codec, def)
	exported := am.ExportGenesis(ctx, encCfg.Codec)
	var a, b bytes.Buffer
	require.NoError(t, json.Compact(&a, def))
	require.NoError(t, json.Compact(&b, exported))
	require.Equal(t, a.String(), b.String())
	require.Contains(t, a.String(), `"freeze_severity":"SEVERITY_SEV2"`)
	require.Panics(t, func() { am.InitGenesis(ctx, encCfg.Codec, json.RawMessage(`{"next_incident_id":"0"}`)) })

	// EndBlock runs on an empty module.
	require.NoError(t, am.EndBlock(ctx.WithBlockTime(time.Now())))
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
	for url := range types.MsgRoles() {
		require.NotNil(t, msgRouter.HandlerByTypeURL(url), url)
	}
	require.NotNil(t, msgRouter.HandlerByTypeURL("/shiplog.incidents.v1.MsgUpdateParams"))
	for _, m := range []string{"Params", "Incident", "Incidents", "IncidentsByDeployment", "Remediation", "Overdue", "Freezes", "Metrics"} {
		require.NotNil(t, queryRouter.Route("/shiplog.incidents.v1.Query/"+m), m)
	}
}

// Every method and positional field the autocli options name exists, and
// autocli builds the query commands with the documented flags.
func TestAutoCLIOptions(t *testing.T) {
	am, _, _ := newModule(t)
	opts := am.AutoCLIOptions()
	require.Equal(t, "shiplog.incidents.v1.Query", opts.Query.Service)
	require.Equal(t, "shiplog.incidents.v1.Msg", opts.Tx.Service)
	require.True(t, opts.Tx.EnhanceCustomCommand)

	for _, svc := range []string{opts.Query.Service, opts.Tx.Service} {
		desc, err := gogoproto.HybridResolver.FindDescriptorByName(protoreflect.FullName(svc))
		require.NoError(t, err, svc)
		methods := desc.(protoreflect.ServiceDescriptor).Methods()
		rpcs := opts.Query.RpcCommandOptions
		if svc == opts.Tx.Service {
			rpcs = opts.Tx.RpcCommandOptions
		}
		require.Len(t, rpcs, methods.Len(), "every method is described")
		for _, o := range rpcs {
			m := methods.ByName(protoreflect.Name(o.RpcMethod))
			require.NotNil(t, m, o.RpcMethod)
			for _, p := range o.PositionalArgs {
				require.NotNil(t, m.Input().Fields().ByName(protoreflect.Name(p.ProtoField)), "%s.%s", o.RpcMethod, p.ProtoField)
			}
			if svc == opts.Tx.Service {
				require.True(t, o.Skip, o.RpcMethod)
			}
		}
	}

	files, err := gogoproto.MergedRegistry()
	require.NoError(t, err)
	b := &autocli.Builder{
		Builder: autocliflag.Builder{
			TypeResolver:          protoregistry.GlobalTypes,
			FileResolver:          files,
			AddressCodec:          addresscodec.NewBech32Codec("ship"),
			ValidatorAddressCodec: addresscodec.NewBech32Codec("shipvaloper"),
			ConsensusAddressCodec: addresscodec.NewBech32Codec("shipvalcons"),
		},
		AddQueryConnFlags: flags.AddQueryFlagsToCmd,
		AddTxConnFlags:    flags.AddTxFlagsToCmd,
	}
	require.NoError(t, b.ValidateAndComplete())
	root := &cobra.Command{Use: "incidents"}
	root.SetContext(context.Background())
	require.NoError(t, b.AddQueryServiceCommands(root, opts.Query))
	find := func(name string) *cobra.Command {
		c, _, err := root.Find([]string{name})
		require.NoError(t, err, name)
		require.Equal(t, name, c.Name())
		return c
	}
	for _, name := range []string{"params", "show", "list", "by-deployment", "remediation", "overdue", "freezes", "metrics"} {
		find(name)
	}
	list := find("list")
	require.NoError(t, list.Flags().Set("severity", "sev1"))
	require.NoError(t, list.Flags().Set("status", "mitigated"))
	require.NoError(t, list.Flags().Set("opened-from", "2025-03-01T00:00:00Z"))
	require.NoError(t, list.Flags().Set("service", "api"))
	metrics := find("metrics")
	for _, fl := range []string{"service", "environment", "from", "to"} {
		require.NotNil(t, metrics.Flags().Lookup(fl), fl)
	}
	require.NoError(t, metrics.Flags().Set("from", "2025-03-01T00:00:00Z"))
}
