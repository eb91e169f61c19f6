package app

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authkeeper "github.com/cosmos/cosmos-sdk/x/auth/keeper"
	txsigning "github.com/cosmos/cosmos-sdk/x/tx/signing"

	consortiumkeeper "github.com/shiplog/shiplog/x/consortium/keeper"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// AnteOptions are what the fee-less ante chain needs.
type AnteOptions struct {
	// Admission, when set, bounds each member's transactions in the mempool
	// (CheckTx only).
	Admission *AdmissionBound
	// SignatureCache, when set, lets FinalizeBlock skip the signature
	// checks this node already made in CheckTx.
	SignatureCache  *SignatureCache
	Codec           codec.Codec
	AccountKeeper   authkeeper.AccountKeeper
	Consortium      consortiumkeeper.Keeper
	SignModeHandler *txsigning.HandlerMap
	MsgRoles        consortiumtypes.MsgRoles
}

// NewAnteHandler assembles the SDK's decorators without fee deduction (there
// is no bank), rejects any fee, and admits a transaction only when every
// signer of every message is an active member holding the role that message
// needs. The gate runs before the signer's account is read, so a non-member's
// offline-signed transaction gets a membership error, not "account not found".
func NewAnteHandler(opts AnteOptions) (sdk.AnteHandler, error) {
	if opts.SignModeHandler == nil {
		return nil, errorsmod.Wrap(sdkerrors.ErrLogic, "sign mode handler is required")
	}
	decorators := []sdk.AnteDecorator{ante.NewSetUpContextDecorator()}
	if opts.Admission != nil {
		// Before any signature is verified: a flood past the bound costs
		// the node almost nothing.
		decorators = append(decorators, opts.Admission)
	}
	decorators = append(decorators,
		ante.NewValidateBasicDecorator(),
		ante.NewTxTimeoutHeightDecorator(),
		ante.NewValidateMemoDecorator(opts.AccountKeeper),
		ante.NewConsumeGasForTxSizeDecorator(opts.AccountKeeper),
		RejectFeesDecorator{},
		NewMembershipGate(opts.Codec, opts.Consortium, opts.MsgRoles),
		// Its tx.signature and tx.acc_seq events exist for tx_search, which
		// shiplog nodes do not index them for (IndexedEvents); stored with
		// every transaction's result, twice, they were about 200 bytes per
		// single-record transaction. The signatures are in the transaction.
		withoutTxEvents{ante.NewSetPubKeyDecorator(opts.AccountKeeper)},
		NewCanonicalSignatures(opts.AccountKeeper),
		ante.NewValidateSigCountDecorator(opts.AccountKeeper),
		ante.NewSigGasConsumeDecorator(opts.AccountKeeper, ante.DefaultSigVerificationGasConsumer),
	)
	sigVerify := ante.NewSigVerificationDecorator(opts.AccountKeeper, opts.SignModeHandler,
		ante.WithUnorderedTxGasCost(ante.DefaultUnorderedTxGasCost),
		ante.WithMaxUnorderedTxTimeoutDuration(ante.DefaultMaxTimeoutDuration))
	if opts.SignatureCache != nil {
		// Right around the verification: the first skips it for what the
		// second saw verify in CheckTx.
		decorators = append(decorators,
			SkipVerifiedSignatures{cache: opts.SignatureCache, ak: opts.AccountKeeper},
			sigVerify,
			RememberVerifiedSignatures{cache: opts.SignatureCache, ak: opts.AccountKeeper})
	} else {
		decorators = append(decorators, sigVerify)
	}
	decorators = append(decorators, ante.NewIncrementSequenceDecorator(opts.AccountKeeper))
	return sdk.ChainAnteDecorators(decorators...), nil
}

// withoutTxEvents runs a decorator and drops the events of type tx
// (sdk.EventTypeTx) it emits. Any other event it emits reaches the
// transaction's event manager before the rest of the chain runs, so a later
// SDK that adds one to the decorator does not lose it silently.
type withoutTxEvents struct{ sdk.AnteDecorator }

func (d withoutTxEvents) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	events, scratch := ctx.EventManager(), sdk.NewEventManager()
	return d.AnteDecorator.AnteHandle(ctx.WithEventManager(scratch), tx, simulate,
		func(ctx sdk.Context, tx sdk.Tx, simulate bool) (sdk.Context, error) {
			for _, ev := range scratch.Events() {
				if ev.Type != sdk.EventTypeTx {
					events.EmitEvent(ev)
				}
			}
			return next(ctx.WithEventManager(events), tx, simulate)
		})
}

// RejectFeesDecorator refuses transactions that carry a fee or a fee payer:
// without a bank module they would be silently ignored.
type RejectFeesDecorator struct{}

func (RejectFeesDecorator) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "transaction is not a FeeTx")
	}
	if !feeTx.GetFee().IsZero() {
		return ctx, errorsmod.Wrapf(sdkerrors.ErrInvalidRequest, "shiplog has no fees; remove the fee %s", feeTx.GetFee())
	}
	if len(feeTx.FeeGranter()) > 0 {
		return ctx, errorsmod.Wrap(sdkerrors.ErrInvalidRequest, "shiplog has no fees; remove the fee granter")
	}
	return next(ctx, tx, simulate)
}

// MemberChecker is the part of the consortium keeper the gate needs.
type MemberChecker interface {
	RequireRole(ctx context.Context, addr sdk.AccAddress, role consortiumtypes.Role) (consortiumtypes.Member, error)
}

// MembershipGate admits a transaction only when every signer of every
// message holds the role the message's module declared for it.
type MembershipGate struct {
	cdc     codec.Codec
	members MemberChecker
	roles   consortiumtypes.MsgRoles
}

// NewMembershipGate builds the gate from the union of the modules' role tables.
func NewMembershipGate(cdc codec.Codec, members MemberChecker, roles consortiumtypes.MsgRoles) MembershipGate {
	return MembershipGate{cdc: cdc, members: members, roles: roles}
}

func (g MembershipGate) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	// A transaction's signers are the union of its messages' signers, and
	// every message has one at least; with a single signer (a CI job's
	// transaction) each message's signers are exactly that one, already
	// decoded and cached by the transaction, so the per-message decoding
	// below is skipped.
	var only [][]byte
	if withSigners, ok := tx.(interface{ GetSigners() ([][]byte, error) }); ok {
		if txSigners, err := withSigners.GetSigners(); err == nil && len(txSigners) == 1 {
			only = txSigners
		}
	}
	for _, msg := range tx.GetMsgs() {
		typeURL := sdk.MsgTypeURL(msg)
		role, ok := g.roles[typeURL]
		if !ok {
			return ctx, errorsmod.Wrapf(consortiumtypes.ErrMessageNotAllowed,
				"%s is not accepted in transactions (consortium-authority messages go through proposals)", typeURL)
		}
		signers := only
		if signers == nil {
			var err error
			if signers, _, err = g.cdc.GetMsgV1Signers(msg); err != nil {
				return ctx, errorsmod.Wrapf(sdkerrors.ErrTxDecode, "signers of %s: %s", typeURL, err)
			}
		}
		for _, signer := range signers {
			if _, err := g.members.RequireRole(ctx, signer, role); err != nil {
				return ctx, errorsmod.Wrapf(err, "%s needs role %s", typeURL, role.ShortName())
			}
		}
	}
	return next(ctx, tx, simulate)
}
