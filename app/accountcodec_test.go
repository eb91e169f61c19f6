package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
)

func decodeAccount(t *testing.T, c *app.AccountCodec, bz []byte) sdk.AccountI {
	t.Helper()
	var acc sdk.AccountI
	require.NoError(t, c.UnmarshalInterface(bz, &acc))
	return acc
}

func TestAccountCodecHandsOutCopies(t *testing.T) {
	cdc := newChain(t, dbm.NewMemDB()).app.AppCodec()
	key := secp256k1.GenPrivKeyFromSecret([]byte("ci"))
	stored := authtypes.NewBaseAccount(sdk.AccAddress(key.PubKey().Address()), key.PubKey(), 7, 3)
	bz, err := cdc.MarshalInterface(stored)
	require.NoError(t, err)

	c := app.NewAccountCodec(cdc, 4)
	first := decodeAccount(t, c, bz)
	require.Equal(t, 1, c.Len())
	second := decodeAccount(t, c, bz)
	require.Equal(t, 1, c.Len(), "the same bytes are decoded once")
	for _, got := range []sdk.AccountI{first, second} {
		require.Equal(t, stored.String(), got.String())
		require.True(t, key.PubKey().Equals(got.GetPubKey()))
		require.Equal(t, uint64(7), got.GetAccountNumber())
		require.Equal(t, uint64(3), got.GetSequence())
	}
	require.NotSame(t, first, second, "every caller gets its own copy")

	// What one caller changes, as the ante decorators do before SetAccount,
	// is not what the next decode of the same bytes returns.
	other := secp256k1.GenPrivKeyFromSecret([]byte("other"))
	require.NoError(t, first.SetSequence(9))
	require.NoError(t, first.SetAccountNumber(8))
	require.NoError(t, first.SetPubKey(other.PubKey()))
	second.(*authtypes.BaseAccount).PubKey.Value[0]++
	again := decodeAccount(t, c, bz)
	require.Equal(t, uint64(3), again.GetSequence())
	require.Equal(t, uint64(7), again.GetAccountNumber())
	require.True(t, key.PubKey().Equals(again.GetPubKey()))
	require.Equal(t, stored.String(), again.String())
}

func TestAccountCodecKeepsOnlyBaseAccountsAndBounds(t *testing.T) {
	cdc := newChain(t, dbm.NewMemDB()).app.AppCodec()
	module := authtypes.NewEmptyModuleAccount("deployments")
	moduleBz, err := cdc.MarshalInterface(module)
	require.NoError(t, err)

	c := app.NewAccountCodec(cdc, 2)
	got := decodeAccount(t, c, moduleBz)
	require.IsType(t, &authtypes.ModuleAccount{}, got)
	require.Equal(t, module.String(), got.String())
	require.Zero(t, c.Len(), "module accounts are decoded every time")

	var acc sdk.AccountI
	require.Error(t, c.UnmarshalInterface([]byte{0xff, 0x01}, &acc), "bytes that are no account")
	require.Zero(t, c.Len())

	for i := range uint64(3) {
		bz, err := cdc.MarshalInterface(authtypes.NewBaseAccountWithAddress(sdk.AccAddress{byte(i + 1)}))
		require.NoError(t, err)
		decodeAccount(t, c, bz)
	}
	require.Equal(t, 1, c.Len(), "full at 2: starts over")

	off := app.NewAccountCodec(cdc, 0)
	bz, err := cdc.MarshalInterface(authtypes.NewBaseAccountWithAddress(sdk.AccAddress{9}))
	require.NoError(t, err)
	decodeAccount(t, off, bz)
	require.Zero(t, off.Len())
}

// The chain's account keeper decodes through the codec: a read served from
// it costs the gas of a decode (the store is read either way), and every
// change of an account is read back.
func TestAccountReadsThroughTheCodec(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	admin := sdk.AccAddress(c.admin.PubKey().Address())

	gasOfRead := func() storetypes.Gas {
		ctx := c.ctx().WithGasMeter(storetypes.NewInfiniteGasMeter())
		require.NotNil(t, c.app.AccountKeeper.GetAccount(ctx, admin))
		return ctx.GasMeter().GasConsumed()
	}
	first := gasOfRead()
	require.NotZero(t, first)
	require.Equal(t, first, gasOfRead())
	require.NotZero(t, c.app.AccountCodec().Len(), "the keeper decodes through the codec")

	// Ordered transactions change the account in every ante chain (the key
	// is set by the first, the sequence by each); three in one block, two
	// in the next.
	res := c.nextBlock(
		c.signTxSeq(c.admin, 0, recordMsg(addr(c.admin), "seq-0")),
		c.signTxSeq(c.admin, 1, recordMsg(addr(c.admin), "seq-1")),
		c.signTxSeq(c.admin, 2, recordMsg(addr(c.admin), "seq-2")))
	for _, r := range res.TxResults {
		require.Zero(t, r.Code, r.Log)
	}
	res = c.nextBlock(
		c.signTxSeq(c.admin, 3, recordMsg(addr(c.admin), "seq-3")),
		c.signTxSeq(c.admin, 4, recordMsg(addr(c.admin), "seq-4")))
	for _, r := range res.TxResults {
		require.Zero(t, r.Code, r.Log)
	}
	acc := c.app.AccountKeeper.GetAccount(c.ctx(), admin)
	require.Equal(t, uint64(5), acc.GetSequence())
	require.Equal(t, c.admin.PubKey(), acc.GetPubKey())

	// A replayed sequence is refused, and changes nothing.
	stale := c.signTxSeq(c.admin, 4, recordMsg(addr(c.admin), "seq-4-again"))
	require.Equal(t, sdkerrors.ErrWrongSequence.ABCICode(), c.checkTx(stale).Code)
	res = c.nextBlock(stale)
	require.Equal(t, sdkerrors.ErrWrongSequence.ABCICode(), res.TxResults[0].Code)
	require.Equal(t, uint64(5), c.app.AccountKeeper.GetAccount(c.ctx(), admin).GetSequence())
}
