package app_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"cosmossdk.io/log/v2"
	abci "github.com/cometbft/cometbft/abci/types"
	cmted25519 "github.com/cometbft/cometbft/crypto/ed25519"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/client"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	servertypes "github.com/cosmos/cosmos-sdk/server/types"
	simtestutil "github.com/cosmos/cosmos-sdk/testutil/sims"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	consensustypes "github.com/cosmos/cosmos-sdk/x/consensus/types"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

const chainID = "shiplog-test-1"

var digest = "sha256:" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// chain drives a real app.App through InitChain, CheckTx, FinalizeBlock and
// Commit, as CometBFT would.
type chain struct {
	t       *testing.T
	app     *app.App
	db      dbm.DB
	height  int64
	time    time.Time
	admin   cryptotypes.PrivKey // every role in org "acme"
	watcher cryptotypes.PrivKey // member of "acme" with role responder only
	outside cryptotypes.PrivKey // not a member
	valKey  cmted25519.PrivKey
}

func addr(k cryptotypes.PrivKey) string { return sdk.AccAddress(k.PubKey().Address()).String() }

func newChain(t *testing.T, db dbm.DB) *chain {
	t.Helper()
	return newChainWithOptions(t, db, nil)
}

// newChainWithOptions is newChain with app.toml options and more BaseApp
// options set.
func newChainWithOptions(t *testing.T, db dbm.DB, opts map[string]any, baseOpts ...func(*baseapp.BaseApp)) *chain {
	t.Helper()
	c := &chain{
		t: t, db: db, time: time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC),
		admin:   secp256k1.GenPrivKeyFromSecret([]byte("admin")),
		watcher: secp256k1.GenPrivKeyFromSecret([]byte("watcher")),
		outside: secp256k1.GenPrivKeyFromSecret([]byte("outsider")),
		valKey:  cmted25519.GenPrivKeyFromSecret([]byte("validator")),
	}
	appOpts := simtestutil.NewAppOptionsWithFlagHome(t.TempDir()).(simtestutil.AppOptionsMap)
	for k, v := range opts {
		appOpts[k] = v
	}
	c.app = app.New(log.NewNopLogger(), db, true, appOpts, append(baseOpts, baseapp.SetChainID(chainID))...)
	return c
}

func (c *chain) genesis() map[string]json.RawMessage {
	gen := c.app.DefaultGenesis()
	cs := consortiumtypes.DefaultGenesis()
	cs.Organizations = []consortiumtypes.Organization{{Id: "acme", Name: "Acme"}}
	cs.Members = []consortiumtypes.Member{
		{Address: addr(c.admin), OrganizationId: "acme", Roles: consortiumtypes.AllRoles, Active: true},
		{Address: addr(c.watcher), OrganizationId: "acme", Roles: []consortiumtypes.Role{consortiumtypes.ROLE_RESPONDER}, Active: true},
	}
	cs.Validators = []consortiumtypes.Validator{{Moniker: "val-1", OrganizationId: "acme", PubKey: c.valKey.PubKey().Bytes(), Power: 10}}
	gen[consortiumtypes.ModuleName] = c.app.AppCodec().MustMarshalJSON(cs)
	return gen
}

func consensusParams() *cmtproto.ConsensusParams {
	p := cmttypes.DefaultConsensusParams().ToProto()
	p.Block.MaxGas = app.DefaultBlockMaxGas
	p.Validator.PubKeyTypes = []string{cmttypes.ABCIPubKeyTypeEd25519}
	return &p
}

func (c *chain) initChain(state map[string]json.RawMessage) *abci.ResponseInitChain {
	c.t.Helper()
	return c.initChainAt(state, 1)
}

// importChain starts the chain from another's export, at the height after
// the exported one, as `shiplogd export` sets the genesis initial_height.
func (c *chain) importChain(exported servertypes.ExportedApp) *abci.ResponseInitChain {
	c.t.Helper()
	var state map[string]json.RawMessage
	require.NoError(c.t, json.Unmarshal(exported.AppState, &state))
	return c.initChainAt(state, exported.Height+1)
}

// initChainAt runs InitChain with state for a chain whose first block is
// initialHeight, and commits that block.
func (c *chain) initChainAt(state map[string]json.RawMessage, initialHeight int64) *abci.ResponseInitChain {
	c.t.Helper()
	bz, err := json.Marshal(state)
	require.NoError(c.t, err)
	c.height = initialHeight - 1
	res, err := c.app.InitChain(&abci.RequestInitChain{
		ChainId: chainID, Time: c.time, AppStateBytes: bz, ConsensusParams: consensusParams(), InitialHeight: initialHeight,
	})
	require.NoError(c.t, err)
	c.nextBlock()
	return res
}

// nextBlock finalises and commits a block with the given txs.
func (c *chain) nextBlock(txs ...[]byte) *abci.ResponseFinalizeBlock {
	c.t.Helper()
	c.height++
	c.time = c.time.Add(time.Second)
	res, err := c.app.FinalizeBlock(&abci.RequestFinalizeBlock{Height: c.height, Time: c.time, Txs: txs})
	require.NoError(c.t, err)
	_, err = c.app.Commit()
	require.NoError(c.t, err)
	return res
}

func (c *chain) ctx() sdk.Context {
	return c.app.NewContextLegacy(true, cmtproto.Header{Height: c.app.LastBlockHeight(), Time: c.time})
}

// signTx signs msgs with key (direct mode), reading account number and
// sequence from the committed state; an unknown account signs as number 0.
func (c *chain) signTx(key cryptotypes.PrivKey, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	accNum, seq := c.account(key)
	return c.sign(key, accNum, seq, fee, msgs...)
}

// signTxSeq signs with an explicit sequence, for several txs of one signer in a block.
func (c *chain) signTxSeq(key cryptotypes.PrivKey, seq uint64, msgs ...sdk.Msg) []byte {
	accNum, _ := c.account(key)
	return c.sign(key, accNum, seq, nil, msgs...)
}

// signBig signs a transaction that needs more than the default gas limit.
func (c *chain) signBig(key cryptotypes.PrivKey, seq uint64, msgs ...sdk.Msg) []byte {
	accNum, _ := c.account(key)
	return c.signGas(key, accNum, seq, 20_000_000, nil, msgs...)
}

func (c *chain) account(key cryptotypes.PrivKey) (accNum, seq uint64) {
	if acc := c.app.AccountKeeper.GetAccount(c.ctx(), sdk.AccAddress(key.PubKey().Address())); acc != nil {
		return acc.GetAccountNumber(), acc.GetSequence()
	}
	return 0, 0
}

func (c *chain) sign(key cryptotypes.PrivKey, accNum, seq uint64, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	return c.signGas(key, accNum, seq, 1_000_000, fee, msgs...)
}

func (c *chain) signGas(key cryptotypes.PrivKey, accNum, seq, gas uint64, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	return c.signMode(key, signing.SignMode_SIGN_MODE_DIRECT, accNum, seq, gas, fee, msgs...)
}

func (c *chain) signMode(key cryptotypes.PrivKey, mode signing.SignMode, accNum, seq, gas uint64, fee sdk.Coins, msgs ...sdk.Msg) []byte {
	b := c.app.TxConfig().NewTxBuilder()
	require.NoError(c.t, b.SetMsgs(msgs...))
	b.SetGasLimit(gas)
	b.SetFeeAmount(fee)
	return c.signBuilt(b, key, mode, accNum, seq)
}

// signUnordered signs an unordered transaction, which x/auth tells apart
// from others of key's by its timeout; memo makes its bytes differ.
func (c *chain) signUnordered(key cryptotypes.PrivKey, timeout time.Time, memo string, msgs ...sdk.Msg) []byte {
	accNum, _ := c.account(key)
	b := c.app.TxConfig().NewTxBuilder()
	require.NoError(c.t, b.SetMsgs(msgs...))
	b.SetGasLimit(1_000_000)
	b.SetUnordered(true)
	b.SetTimeoutTimestamp(timeout)
	b.SetMemo(memo)
	return c.signBuilt(b, key, signing.SignMode_SIGN_MODE_DIRECT, accNum, 0)
}

// signBuilt signs b with key as the only signer and encodes it.
func (c *chain) signBuilt(b client.TxBuilder, key cryptotypes.PrivKey, mode signing.SignMode, accNum, seq uint64) []byte {
	txCfg := c.app.TxConfig()
	sig := signing.SignatureV2{PubKey: key.PubKey(), Data: &signing.SingleSignatureData{SignMode: mode}, Sequence: seq}
	require.NoError(c.t, b.SetSignatures(sig))
	signBytes, err := authsign.GetSignBytesAdapter(context.Background(), txCfg.SignModeHandler(), mode,
		authsign.SignerData{Address: addr(key), ChainID: chainID, AccountNumber: accNum, Sequence: seq, PubKey: key.PubKey()}, b.GetTx())
	require.NoError(c.t, err)
	sig.Data.(*signing.SingleSignatureData).Signature, err = key.Sign(signBytes)
	require.NoError(c.t, err)
	require.NoError(c.t, b.SetSignatures(sig))
	bz, err := txCfg.TxEncoder()(b.GetTx())
	require.NoError(c.t, err)
	return bz
}

// signMulti signs msgs with every key (direct mode, committed account
// numbers and sequences).
func (c *chain) signMulti(keys []cryptotypes.PrivKey, msgs ...sdk.Msg) []byte {
	txCfg := c.app.TxConfig()
	b := txCfg.NewTxBuilder()
	require.NoError(c.t, b.SetMsgs(msgs...))
	b.SetGasLimit(2_000_000)
	sigs := make([]signing.SignatureV2, len(keys))
	for i, k := range keys {
		_, seq := c.account(k)
		sigs[i] = signing.SignatureV2{PubKey: k.PubKey(), Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}, Sequence: seq}
	}
	require.NoError(c.t, b.SetSignatures(sigs...))
	for i, k := range keys {
		accNum, seq := c.account(k)
		signBytes, err := authsign.GetSignBytesAdapter(context.Background(), txCfg.SignModeHandler(), signing.SignMode_SIGN_MODE_DIRECT,
			authsign.SignerData{Address: addr(k), ChainID: chainID, AccountNumber: accNum, Sequence: seq, PubKey: k.PubKey()}, b.GetTx())
		require.NoError(c.t, err)
		sigs[i].Data.(*signing.SingleSignatureData).Signature, err = k.Sign(signBytes)
		require.NoError(c.t, err)
	}
	require.NoError(c.t, b.SetSignatures(sigs...))
	bz, err := txCfg.TxEncoder()(b.GetTx())
	require.NoError(c.t, err)
	return bz
}

func (c *chain) checkTx(tx []byte) *abci.ResponseCheckTx {
	c.t.Helper()
	res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: tx, Type: abci.CheckTxType_New})
	require.NoError(c.t, err)
	return res
}

func recordMsg(deployer, externalID string) *deploymentstypes.MsgRecordDeployment {
	return &deploymentstypes.MsgRecordDeployment{
		Deployer: deployer, Service: "checkout", Environment: "production", Version: "1.4.2",
		Artifacts:  []deploymentstypes.Artifact{{Name: "app", Digest: digest}},
		Source:     deploymentstypes.Source{Repository: "https://git.example.com/shop/checkout", Commit: "4f2a9c1"},
		Strategy:   deploymentstypes.STRATEGY_CANARY,
		ExternalId: externalID,
	}
}

func TestGenesisValidatorSetComesFromConsortium(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	res := c.initChain(c.genesis())
	require.Len(t, res.Validators, 1)
	require.Equal(t, int64(10), res.Validators[0].Power)
	require.Equal(t, c.valKey.PubKey().Bytes(), res.Validators[0].PubKey.GetEd25519())
	// Members got auth accounts so they can sign with the normal CLI.
	require.NotNil(t, c.app.AccountKeeper.GetAccount(c.ctx(), sdk.AccAddress(c.admin.PubKey().Address())))
}

func TestRecordDeploymentThroughFinalizeBlock(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())

	adminAddr := sdk.AccAddress(c.admin.PubKey().Address())
	require.Nil(t, c.app.AccountKeeper.GetAccount(c.ctx(), adminAddr).GetPubKey(), "a member's account starts without a key")
	tx := c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1"))
	require.Zero(t, c.checkTx(tx).Code)
	res := c.nextBlock(tx)
	require.Len(t, res.TxResults, 1)
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	// The first transaction stores the signer's key, without the SDK's
	// tx.signature and tx.acc_seq events (not indexed, so only bytes).
	require.Equal(t, c.admin.PubKey(), c.app.AccountKeeper.GetAccount(c.ctx(), adminAddr).GetPubKey())
	require.NotContains(t, eventTypes(res.TxResults[0]), sdk.EventTypeTx)
	require.Contains(t, eventTypes(res.TxResults[0]), sdk.EventTypeMessage)

	got, err := c.app.DeploymentsKeeper.Deployments.Get(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, "checkout", got.Service)
	require.Equal(t, "acme", got.OrganizationId)
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS, got.Status)
	require.Equal(t, c.height, got.CreatedHeight)

	var sawEvent bool
	for _, ev := range res.TxResults[0].Events {
		sawEvent = sawEvent || ev.Type == "shiplog.deployments.v1.EventDeploymentRecorded"
	}
	require.True(t, sawEvent, "typed event for orchestrators")
}

func TestMembershipGate(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	notMember := consortiumtypes.ErrNotMember
	missingRole := consortiumtypes.ErrMissingRole

	cases := []struct {
		name     string
		tx       []byte
		code     uint32
		space    string
		contains []string
	}{
		{"non-member offline-signed", c.signTx(c.outside, nil, recordMsg(addr(c.outside), "x")),
			notMember.ABCICode(), notMember.Codespace(), []string{addr(c.outside), "deployer"}},
		{"member without deployer role", c.signTx(c.watcher, nil, recordMsg(addr(c.watcher), "x")),
			missingRole.ABCICode(), missingRole.Codespace(), []string{addr(c.watcher), "deployer"}},
		{"authority message sent directly", c.signTx(c.admin, nil, &consortiumtypes.MsgAddOrganization{
			Authority: addr(c.admin), Organization: consortiumtypes.Organization{Id: "evil", Name: "Evil"}}),
			consortiumtypes.ErrMessageNotAllowed.ABCICode(), consortiumtypes.ModuleName, []string{"MsgAddOrganization"}},
		{"fee attached", c.signTx(c.admin, sdk.NewCoins(sdk.NewInt64Coin("ship", 5)), recordMsg(addr(c.admin), "x")),
			sdkerrors.ErrInvalidRequest.ABCICode(), sdkerrors.RootCodespace, []string{"no fees"}},
	}
	// Two signers: each message's own signers are checked, so the
	// responder's record is refused although the admin may record.
	cases = append(cases, struct {
		name     string
		tx       []byte
		code     uint32
		space    string
		contains []string
	}{"second signer without deployer role", c.signMulti([]cryptotypes.PrivKey{c.admin, c.watcher},
		recordMsg(addr(c.admin), "x"), recordMsg(addr(c.watcher), "y")),
		missingRole.ABCICode(), missingRole.Codespace(), []string{addr(c.watcher), "deployer"}})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.checkTx(tc.tx)
			require.Equal(t, tc.code, res.Code, res.Log)
			require.Equal(t, tc.space, res.Codespace, res.Log)
			for _, s := range tc.contains {
				require.Contains(t, res.Log, s)
			}
			// A proposer that skips CheckTx still cannot get it executed.
			block := c.nextBlock(tc.tx)
			require.Equal(t, tc.code, block.TxResults[0].Code)
			_, err := c.app.DeploymentsKeeper.Deployments.Get(c.ctx(), 1)
			require.Error(t, err, "nothing recorded")
		})
	}
}

func TestProposalChangesMembership(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	newcomer := secp256k1.GenPrivKeyFromSecret([]byte("globex-admin"))
	authority := authtypes.NewModuleAddress(consortiumtypes.ModuleName).String()
	msgs := []sdk.Msg{
		&consortiumtypes.MsgAddOrganization{Authority: authority, Organization: consortiumtypes.Organization{Id: "globex", Name: "Globex"}},
		&consortiumtypes.MsgSetMember{Authority: authority, Member: consortiumtypes.Member{
			Address: addr(newcomer), OrganizationId: "globex", Roles: []consortiumtypes.Role{consortiumtypes.ROLE_ADMIN, consortiumtypes.ROLE_DEPLOYER}}},
	}
	anys := make([]*codectypes.Any, len(msgs))
	for i, m := range msgs {
		var err error
		anys[i], err = codectypes.NewAnyWithValue(m)
		require.NoError(t, err)
	}
	propose := &consortiumtypes.MsgSubmitProposal{Proposer: addr(c.admin), Title: "Admit globex", Messages: anys}
	res := c.nextBlock(c.signTx(c.admin, nil, propose))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)

	// One organisation: its own approval passes the proposal at once.
	p, err := c.app.ConsortiumKeeper.Proposals.Get(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, consortiumtypes.PROPOSAL_STATUS_EXECUTED, p.Status, p.FailureReason)

	// The new member exists, has an account and can record deployments.
	res = c.nextBlock(c.signTx(newcomer, nil, recordMsg(addr(newcomer), "globex-1")))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	d, err := c.app.DeploymentsKeeper.Deployments.Get(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, "globex", d.OrganizationId)
}

func TestExportImportRoundTrip(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	c.nextBlock(c.signTx(c.admin, nil, &deploymentstypes.MsgUpdateDeploymentStatus{
		Deployer: addr(c.admin), Id: 1, Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED, Reason: "healthy"}))

	exported, err := c.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)

	c2 := newChain(t, dbm.NewMemDB())
	res := c2.importChain(exported)
	require.Len(t, res.Validators, 1)

	again, err := c2.app.ExportAppStateAndValidators(false, nil, nil)
	require.NoError(t, err)
	for _, module := range []string{consortiumtypes.ModuleName, deploymentstypes.ModuleName} {
		var a, b map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(exported.AppState, &a))
		require.NoError(t, json.Unmarshal(again.AppState, &b))
		require.JSONEq(t, string(a[module]), string(b[module]), module)
	}
	// The imported chain keeps idempotency: the same external id is a replay.
	d, err := c2.app.DeploymentsKeeper.Deployments.Get(c2.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED, d.Status)
	require.Len(t, d.Transitions, 2)
	// The genesis records reached the imported node's deployments index
	// with the first block's committed writes.
	require.Equal(t, []uint64{1}, listIDs(t, c2, &deploymentstypes.QueryDeploymentsRequest{Environment: "production"}))
	require.Equal(t, []uint64{1}, listIDs(t, c2, &deploymentstypes.QueryDeploymentsRequest{Status: deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED}))
}

// TestRestartWithEmptyModuleStore reopens a pebble database whose
// deployments store has never been written: an empty IAVL root must not
// break loading or queries (it does with goleveldb, cosmos/iavl#939).
func TestRestartWithEmptyModuleStore(t *testing.T) {
	dir := t.TempDir()
	db, err := appdb.Open(dir, dbm.PebbleDBBackend)
	require.NoError(t, err)
	c := newChain(t, db)
	c.initChain(c.genesis())
	c.nextBlock()
	height := c.app.LastBlockHeight()
	require.NoError(t, c.app.Close())

	db2, err := appdb.Open(dir, dbm.PebbleDBBackend)
	require.NoError(t, err)
	reopened := app.New(log.NewNopLogger(), db2, true, simtestutil.NewAppOptionsWithFlagHome(t.TempDir()), baseapp.SetChainID(chainID))
	require.Equal(t, height, reopened.LastBlockHeight())
	ctx := reopened.NewContextLegacy(true, cmtproto.Header{Height: height})
	_, err = reopened.DeploymentsKeeper.Deployments.Get(ctx, 1)
	require.Error(t, err)
	m, err := reopened.ConsortiumKeeper.GetMember(ctx, sdk.AccAddress(c.admin.PubKey().Address()))
	require.NoError(t, err)
	require.True(t, m.Active)
	require.NoError(t, reopened.Close())
}

// TestConsortiumAuthorisesUpgradesAndConsensusParams: x/upgrade and
// x/consensus answer to the consortium account, so their admin messages run
// through proposals (and only through them).
func TestConsortiumAuthorisesUpgradesAndConsensusParams(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	authority := authtypes.NewModuleAddress(consortiumtypes.ModuleName).String()

	params := consensusParams()
	params.Block.MaxGas = 100_000_000
	msgs := []sdk.Msg{
		&upgradetypes.MsgSoftwareUpgrade{Authority: authority, Plan: upgradetypes.Plan{Name: "v2", Height: 1000}},
		&consensustypes.MsgUpdateParams{Authority: authority, Block: params.Block, Evidence: params.Evidence,
			Validator: params.Validator, Abci: params.Abci},
	}
	anys := make([]*codectypes.Any, len(msgs))
	for i, m := range msgs {
		var err error
		anys[i], err = codectypes.NewAnyWithValue(m)
		require.NoError(t, err)
	}
	res := c.nextBlock(c.signTx(c.admin, nil, &consortiumtypes.MsgSubmitProposal{Proposer: addr(c.admin), Title: "v2 upgrade", Messages: anys}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	p, err := c.app.ConsortiumKeeper.Proposals.Get(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, consortiumtypes.PROPOSAL_STATUS_EXECUTED, p.Status, p.FailureReason)

	plan, err := c.app.UpgradeKeeper.GetUpgradePlan(c.ctx())
	require.NoError(t, err)
	require.Equal(t, "v2", plan.Name)
	cp, err := c.app.ConsensusKeeper.ParamsStore.Get(c.ctx())
	require.NoError(t, err)
	require.Equal(t, int64(100_000_000), cp.Block.MaxGas)

	// Sent directly, the same message is refused by the gate.
	direct := c.checkTx(c.signTx(c.admin, nil, msgs[0]))
	require.Equal(t, consortiumtypes.ErrMessageNotAllowed.ABCICode(), direct.Code, direct.Log)
}
