package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

type msgServer struct {
	Keeper
}

var _ types.MsgServer = msgServer{}

// NewMsgServerImpl returns the module's Msg service.
func NewMsgServerImpl(k Keeper) types.MsgServer {
	return msgServer{Keeper: k}
}

// Every handler checks, in this order: the signer address, the message
// fields, the signer's role, then the stored state (in the keeper method).
// A rejected message writes nothing and emits nothing.

// OpenIncident opens an incident for the signer's organisation.
func (s msgServer) OpenIncident(ctx context.Context, msg *types.MsgOpenIncident) (*types.MsgOpenIncidentResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidIncident, "empty message")
	}
	responder, orgID, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	id, err := s.Keeper.OpenIncident(ctx, responder, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgOpenIncidentResponse{Id: id}, nil
}

// UpdateIncident adds a note and optionally changes status and severity.
func (s msgServer) UpdateIncident(ctx context.Context, msg *types.MsgUpdateIncident) (*types.MsgUpdateIncidentResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidIncident, "empty message")
	}
	actor, _, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.UpdateIncident(ctx, actor, msg); err != nil {
		return nil, err
	}
	return &types.MsgUpdateIncidentResponse{}, nil
}

// LinkCause names a deployment as a cause of an incident.
func (s msgServer) LinkCause(ctx context.Context, msg *types.MsgLinkCause) (*types.MsgLinkCauseResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidIncident, "empty message")
	}
	actor, _, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.LinkCause(ctx, actor, msg); err != nil {
		return nil, err
	}
	return &types.MsgLinkCauseResponse{}, nil
}

// UnlinkCause removes a cause link.
func (s msgServer) UnlinkCause(ctx context.Context, msg *types.MsgUnlinkCause) (*types.MsgUnlinkCauseResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidIncident, "empty message")
	}
	actor, _, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.UnlinkCause(ctx, actor, msg); err != nil {
		return nil, err
	}
	return &types.MsgUnlinkCauseResponse{}, nil
}

// AddRemediation adds a follow-up item to an incident.
func (s msgServer) AddRemediation(ctx context.Context, msg *types.MsgAddRemediation) (*types.MsgAddRemediationResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRemediation, "empty message")
	}
	actor, _, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	id, err := s.Keeper.AddRemediation(ctx, actor, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgAddRemediationResponse{Id: id}, nil
}

// CompleteRemediation completes an item owned by the signer's organisation.
func (s msgServer) CompleteRemediation(ctx context.Context, msg *types.MsgCompleteRemediation) (*types.MsgCompleteRemediationResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRemediation, "empty message")
	}
	actor, orgID, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.CompleteRemediation(ctx, actor, orgID, msg.RemediationId, msg.Note); err != nil {
		return nil, err
	}
	return &types.MsgCompleteRemediationResponse{}, nil
}

// CloseIncident closes a resolved incident, with a postmortem when required.
func (s msgServer) CloseIncident(ctx context.Context, msg *types.MsgCloseIncident) (*types.MsgCloseIncidentResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidIncident, "empty message")
	}
	actor, _, err := s.authorize(ctx, msg.Responder, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.CloseIncident(ctx, actor, msg); err != nil {
		return nil, err
	}
	return &types.MsgCloseIncidentResponse{}, nil
}

// UpdateParams replaces the params; only the consortium authority may sign
// it, so it runs only inside an approved consortium proposal. The freeze
// entries are recomputed under the new freeze_severity.
func (s msgServer) UpdateParams(ctx context.Context, msg *types.MsgUpdateParams) (*types.MsgUpdateParamsResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidParams, "empty message")
	}
	got, err := s.addressCodec.StringToBytes(msg.Authority)
	want, werr := s.addressCodec.StringToBytes(s.authority)
	if err != nil || werr != nil || !sdk.AccAddress(got).Equals(sdk.AccAddress(want)) {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "signer %s is not the consortium authority %s; submit this message in a consortium proposal", msg.Authority, s.authority)
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	if err := s.Params.Set(ctx, msg.Params); err != nil {
		return nil, err
	}
	if err := s.rebuildFreezes(ctx, msg.Params); err != nil {
		return nil, err
	}
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventParamsUpdated{Params: &msg.Params})
}

// validatable is a message with stateless checks.
type validatable interface{ Validate() error }

// authorize decodes the signer, validates the message and checks, again
// after the ante gate, that the signer is an active member holding the
// responder role. It returns the canonical signer address and its
// organisation.
func (s msgServer) authorize(ctx context.Context, signer string, msg validatable) (string, string, error) {
	addr, canonical, err := s.decodeAddress(signer)
	if err != nil {
		return "", "", errorsmod.Wrap(err, "responder")
	}
	if err := msg.Validate(); err != nil {
		return "", "", err
	}
	member, err := s.consortium.RequireRole(ctx, addr, consortiumtypes.ROLE_RESPONDER)
	if err != nil {
		return "", "", errorsmod.Wrapf(err, "%s may not change incidents", canonical)
	}
	if member.OrganizationId == "" {
		return "", "", errorsmod.Wrapf(types.ErrUnauthorized, "member %s has no organization", canonical)
	}
	return canonical, member.OrganizationId, nil
}
