package keeper

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// verifyGasPerAttempt is charged for each (signature, candidate key) pair
// the envelope verification may try.
const verifyGasPerAttempt = 2000

// EnvelopeDigest is "sha256:<hex>" of the envelope's canonical JSON: the
// DSSE JSON form (payloadType, payload, signatures with keyid and sig, in
// that order, base64 standard encoding, no whitespace) with every keyid
// hint empty and the signatures in byte order. The hints are not signed, so
// the same signed payload is the same evidence whatever hints and file
// layout the submitter's copy has (cosign writes none, in-toto tooling
// writes its own).
func EnvelopeDigest(e types.Envelope) (string, error) {
	canonical := toDSSE(e)
	for i := range canonical.Signatures {
		canonical.Signatures[i].KeyID = ""
	}
	slices.SortFunc(canonical.Signatures, func(a, b dsse.Signature) int { return strings.Compare(a.Sig, b.Sig) })
	bz, err := json.Marshal(canonical)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(bz)
	return "sha256:" + hex.EncodeToString(sum[:]), nil
}

// toDSSE converts the stored envelope to the DSSE library's form.
func toDSSE(e types.Envelope) *dsse.Envelope {
	out := &dsse.Envelope{
		PayloadType: e.PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(e.Payload),
		Signatures:  make([]dsse.Signature, len(e.Signatures)),
	}
	for i, s := range e.Signatures {
		out.Signatures[i] = dsse.Signature{KeyID: s.Keyid, Sig: base64.StdEncoding.EncodeToString(s.Sig)}
	}
	return out
}

// SubmitAttestation verifies and stores the envelope of a validated msg
// submitted by submitter (canonical address) of organization orgID. The same
// envelope submitted again returns the stored id with existing=true.
func (k Keeper) SubmitAttestation(ctx context.Context, submitter, orgID string, msg *types.MsgSubmitAttestation) (id uint64, existing bool, err error) {
	digest, err := EnvelopeDigest(msg.Envelope)
	if err != nil {
		return 0, false, err
	}
	id, err = k.Attestations.Indexes.Envelope.MatchExact(ctx, digest)
	switch {
	case err == nil:
		return id, true, nil
	case !errors.Is(err, collections.ErrNotFound):
		return 0, false, err
	}

	st, err := types.ParseStatement(msg.Envelope.Payload)
	if err != nil {
		return 0, false, err
	}
	predicateType := st.PredicateType
	var ref *types.EnvelopeReference
	if predicateType == types.PredicateReference {
		r, err := types.ParseReference(st.Predicate)
		if err != nil {
			return 0, false, err
		}
		ref = &types.EnvelopeReference{Digest: r.EnvelopeDigest, Location: r.Location, Size_: r.Size}
		predicateType = r.PredicateType
	}
	var summary types.PredicateSummary
	if ref == nil {
		if summary, err = types.Summarize(predicateType, st.Predicate); err != nil {
			return 0, false, err
		}
	} else if s, err := types.Summarize(predicateType, nil); err == nil {
		// Only kinds that need no predicate content (SBOM presence) can be
		// read from a reference; the others stay empty and do not satisfy
		// predicate constraints.
		summary = s
	}

	key, err := k.verifyingKey(ctx, orgID, msg.KeyId, predicateType, msg.Envelope)
	if err != nil {
		return 0, false, err
	}

	id, err = k.nextAttestationID(ctx)
	if err != nil {
		return 0, false, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	a := types.Attestation{
		Id:             id,
		EnvelopeDigest: digest,
		Subjects:       st.Subjects,
		PredicateType:  predicateType,
		StatementType:  st.Type,
		KeyId:          key.KeyId,
		OrganizationId: key.OrganizationId,
		Submitter:      submitter,
		CreatedAt:      sdkCtx.BlockTime().UTC(),
		CreatedHeight:  sdkCtx.BlockHeight(),
		Summary:        summary,
		Envelope:       msg.Envelope,
		Reference:      ref,
	}
	if err := k.storeAttestation(ctx, a); err != nil {
		return 0, false, err
	}
	return id, false, sdkCtx.EventManager().EmitTypedEvent(&types.EventAttestationSubmitted{
		Id:             id,
		EnvelopeDigest: digest,
		PredicateType:  predicateType,
		KeyId:          key.KeyId,
		OrganizationId: key.OrganizationId,
		SubjectDigests: types.SubjectDigests(a.Subjects),
	})
}

// verifyingKey returns the registered key whose signature on the envelope
// verifies: keyID when the message names one, otherwise the first, in key id
// order, of the submitting organisation's keys usable for predicateType. The
// DSSE library checks the signatures over the pre-authentication encoding;
// the envelope's own keyid hints are unauthenticated and cosign leaves them
// empty, so they are cleared rather than matched.
func (k Keeper) verifyingKey(ctx context.Context, orgID, keyID, predicateType string, env types.Envelope) (types.AttestorKey, error) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	height, now := sdkCtx.BlockHeight(), sdkCtx.BlockTime()
	var candidates []types.AttestorKey
	if keyID != "" {
		key, err := k.GetKey(ctx, keyID)
		if err != nil {
			return key, err
		}
		if err := keyUsable(key, predicateType, height, now); err != nil {
			return key, err
		}
		candidates = append(candidates, key)
	} else {
		it, err := k.KeysByOrganization.Iterate(ctx, collections.NewPrefixedPairRange[string, string](orgID))
		if err != nil {
			return types.AttestorKey{}, err
		}
		ids, err := it.Keys()
		if err != nil {
			return types.AttestorKey{}, err
		}
		for _, pair := range ids {
			key, err := k.Keys.Get(ctx, pair.K2())
			if err != nil {
				return key, err
			}
			if keyUsable(key, predicateType, height, now) == nil {
				candidates = append(candidates, key)
			}
		}
		if len(candidates) == 0 {
			return types.AttestorKey{}, errorsmod.Wrapf(types.ErrNoAttestorKey,
				"organization %q has no valid attestor key allowed to attest %s; register one or name the key with key_id", orgID, predicateType)
		}
	}
	verifiers := make([]dsse.Verifier, len(candidates))
	names := make([]string, len(candidates))
	for i, key := range candidates {
		v, err := types.NewVerifier(key)
		if err != nil {
			return key, err
		}
		verifiers[i], names[i] = v, key.KeyId
	}
	// Verification is CPU work the store gas does not see; charge it like
	// the SDK charges a transaction signature, per attempt.
	sdkCtx.GasMeter().ConsumeGas(verifyGasPerAttempt*uint64(len(env.Signatures)*len(verifiers)), "attestation signature verification")
	ev, err := dsse.NewEnvelopeVerifier(verifiers...)
	if err != nil {
		return types.AttestorKey{}, err
	}
	unhinted := toDSSE(env)
	for i := range unhinted.Signatures {
		unhinted.Signatures[i].KeyID = ""
	}
	accepted, err := ev.Verify(ctx, unhinted)
	if err != nil || len(accepted) == 0 {
		return types.AttestorKey{}, errorsmod.Wrapf(types.ErrInvalidSignature, "no signature of the envelope verifies with attestor key(s) %s", strings.Join(names, ", "))
	}
	for _, key := range candidates {
		if key.KeyId == accepted[0].KeyID {
			return key, nil
		}
	}
	return types.AttestorKey{}, errorsmod.Wrapf(types.ErrInvalidSignature, "verified key %q is not a candidate", accepted[0].KeyID)
}

func (k Keeper) nextAttestationID(ctx context.Context) (uint64, error) {
	issued, err := k.AttestationSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	return issued + 1, nil
}

// storeAttestation writes a (its envelope apart) and its subject and
// evidence index entries.
func (k Keeper) storeAttestation(ctx context.Context, a types.Attestation) error {
	if err := k.Envelopes.Set(ctx, a.Id, a.Envelope); err != nil {
		return err
	}
	a.Envelope = types.Envelope{}
	if err := k.Attestations.Set(ctx, a.Id, a); err != nil {
		return err
	}
	for _, d := range types.SubjectDigests(a.Subjects) {
		if err := k.AttestationsBySubject.Set(ctx, collections.Join(d, a.Id)); err != nil {
			return err
		}
		subject := types.EvidenceSubject(d, a.PredicateType)
		if err := k.Evidence.Set(ctx, collections.Join3(subject, a.OrganizationId, a.Id)); err != nil {
			return err
		}
		if err := k.EvidenceOrganizations.Set(ctx, collections.Join(subject, a.OrganizationId)); err != nil {
			return err
		}
	}
	return nil
}

// RevokeAttestation withdraws attestation id on behalf of admin (canonical
// address) of organization orgID, the attesting organisation.
func (k Keeper) RevokeAttestation(ctx context.Context, admin, orgID string, id uint64, reason string) error {
	a, err := k.Attestations.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return errorsmod.Wrapf(types.ErrAttestationNotFound, "attestation %d", id)
	}
	if err != nil {
		return err
	}
	if a.OrganizationId != orgID {
		return errorsmod.Wrapf(types.ErrOtherOrganization, "attestation %d was made by organization %q; only its admins may revoke it", id, a.OrganizationId)
	}
	if a.Revoked {
		return errorsmod.Wrapf(types.ErrAlreadyRevoked, "attestation %d was revoked at height %d (%s)", id, a.RevokedHeight, a.RevokeReason)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	a.Revoked = true
	a.RevokeReason = reason
	a.RevokedBy = admin
	a.RevokedHeight = sdkCtx.BlockHeight()
	if err := k.Attestations.Set(ctx, id, a); err != nil {
		return err
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventAttestationRevoked{Id: id, OrganizationId: orgID, Reason: reason})
}
