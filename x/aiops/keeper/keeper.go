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
	"github.com/cosmos/cosmos-sdk/codec"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

// DetectorIndexes are the secondary lookups of the detectors map.
type DetectorIndexes struct {
	// Descriptor is unique: an account registers a (name, version) once.
	Descriptor *indexes.Unique[collections.Triple[string, string, string], uint64, types.Detector]
	Address    *indexes.Multi[string, uint64, types.Detector]
}

func (i DetectorIndexes) IndexesList() []collections.Index[uint64, types.Detector] {
	return []collections.Index[uint64, types.Detector]{i.Descriptor, i.Address}
}

// VerdictIndexes are the secondary lookups of the verdicts map; every key
// ends with the verdict id, so a prefix iterates ids in order.
type VerdictIndexes struct {
	Deployment *indexes.Multi[uint64, uint64, types.Verdict]
	Detector   *indexes.Multi[string, uint64, types.Verdict]
	Outcome    *indexes.Multi[int32, uint64, types.Verdict]
}

func (i VerdictIndexes) IndexesList() []collections.Index[uint64, types.Verdict] {
	return []collections.Index[uint64, types.Verdict]{i.Deployment, i.Detector, i.Outcome}
}

// AnomalyIndexes are the secondary lookups of the anomalies map.
type AnomalyIndexes struct {
	Service *indexes.Multi[string, uint64, types.Anomaly]
	// Report makes (detector, service, environment, metric, onset) unique.
	Report *indexes.Unique[string, uint64, types.Anomaly]
}

func (i AnomalyIndexes) IndexesList() []collections.Index[uint64, types.Anomaly] {
	return []collections.Index[uint64, types.Anomaly]{i.Service, i.Report}
}

// Keeper owns detectors, verdicts and anomalies.
type Keeper struct {
	cdc          codec.BinaryCodec
	addressCodec address.Codec
	consortium   types.ConsortiumKeeper
	deployments  types.DeploymentsKeeper
	incidents    types.IncidentsKeeper
	// authority is the consortium module account, the only signer of
	// MsgUpdateParams (it runs inside approved consortium proposals).
	authority string

	Schema      collections.Schema
	Params      collections.Item[types.Params]
	DetectorSeq collections.Sequence
	VerdictSeq  collections.Sequence
	AnomalySeq  collections.Sequence
	Detectors   *collections.IndexedMap[uint64, types.Detector, DetectorIndexes]
	Verdicts    *collections.IndexedMap[uint64, types.Verdict, VerdictIndexes]
	Anomalies   *collections.IndexedMap[uint64, types.Anomaly, AnomalyIndexes]
	// FailingArtifacts holds (artifact digest, deployment id) for every
	// deployment with a FAIL verdict; a deployment has several digests,
	// which an indexes.Multi cannot express.
	FailingArtifacts collections.KeySet[collections.Pair[string, uint64]]
	// AutoIncidents maps (service, environment) to the incident last opened
	// from an anomaly there; later anomalies join it while it is active.
	AutoIncidents collections.Map[collections.Pair[string, string], uint64]
}

// NewKeeper builds the keeper. consortium answers role checks, deployments
// resolves and halts deployments, incidents opens incidents from anomalies;
// authority is the consortium module account address.
func NewKeeper(cdc codec.BinaryCodec, storeService store.KVStoreService, addressCodec address.Codec, consortium types.ConsortiumKeeper,
	deployments types.DeploymentsKeeper, incidents types.IncidentsKeeper, authority string,
) Keeper {
	sb := collections.NewSchemaBuilder(storeService)
	k := Keeper{
		cdc:          cdc,
		addressCodec: addressCodec,
		consortium:   consortium,
		deployments:  deployments,
		incidents:    incidents,
		authority:    authority,
		Params:       collections.NewItem(sb, types.ParamsKey, "params", codec.CollValue[types.Params](cdc)),
		DetectorSeq:  collections.NewSequence(sb, types.DetectorSeqKey, "detector_seq"),
		VerdictSeq:   collections.NewSequence(sb, types.VerdictSeqKey, "verdict_seq"),
		AnomalySeq:   collections.NewSequence(sb, types.AnomalySeqKey, "anomaly_seq"),
		Detectors: collections.NewIndexedMap(sb, types.DetectorsKey, "detectors", collections.Uint64Key, codec.CollValue[types.Detector](cdc),
			DetectorIndexes{
				Descriptor: indexes.NewUnique(sb, types.DetectorsByDescriptorKey, "detectors_by_descriptor",
					collections.TripleKeyCodec(collections.StringKey, collections.StringKey, collections.StringKey), collections.Uint64Key,
					func(_ uint64, d types.Detector) (collections.Triple[string, string, string], error) {
						return collections.Join3(d.Address, d.Name, d.Version), nil
					}),
				Address: indexes.NewMulti(sb, types.DetectorsByAddressKey, "detectors_by_address",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, d types.Detector) (string, error) { return d.Address, nil }),
			}),
		Verdicts: collections.NewIndexedMap(sb, types.VerdictsKey, "verdicts", collections.Uint64Key, codec.CollValue[types.Verdict](cdc),
			VerdictIndexes{
				Deployment: indexes.NewMulti(sb, types.VerdictsByDeploymentKey, "verdicts_by_deployment",
					collections.Uint64Key, collections.Uint64Key,
					func(_ uint64, v types.Verdict) (uint64, error) { return v.DeploymentId, nil }),
				Detector: indexes.NewMulti(sb, types.VerdictsByDetectorKey, "verdicts_by_detector",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, v types.Verdict) (string, error) { return v.Detector, nil }),
				Outcome: indexes.NewMulti(sb, types.VerdictsByOutcomeKey, "verdicts_by_outcome",
					collections.Int32Key, collections.Uint64Key,
					func(_ uint64, v types.Verdict) (int32, error) { return int32(v.Outcome), nil }),
			}),
		Anomalies: collections.NewIndexedMap(sb, types.AnomaliesKey, "anomalies", collections.Uint64Key, codec.CollValue[types.Anomaly](cdc),
			AnomalyIndexes{
				Service: indexes.NewMulti(sb, types.AnomaliesByServiceKey, "anomalies_by_service",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Anomaly) (string, error) { return a.Service, nil }),
				Report: indexes.NewUnique(sb, types.AnomaliesByReportKey, "anomalies_by_report",
					collections.StringKey, collections.Uint64Key,
					func(_ uint64, a types.Anomaly) (string, error) {
						return types.AnomalyReportKey(a.DetectorId, a.Service, a.Environment, a.Metric, a.Onset), nil
					}),
			}),
		FailingArtifacts: collections.NewKeySet(sb, types.FailingArtifactsKey, "failing_artifacts",
			collections.PairKeyCodec(collections.StringKey, collections.Uint64Key)),
		AutoIncidents: collections.NewMap(sb, types.AutoIncidentsKey, "auto_incidents",
			collections.PairKeyCodec(collections.StringKey, collections.StringKey), collections.Uint64Value),
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

// GetDetector returns the detector with id, or ErrNotFound.
func (k Keeper) GetDetector(ctx context.Context, id uint64) (types.Detector, error) {
	d, err := k.Detectors.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return d, errorsmod.Wrapf(types.ErrNotFound, "detector %d", id)
	}
	return d, err
}

// GetVerdict returns the verdict with id, or ErrNotFound.
func (k Keeper) GetVerdict(ctx context.Context, id uint64) (types.Verdict, error) {
	v, err := k.Verdicts.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return v, errorsmod.Wrapf(types.ErrNotFound, "verdict %d", id)
	}
	return v, err
}

// GetAnomaly returns the anomaly with id, or ErrNotFound.
func (k Keeper) GetAnomaly(ctx context.Context, id uint64) (types.Anomaly, error) {
	a, err := k.Anomalies.Get(ctx, id)
	if errors.Is(err, collections.ErrNotFound) {
		return a, errorsmod.Wrapf(types.ErrNotFound, "anomaly %d", id)
	}
	return a, err
}

// resolveDetector finds the registration of ref by the account detector
// (canonical address) and checks that its config digest is the registered one.
func (k Keeper) resolveDetector(ctx context.Context, detector string, ref types.DetectorRef) (types.Detector, error) {
	id, err := k.Detectors.Indexes.Descriptor.MatchExact(ctx, collections.Join3(detector, ref.Name, ref.Version))
	if errors.Is(err, collections.ErrNotFound) {
		return types.Detector{}, errorsmod.Wrapf(types.ErrDetectorNotRegistered, "%s has not registered detector %s version %s (tx aiops register-detector)", detector, ref.Name, ref.Version)
	}
	if err != nil {
		return types.Detector{}, err
	}
	d, err := k.Detectors.Get(ctx, id)
	if err != nil {
		return d, errorsmod.Wrapf(err, "indexed detector %d", id)
	}
	if d.ConfigDigest != ref.ConfigDigest {
		return d, errorsmod.Wrapf(types.ErrDetectorMismatch, "detector %s version %s was registered with config digest %s, not %s; register a new version", ref.Name, ref.Version, d.ConfigDigest, ref.ConfigDigest)
	}
	return d, nil
}

// blockTime is the block time in UTC and the block height.
func blockTime(ctx context.Context) (time.Time, int64) {
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	return sdkCtx.BlockTime().UTC(), sdkCtx.BlockHeight()
}

// decodeAddress decodes a signer or filter address (validate.Address).
func (k Keeper) decodeAddress(s string) (sdk.AccAddress, string, error) {
	return validate.Address(k.addressCodec, types.ErrInvalidAddress, s)
}

// nextID issues the next id of seq; the first is 1.
func nextID(ctx context.Context, seq collections.Sequence) (uint64, error) {
	issued, err := seq.Next(ctx)
	if err != nil {
		return 0, err
	}
	return issued + 1, nil
}
