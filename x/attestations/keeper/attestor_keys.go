package keeper

import (
	"context"
	"errors"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// RegisterKey stores a new attestor key of organization orgID, registered by
// admin (canonical address), from a validated msg; it returns the key's
// fingerprint.
func (k Keeper) RegisterKey(ctx context.Context, admin, orgID string, msg *types.MsgRegisterAttestorKey) (string, error) {
	has, err := k.Keys.Has(ctx, msg.KeyId)
	if err != nil {
		return "", err
	}
	if has {
		existing, err := k.Keys.Get(ctx, msg.KeyId)
		if err != nil {
			return "", err
		}
		return "", errorsmod.Wrapf(types.ErrKeyExists, "key id %q is registered by organization %q; key ids are unique on the chain", msg.KeyId, existing.OrganizationId)
	}
	_, algo, fingerprint, err := types.ParsePublicKey(msg.PublicKey)
	if err != nil {
		return "", err
	}
	if other, err := k.KeysByFingerprint.Get(ctx, fingerprint); err == nil {
		return "", errorsmod.Wrapf(types.ErrKeyExists, "this public key (%s) is already registered as key %q; a key belongs to one organization", fingerprint, other)
	} else if !errors.Is(err, collections.ErrNotFound) {
		return "", err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	if msg.NotAfter != nil && !msg.NotAfter.After(sdkCtx.BlockTime()) {
		return "", errorsmod.Wrapf(types.ErrInvalidKey, "not_after %s has already passed", msg.NotAfter.UTC().Format(time.RFC3339))
	}
	key := types.AttestorKey{
		KeyId:            msg.KeyId,
		OrganizationId:   orgID,
		PublicKey:        msg.PublicKey,
		Algorithm:        algo,
		PredicateTypes:   slices.Clone(msg.PredicateTypes),
		NotBefore:        utcPtr(msg.NotBefore),
		NotAfter:         utcPtr(msg.NotAfter),
		RegisteredBy:     admin,
		RegisteredHeight: sdkCtx.BlockHeight(),
		Fingerprint:      fingerprint,
	}
	if err := k.setKey(ctx, key); err != nil {
		return "", err
	}
	return fingerprint, sdkCtx.EventManager().EmitTypedEvent(&types.EventAttestorKeyRegistered{
		KeyId:          key.KeyId,
		OrganizationId: orgID,
		Algorithm:      algo.String(),
		PredicateTypes: key.PredicateTypes,
		Fingerprint:    fingerprint,
	})
}

func (k Keeper) setKey(ctx context.Context, key types.AttestorKey) error {
	if err := k.Keys.Set(ctx, key.KeyId, key); err != nil {
		return err
	}
	if err := k.KeysByFingerprint.Set(ctx, key.Fingerprint, key.KeyId); err != nil {
		return err
	}
	return k.KeysByOrganization.Set(ctx, collections.Join(key.OrganizationId, key.KeyId))
}

// RevokeKey revokes key id of organization orgID from fromHeight on (0: the
// current block). A key already revoked may only have its revocation moved
// earlier, when the compromise turns out to be older.
func (k Keeper) RevokeKey(ctx context.Context, orgID, id string, fromHeight int64, reason string) (int64, error) {
	key, err := k.GetKey(ctx, id)
	if err != nil {
		return 0, err
	}
	if key.OrganizationId != orgID {
		return 0, errorsmod.Wrapf(types.ErrOtherOrganization, "attestor key %q belongs to organization %q, not %q", id, key.OrganizationId, orgID)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	height := sdkCtx.BlockHeight()
	if fromHeight == 0 {
		fromHeight = height
	}
	switch {
	case fromHeight > height:
		return 0, errorsmod.Wrapf(types.ErrInvalidRequest, "from_height %d is in the future (current height %d)", fromHeight, height)
	case fromHeight < key.RegisteredHeight:
		return 0, errorsmod.Wrapf(types.ErrInvalidRequest, "from_height %d is before key %q was registered (height %d)", fromHeight, id, key.RegisteredHeight)
	case key.RevokedFromHeight != 0 && fromHeight >= key.RevokedFromHeight:
		return 0, errorsmod.Wrapf(types.ErrAlreadyRevoked, "attestor key %q is already revoked from height %d", id, key.RevokedFromHeight)
	}
	key.RevokedFromHeight = fromHeight
	key.RevokeReason = reason
	if err := k.Keys.Set(ctx, id, key); err != nil {
		return 0, err
	}
	return fromHeight, sdkCtx.EventManager().EmitTypedEvent(&types.EventAttestorKeyRevoked{
		KeyId:          id,
		OrganizationId: orgID,
		FromHeight:     fromHeight,
		Reason:         reason,
	})
}

// keyUsable says why key cannot sign an attestation of predicateType stored
// at height/time now, or nil if it can.
func keyUsable(key types.AttestorKey, predicateType string, height int64, now time.Time) error {
	switch {
	case key.RevokedFromHeight != 0 && height >= key.RevokedFromHeight:
		return errorsmod.Wrapf(types.ErrKeyRevoked, "attestor key %q is revoked from height %d (%s)", key.KeyId, key.RevokedFromHeight, key.RevokeReason)
	case key.NotBefore != nil && now.Before(*key.NotBefore):
		return errorsmod.Wrapf(types.ErrKeyNotValid, "attestor key %q is valid from %s", key.KeyId, key.NotBefore.Format(time.RFC3339))
	case key.NotAfter != nil && !now.Before(*key.NotAfter):
		return errorsmod.Wrapf(types.ErrKeyNotValid, "attestor key %q expired at %s", key.KeyId, key.NotAfter.Format(time.RFC3339))
	case !slices.Contains(key.PredicateTypes, predicateType):
		return errorsmod.Wrapf(types.ErrPredicateNotAllowed, "attestor key %q may attest %v, not %s", key.KeyId, key.PredicateTypes, predicateType)
	}
	return nil
}

// countsAt says whether an attestation stored at height still counts given
// its key's revocation.
func countsAt(key types.AttestorKey, height int64) bool {
	return key.RevokedFromHeight == 0 || height < key.RevokedFromHeight
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
