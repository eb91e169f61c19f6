package consortium_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"
	codectestutil "github.com/cosmos/cosmos-sdk/codec/testutil"
	"github.com/cosmos/cosmos-sdk/runtime"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/testutil"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	shiplogparams "github.com/shiplog/shiplog/app/params"
	"github.com/shiplog/shiplog/x/consortium"
	"github.com/shiplog/shiplog/x/consortium/keeper"
	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestMain(m *testing.M) {
	shiplogparams.SetAddressPrefixes()
	os.Exit(m.Run())
}

// fakeAccounts is a stand-in x/auth that already knows every address.
type fakeAccounts struct{}

func (fakeAccounts) HasAccount(context.Context, sdk.AccAddress) bool { return true }
func (fakeAccounts) NewAccountWithAddress(_ context.Context, a sdk.AccAddress) sdk.AccountI {
	return authtypes.NewBaseAccountWithAddress(a)
}
func (fakeAccounts) SetAccount(context.Context, sdk.AccountI)                {}
func (fakeAccounts) GetAccount(context.Context, sdk.AccAddress) sdk.AccountI { return nil }

func newModule(t *testing.T) (consortium.AppModule, sdk.Context, codec.Codec) {
	t.Helper()
	key := storetypes.NewKVStoreKey(types.StoreKey)
	ctx := testutil.DefaultContextWithDB(t, key, storetypes.NewTransientStoreKey("transient_test")).Ctx.
		WithBlockTime(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)).WithBlockHeight(1)
	registry := codectestutil.CodecOptions{AccAddressPrefix: "ship", ValAddressPrefix: "shipvaloper"}.NewInterfaceRegistry()
	types.RegisterInterfaces(registry)
	cdc := codec.NewProtoCodec(registry)
	router := baseapp.NewMsgServiceRouter()
	router.SetInterfaceRegistry(registry)
	ac := addresscodec.NewBech32Codec("ship")
	authority, err := ac.BytesToString(authtypes.NewModuleAddress(types.ModuleName))
	require.NoError(t, err)
	k := keeper.NewKeeper(cdc, runtime.NewKVStoreService(key), ac, fakeAccounts{}, router, authority)
	return consortium.NewAppModule(cdc, k), ctx, cdc
}

func genesisJSON(t *testing.T, cdc codec.Codec, withValidator bool) json.RawMessage {
	gs := types.DefaultGenesis()
	gs.Organizations = []types.Organization{{Id: "acme", Name: "Acme"}}
	admin, err := addresscodec.NewBech32Codec("ship").BytesToString(bytes.Repeat([]byte{1}, 20))
	require.NoError(t, err)
	gs.Members = []types.Member{{Address: admin, OrganizationId: "acme", Roles: []types.Role{types.ROLE_ADMIN}, Active: true}}
	if withValidator {
		gs.Validators = []types.Validator{{Moniker: "acme-1", OrganizationId: "acme", PubKey: bytes.Repeat([]byte{7}, 32), Power: 10}}
	}
	return cdc.MustMarshalJSON(gs)
}

func TestModuleGenesis(t *testing.T) {
	am, ctx, cdc := newModule(t)

	// The default genesis has no validator: a chain cannot start from it.
	require.ErrorIs(t, am.ValidateGenesis(cdc, nil, am.DefaultGenesis(cdc)), types.ErrInvalidGenesis)
	require.NoError(t, am.ValidateGenesis(cdc, nil, genesisJSON(t, cdc, true)))
	require.ErrorContains(t, am.ValidateGenesis(cdc, nil, json.RawMessage(`{"params": 5}`)), "failed to unmarshal consortium genesis")
	require.ErrorIs(t, am.ValidateGenesis(cdc, nil, json.RawMessage(`{"next_proposal_id": "0"}`)), types.ErrInvalidParams)

	// The default genesis validates but cannot start a chain: no validator.
	func() {
		defer func() {
			err, ok := recover().(error)
			require.True(t, ok, "InitGenesis must panic with an error")
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
		}()
		am.InitGenesis(ctx, cdc, genesisJSON(t, cdc, false))
	}()

	updates := am.InitGenesis(ctx, cdc, genesisJSON(t, cdc, true))
	require.Len(t, updates, 1)
	require.EqualValues(t, 10, updates[0].Power)
	require.JSONEq(t, string(genesisJSON(t, cdc, true)), string(am.ExportGenesis(ctx, cdc)))

	end, err := am.EndBlock(ctx)
	require.NoError(t, err)
	require.Empty(t, end)
}

func TestModuleMetadata(t *testing.T) {
	am, _, _ := newModule(t)
	require.Equal(t, types.ModuleName, am.Name())
	require.EqualValues(t, consortium.ConsensusVersion, am.ConsensusVersion())
	require.Equal(t, types.ModuleMsgRoles(), am.MsgRoles())
	require.NotNil(t, am.GetTxCmd())
}

// Every RPC of both services has an autocli decision (a command or Skip), so
// a new message cannot silently appear on, or vanish from, the CLI.
func TestAutoCLICoversEveryRPC(t *testing.T) {
	am, _, _ := newModule(t)
	opts := am.AutoCLIOptions()

	require.Equal(t, types.Query_serviceDesc.ServiceName, opts.Query.Service)
	require.Equal(t, types.Msg_serviceDesc.ServiceName, opts.Tx.Service)

	covered := func(methods []string, rpcs map[string]bool) {
		t.Helper()
		for _, m := range methods {
			require.True(t, rpcs[m], "no autocli option for %s", m)
		}
		require.Len(t, rpcs, len(methods))
	}
	query := map[string]bool{}
	for _, o := range opts.Query.RpcCommandOptions {
		query[o.RpcMethod] = true
	}
	var queryMethods []string
	for _, m := range types.Query_serviceDesc.Methods {
		queryMethods = append(queryMethods, m.MethodName)
	}
	covered(queryMethods, query)

	tx := map[string]bool{}
	for _, o := range opts.Tx.RpcCommandOptions {
		tx[o.RpcMethod] = true
		// Proposal-only messages are never offered as direct transactions.
		if _, memberMsg := types.ModuleMsgRoles()["/shiplog.consortium.v1.Msg"+o.RpcMethod]; !memberMsg {
			require.True(t, o.Skip, "%s needs a proposal and must be skipped", o.RpcMethod)
		}
	}
	var txMethods []string
	for _, m := range types.Msg_serviceDesc.Methods {
		txMethods = append(txMethods, m.MethodName)
	}
	covered(txMethods, tx)
}
