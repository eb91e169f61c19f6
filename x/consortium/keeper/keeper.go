package keeper

import (
	"context"
	"errors"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/baseapp"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// MemberIndexes look members up by organisation.
type MemberIndexes struct {
	Organization *indexes.Multi[string, sdk.AccAddress, types.Member]
}

func (i MemberIndexes) IndexesList() []collections.Index[sdk.AccAddress, types.Member] {
	return []collections.Index[sdk.AccAddress, types.Member]{i.Organization}
}

// ProposalIndexes look proposals up by status.
type ProposalIndexes struct {
	Status *indexes.Multi[int32, uint64, types.Proposal]
}

func (i ProposalIndexes) IndexesList() []collections.Index[uint64, types.Proposal] {
	return []collections.Index[uint64, types.Proposal]{i.Status}
}

// MisbehaviourIndexes look misbehaviour records up by validator and by the
// evidence itself, so the same (validator, height, kind) is recorded once.
type MisbehaviourIndexes struct {
	Validator *indexes.Multi[[]byte, uint64, types.Misbehaviour]
	Evidence  *indexes.Unique[collections.Triple[[]byte, int64, int32], uint64, types.Misbehaviour]
}

func (i MisbehaviourIndexes) IndexesList() []collections.Index[uint64, types.Misbehaviour] {
	return []collections.Index[uint64, types.Misbehaviour]{i.Validator, i.Evidence}
}

// Keeper owns organisations, members, the validator set and proposals.
type Keeper struct {
	cdc           codec.Codec
	addressCodec  address.Codec
	accountKeeper types.AccountKeeper
	router        baseapp.MessageRouter
	// authority is the consortium module account: the signer of every message
	// that needs a proposal.
	authority string

	Schema        collections.Schema
	Params        collections.Item[types.Params]
	Organizations collections.Map[string, types.Organization]
	Members       *collections.IndexedMap[sdk.AccAddress, types.Member, MemberIndexes]
	// Validators are keyed by consensus address.
	Validators  collections.Map[[]byte, types.Validator]
	Proposals   *collections.IndexedMap[uint64, types.Proposal, ProposalIndexes]
	ProposalSeq collections.Sequence
	// ExpiryQueue holds open proposals by expiry time so EndBlock only touches
	// the ones that are due.
	ExpiryQueue collections.KeySet[collections.Pair[time.Time, uint64]]
	// PendingPower holds, for each validator changed in the current block, the
	// validator as it was at the start of the block (power 0 for a new one). EndBlock turns it
	// into validator updates and clears it.
	PendingPower collections.Map[[]byte, types.Validator]
	// Misbehaviours are CometBFT evidence against known validators, by id.
	Misbehaviours   *collections.IndexedMap[uint64, types.Misbehaviour, MisbehaviourIndexes]
	MisbehaviourSeq collections.Sequence
	// RemovedValidators are validators taken out of the set for misbehaviour,
	// by consensus address, until a proposal sets them again.
	RemovedValidators collections.Map[[]byte, types.RemovedValidator]
}

// NewKeeper builds the keeper. router executes approved proposals' messages.
func NewKeeper(
	cdc codec.Codec,
	storeService store.KVStoreService,
	addressCodec address.Codec,
	accountKeeper types.AccountKeeper,
	router baseapp.MessageRouter,
	authority string,
) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		addressCodec:  addressCodec,
		accountKeeper: accountKeeper,
		router:        router,
		authority:     authority,
		Params:        collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		Organizations: collections.NewMap(sb, types.OrganizationsKey, "organizations", collections.StringKey, codec.CollValue[types.Organization](cdc)),
		Members: collections.NewIndexedMap(sb, types.MembersKey, "members", sdk.AccAddressKey, codec.CollValue[types.Member](cdc),
			MemberIndexes{
				Organization: indexes.NewMulti(sb, types.MembersByOrgKey, "members_by_org", collections.StringKey, sdk.AccAddressKey,
					func(_ sdk.AccAddress, m types.Member) (string, error) { return m.OrganizationId, nil }),
			}),
		Validators: collections.NewMap(sb, types.ValidatorsKey, "validators", collections.BytesKey, codec.CollValue[types.Validator](cdc)),
		Proposals: collections.NewIndexedMap(sb, types.ProposalsKey, "proposals", collections.Uint64Key, codec.CollValue[types.Proposal](cdc),
			ProposalIndexes{
				Status: indexes.NewMulti(sb, types.ProposalsByStatusKey, "proposals_by_status", collections.Int32Key, collections.Uint64Key,
					func(_ uint64, p types.Proposal) (int32, error) { return int32(p.Status), nil }),
			}),
		ProposalSeq:  collections.NewSequence(sb, types.ProposalSeqKey, "proposal_seq"),
		ExpiryQueue:  collections.NewKeySet(sb, types.ProposalExpiryQueueKey, "proposal_expiry", collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		PendingPower: collections.NewMap(sb, types.PendingPowerKey, "pending_power", collections.BytesKey, codec.CollValue[types.Validator](cdc)),
		Misbehaviours: collections.NewIndexedMap(sb, types.MisbehavioursKey, "misbehaviours", collections.Uint64Key, codec.CollValue[types.Misbehaviour](cdc),
			MisbehaviourIndexes{
				Validator: indexes.NewMulti(sb, types.MisbehavioursByValKey, "misbehaviours_by_validator", collections.BytesKey, collections.Uint64Key,
					func(_ uint64, m types.Misbehaviour) ([]byte, error) { return types.ConsensusAddress(m.PubKey), nil }),
				Evidence: indexes.NewUnique(sb, types.MisbehavioursByEvidKey, "misbehaviours_by_evidence",
					collections.TripleKeyCodec(collections.BytesKey, collections.Int64Key, collections.Int32Key), collections.Uint64Key,
					func(_ uint64, m types.Misbehaviour) (collections.Triple[[]byte, int64, int32], error) {
						return misbehaviourKey(types.ConsensusAddress(m.PubKey), m.InfractionHeight, m.Kind), nil
					}),
			}),
		MisbehaviourSeq:   collections.NewSequence(sb, types.MisbehaviourSeqKey, "misbehaviour_seq"),
		RemovedValidators: collections.NewMap(sb, types.RemovedValidatorsKey, "removed_validators", collections.BytesKey, codec.CollValue[types.RemovedValidator](cdc)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	return k
}

// Authority is the address that signs proposal-only messages.
func (k Keeper) Authority() string { return k.authority }

// GetMember returns the member record of addr, active or not.
func (k Keeper) GetMember(ctx context.Context, addr sdk.AccAddress) (types.Member, error) {
	m, err := k.Members.Get(ctx, addr)
	if errors.Is(err, collections.ErrNotFound) {
		return m, errorsmod.Wrapf(types.ErrNotMember, "%s", k.formatAddr(addr))
	}
	return m, err
}

// RequireRole returns the member record of addr if it is an active member
// holding role; otherwise an error naming the address and the role.
func (k Keeper) RequireRole(ctx context.Context, addr sdk.AccAddress, role types.Role) (types.Member, error) {
	m, err := k.GetMember(ctx, addr)
	if err != nil {
		return m, err
	}
	if !m.Active {
		return m, errorsmod.Wrapf(types.ErrInactiveMember, "%s of %s was removed", m.Address, m.OrganizationId)
	}
	if !m.HasRole(role) {
		return m, errorsmod.Wrapf(types.ErrMissingRole, "%s (%s) needs role %s", m.Address, m.OrganizationId, role.ShortName())
	}
	return m, nil
}

// HasOrganization reports whether organization id is registered.
func (k Keeper) HasOrganization(ctx context.Context, id string) (bool, error) {
	return k.Organizations.Has(ctx, id)
}

func (k Keeper) formatAddr(addr sdk.AccAddress) string {
	s, err := k.addressCodec.BytesToString(addr)
	if err != nil {
		return addr.String()
	}
	return s
}
