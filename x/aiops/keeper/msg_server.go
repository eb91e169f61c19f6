package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
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

// RegisterDetector registers a model descriptor of the signer.
func (s msgServer) RegisterDetector(ctx context.Context, msg *types.MsgRegisterDetector) (*types.MsgRegisterDetectorResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidDetector, "empty message")
	}
	detector, orgID, err := s.authorize(ctx, msg.Detector, msg)
	if err != nil {
		return nil, err
	}
	id, err := s.Keeper.RegisterDetector(ctx, detector, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterDetectorResponse{Id: id}, nil
}

// SubmitVerdict checks and anchors a verdict, halting a failing canary.
func (s msgServer) SubmitVerdict(ctx context.Context, msg *types.MsgSubmitVerdict) (*types.MsgSubmitVerdictResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidVerdict, "empty message")
	}
	detector, orgID, err := s.authorize(ctx, msg.Detector, msg)
	if err != nil {
		return nil, err
	}
	id, halted, err := s.Keeper.SubmitVerdict(ctx, detector, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitVerdictResponse{Id: id, Halted: halted}, nil
}

// ReportAnomaly records an anomaly, opening an incident when it is severe.
func (s msgServer) ReportAnomaly(ctx context.Context, msg *types.MsgReportAnomaly) (*types.MsgReportAnomalyResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidAnomaly, "empty message")
	}
	detector, orgID, err := s.authorize(ctx, msg.Detector, msg)
	if err != nil {
		return nil, err
	}
	id, incidentID, err := s.Keeper.ReportAnomaly(ctx, detector, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgReportAnomalyResponse{Id: id, IncidentId: incidentID}, nil
}

// UpdateParams replaces the params; only the consortium authority may sign
// it, so it runs only inside an approved consortium proposal.
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
	return &types.MsgUpdateParamsResponse{}, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(
		&types.EventParamsUpdated{Params: &msg.Params})
}

// validatable is a message with stateless checks.
type validatable interface{ Validate() error }

// authorize decodes the signer, validates the message and checks, again
// after the ante gate, that the signer is an active member holding the
// detector role. It returns the canonical signer address and its
// organisation.
func (s msgServer) authorize(ctx context.Context, signer string, msg validatable) (string, string, error) {
	addr, canonical, err := s.decodeAddress(signer)
	if err != nil {
		return "", "", errorsmod.Wrap(err, "detector")
	}
	if err := msg.Validate(); err != nil {
		return "", "", err
	}
	member, err := s.consortium.RequireRole(ctx, addr, consortiumtypes.ROLE_DETECTOR)
	if err != nil {
		return "", "", errorsmod.Wrapf(err, "%s may not act as a detector", canonical)
	}
	if member.OrganizationId == "" {
		return "", "", errorsmod.Wrapf(types.ErrUnauthorized, "member %s has no organization", canonical)
	}
	return canonical, member.OrganizationId, nil
}
