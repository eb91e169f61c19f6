package keeper

import (
	"context"
	"errors"
	"slices"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/incidents/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

// IncidentIndexes are the secondary lookups of the incidents map that
// follow a single field of the record. Every index key ends with the
// incident id, so a prefix iterates ids in order.
type IncidentIndexes struct {
	Status   *indexes.Multi[int32, uint64, types.Incident]
	Severity *indexes.Multi[int32, uint64, types.Incident]
}

func (i IncidentIndexes) IndexesList() []collections.Index[uint64, types.Incident] {
	return []collections.Index[uint64, types.Incident]{i.Status, i.Severity}
}

// Keeper owns incidents, their cause links and remediation items, and the
// deploy freeze derived from them.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	consortium   types.ConsortiumKeeper
	deployments  types.DeploymentsKeeper
	// authority is the consortium module account, the only signer of
	// MsgUpdateParams (it runs inside approved consortium proposals).
	authority string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	IncidentSeq collections.Sequence
	Incidents   *collections.IndexedMap[uint64, types.Incident, IncidentIndexes]
	// The following indexes hold several entries per incident (or are keyed
	// by a time), which an indexes.Multi cannot express; they are written
	// when an incident is opened (affected pairs and opening time never
	// change).
	IncidentsByOpened      collections.KeySet[collections.Pair[time.Time, uint64]]
	IncidentsByServiceEnv  collections.KeySet[collections.Pair[collections.Pair[string, string], uint64]]
	IncidentsByService     collections.KeySet[collections.Pair[string, uint64]]
	IncidentsByEnvironment collections.KeySet[collections.Pair[string, uint64]]
	// Freezes holds ((service, environment), incident id) for every affected
	// pair of every incident that currently freezes deployments (see
	// types.Params.Freezes), so the deploy gate reads one prefix for a
	// frozen pair.
	Freezes collections.KeySet[collections.Pair[collections.Pair[string, string], uint64]]
	// FrozenPairs holds every (service, environment) that has at least one
	// Freezes entry. The deploy gate runs for every record and almost no pair
	// is ever frozen: one point read answers it, where opening an iterator
	// over the pair's Freezes prefix cost several times more.
	FrozenPairs collections.KeySet[collections.Pair[string, string]]
	// Causes holds (deployment id, incident id) for every cause link.
	Causes         collections.KeySet[collections.Pair[uint64, uint64]]
	RemediationSeq collections.Sequence
	Remediations   collections.Map[uint64, types.Remediation]
	// DueQueue holds incomplete items whose overdue event is still to come;
	// EndBlock reads only its due prefix.
	DueQueue collections.KeySet[collections.Pair[time.Time, uint64]]
	// IncompleteRemediations holds every incomplete item by due time, for the
	// Overdue query.
	IncompleteRemediations collections.KeySet[collections.Pair[time.Time, uint64]]
}

// NewKeeper builds the keeper. consortium answers role checks, deployments
// resolves deployment ids and feeds the metrics; authority is the consortium
// module account address.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, consortium types.ConsortiumKeeper, deployments types.DeploymentsKeeper, authority string) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	serviceEnvKey := collections.PairKeyCodec(collections.PairKeyCodec(collections.StringKey, collections.StringKey), collections.Uint64Key)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		consortium:   consortium,
		deployments:  deployments,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		IncidentSeq:  collections.NewSequence(sb, types.IncidentSeqKey, "incident_seq"),
		Incidents: collections.NewIndexedMap(sb, types.IncidentsKey, "incidents", collections.Uint64Key, codec.CollValue[types.Incident](cdc),
			IncidentIndexes{
				Status: indexes.NewMulti(sb, types.IncidentsByStatusKey, "incidents_by_status",
					collections.Int32Key, collections.Uint64Key,
					func(_ uint64, inc types.Incident) (int32, error) { return int32(inc.Status), nil }),
				Severity: indexes.NewMulti(sb, types.IncidentsBySeverityKey, "incidents_by_severity",
					collections.Int32Key, collections.Uint64Key,
					func(_ uint64, inc types.Incident) (int32, error) { return int32(inc.Severity), nil }),
			}),
		IncidentsByOpened: collections.NewKeySet(sb, types.IncidentsByOpenedKey, "incidents_by_opened",
			collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		IncidentsByServiceEnv: collections.NewKeySet(sb, types.IncidentsByServiceEnvKey, "incidents_by_service_env", serviceEnvKey),
		IncidentsByService: collections.NewKeySet(sb, types.IncidentsByServiceKey, "incidents_by_service",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		IncidentsByEnvironment: collections.NewKeySet(sb, types.IncidentsByEnvironmentKey, "incidents_by_environment",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		Freezes: collections.NewKeySet(sb, types.FreezesKey, "freezes", serviceEnvKey),
		FrozenPairs: collections.NewKeySet(sb, types.FrozenPairsKey, "frozen_pairs",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey)),
		Causes: collections.NewKeySet(sb, types.CausesKey, "causes",
			collections.PairKeyCodec(collections.Uint64Key, collections.Uint64Key)),
		RemediationSeq: collections.NewSequence(sb, types.RemediationSeqKey, "remediation_seq"),
		Remediations: collections.NewMap(sb, types.RemediationsKey, "remediations", collections.Uint64Key,
			codec.CollValue[types.Remediation](cdc)),
		DueQueue: collections.NewKeySet(sb, types.DueQueueKey, "remediation_due_queue",
			collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		IncompleteRemediations: collections.NewKeySet(sb, types.IncompleteRemediationsKey, "incomplete_remediations",
			collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
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

// Authority is the address that signs MsgUpdateParams.
func (k Keeper) Authority() string { return k.authority }

// GetParams returns the module parameters.
func (k Keeper) GetParams(ctx context.Context) (types.Params, error) {
	p, err := k.Params.Get(ctx)
	if errors.Is(err, collections.ErrNotFound) {
		return p, errorsmod.Wrap(types.ErrNotFound, "params are not set (InitGenesis did not run)")
	}
	return p, err
}

// GetIncident returns the incident with id, or ErrNotFound naming the id.
func (k Keeper) GetIncident(ctx context.Context, id uint64) (types.Incident, error) {
	inc, err := k.Incidents.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return inc, errorsmod.Wrapf(types.ErrNotFound, "incident %d", id)
	}
	return inc, err
}

// GetRemediation returns the remediation item with id, or ErrNotFound.
func (k Keeper) GetRemediation(ctx context.Context, id uint64) (types.Remediation, error) {
	r, err := k.Remediations.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return r, errorsmod.Wrapf(types.ErrNotFound, "remediation %d", id)
	}
	return r, err
}

// requireDeployment checks that deployment id exists; an unknown id is
// ErrUnknownDeployment naming what referred to it.
func (k Keeper) requireDeployment(ctx context.Context, what string, id uint64) error {
	_, err := k.deployments.GetDeployment(ctx, id)
	switch {
	case errors.Is(err, deploymentstypes.ErrNotFound):
		return errorsmod.Wrapf(types.ErrUnknownDeployment, "%s: deployment %d does not exist", what, id)
	case err != nil:
		return errorsmod.Wrapf(err, "%s: deployment %d", what, id)
	}
	return nil
}

// storeNewIncident writes a record with all its indexes. Used when an
// incident is opened and by InitGenesis.
func (k Keeper) storeNewIncident(ctx context.Context, params types.Params, inc types.Incident) error {
	if err := k.Incidents.Set(ctx, inc.Id, inc); err != nil {
		return err
	}
	if err := k.IncidentsByOpened.Set(ctx, collections.Join(inc.OpenedAt, inc.Id)); err != nil {
		return err
	}
	for _, p := range inc.Affected {
		for _, err := range []error{
			k.IncidentsByServiceEnv.Set(ctx, collections.Join(collections.Join(p.Service, p.Environment), inc.Id)),
			k.IncidentsByService.Set(ctx, collections.Join(p.Service, inc.Id)),
			k.IncidentsByEnvironment.Set(ctx, collections.Join(p.Environment, inc.Id)),
		} {
			if err != nil {
				return err
			}
		}
	}
	for _, c := range inc.Causes {
		if err := k.Causes.Set(ctx, collections.Join(c.DeploymentId, inc.Id)); err != nil {
			return err
		}
	}
	return k.updateFreezes(ctx, params, nil, inc)
}

// saveIncident writes a changed record and moves its freeze entries when the
// change started or ended a freeze.
func (k Keeper) saveIncident(ctx context.Context, params types.Params, before, after types.Incident) error {
	if err := k.Incidents.Set(ctx, after.Id, after); err != nil {
		return err
	}
	return k.updateFreezes(ctx, params, &before, after)
}

// updateFreezes adds or removes the freeze entries of an incident whose
// freezing state changed between before (nil: a new record) and after, and
// keeps FrozenPairs in step. The affected pairs of an incident never change.
func (k Keeper) updateFreezes(ctx context.Context, params types.Params, before *types.Incident, after types.Incident) error {
	was := before != nil && params.Freezes(*before)
	is := params.Freezes(after)
	if was == is {
		return nil
	}
	for _, p := range after.Affected {
		pair := collections.Join(p.Service, p.Environment)
		var err error
		if is {
			err = k.addFreeze(ctx, pair, after.Id)
		} else {
			err = k.removeFreeze(ctx, pair, after.Id)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// addFreeze records that incident id freezes pair.
func (k Keeper) addFreeze(ctx context.Context, pair collections.Pair[string, string], id uint64) error {
	if err := k.Freezes.Set(ctx, collections.Join(pair, id)); err != nil {
		return err
	}
	return k.FrozenPairs.Set(ctx, pair)
}

// removeFreeze drops the freeze of pair by incident id, and the pair from
// FrozenPairs when no other incident still freezes it.
func (k Keeper) removeFreeze(ctx context.Context, pair collections.Pair[string, string], id uint64) error {
	if err := k.Freezes.Remove(ctx, collections.Join(pair, id)); err != nil {
		return err
	}
	it, err := k.Freezes.Iterate(ctx, collections.NewPrefixedPairRange[collections.Pair[string, string], uint64](pair))
	if err != nil {
		return err
	}
	stillFrozen := it.Valid()
	if err := it.Close(); err != nil {
		return err
	}
	if stillFrozen {
		return nil
	}
	return k.FrozenPairs.Remove(ctx, pair)
}

// rebuildFreezes recomputes the freeze entries under params after a params
// change: it clears them and the frozen pairs, and re-adds those of the open
// and mitigated incidents (the only ones that can freeze), read through the
// status index.
func (k Keeper) rebuildFreezes(ctx context.Context, params types.Params) error {
	if err := k.Freezes.Clear(ctx, nil); err != nil {
		return err
	}
	if err := k.FrozenPairs.Clear(ctx, nil); err != nil {
		return err
	}
	for _, st := range []types.IncidentStatus{types.INCIDENT_STATUS_OPEN, types.INCIDENT_STATUS_MITIGATED} {
		it, err := k.Incidents.Indexes.Status.MatchExact(ctx, int32(st))
		if err != nil {
			return err
		}
		ids, err := it.PrimaryKeys()
		if err != nil {
			return err
		}
		for _, id := range ids {
			inc, err := k.Incidents.Get(ctx, id)
			if err != nil {
				return errorsmod.Wrapf(err, "indexed incident %d", id)
			}
			if err := k.updateFreezes(ctx, params, nil, inc); err != nil {
				return err
			}
		}
	}
	return nil
}

// timeFormat prints times in errors and events.
const timeFormat = time.RFC3339Nano

// blockTime is the block time in UTC and the block height: every record
// stores UTC so that export and import round-trip exactly.
func blockTime(ctx context.Context) (time.Time, int64) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	return sdkCtx.BlockTime().UTC(), sdkCtx.BlockHeight()
}

// decodeAddress decodes a signer or filter address (validate.Address).
func (k Keeper) decodeAddress(s string) (sdk.AccAddress, string, error) {
	return validate.Address(k.addressCodec, types.ErrInvalidAddress, s)
}

// containsPair reports whether pairs holds (service, environment); an empty
// service or environment matches any.
func containsPair(pairs []types.ServiceEnvironment, service, environment string) bool {
	return slices.ContainsFunc(pairs, func(p types.ServiceEnvironment) bool {
		return (service == "" || p.Service == service) && (environment == "" || p.Environment == environment)
	})
}
