package aiops_test

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
	"github.com/cosmos/cosmos-sdk/types/query"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	"github.com/shiplog/shiplog/x/aiops"
	"github.com/shiplog/shiplog/x/aiops/client/cli"
	"github.com/shiplog/shiplog/x/aiops/keeper"
	"github.com/shiplog/shiplog/x/aiops/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

type allowAll struct{}

func (allowAll) RequireRole(context.Context, sdk.AccAddress, consortiumtypes.Role) (consortiumtypes.Member, error) {
	return consortiumtypes.Member{OrganizationId: "acme", Active: true}, nil
}

type noDeployments struct{}

func (noDeployments) GetDeployment(_ context.Context, id uint64) (deploymentstypes.Deployment, error) {
	return deploymentstypes.Deployment{}, deploymentstypes.ErrNotFound
}

func (noDeployments) HaltDeployment(context.Context, uint64, string, string) error {
	return deploymentstypes.ErrNotFound
}

func (noDeployments) WalkServiceEnvDeployments(context.Context, string, string, func(deploymentstypes.Deployment) (bool, error)) error {
	return nil
}

type noIncidents struct{}

func (noIncidents) GetIncident(context.Context, uint64) (incidentstypes.Incident, error) {
	return incidentstypes.Incident{}, incidentstypes.ErrNotFound
}

func (noIncidents) OpenFromAnomaly(context.Context, string, string, uint64, string, string, string, string, incidentstypes.Severity, time.Time) (uint64, error) {
	return 0, incidentstypes.ErrNotFound
}

func newModule(t *testing.T) (aiops.AppModule, sdk.Context, moduletestutil.TestEncodingConfig) {
	t.Helper()
	encCfg := moduletestutil.MakeTestEncodingConfig(aiops.AppModuleBasic{})
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test")).Ctx
	k := keeper.NewKeeper(encCfg.Codec, runtime.NewKVStoreService(key), addresscodec.NewBech32Codec("ship"), allowAll{}, noDeployments{}, noIncidents{}, "ship1authority")
	return aiops.NewAppModule(encCfg.Codec, k), ctx, encCfg
}

func TestModuleBasics(t *testing.T) {
	am, _, encCfg := newModule(t)
	require.Equal(t, "aiops", am.Name())
	require.Equal(t, uint64(1), am.ConsensusVersion())
	require.Equal(t, types.MsgRoles(), am.MsgRoles())

	for _, name := range []string{"MsgRegisterDetector", "MsgSubmitVerdict", "MsgReportAnomaly", "MsgUpdateParams"} {
		msg, err := encCfg.InterfaceRegistry.Resolve("/shiplog.aiops.v1." + name)
		require.NoError(t, err, name)
		require.Implements(t, (*sdk.Msg)(nil), msg)
		bz, err := encCfg.Amino.MarshalJSON(msg)
		require.NoError(t, err, name)
		require.Contains(t, string(bz), "shiplog/aiops/"+name)
	}
	require.Equal(t, types.ModuleName, am.GetTxCmd().Name())
}

func TestModuleGenesis(t *testing.T) {
	am, ctx, encCfg := newModule(t)
	def := am.DefaultGenesis(encCfg.Codec)
	require.NoError(t, am.ValidateGenesis(encCfg.Codec, nil, def))
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"next_verdict_id":"0"}`)), types.ErrInvalidGenesis)
	require.ErrorIs(t, am.ValidateGenesis(encCfg.Codec, nil, json.RawMessage(`{"verdicts":5}`)), types.ErrInvalidGenesis)

	am.InitGenesis(ctx, encCfg.Codec, def)
	exported := am.ExportGenesis(ctx, encCfg.Codec)
	var a, b bytes.Buffer
	require.NoError(t, json.Compact(&a, def))
	require.NoError(t, json.Compact(&b, exported))
	require.Equal(t, a.String(), b.String())
	require.Contains(t, a.String(), `"halt_quorum":1`)
	require.Panics(t, func() { am.InitGenesis(ctx, encCfg.Codec, json.RawMessage(`{"next_verdict_id":"0"}`)) })
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
	require.NotNil(t, msgRouter.HandlerByTypeURL("/shiplog.aiops.v1.MsgUpdateParams"))
	for _, m := range []string{"Params", "Detector", "Detectors", "Verdict", "Verdicts", "Anomaly", "Anomalies", "Suspects"} {
		require.NotNil(t, queryRouter.Route("/shiplog.aiops.v1.Query/"+m), m)
	}
}

// Every method and positional field the autocli options name exists, and
// autocli builds the query commands with the documented flags.
func TestAutoCLIOptions(t *testing.T) {
	am, _, _ := newModule(t)
	opts := am.AutoCLIOptions()
	require.Equal(t, "shiplog.aiops.v1.Query", opts.Query.Service)
	require.Equal(t, "shiplog.aiops.v1.Msg", opts.Tx.Service)
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
	// As autocli enhances the module's custom query command.
	root := am.GetQueryCmd()
	root.SetContext(context.Background())
	require.NoError(t, b.AddQueryServiceCommands(root, opts.Query))
	find := func(name string) *cobra.Command {
		c, _, err := root.Find([]string{name})
		require.NoError(t, err, name)
		require.Equal(t, name, c.Name())
		return c
	}
	for _, name := range []string{"params", "detector", "detectors", "verdict", "verdicts", "anomaly", "anomalies", "suspects"} {
		find(name)
	}
	verdicts := find("verdicts")
	require.NoError(t, verdicts.Flags().Set("outcome", "fail"))
	require.NoError(t, verdicts.Flags().Set("deployment-id", "4"))
	require.NoError(t, verdicts.Flags().Set("page-limit", "2"))
	req, err := cli.VerdictsRequestFromFlags(verdicts.Flags())
	require.NoError(t, err)
	require.Equal(t, &types.QueryVerdictsRequest{DeploymentId: 4, Outcome: types.OUTCOME_FAIL, Pagination: &query.PageRequest{Limit: 2}}, req)
	require.NoError(t, verdicts.Flags().Set("outcome", "maybe"))
	_, err = cli.VerdictsRequestFromFlags(verdicts.Flags())
	require.ErrorContains(t, err, "want pass, marginal or fail")
	suspects := find("suspects")
	require.NoError(t, suspects.Flags().Set("time", "2026-03-01T00:00:00Z"))
	for _, fl := range []string{"incident-id", "service", "environment", "limit"} {
		require.NotNil(t, suspects.Flags().Lookup(fl), fl)
	}
	require.NoError(t, find("anomalies").Flags().Set("service", "api"))
	require.Equal(t, types.ModuleName, am.GetTxCmd().Name())
}
