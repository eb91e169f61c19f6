package app_test

import (
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	dbm "github.com/cosmos/cosmos-db"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// One member cannot hold more than the bound in this node's mempool; another
// member is still admitted, and the count starts afresh after a commit.
func TestAdmissionBoundPerMember(t *testing.T) {
	c := newChainWithOptions(t, dbm.NewMemDB(), map[string]any{app.AppOptMaxPendingPerMember: 3})
	c.initChain(c.genesis())
	admin := sdk.AccAddress(c.admin.PubKey().Address())
	for seq := range uint64(3) {
		res := c.checkTx(c.signTxSeq(c.admin, seq, recordMsg(addr(c.admin), "")))
		require.Zero(t, res.Code, res.Log)
	}
	require.Equal(t, 3, c.app.Admission().Pending(admin))

	res := c.checkTx(c.signTxSeq(c.admin, 3, recordMsg(addr(c.admin), "")))
	require.Equal(t, sdkerrors.ErrMempoolIsFull.ABCICode(), res.Code)
	require.Equal(t, sdkerrors.RootCodespace, res.Codespace)
	require.Contains(t, res.Log, addr(c.admin)+" already has 3 transactions waiting")
	require.Contains(t, res.Log, "at most 3 per member")

	// Another member is admitted.
	open := &incidentstypes.MsgOpenIncident{Responder: addr(c.watcher), Title: "x"}
	res = c.checkTx(c.signTx(c.watcher, nil, open))
	require.Zero(t, res.Code, res.Log)

	// A re-check after a commit counts a waiting transaction but never
	// refuses it for the bound.
	c.nextBlock()
	require.Zero(t, c.app.Admission().Pending(admin))
	recheck, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: c.signTxSeq(c.admin, 0, recordMsg(addr(c.admin), "")), Type: abci.CheckTxType_Recheck})
	require.NoError(t, err)
	require.Zero(t, recheck.Code, recheck.Log)
	require.Equal(t, 1, c.app.Admission().Pending(admin))
}

// A block is filled round robin by signer: a member with many waiting
// transactions gets one slot in turn, so another member's transaction is in
// the next block.
func TestFairPrepareProposal(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	var flood [][]byte
	for seq := range uint64(5) {
		flood = append(flood, c.signTxSeq(c.admin, seq, recordMsg(addr(c.admin), "")))
	}
	other := c.signTx(c.watcher, nil, &incidentstypes.MsgOpenIncident{Responder: addr(c.watcher), Title: "x"})
	txs := append(append([][]byte{}, flood...), other)
	three := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{flood[0], flood[1], other})

	res, err := c.app.PrepareProposal(&abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: three, Height: c.height + 1, Time: c.time})
	require.NoError(t, err)
	require.Equal(t, [][]byte{flood[0], other, flood[1]}, res.Txs)

	// With room for everything, every transaction is kept, each signer's
	// in its own order.
	res, err = c.app.PrepareProposal(&abci.RequestPrepareProposal{Txs: txs, MaxTxBytes: 1 << 20, Height: c.height + 1, Time: c.time})
	require.NoError(t, err)
	require.Equal(t, [][]byte{flood[0], other, flood[1], flood[2], flood[3], flood[4]}, res.Txs)

	// Undecodable bytes are left out.
	res, err = c.app.PrepareProposal(&abci.RequestPrepareProposal{Txs: [][]byte{{0x01, 0x02}, other}, MaxTxBytes: 1 << 20, Height: c.height + 1, Time: c.time})
	require.NoError(t, err)
	require.Equal(t, [][]byte{other}, res.Txs)
}
