package app_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	abci "github.com/cometbft/cometbft/abci/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/stretchr/testify/require"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// CheckTx, Info and Query run beside blocks being executed and committed,
// as CometBFT calls them with a lock per ABCI connection: each answers from
// the last committed state, and the blocks commit what they carry. (Run
// with -race, this also checks that nothing they share is written
// unguarded.)
func TestCheckTxAndQueriesBesideBlocks(t *testing.T) {
	c := openNode(t, t.TempDir())
	c.initChain(c.genesis())
	accNum, _ := c.account(c.watcher)
	// The watcher's only transaction is never in a block, so after every
	// commit it is admitted once more, and refused as a replay until the
	// next commit.
	open := c.sign(c.watcher, accNum, 0, nil, &incidentstypes.MsgOpenIncident{Responder: addr(c.watcher), Title: "x"})
	const blocks, perBlock = 20, 5
	txs := make([][][]byte, blocks)
	for b := range txs {
		for i := range perBlock {
			seq := uint64(b*perBlock + i)
			txs[b] = append(txs[b], c.signTxSeq(c.admin, seq, recordMsg(addr(c.admin), fmt.Sprintf("ci-%d", seq))))
		}
	}

	// Record 1 is committed before the readers start.
	c.nextBlock(txs[0]...)
	query, err := (&deploymentstypes.QueryDeploymentRequest{Id: 1}).Marshal()
	require.NoError(t, err)

	var done atomic.Bool
	var wg sync.WaitGroup
	var admitted, refused atomic.Int64
	failures := make(chan string, 100)
	wg.Add(2)
	go func() {
		defer wg.Done()
		for !done.Load() {
			res, err := c.app.CheckTx(&abci.RequestCheckTx{Tx: open, Type: abci.CheckTxType_New})
			switch {
			case err != nil:
				failures <- err.Error()
			case res.Code == 0:
				admitted.Add(1)
			case res.Codespace == sdkerrors.RootCodespace && res.Code == sdkerrors.ErrWrongSequence.ABCICode():
				refused.Add(1)
			default:
				failures <- fmt.Sprintf("CheckTx: code %d: %s", res.Code, res.Log)
			}
		}
	}()
	go func() {
		defer wg.Done()
		last := int64(0)
		for !done.Load() {
			info, err := c.app.Info(&abci.RequestInfo{})
			if err != nil {
				failures <- err.Error()
				continue
			}
			if info.LastBlockHeight < last {
				failures <- fmt.Sprintf("Info went back from height %d to %d", last, info.LastBlockHeight)
			}
			last = info.LastBlockHeight
			q, err := c.app.Query(t.Context(), &abci.RequestQuery{Path: "/shiplog.deployments.v1.Query/Deployment", Data: query})
			if err != nil {
				failures <- err.Error()
			} else if q.Code != 0 {
				failures <- fmt.Sprintf("Query: code %d: %s", q.Code, q.Log)
			}
		}
	}()
	for _, block := range txs[1:] {
		res := c.nextBlock(block...)
		for i, r := range res.TxResults {
			require.Zero(t, r.Code, "tx %d: %s", i, r.Log)
		}
	}
	done.Store(true)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	require.Positive(t, admitted.Load())
	require.Positive(t, refused.Load())
	deployments, err := c.app.DeploymentsKeeper.DeploymentSeq.Peek(c.ctx())
	require.NoError(t, err)
	require.EqualValues(t, blocks*perBlock, deployments)
}
