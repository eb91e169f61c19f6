package keeper

import (
	"context"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// InitGenesis validates gs and stores keys, attestations (with their
// indexes) and every policy version; the highest version of each
// environment becomes current.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.AttestationSeq.Set(ctx, gs.NextAttestationId-1); err != nil {
		return err
	}
	for _, key := range gs.Keys {
		if _, _, err := k.decodeAddress(key.RegisteredBy); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "key %q: registered_by: %s", key.KeyId, err)
		}
		// A hand-written genesis may leave the fingerprint out.
		_, _, key.Fingerprint, _ = types.ParsePublicKey(key.PublicKey)
		if err := k.setKey(ctx, key); err != nil {
			return err
		}
	}
	for _, a := range gs.Attestations {
		if _, _, err := k.decodeAddress(a.Submitter); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "attestation %d: submitter: %s", a.Id, err)
		}
		if err := k.storeAttestation(ctx, a); err != nil {
			return errorsmod.Wrapf(err, "attestation %d", a.Id)
		}
	}
	for _, p := range gs.Policies {
		if err := k.Policies.Set(ctx, collections.Join(p.Environment, p.Version), p); err != nil {
			return err
		}
		cur, err := k.CurrentPolicy.Get(ctx, p.Environment)
		if err == nil && cur >= p.Version {
			continue
		}
		if err := k.CurrentPolicy.Set(ctx, p.Environment, p.Version); err != nil {
			return err
		}
	}
	return nil
}

// ExportGenesis returns keys by id, attestations by id and policies by
// (environment, version).
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	issued, err := k.AttestationSeq.Peek(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{NextAttestationId: issued + 1}
	err = k.Keys.Walk(ctx, nil, func(_ string, key types.AttestorKey) (bool, error) {
		gs.Keys = append(gs.Keys, key)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Attestations.Walk(ctx, nil, func(id uint64, a types.Attestation) (bool, error) {
		env, err := k.Envelopes.Get(ctx, id)
		if err != nil {
			return true, errorsmod.Wrapf(err, "envelope of attestation %d", id)
		}
		a.Envelope = env
		gs.Attestations = append(gs.Attestations, a)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	err = k.Policies.Walk(ctx, nil, func(_ collections.Pair[string, uint64], p types.Policy) (bool, error) {
		gs.Policies = append(gs.Policies, p)
		return false, nil
	})
	if err != nil {
		return nil, err
	}
	return gs, nil
}
