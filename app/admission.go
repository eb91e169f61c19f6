package app

import (
	"sync"

	errorsmod "cosmossdk.io/errors"
	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// DefaultMaxPendingPerMember is how many transactions of one signer a node's
// mempool admits between two blocks unless app.toml says otherwise
// (shiplog.max-pending-per-member). It is well below the mempool's size
// (5,000), so one member flooding a node cannot fill it and starve the
// others; a batch of 100 records counts as one transaction.
const DefaultMaxPendingPerMember = 1000

// AppOptMaxPendingPerMember is the app.toml key of the bound.
const AppOptMaxPendingPerMember = "shiplog.max-pending-per-member"

// AdmissionBound is the per-member admission bound of this node's mempool.
// In CheckTx it counts, per signer, the transactions admitted since the last
// commit plus those CometBFT re-checks after it (the ones still waiting), and
// refuses a new transaction of a signer that already has limit of them. It
// is local admission control, never part of consensus: a block may hold any
// number of a member's transactions.
type AdmissionBound struct {
	limit int

	mu      sync.Mutex
	pending map[string]int
}

// NewAdmissionBound builds the bound; limit 0 disables it.
func NewAdmissionBound(limit int) *AdmissionBound {
	return &AdmissionBound{limit: limit, pending: map[string]int{}}
}

// Reset forgets the counts; the app calls it after each commit, before
// CometBFT re-checks the transactions still in the mempool.
func (b *AdmissionBound) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	clear(b.pending)
}

// Pending is the count of signer (address bytes) since the last commit.
func (b *AdmissionBound) Pending(signer sdk.AccAddress) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pending[string(signer)]
}

// AnteHandle refuses a new transaction whose signer is at the bound, before
// any signature is verified, and counts the transaction once the rest of
// the chain admitted it.
func (b *AdmissionBound) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	mode := ctx.ExecMode()
	if b.limit <= 0 || simulate || (mode != sdk.ExecModeCheck && mode != sdk.ExecModeReCheck) {
		return next(ctx, tx, simulate)
	}
	sigTx, ok := tx.(authsigning.SigVerifiableTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "transaction has no signers")
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return ctx, errorsmod.Wrapf(sdkerrors.ErrTxDecode, "signers: %s", err)
	}
	if mode == sdk.ExecModeCheck {
		b.mu.Lock()
		for _, s := range signers {
			if n := b.pending[string(s)]; n >= b.limit {
				b.mu.Unlock()
				return ctx, errorsmod.Wrapf(sdkerrors.ErrMempoolIsFull,
					"member %s already has %d transactions waiting in this node's mempool (at most %d per member); retry after the next block",
					sdk.AccAddress(s), n, b.limit)
			}
		}
		b.mu.Unlock()
	}
	newCtx, err := next(ctx, tx, simulate)
	if err != nil {
		return newCtx, err
	}
	b.mu.Lock()
	for _, s := range signers {
		b.pending[string(s)]++
	}
	b.mu.Unlock()
	return newCtx, nil
}

// Commit writes the block's transactions to the transaction index, commits
// the block while the deployments index takes its changes, then lets the
// admission bound count afresh and starts a generation of the
// decoded-transaction cache: CometBFT re-checks the transactions still
// waiting right after a commit, and those re-checks rebuild the counts and
// keep their transactions cached.
func (app *App) Commit() (*abci.ResponseCommit, error) {
	app.commitTxIndex()
	indexed := app.indexBlock()
	res, err := app.BaseApp.Commit()
	indexed()
	app.admission.Reset()
	app.txCache.Rotate()
	return res, err
}

// Admission is the node's per-member admission bound.
func (app *App) Admission() *AdmissionBound { return app.admission }
