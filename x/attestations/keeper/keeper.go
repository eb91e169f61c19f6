package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/attestations/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

// AttestationIndexes are the single-field lookups of the attestations map;
// every index key ends with the attestation id.
type AttestationIndexes struct {
	Envelope     *indexes.Unique[string, uint64, types.Attestation]
	Organization *indexes.Multi[string, uint64, types.Attestation]
	Key          *indexes.Multi[string, uint64, types.Attestation]
	Predicate    *indexes.Multi[string, uint64, types.Attestation]
}

func (i AttestationIndexes) IndexesList() []collections.Index[uint64, types.Attestation] {
	return []collections.Index[uint64, types.Attestation]{i.Envelope, i.Organization, i.Key, i.Predicate}
}

// Keeper owns attestor keys, verified attestations and environment policies,
// and decides on deployments (it is the deployments module's DeployPolicy).
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	consortium   types.ConsortiumKeeper
	// authority is the consortium module account, the only signer of
	// MsgSetPolicy (it runs inside approved consortium proposals).
	authority string

	Schema             collections.Schema
	Keys               collections.Map[string, types.AttestorKey]
	KeysByOrganization collections.KeySet[collections.Pair[string, string]]
	AttestationSeq     collections.Sequence
	Attestations       *collections.IndexedMap[uint64, types.Attestation, AttestationIndexes]
	// AttestationsBySubject holds (subject digest, id) for every digest of
	// every subject, which an indexes.Multi cannot express.
	AttestationsBySubject collections.KeySet[collections.Pair[string, uint64]]
	// Evidence holds (EvidenceSubject(digest, predicate type), organization,
	// id) and EvidenceOrganizations its first two parts: a decision reads,
	// for each accepted organisation, that organisation's newest evidence of
	// one kind for one artifact, so neither other kinds nor other
	// organisations can crowd it out.
	Evidence              collections.KeySet[collections.Triple[string, string, uint64]]
	EvidenceOrganizations collections.KeySet[collections.Pair[string, string]]
	// Envelopes holds each attestation's envelope; the record in
	// Attestations has none.
	Envelopes collections.Map[uint64, types.Envelope]
	// KeysByFingerprint makes a public key registrable once, so nobody can
	// claim another organisation's key.
	KeysByFingerprint collections.Map[string, string]
	Policies          collections.Map[collections.Pair[string, uint64], types.Policy]
	CurrentPolicy     collections.Map[string, uint64]
}

// NewKeeper builds the keeper. consortium answers role checks; authority is
// the consortium module account address.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, consortium types.ConsortiumKeeper, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		consortium:   consortium,
		authority:    authority,
		Keys:         collections.NewMap(sb, types.KeysKey, "keys", collections.StringKey, codec.CollValue[types.AttestorKey](cdc)),
		KeysByOrganization: collections.NewKeySet(sb, types.KeysByOrganizationKey, "keys_by_organization",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey)),
		AttestationSeq: collections.NewSequence(sb, types.AttestationSeqKey, "attestation_seq"),
		Attestations: collections.NewIndexedMap(sb, types.AttestationsKey, "attestations", collections.Uint64Key, codec.CollValue[types.Attestation](cdc),
			AttestationIndexes{
				Envelope: indexes.NewUnique(sb, types.AttestationsByEnvelopeKey, "attestations_by_envelope",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Attestation) (string, error) { return a.EnvelopeDigest, nil }),
				Organization: indexes.NewMulti(sb, types.AttestationsByOrganizationKey, "attestations_by_organization",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Attestation) (string, error) { return a.OrganizationId, nil }),
				Key: indexes.NewMulti(sb, types.AttestationsByKeyKey, "attestations_by_key",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Attestation) (string, error) { return a.KeyId, nil }),
				Predicate: indexes.NewMulti(sb, types.AttestationsByPredicateKey, "attestations_by_predicate",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Attestation) (string, error) { return a.PredicateType, nil }),
			}),
		AttestationsBySubject: collections.NewKeySet(sb, types.AttestationsBySubjectKey, "attestations_by_subject",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		Evidence: collections.NewKeySet(sb, types.EvidenceKey, "evidence",
			collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.Uint64Key)),
		EvidenceOrganizations: collections.NewKeySet(sb, types.EvidenceOrganizationsKey, "evidence_organizations",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey)),
		Envelopes:         collections.NewMap(sb, types.EnvelopesKey, "envelopes", collections.Uint64Key, codec.CollValue[types.Envelope](cdc)),
		KeysByFingerprint: collections.NewMap(sb, types.KeysByFingerprintKey, "keys_by_fingerprint", collections.StringKey, collections.StringValue),
		Policies: collections.NewMap(sb, types.PoliciesKey, "policies",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key), codec.CollValue[types.Policy](cdc)),
		CurrentPolicy: collections.NewMap(sb, types.CurrentPolicyKey, "current_policy", collections.StringKey, collections.Uint64Value),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// AddressCodec is the codec the keeper decodes and prints addresses with.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// Authority is the address allowed to set policies.
func (k Keeper) Authority() string { return k.authority }

// GetKey returns attestor key id, or ErrKeyNotFound naming it.
func (k Keeper) GetKey(ctx context.Context, id string) (types.AttestorKey, error) {
	key, err := k.Keys.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return key, errorsmod.Wrapf(types.ErrKeyNotFound, "attestor key %q", id)
	}
	return key, err
}

// GetAttestation returns attestation id with its envelope, or
// ErrAttestationNotFound naming it.
func (k Keeper) GetAttestation(ctx context.Context, id uint64) (types.Attestation, error) {
	a, err := k.Attestations.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return a, errorsmod.Wrapf(types.ErrAttestationNotFound, "attestation %d", id)
	}
	if err != nil {
		return a, err
	}
	a.Envelope, err = k.Envelopes.Get(ctx, id)
	if err != nil {
		return a, errorsmod.Wrapf(err, "envelope of attestation %d", id)
	}
	return a, nil
}

// GetPolicy returns version of environment's policy; version 0 is the
// current one. ErrPolicyNotFound names what is missing.
func (k Keeper) GetPolicy(ctx context.Context, environment string, version uint64) (types.Policy, error) {
	if version == 0 {
		cur, err := k.CurrentPolicy.Get(ctx, environment)
		if errors.Is(err, collections.ErrNotFound) {
			return types.Policy{}, errorsmod.Wrapf(types.ErrPolicyNotFound, "environment %q has no policy", environment)
		}
		if err != nil {
			return types.Policy{}, err
		}
		version = cur
	}
	p, err := k.Policies.Get(ctx, collections.Join(environment, version))
	if errors.Is(err, collections.ErrNotFound) {
		return p, errorsmod.Wrapf(types.ErrPolicyNotFound, "environment %q has no policy version %d", environment, version)
	}
	return p, err
}

// decodeAddress decodes a signer address (validate.Address).
func (k Keeper) decodeAddress(s string) (sdk.AccAddress, string, error) {
	return validate.Address(k.addressCodec, types.ErrInvalidAddress, s)
}
