package keeper

import (
	"context"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/attestations/types"
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

// RegisterAttestorKey registers a key of the admin's organisation.
func (s msgServer) RegisterAttestorKey(ctx context.Context, msg *types.MsgRegisterAttestorKey) (*types.MsgRegisterAttestorKeyResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty message")
	}
	admin, orgID, err := s.authorize(ctx, msg.Admin, "admin", consortiumtypes.ROLE_ADMIN, msg)
	if err != nil {
		return nil, err
	}
	fingerprint, err := s.RegisterKey(ctx, admin, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgRegisterAttestorKeyResponse{Fingerprint: fingerprint}, nil
}

// RevokeAttestorKey revokes a key of the admin's organisation.
func (s msgServer) RevokeAttestorKey(ctx context.Context, msg *types.MsgRevokeAttestorKey) (*types.MsgRevokeAttestorKeyResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty message")
	}
	_, orgID, err := s.authorize(ctx, msg.Admin, "admin", consortiumtypes.ROLE_ADMIN, msg)
	if err != nil {
		return nil, err
	}
	from, err := s.RevokeKey(ctx, orgID, msg.KeyId, msg.FromHeight, msg.Reason)
	if err != nil {
		return nil, err
	}
	return &types.MsgRevokeAttestorKeyResponse{FromHeight: from}, nil
}

// SubmitAttestation verifies and stores an envelope.
func (s msgServer) SubmitAttestation(ctx context.Context, msg *types.MsgSubmitAttestation) (*types.MsgSubmitAttestationResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty message")
	}
	submitter, orgID, err := s.authorize(ctx, msg.Submitter, "submitter", consortiumtypes.ROLE_ATTESTOR, msg)
	if err != nil {
		return nil, err
	}
	id, existing, err := s.Keeper.SubmitAttestation(ctx, submitter, orgID, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSubmitAttestationResponse{Id: id, Existing: existing}, nil
}

// RevokeAttestation withdraws an attestation of the admin's organisation.
func (s msgServer) RevokeAttestation(ctx context.Context, msg *types.MsgRevokeAttestation) (*types.MsgRevokeAttestationResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty message")
	}
	admin, orgID, err := s.authorize(ctx, msg.Admin, "admin", consortiumtypes.ROLE_ADMIN, msg)
	if err != nil {
		return nil, err
	}
	if err := s.Keeper.RevokeAttestation(ctx, admin, orgID, msg.Id, msg.Reason); err != nil {
		return nil, err
	}
	return &types.MsgRevokeAttestationResponse{}, nil
}

// SetPolicy sets the next version of an environment's policy; only the
// consortium authority (an approved proposal) may.
func (s msgServer) SetPolicy(ctx context.Context, msg *types.MsgSetPolicy) (*types.MsgSetPolicyResponse, error) {
	if msg == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty message")
	}
	if _, _, err := s.decodeAddress(msg.Authority); err != nil {
		return nil, errorsmod.Wrap(err, "authority")
	}
	if msg.Authority != s.authority {
		return nil, errorsmod.Wrapf(types.ErrUnauthorized, "policies are set by consortium proposal: authority is %s, not %s", s.authority, msg.Authority)
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	version, err := s.Keeper.SetPolicy(ctx, msg)
	if err != nil {
		return nil, err
	}
	return &types.MsgSetPolicyResponse{Version: version}, nil
}

// authorize decodes the signer, validates the message and checks the role,
// in that order; it returns the signer's canonical address and organisation.
func (s msgServer) authorize(ctx context.Context, signer, field string, role consortiumtypes.Role, msg interface{ Validate() error }) (string, string, error) {
	addr, canonical, err := s.decodeAddress(signer)
	if err != nil {
		return "", "", errorsmod.Wrap(err, field)
	}
	if err := msg.Validate(); err != nil {
		return "", "", err
	}
	member, err := s.consortium.RequireRole(ctx, addr, role)
	if err != nil {
		return "", "", errorsmod.Wrapf(err, "%s may not send this attestations message", canonical)
	}
	return canonical, member.OrganizationId, nil
}
