package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the consortium Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

func (s msgServer) SubmitProposal(ctx context.Context, msg *types.MsgSubmitProposal) (*types.MsgSubmitProposalResponse, error) {
	proposer, err := s.requireSigner(ctx, msg.Proposer, types.ROLE_ADMIN)
	if err != nil {
		return nil, err
	}
	p, err := s.submitProposal(ctx, proposer, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitProposalResponse{ProposalId: p.Id, Status: p.Status}, nil
}

func (s msgServer) ApproveProposal(ctx context.Context, msg *types.MsgApproveProposal) (*types.MsgApproveProposalResponse, error) {
	approver, err := s.requireSigner(ctx, msg.Approver, types.ROLE_ADMIN)
	if err != nil {
		return nil, err
	}
	if _, err := s.approveProposal(ctx, approver, msg.ProposalId); err != nil {
		return nil, err
	}
	p, err := s.Proposals.Get(ctx, msg.ProposalId)
	if err != nil {
		return nil, err
	}
	return &types.MsgApproveProposalResponse{Status: p.Status}, nil
}

func (s msgServer) WithdrawProposal(ctx context.Context, msg *types.MsgWithdrawProposal) (*types.MsgWithdrawProposalResponse, error) {
	admin, err := s.requireSigner(ctx, msg.Admin, types.ROLE_ADMIN)
	if err != nil {
		return nil, err
	}
	return &types.MsgWithdrawProposalResponse{}, s.withdrawProposal(ctx, admin, msg.ProposalId)
}

// SetOrgMember lets an organisation admin manage its own non-admin,
// non-operator keys (e.g. rotate a CI key) without a vote.
func (s msgServer) SetOrgMember(ctx context.Context, msg *types.MsgSetOrgMember) (*types.MsgSetOrgMemberResponse, error) {
	admin, err := s.requireSigner(ctx, msg.Admin, types.ROLE_ADMIN)
	if err != nil {
		return nil, err
	}
	if err := types.ValidateRoles(msg.Roles); err != nil {
		return nil, err
	}
	for _, r := range msg.Roles {
		if r.IsReserved() {
			return nil, errorsmod.Wrapf(types.ErrReservedRole, "granting %s to %s", r.ShortName(), msg.Address)
		}
	}
	if err := s.requireManageable(ctx, admin, msg.Address, true); err != nil {
		return nil, err
	}
	member := types.Member{Address: msg.Address, OrganizationId: admin.OrganizationId, Roles: msg.Roles}
	return &types.MsgSetOrgMemberResponse{}, s.setMember(ctx, member, admin.Address)
}

func (s msgServer) RemoveOrgMember(ctx context.Context, msg *types.MsgRemoveOrgMember) (*types.MsgRemoveOrgMemberResponse, error) {
	admin, err := s.requireSigner(ctx, msg.Admin, types.ROLE_ADMIN)
	if err != nil {
		return nil, err
	}
	if err := s.requireManageable(ctx, admin, msg.Address, false); err != nil {
		return nil, err
	}
	m, err := s.memberByAddress(ctx, msg.Address)
	if err != nil {
		return nil, err
	}
	return &types.MsgRemoveOrgMemberResponse{}, s.deactivateMember(ctx, m, admin.Address)
}

// requireManageable checks that target is either unknown (allowed only when
// adding) or a member of the admin's organisation without a reserved role.
func (s msgServer) requireManageable(ctx context.Context, admin types.Member, target string, adding bool) error {
	m, err := s.memberByAddress(ctx, target)
	if errorsmod.IsOf(err, types.ErrNotMember) && adding {
		return nil
	}
	if err != nil {
		return err
	}
	if adding && !m.Active {
		// A removed key is free again; any organisation may admit it.
		return nil
	}
	if m.OrganizationId != admin.OrganizationId {
		return errorsmod.Wrapf(types.ErrOtherOrganization, "%s belongs to %s, admin %s to %s",
			target, m.OrganizationId, admin.Address, admin.OrganizationId)
	}
	if m.Active && m.HasReservedRole() {
		return errorsmod.Wrapf(types.ErrReservedRole, "%s holds admin or operator; changing it needs a proposal", target)
	}
	return nil
}

func (s msgServer) AddOrganization(ctx context.Context, msg *types.MsgAddOrganization) (*types.MsgAddOrganizationResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Organization.Validate(); err != nil {
		return nil, err
	}
	exists, err := s.Organizations.Has(ctx, msg.Organization.Id)
	if err != nil {
		return nil, err
	}
	if exists {
		return nil, errorsmod.Wrapf(types.ErrOrganizationExists, "%q", msg.Organization.Id)
	}
	if err := s.Organizations.Set(ctx, msg.Organization.Id, msg.Organization); err != nil {
		return nil, err
	}
	return &types.MsgAddOrganizationResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventOrganizationAdded{OrganizationId: msg.Organization.Id, Name: msg.Organization.Name})
}

// RemoveOrganization deactivates the organisation's members and deletes it.
// Its validators must be removed first, so the power guard applies to them.
func (s msgServer) RemoveOrganization(ctx context.Context, msg *types.MsgRemoveOrganization) (*types.MsgRemoveOrganizationResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := s.requireOrganization(ctx, msg.OrganizationId); err != nil {
		return nil, err
	}
	if err := s.requireAnotherOrganization(ctx, msg.OrganizationId); err != nil {
		return nil, err
	}
	var validators []string
	if err := s.Validators.Walk(ctx, nil, func(_ []byte, v types.Validator) (bool, error) {
		if v.OrganizationId == msg.OrganizationId {
			validators = append(validators, v.Moniker)
		}
		return false, nil
	}); err != nil {
		return nil, err
	}
	if len(validators) > 0 {
		return nil, errorsmod.Wrapf(types.ErrOrganizationInUse, "%s still runs validators %v; remove them first", msg.OrganizationId, validators)
	}
	it, err := s.Members.Indexes.Organization.MatchExact(ctx, msg.OrganizationId)
	if err != nil {
		return nil, err
	}
	addrs, err := it.PrimaryKeys()
	if err != nil {
		return nil, err
	}
	for _, addr := range addrs {
		m, err := s.Members.Get(ctx, addr)
		if err != nil {
			return nil, err
		}
		if !m.Active {
			continue
		}
		m.Active = false
		if err := s.Members.Set(ctx, addr, m); err != nil {
			return nil, err
		}
		if err := sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventMemberRemoved{
			Address: m.Address, OrganizationId: m.OrganizationId, By: msg.Authority,
		}); err != nil {
			return nil, err
		}
	}
	// Nobody is left to withdraw the organisation's open proposals.
	if err := s.withdrawOpenProposalsOf(ctx, msg.OrganizationId); err != nil {
		return nil, err
	}
	if err := s.Organizations.Remove(ctx, msg.OrganizationId); err != nil {
		return nil, err
	}
	return &types.MsgRemoveOrganizationResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventOrganizationRemoved{OrganizationId: msg.OrganizationId})
}

func (s msgServer) SetMember(ctx context.Context, msg *types.MsgSetMember) (*types.MsgSetMemberResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	return &types.MsgSetMemberResponse{}, s.setMember(ctx, msg.Member, msg.Authority)
}

func (s msgServer) RemoveMember(ctx context.Context, msg *types.MsgRemoveMember) (*types.MsgRemoveMemberResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	m, err := s.memberByAddress(ctx, msg.Address)
	if err != nil {
		return nil, err
	}
	return &types.MsgRemoveMemberResponse{}, s.deactivateMember(ctx, m, msg.Authority)
}

func (s msgServer) SetValidator(ctx context.Context, msg *types.MsgSetValidator) (*types.MsgSetValidatorResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	return &types.MsgSetValidatorResponse{}, s.setValidator(ctx, msg.Validator)
}

func (s msgServer) RemoveValidator(ctx context.Context, msg *types.MsgRemoveValidator) (*types.MsgRemoveValidatorResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	return &types.MsgRemoveValidatorResponse{}, s.removeValidator(ctx, msg.PubKey)
}

func (s msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if err := s.requireAuthority(msg.Authority); err != nil {
		return nil, err
	}
	if err := msg.Params.Validate(); err != nil {
		return nil, err
	}
	if err := s.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventParamsUpdated{Params: &msg.Params})
}

// requireAnotherOrganization keeps at least one organisation: without one no
// proposal could ever pass again.
func (s msgServer) requireAnotherOrganization(ctx context.Context, id string) error {
	it, err := s.Organizations.Iterate(ctx, nil)
	if err != nil {
		return err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		other, err := it.Key()
		if err != nil {
			return err
		}
		if other != id {
			return nil
		}
	}
	return errorsmod.Wrapf(types.ErrOrganizationInUse, "%s is the last organization", id)
}

func (s msgServer) requireAuthority(signer string) error {
	got, err := s.addressCodec.StringToBytes(signer)
	want, _ := s.addressCodec.StringToBytes(s.authority)
	if err != nil || !sdk.AccAddress(got).Equals(sdk.AccAddress(want)) {
		return errorsmod.Wrapf(types.ErrUnauthorized, "signer %s is not the consortium authority %s; submit this message in a proposal", signer, s.authority)
	}
	return nil
}
