package keeper

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	"cosmossdk.io/core/address"
	"cosmossdk.io/core/store"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

// DeploymentIndexes are the secondary lookups of the deployments map kept in
// state. Every index key ends with the deployment id, so a prefix iterates ids
// in order. (service, environment) is the one a transaction reads (x/aiops
// walks a pair's history); lookups only queries need (environment, status,
// deployer, artifact digest, success time) live in the node-local
// RecordIndex instead.
type DeploymentIndexes struct {
	ServiceEnv *indexes.Multi[collections.Pair[string, string], uint64, types.Deployment]
}

func (i DeploymentIndexes) IndexesList() []collections.Index[uint64, types.Deployment] {
	return []collections.Index[uint64, types.Deployment]{i.ServiceEnv}
}

// RecordIndex lists record ids by the attributes the state does not index
// (implemented by x/deployments/localindex). It reflects the latest block
// and is not part of consensus: its lists are candidates, and the query
// loads each record from state and checks it against the filter.
type RecordIndex interface {
	Environment(env string, start uint64) (idpage.Source, error)
	Status(status types.DeploymentStatus, start uint64) (idpage.Source, error)
	Deployer(deployer sdk.AccAddress, start uint64) (idpage.Source, error)
	Digest(digest string, start uint64) (idpage.Source, error)
	// Succeeded calls fn for the records that became succeeded in
	// [from, to), in order of that time, then id.
	Succeeded(from, to time.Time, fn func(at time.Time, id uint64) (stop bool, err error)) error
}

// Keeper owns the deployment records.
type Keeper struct {
	cdc          codec.BinaryCodec
	storeService store.KVStoreService
	addressCodec address.Codec
	consortium   types.ConsortiumKeeper
	// gates may refuse a new record (see WithDeployGates); consulted in order.
	gates []types.DeployGate
	// policy decides on every new record after the gates (see
	// WithDeployPolicy); nil when no policy module is wired.
	policy types.DeployPolicy
	// recordIndex serves the environment, status, deployer and digest
	// filters of the Deployments query and the success-time walk (see
	// WithRecordIndex); without it they walk every record.
	recordIndex RecordIndex

	Schema collections.Schema
	// DeploymentSeq counts the ids issued; the next id is its value plus one.
	DeploymentSeq collections.Sequence
	Deployments   *collections.IndexedMap[uint64, types.Deployment, DeploymentIndexes]
	// records is the primary map of Deployments (same prefix and codecs),
	// kept out of the schema: storeNew writes a record under an id never
	// used through it, because IndexedMap.Set first reads the old value to
	// drop its index entries, and for a new id that read misses every cache
	// down to the database (about 25 us, 4% of a node's CPU under batched
	// load).
	records collections.Map[uint64, types.Deployment]
	// ExternalRefs maps (organization id, external id) to the record and the
	// digest of the request that created it.
	ExternalRefs collections.Map[collections.Pair[string, string], types.ExternalRef]
	// Current maps (service, environment) to the latest deployment that
	// reached succeeded (see updateCurrent).
	Current collections.Map[collections.Pair[string, string], uint64]
	// BreakGlassPending holds (review due, id) of every break-glass deployment
	// not yet reviewed; BreakGlassDueQueue the subset whose overdue event is
	// still to come (EndBlock reads only its due prefix).
	BreakGlassPending  collections.KeySet[collections.Pair[time.Time, uint64]]
	BreakGlassDueQueue collections.KeySet[collections.Pair[time.Time, uint64]]
}

// NewKeeper builds the keeper. consortium answers membership and role checks.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, consortium types.ConsortiumKeeper) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:           cdc,
		storeService:  storeService,
		addressCodec:  addressCodec,
		consortium:    consortium,
		DeploymentSeq: collections.NewSequence(sb, types.DeploymentSeqKey, "deployment_seq"),
		Deployments: collections.NewIndexedMap(sb, types.DeploymentsKey, "deployments", collections.Uint64Key, codec.CollValue[types.Deployment](cdc),
			DeploymentIndexes{
				ServiceEnv: indexes.NewMulti(sb, types.DeploymentsByServiceEnvKey, "deployments_by_service_env",
					collections.PairKeyCodec(collections.StringKey, collections.StringKey), collections.Uint64Key,
					func(_ uint64, d types.Deployment) (collections.Pair[string, string], error) {
						return collections.Join(d.Service, d.Environment), nil
					}),
			}),
		ExternalRefs: collections.NewMap(sb, types.ExternalRefsKey, "external_refs",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), codec.CollValue[types.ExternalRef](cdc)),
		Current: collections.NewMap(sb, types.CurrentKey, "current",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), collections.Uint64Value),
		// sdk.TimeKey is marked deprecated in favour of a collections time key
		// codec that collections v1.4.0 does not have; its fixed-width,
		// lexicographically ordered encoding is what a time range needs.
		BreakGlassPending: collections.NewKeySet(sb, types.BreakGlassPendingKey, "break_glass_pending",
			collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
		BreakGlassDueQueue: collections.NewKeySet(sb, types.BreakGlassDueQueueKey, "break_glass_due_queue",
			collections.PairKeyCodec(sdk.TimeKey, collections.Uint64Key)),
	}
	schema, err := sb.Build()
	if err != nil {
		panic(err)
	}
	k.Schema = schema
	k.records = collections.NewMap(collections.NewSchemaBuilder(storeService), types.DeploymentsKey, "deployments",
		collections.Uint64Key, codec.CollValue[types.Deployment](cdc))
	return k
}

// WithDeployGates returns a copy of the keeper that consults gates, in this
// order, before it stores a new deployment record (see RecordDeployment). The
// copy holds exactly these gates; the receiver is unchanged. A nil gate is a
// wiring mistake and panics.
func (k Keeper) WithDeployGates(gates ...types.DeployGate) Keeper {
	for i, g := range gates {
		if g == nil {
			panic(fmt.Sprintf("deployments: deploy gate %d is nil", i))
		}
	}
	k.gates = slices.Clone(gates)
	return k
}

// WithDeployPolicy returns a copy of the keeper whose new records are
// decided on by policy after the deploy gates accepted them; the decision is
// stored with the record. A nil policy is a wiring mistake and panics.
func (k Keeper) WithDeployPolicy(policy types.DeployPolicy) Keeper {
	if policy == nil {
		panic("deployments: deploy policy is nil")
	}
	k.policy = policy
	return k
}

// WithRecordIndex returns a copy of the keeper whose Deployments query reads
// the environment, status, deployer and digest lists from index, and whose
// IterateSucceeded reads its success times.
func (k Keeper) WithRecordIndex(index RecordIndex) Keeper {
	if index == nil {
		panic("deployments: record index is nil")
	}
	k.recordIndex = index
	return k
}

// WalkDeployments calls fn for every record, in id order; the record index
// rebuilds from it.
func (k Keeper) WalkDeployments(ctx context.Context, fn func(types.Deployment) error) error {
	return k.records.Walk(ctx, nil, func(_ uint64, d types.Deployment) (bool, error) {
		return false, fn(d)
	})
}

// AddressCodec is the codec the keeper decodes and prints addresses with.
func (k Keeper) AddressCodec() address.Codec { return k.addressCodec }

// GetDeployment returns the record with id, or ErrNotFound naming the id.
func (k Keeper) GetDeployment(ctx context.Context, id uint64) (types.Deployment, error) {
	d, err := k.Deployments.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return d, errorsmod.Wrapf(types.ErrNotFound, "deployment %d", id)
	}
	return d, err
}

// peekID returns the id the next record will get, without issuing it; the
// first is 1.
func (k Keeper) peekID(ctx context.Context) (uint64, error) {
	issued, err := k.DeploymentSeq.Peek(ctx)
	if err != nil {
		return 0, err
	}
	return issued + 1, nil
}

// nextID issues the next deployment id; the first is 1.
func (k Keeper) nextID(ctx context.Context) (uint64, error) {
	issued, err := k.DeploymentSeq.Next(ctx)
	if err != nil {
		return 0, err
	}
	return issued + 1, nil
}

// storeNew writes a record under an id that was never used (issued by
// nextID, or from a genesis that has no duplicate ids) with its index
// entries and its pending break-glass review.
func (k Keeper) storeNew(ctx context.Context, d types.Deployment) error {
	for _, idx := range k.Deployments.Indexes.IndexesList() {
		if err := idx.Reference(ctx, d.Id, d, noPreviousRecord); err != nil {
			return err
		}
	}
	if err := k.records.Set(ctx, d.Id, d); err != nil {
		return err
	}
	if r := d.BreakGlassReview; r != nil && r.Reviewer == "" {
		return k.BreakGlassPending.Set(ctx, collections.Join(r.Due, d.Id))
	}
	return nil
}

// noPreviousRecord is the old value of a new id for the indexes' Reference:
// there is none, so they only add entries.
func noPreviousRecord() (types.Deployment, error) { return types.Deployment{}, collections.ErrNotFound }

// updateCurrent makes d, which has just become succeeded, the current
// deployment of its service and environment unless the current one became
// succeeded later. "Later" is (updated_height, id): within one block the
// larger id wins. The rule only reads stored records, so InitGenesis rebuilds
// exactly the map live updates produce. Status updates and InitGenesis apply
// it; RecordDeployment sets a new succeeded record directly, since a new
// record always wins it.
func (k Keeper) updateCurrent(ctx context.Context, d types.Deployment) error {
	key := collections.Join(d.Service, d.Environment)
	curID, err := k.Current.Get(ctx, key)
	switch {
	case errors.Is(err, collections.ErrNotFound):
		return k.Current.Set(ctx, key, d.Id)
	case err != nil:
		return err
	}
	if curID == d.Id {
		return nil
	}
	cur, err := k.Deployments.Get(ctx, curID)
	if err != nil {
		return errorsmod.Wrapf(err, "current deployment %d of %s/%s", curID, d.Service, d.Environment)
	}
	if d.UpdatedHeight > cur.UpdatedHeight || (d.UpdatedHeight == cur.UpdatedHeight && d.Id > cur.Id) {
		return k.Current.Set(ctx, key, d.Id)
	}
	return nil
}

// RecordDeployment stores a new deployment recorded by deployer (canonical
// address string) of organization orgID from a validated msg, and returns its
// id. A request whose external id the organisation already used returns the
// existing id with existing=true when the content is identical, and
// ErrConflict otherwise; either way nothing is written and no deploy gate is
// consulted. Otherwise every deploy gate sees the complete record before it
// is stored; the first refusal is returned unchanged and nothing is written.
func (k Keeper) RecordDeployment(ctx context.Context, deployer, orgID string, msg *types.MsgRecordDeployment) (id uint64, existing bool, err error) {
	var digest []byte
	if msg.ExternalId != "" {
		digest, err = msg.ContentDigest()
		if err != nil {
			return 0, false, err
		}
		ref, err := k.ExternalRefs.Get(ctx, collections.Join(orgID, msg.ExternalId))
		switch {
		case err == nil:
			if bytes.Equal(ref.ContentDigest, digest) {
				return ref.DeploymentId, true, nil
			}
			return 0, false, errorsmod.Wrapf(types.ErrConflict, "external id %q of organization %q already recorded as deployment %d", msg.ExternalId, orgID, ref.DeploymentId)
		case !errors.Is(err, collections.ErrNotFound):
			return 0, false, err
		}
	}
	if msg.RollbackOf != 0 {
		target, err := k.GetDeployment(ctx, msg.RollbackOf)
		if err != nil {
			return 0, false, errorsmod.Wrap(err, "rollback_of")
		}
		if target.Service != msg.Service || target.Environment != msg.Environment {
			return 0, false, errorsmod.Wrapf(types.ErrInvalidRollback, "deployment %d is %s/%s, not %s/%s",
				target.Id, target.Service, target.Environment, msg.Service, msg.Environment)
		}
	}

	// The id is only read here and issued once the gates have accepted the
	// record, so a refusal leaves the store untouched even for a caller that
	// keeps its writes on error (the SDK discards a failed message's writes
	// anyway).
	id, err = k.peekID(ctx)
	if err != nil {
		return 0, false, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now, height := sdkCtx.BlockTime().UTC(), sdkCtx.BlockHeight()
	status := msg.InitialStatus()
	d := types.Deployment{
		Id:             id,
		Service:        msg.Service,
		Environment:    msg.Environment,
		Version:        msg.Version,
		Artifacts:      slices.Clone(msg.Artifacts),
		Source:         msg.Source,
		Pipeline:       msg.Pipeline,
		Strategy:       msg.Strategy,
		Status:         status,
		RollbackOf:     msg.RollbackOf,
		Deployer:       deployer,
		OrganizationId: orgID,
		Labels:         slices.Clone(msg.Labels),
		ExternalId:     msg.ExternalId,
		FixesIncidents: slices.Clone(msg.FixesIncidents),
		BreakGlass:     msg.BreakGlass,
		CreatedAt:      now,
		CreatedHeight:  height,
		UpdatedAt:      now,
		UpdatedHeight:  height,
		Transitions: []types.StatusTransition{{
			From:   types.DEPLOYMENT_STATUS_UNSPECIFIED,
			To:     status,
			Actor:  deployer,
			Reason: msg.Reason,
			Time:   now,
			Height: height,
		}},
	}
	for _, g := range k.gates {
		if err := g.CheckDeployment(ctx, d); err != nil {
			return 0, false, err
		}
	}
	if k.policy != nil {
		decision, err := k.policy.EvaluateDeployment(ctx, d)
		if err != nil {
			return 0, false, err
		}
		d.PolicyDecision = &decision
		if decision.Outcome == types.POLICY_OUTCOME_BREAK_GLASS {
			d.BreakGlassReview = &types.BreakGlassReview{Due: now.Add(decision.BreakGlassReviewPeriod)}
		}
	}
	issued, err := k.nextID(ctx)
	if err != nil {
		return 0, false, err
	}
	if issued != id {
		// Only a gate that records a deployment itself can cause this.
		return 0, false, errorsmod.Wrapf(types.ErrInvalidDeployment, "deployment id %d was taken while the deploy gates checked it (now %d)", id, issued)
	}
	if err := k.storeNew(ctx, d); err != nil {
		return 0, false, err
	}
	if review := d.BreakGlassReview; review != nil {
		if err := k.BreakGlassDueQueue.Set(ctx, collections.Join(review.Due, d.Id)); err != nil {
			return 0, false, err
		}
		err := sdkCtx.EventManager().EmitTypedEvent(&types.EventBreakGlassDeployment{
			Id:             id,
			Environment:    d.Environment,
			OrganizationId: orgID,
			Justification:  d.BreakGlass,
			PolicyVersion:  d.PolicyDecision.PolicyVersion,
			ReviewDue:      review.Due.Format(time.RFC3339),
		})
		if err != nil {
			return 0, false, err
		}
	}
	if msg.ExternalId != "" {
		ref := types.ExternalRef{DeploymentId: id, ContentDigest: digest}
		if err := k.ExternalRefs.Set(ctx, collections.Join(orgID, msg.ExternalId), ref); err != nil {
			return 0, false, err
		}
	}
	if status == types.DEPLOYMENT_STATUS_SUCCEEDED {
		// A new record wins updateCurrent's rule without reading the
		// current one: its id is the highest, and its height the block's,
		// which no record written by a transaction exceeds (a chain
		// imported from an export starts above the export's heights). The
		// read was a third of recording a succeeded deployment in a profile
		// of batched load; skipping it changed the gas, hence the software
		// upgrade v5-succeeded-record-gas.
		if err := k.Current.Set(ctx, collections.Join(d.Service, d.Environment), d.Id); err != nil {
			return 0, false, err
		}
	}
	digests := make([]string, len(d.Artifacts))
	for i, a := range d.Artifacts {
		digests[i] = a.Digest
	}
	recorded := types.EventDeploymentRecorded{
		Id:              id,
		Service:         d.Service,
		Environment:     d.Environment,
		Version:         d.Version,
		Status:          d.Status,
		Strategy:        d.Strategy,
		Deployer:        deployer,
		OrganizationId:  orgID,
		ExternalId:      d.ExternalId,
		RollbackOf:      d.RollbackOf,
		ArtifactDigests: digests,
	}
	sdkCtx.EventManager().EmitEvent(recorded.ToEvent())
	return id, false, nil
}

// RecordDeployments records msgs (validated, all signed by deployer of
// organization orgID) in order through RecordDeployment, so each one sees the
// records written before it: a later message may roll back an earlier one,
// and a repeated external id is a replay (same content: the earlier id,
// existing=true) or ErrConflict. The first failure is returned wrapped with
// "record <index>" (0-based) and keeps its error class; the records written
// before it are not undone here — the caller runs on a cached store that the
// SDK discards when the message fails.
func (k Keeper) RecordDeployments(ctx context.Context, deployer, orgID string, msgs []*types.MsgRecordDeployment) (ids []uint64, existing []bool, err error) {
	ids = make([]uint64, len(msgs))
	existing = make([]bool, len(msgs))
	for i, msg := range msgs {
		ids[i], existing[i], err = k.RecordDeployment(ctx, deployer, orgID, msg)
		if err != nil {
			return nil, nil, types.WrapRecordIndex(err, i)
		}
	}
	return ids, existing, nil
}

// UpdateDeploymentStatus moves deployment id to status to on behalf of actor
// (canonical address string) of organization orgID. Only the recording
// organisation may do so, and only from in_progress to a final status.
func (k Keeper) UpdateDeploymentStatus(ctx context.Context, actor, orgID string, id uint64, to types.DeploymentStatus, reason string) error {
	d, err := k.GetDeployment(ctx, id)
	if err != nil {
		return err
	}
	if d.OrganizationId != orgID {
		return errorsmod.Wrapf(types.ErrOtherOrganization, "deployment %d was recorded by organization %q; %s belongs to %q", id, d.OrganizationId, actor, orgID)
	}
	from := d.Status
	if err := types.ValidateTransition(from, to); err != nil {
		return errorsmod.Wrapf(err, "deployment %d", id)
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	now, height := sdkCtx.BlockTime().UTC(), sdkCtx.BlockHeight()
	d.Status = to
	d.UpdatedAt = now
	d.UpdatedHeight = height
	d.Transitions = append(d.Transitions, types.StatusTransition{
		From:   from,
		To:     to,
		Actor:  actor,
		Reason: reason,
		Time:   now,
		Height: height,
	})
	if err := k.Deployments.Set(ctx, id, d); err != nil {
		return err
	}
	if to == types.DEPLOYMENT_STATUS_SUCCEEDED {
		if err := k.updateCurrent(ctx, d); err != nil {
			return err
		}
	}
	return sdkCtx.EventManager().EmitTypedEvent(&types.EventDeploymentStatusChanged{
		Id:          id,
		Service:     d.Service,
		Environment: d.Environment,
		From:        from,
		To:          to,
		Actor:       actor,
		Reason:      reason,
	})
}
