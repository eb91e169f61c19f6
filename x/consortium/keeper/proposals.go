package keeper

import (
	"context"
	"fmt"
	"slices"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// submitProposal stores a new proposal approved by the proposer's
// organisation, and executes it at once if that approval alone passes it.
func (k Keeper) submitProposal(ctx context.Context, proposer types.Member, msg *types.MsgSubmitProposal) (types.Proposal, error) {
	if err := types.ValidateProposalText(msg.Title, msg.Summary); err != nil {
		return types.Proposal{}, err
	}
	if err := k.validateProposalMessages(msg.Messages); err != nil {
		return types.Proposal{}, err
	}
	params, err := k.Params.Get(ctx)
	if err != nil {
		return types.Proposal{}, err
	}
	id, err := k.ProposalSeq.Next(ctx)
	if err != nil {
		return types.Proposal{}, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p := types.Proposal{
		Id:             id,
		Proposer:       proposer.Address,
		OrganizationId: proposer.OrganizationId,
		Title:          msg.Title,
		Summary:        msg.Summary,
		Messages:       msg.Messages,
		Status:         types.PROPOSAL_STATUS_OPEN,
		Approvals:      []types.Approval{{OrganizationId: proposer.OrganizationId, Approver: proposer.Address, Height: sdkCtx.BlockHeight()}},
		SubmitTime:     sdkCtx.BlockTime(),
		ExpiryTime:     sdkCtx.BlockTime().Add(params.ProposalLifetime),
		SubmitHeight:   sdkCtx.BlockHeight(),
	}
	if err := k.ExpiryQueue.Set(ctx, collections.Join(p.ExpiryTime, p.Id)); err != nil {
		return p, err
	}
	msgTypes := make([]string, len(p.Messages))
	for i, m := range p.Messages {
		msgTypes[i] = m.TypeUrl
	}
	if err := sdkCtx.EventManager().EmitTypedEvent(&types.EventProposalSubmitted{
		ProposalId: p.Id, Proposer: p.Proposer, OrganizationId: p.OrganizationId, MessageTypes: msgTypes,
	}); err != nil {
		return p, err
	}
	return k.tallyAndMaybeExecute(ctx, p, params)
}

// validateProposalMessages accepts only messages the consortium authority
// signs alone and that the router can execute.
func (k Keeper) validateProposalMessages(msgs []*codectypes.Any) error {
	if len(msgs) == 0 || len(msgs) > types.MaxProposalMessages {
		return errorsmod.Wrapf(types.ErrInvalidProposal, "a proposal carries 1 to %d messages, got %d", types.MaxProposalMessages, len(msgs))
	}
	authority, err := k.addressCodec.StringToBytes(k.authority)
	if err != nil {
		return err
	}
	for i, anyMsg := range msgs {
		msg, ok := anyMsg.GetCachedValue().(sdk.Msg)
		if !ok {
			return errorsmod.Wrapf(types.ErrInvalidProposal, "message %d (%s) is not a known message type", i, anyMsg.TypeUrl)
		}
		signers, _, err := k.cdc.GetMsgV1Signers(msg)
		if err != nil {
			return errorsmod.Wrapf(types.ErrInvalidProposal, "message %d (%s): %s", i, anyMsg.TypeUrl, err)
		}
		if len(signers) != 1 || !sdk.AccAddress(signers[0]).Equals(sdk.AccAddress(authority)) {
			return errorsmod.Wrapf(types.ErrInvalidProposal,
				"message %d (%s) must be signed by the consortium authority %s alone", i, anyMsg.TypeUrl, k.authority)
		}
		if k.router.Handler(msg) == nil {
			return errorsmod.Wrapf(types.ErrInvalidProposal, "message %d (%s) has no handler", i, anyMsg.TypeUrl)
		}
	}
	return nil
}

// approveProposal adds the approver's organisation's vote.
func (k Keeper) approveProposal(ctx context.Context, approver types.Member, id uint64) (types.Proposal, error) {
	p, err := k.openProposal(ctx, id)
	if err != nil {
		return p, err
	}
	if slices.ContainsFunc(p.Approvals, func(a types.Approval) bool { return a.OrganizationId == approver.OrganizationId }) {
		return p, errorsmod.Wrapf(types.ErrAlreadyApproved, "%s already approved proposal %d", approver.OrganizationId, id)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p.Approvals = append(p.Approvals, types.Approval{OrganizationId: approver.OrganizationId, Approver: approver.Address, Height: sdkCtx.BlockHeight()})
	params, err := k.Params.Get(ctx)
	if err != nil {
		return p, err
	}
	return k.tallyAndMaybeExecute(ctx, p, params)
}

// withdrawProposal closes an open proposal on behalf of its organisation.
func (k Keeper) withdrawProposal(ctx context.Context, admin types.Member, id uint64) error {
	p, err := k.openProposal(ctx, id)
	if err != nil {
		return err
	}
	if p.OrganizationId != admin.OrganizationId {
		return errorsmod.Wrapf(types.ErrOtherOrganization, "proposal %d belongs to %s, %s is in %s", id, p.OrganizationId, admin.Address, admin.OrganizationId)
	}
	return k.finalize(ctx, &p, types.PROPOSAL_STATUS_WITHDRAWN, "")
}

func (k Keeper) openProposal(ctx context.Context, id uint64) (types.Proposal, error) {
	p, err := k.Proposals.Get(ctx, id)
	if err != nil {
		if errorsmod.IsOf(err, collections.ErrNotFound) {
			return p, errorsmod.Wrapf(types.ErrUnknownProposal, "proposal %d", id)
		}
		return p, err
	}
	if p.Status != types.PROPOSAL_STATUS_OPEN {
		return p, errorsmod.Wrapf(types.ErrProposalNotOpen, "proposal %d is %s", id, p.Status)
	}
	if !sdk.UnwrapSDKContext(ctx).BlockTime().Before(p.ExpiryTime) {
		return p, errorsmod.Wrapf(types.ErrProposalNotOpen, "proposal %d expired at %s", id, p.ExpiryTime)
	}
	return p, nil
}

// tallyAndMaybeExecute counts approvals of organisations that still exist
// and executes the proposal when they pass the threshold.
func (k Keeper) tallyAndMaybeExecute(ctx context.Context, p types.Proposal, params types.Params) (types.Proposal, error) {
	var orgs, approvals uint64
	err := k.Organizations.Walk(ctx, nil, func(id string, _ types.Organization) (bool, error) {
		orgs++
		if slices.ContainsFunc(p.Approvals, func(a types.Approval) bool { return a.OrganizationId == id }) {
			approvals++
		}
		return false, nil
	})
	if err != nil {
		return p, err
	}
	last := p.Approvals[len(p.Approvals)-1]
	if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventProposalApproved{
		ProposalId: p.Id, Approver: last.Approver, OrganizationId: last.OrganizationId,
		Approvals: uint32(approvals), Organizations: uint32(orgs),
	}); err != nil {
		return p, err
	}
	if !params.Passes(approvals, orgs) {
		return p, k.Proposals.Set(ctx, p.Id, p)
	}
	return k.execute(ctx, p)
}

// execute runs every message in one cached context: all of them apply, or
// none does and the proposal records the failing message's error. It
// returns the proposal in its final status.
func (k Keeper) execute(ctx context.Context, p types.Proposal) (types.Proposal, error) {
	status, reason := k.runMessages(ctx, p)
	err := k.finalize(ctx, &p, status, reason)
	return p, err
}

func (k Keeper) runMessages(ctx context.Context, p types.Proposal) (types.ProposalStatus, string) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	cacheCtx, write := sdkCtx.CacheContext()
	var events sdk.Events
	for i, anyMsg := range p.Messages {
		msg, ok := anyMsg.GetCachedValue().(sdk.Msg)
		if !ok {
			return types.PROPOSAL_STATUS_FAILED, fmt.Sprintf("message %d (%s) cannot be decoded", i, anyMsg.TypeUrl)
		}
		handler := k.router.Handler(msg)
		if handler == nil {
			return types.PROPOSAL_STATUS_FAILED, fmt.Sprintf("message %d (%s) has no handler", i, anyMsg.TypeUrl)
		}
		res, err := safeHandle(handler, cacheCtx, msg)
		if err != nil {
			return types.PROPOSAL_STATUS_FAILED, fmt.Sprintf("message %d (%s): %s", i, anyMsg.TypeUrl, err)
		}
		events = append(events, res.GetEvents()...)
	}
	write()
	sdkCtx.EventManager().EmitEvents(events)
	return types.PROPOSAL_STATUS_EXECUTED, ""
}

// safeHandle turns a panicking message handler into a failed execution
// rather than a failed transaction, so the failure is recorded. Running out
// of gas is not the proposal's fault: it still fails the transaction.
func safeHandle(handler func(sdk.Context, sdk.Msg) (*sdk.Result, error), ctx sdk.Context, msg sdk.Msg) (res *sdk.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, outOfGas := r.(storetypes.ErrorOutOfGas); outOfGas {
				panic(r)
			}
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return handler(ctx, msg)
}

// finalize moves an open proposal to a final status, updating p so callers
// report the stored state.
func (k Keeper) finalize(ctx context.Context, p *types.Proposal, status types.ProposalStatus, reason string) error {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p.Status = status
	p.FailureReason = reason
	p.FinalHeight = sdkCtx.BlockHeight()
	if err := k.ExpiryQueue.Remove(ctx, collections.Join(p.ExpiryTime, p.Id)); err != nil {
		return err
	}
	if err := k.Proposals.Set(ctx, p.Id, *p); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventProposalFinalized{ProposalId: p.Id, Status: status, FailureReason: reason})
}

// withdrawOpenProposalsOf withdraws every open proposal of a removed
// organisation.
func (k Keeper) withdrawOpenProposalsOf(ctx context.Context, orgID string) error {
	it, err := k.Proposals.Indexes.Status.MatchExact(ctx, int32(types.PROPOSAL_STATUS_OPEN))
	if err != nil {
		return err
	}
	ids, err := it.PrimaryKeys()
	if err != nil {
		return err
	}
	for _, id := range ids {
		p, err := k.Proposals.Get(ctx, id)
		if err != nil {
			return err
		}
		if p.OrganizationId != orgID {
			continue
		}
		if err := k.finalize(ctx, &p, types.PROPOSAL_STATUS_WITHDRAWN, "organization "+orgID+" was removed"); err != nil {
			return err
		}
	}
	return nil
}
