package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// RecordDeployment records a deployment for the signer's organisation.
func (s msgServer) RecordDeployment(ctx context.Context, msg *types.MsgRecordDeployment) (*types.MsgRecordDeploymentResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "empty message")
	}
	deployer, orgID, err := s.authorize(ctx, msg.Deployer, msg)
	if err != nil {
		return nil, err
	}
	id, existing, err := s.Keeper.RecordDeployment(ctx, deployer, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgRecordDeploymentResponse{Id: id, Existing: existing}, nil
}

// RecordDeployments records a batch of deployments for the signer's
// organisation, all or nothing: every record is validated first, then
// recorded in order exactly like a MsgRecordDeployment. On an error the SDK
// discards the message's writes and events.
func (s msgServer) RecordDeployments(ctx context.Context, msg *types.MsgRecordDeployments) (*types.MsgRecordDeploymentsResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "empty message")
	}
	deployer, orgID, err := s.authorize(ctx, msg.Deployer, msg)
	if err != nil {
		return nil, err
	}
	ids, existing, err := s.Keeper.RecordDeployments(ctx, deployer, orgID, msg.Msgs())
	if err != nil {
		return nil, err
	}
	return &types.MsgRecordDeploymentsResponse{Ids: ids, Existing: existing}, nil
}

// UpdateDeploymentStatus moves an in-progress deployment to a final status.
func (s msgServer) UpdateDeploymentStatus(ctx context.Context, msg *types.MsgUpdateDeploymentStatus) (*types.MsgUpdateDeploymentStatusResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "empty message")
	}
	actor, orgID, err := s.authorize(ctx, msg.Deployer, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.UpdateDeploymentStatus(ctx, actor, orgID, msg.Id, msg.Status, msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgUpdateDeploymentStatusResponse{}, nil
}

// authorize decodes the signer, validates the message and checks the
// deployer role, in that order; it returns the signer's canonical address and
// organisation.
func (s msgServer) authorize(ctx context.Context, signer string, msg interface{ Validate() error }) (string, string, error) {
	addr, canonical, err := s.decodeAddress(signer)
	if err != nil {
		return "", "", errorsmod.Wrap(err, "deployer")
	}
	if err := msg.Validate(); err != nil {
		return "", "", err
	}
	orgID, err := s.requireDeployer(ctx, addr, canonical)
	return canonical, orgID, err
}

// requireDeployer checks, again after the ante gate, that the signer is an
// active member holding the deployer role, and returns its organisation.
func (s msgServer) requireDeployer(ctx context.Context, addr sdk.AccAddress, canonical string) (string, error) {
	member, err := s.consortium.RequireRole(ctx, addr, consortiumtypes.ROLE_DEPLOYER)
	if err != nil {
		return "", errorsmod.Wrapf(err, "%s may not write deployment records", canonical)
	}
	if member.OrganizationId == "" {
		return "", errorsmod.Wrapf(types.ErrUnauthorized, "member %s has no organization", canonical)
	}
	return member.OrganizationId, nil
}

// decodeAddress decodes a signer or filter address (validate.Address).
func (k Keeper) decodeAddress(s string) (sdk.AccAddress, string, error) {
	return validate.Address(k.addressCodec, types.ErrInvalidAddress, s)
}

// ReviewBreakGlass records an admin of another organisation reviewing a
// break-glass deployment.
func (s msgServer) ReviewBreakGlass(ctx context.Context, msg *types.MsgReviewBreakGlass) (*types.MsgReviewBreakGlassResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "empty message")
	}
	addr, reviewer, err := s.decodeAddress(msg.Reviewer)
	if err != nil {
		return nil, errorsmod.Wrap(err, "reviewer")
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	member, err := s.consortium.RequireRole(ctx, addr, consortiumtypes.ROLE_ADMIN)
	if err != nil {
		return nil, errorsmod.Wrapf(err, "%s may not review break-glass deployments", reviewer)
	}
	if err := s.Keeper.ReviewBreakGlass(ctx, reviewer, member.OrganizationId, msg.Id, msg.Note); err != nil {
		return nil, err
	}
	return &types.MsgReviewBreakGlassResponse{}, nil
}
