package app

import (
	abci "github.com/cometbft/cometbft/abci/types"
	cmttypes "github.com/cometbft/cometbft/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// FairPrepareProposal builds a block from the mempool's transactions taking
// them round robin by first signer: one of each member in turn, each member's
// own transactions in mempool order. A member with thousands of transactions
// waiting then fills only its share of a full block, and another member's
// transaction goes into the next block. The block's byte and gas limits are
// respected as CometBFT counts them; a member whose next transaction does not
// fit gets nothing more in this block (its later transactions may depend on
// that one). Undecodable transactions are left out.
func FairPrepareProposal(decode sdk.TxDecoder) sdk.PrepareProposalHandler {
	return func(ctx sdk.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
		var maxGas int64 = -1
		if block := ctx.ConsensusParams().Block; block != nil {
			maxGas = block.MaxGas
		}
		type member struct {
			txs  [][]byte
			gas  []int64
			next int
		}
		var order []string
		members := map[string]*member{}
		for _, bz := range req.Txs {
			tx, err := decode(bz)
			if err != nil {
				continue
			}
			sigTx, ok := tx.(authsigning.SigVerifiableTx)
			if !ok {
				continue
			}
			signers, err := sigTx.GetSigners()
			if err != nil || len(signers) == 0 {
				continue
			}
			var gas int64
			if feeTx, ok := tx.(sdk.FeeTx); ok {
				gas = int64(feeTx.GetGas())
			}
			key := string(signers[0])
			m, seen := members[key]
			if !seen {
				m = &member{}
				members[key] = m
				order = append(order, key)
			}
			m.txs = append(m.txs, bz)
			m.gas = append(m.gas, gas)
		}

		var out [][]byte
		var size, gas int64
		for progress := true; progress; {
			progress = false
			for _, key := range order {
				m := members[key]
				if m.next >= len(m.txs) {
					continue
				}
				bz, g := m.txs[m.next], m.gas[m.next]
				txSize := cmttypes.ComputeProtoSizeForTxs([]cmttypes.Tx{bz})
				if size+txSize > req.MaxTxBytes || (maxGas >= 0 && gas+g > maxGas) {
					m.next = len(m.txs)
					continue
				}
				out = append(out, bz)
				size += txSize
				gas += g
				m.next++
				progress = true
			}
		}
		return &abci.ResponsePrepareProposal{Txs: out}, nil
	}
}
