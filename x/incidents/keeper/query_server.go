package keeper

import (
	"context"
	"math"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/shiplog/shiplog/x/incidents/types"
	"github.com/shiplog/shiplog/x/internal/idpage"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// Params returns the module parameters.
func (q queryServer) Params(ctx context.Context, req *types.QueryParamsRequest) (*types.QueryParamsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	p, err := q.k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	return &types.QueryParamsResponse{Params: p}, nil
}

// Incident returns one incident by id.
func (q queryServer) Incident(ctx context.Context, req *types.QueryIncidentRequest) (*types.QueryIncidentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	inc, err := q.k.GetIncident(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryIncidentResponse{Incident: inc}, nil
}

// Remediation returns one remediation item by id.
func (q queryServer) Remediation(ctx context.Context, req *types.QueryRemediationRequest) (*types.QueryRemediationResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	r, err := q.k.GetRemediation(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryRemediationResponse{Remediation: r}, nil
}

// IncidentsByDeployment lists, in id order, the incidents deployment_id is
// linked to as a cause (one prefix of the causes index).
func (q queryServer) IncidentsByDeployment(ctx context.Context, req *types.QueryIncidentsByDeploymentRequest) (*types.QueryIncidentsByDeploymentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.DeploymentId == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "deployment_id is required")
	}
	it, err := q.k.Causes.Iterate(ctx, collections.NewPrefixedPairRange[uint64, uint64](req.DeploymentId))
	if err != nil {
		return nil, err
	}
	keys, err := it.Keys()
	if err != nil {
		return nil, err
	}
	out := make([]types.Incident, 0, len(keys))
	for _, key := range keys {
		inc, err := q.k.Incidents.Get(ctx, key.K2())
		if err != nil {
			return nil, errorsmod.Wrapf(err, "linked incident %d", key.K2())
		}
		out = append(out, inc)
	}
	return &types.QueryIncidentsByDeploymentResponse{Incidents: out}, nil
}

// Freezes lists, in id order, the incidents that currently freeze
// deployments of a service in an environment.
func (q queryServer) Freezes(ctx context.Context, req *types.QueryFreezesRequest) (*types.QueryFreezesResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateService(req.Service); err != nil {
		return nil, err
	}
	if err := types.ValidateEnvironment(req.Environment); err != nil {
		return nil, err
	}
	ids, err := q.k.freezingIncidents(ctx, req.Service, req.Environment)
	if err != nil {
		return nil, err
	}
	out := make([]types.Incident, 0, len(ids))
	for _, id := range ids {
		inc, err := q.k.Incidents.Get(ctx, id)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "freezing incident %d", id)
		}
		out = append(out, inc)
	}
	return &types.QueryFreezesResponse{Incidents: out}, nil
}

// Metrics computes the DORA metrics over [from, to).
func (q queryServer) Metrics(ctx context.Context, req *types.QueryMetricsRequest) (*types.QueryMetricsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	m, err := q.k.Metrics(ctx, req.Service, req.Environment, req.From, req.To)
	if err != nil {
		return nil, err
	}
	return &types.QueryMetricsResponse{Metrics: m}, nil
}

// Overdue lists the incomplete remediation items whose due time is at or
// before the block time, earliest due first (then by id). It reads only that
// prefix of the incomplete-items index. pagination.key is the 8-byte id of
// the item to continue from.
func (q queryServer) Overdue(ctx context.Context, req *types.QueryOverdueRequest) (*types.QueryOverdueResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	startID, limit, err := idpage.ParsePage(req.Pagination, 0, pageLimits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	now, _ := blockTime(ctx)
	rng := new(collections.Range[collections.Pair[time.Time, uint64]]).EndInclusive(collections.Join(now, uint64(math.MaxUint64)))
	if startID != 0 {
		r, err := q.k.GetRemediation(ctx, startID)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "pagination.key names remediation %d: %s", startID, err)
		}
		rng = rng.StartInclusive(collections.Join(r.DueTime, startID))
	}
	it, err := q.k.IncompleteRemediations.Iterate(ctx, rng)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	resp := &types.QueryOverdueResponse{Pagination: &query.PageResponse{}}
	out := make([]types.Remediation, 0, min(limit, 16))
	for ; it.Valid(); it.Next() {
		key, err := it.Key()
		if err != nil {
			return nil, err
		}
		if uint64(len(out)) == limit {
			resp.Pagination.NextKey = idpage.NextKey(key.K2())
			break
		}
		r, err := q.k.Remediations.Get(ctx, key.K2())
		if err != nil {
			return nil, errorsmod.Wrapf(err, "indexed remediation %d", key.K2())
		}
		out = append(out, r)
	}
	resp.Remediations = out
	return resp, nil
}

// Incidents lists incidents newest first. The opening-time range becomes an
// id range (ids are issued in opening order); the query then walks the most
// selective index the other filters allow within that id range and checks
// the remaining filters on each record. Without filters it walks the records.
func (q queryServer) Incidents(ctx context.Context, req *types.QueryIncidentsRequest) (_ *types.QueryIncidentsResponse, err error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	f, err := parseIncidentFilter(req)
	if err != nil {
		return nil, err
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64, pageLimits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	resp := &types.QueryIncidentsResponse{Pagination: &query.PageResponse{}, Incidents: []types.Incident{}}
	lo, hi, ok, err := q.k.openedIDRange(ctx, f.openedFrom, f.openedTo)
	if err != nil {
		return nil, err
	}
	hi = min(hi, start)
	if !ok || hi < lo {
		return resp, nil
	}
	src, err := q.k.incidentSource(ctx, f, lo, hi)
	if err != nil {
		return nil, err
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Incident, bool, error) {
		inc, err := q.k.Incidents.Get(ctx, id)
		if err != nil {
			return inc, false, errorsmod.Wrapf(err, "indexed incident %d", id)
		}
		return inc, f.match(inc), nil
	})
	if err != nil {
		return nil, err
	}
	resp.Incidents, resp.Pagination = out, page
	return resp, nil
}

// incidentFilter is a validated QueryIncidentsRequest.
type incidentFilter struct {
	status               types.IncidentStatus
	severity             types.Severity
	service, environment string
	openedFrom, openedTo *time.Time
}

func parseIncidentFilter(req *types.QueryIncidentsRequest) (incidentFilter, error) {
	f := incidentFilter{status: req.Status, severity: req.Severity, service: req.Service, environment: req.Environment}
	if !f.status.IsKnown() {
		return f, errorsmod.Wrapf(types.ErrInvalidStatus, "unknown status %d", int32(f.status))
	}
	if !f.severity.IsKnown() {
		return f, errorsmod.Wrapf(types.ErrInvalidSeverity, "unknown severity %d", int32(f.severity))
	}
	if f.service != "" {
		if err := types.ValidateService(f.service); err != nil {
			return f, err
		}
	}
	if f.environment != "" {
		if err := types.ValidateEnvironment(f.environment); err != nil {
			return f, err
		}
	}
	if req.OpenedFrom != nil {
		if err := types.ValidateQueryTime("opened_from", *req.OpenedFrom); err != nil {
			return f, err
		}
		t := req.OpenedFrom.UTC()
		f.openedFrom = &t
	}
	if req.OpenedTo != nil {
		if err := types.ValidateQueryTime("opened_to", *req.OpenedTo); err != nil {
			return f, err
		}
		t := req.OpenedTo.UTC()
		f.openedTo = &t
	}
	if f.openedFrom != nil && f.openedTo != nil && !f.openedFrom.Before(*f.openedTo) {
		return f, errorsmod.Wrap(types.ErrInvalidRequest, "opened_from must be before opened_to")
	}
	return f, nil
}

func (f incidentFilter) match(inc types.Incident) bool {
	switch {
	case f.status != types.INCIDENT_STATUS_UNSPECIFIED && inc.Status != f.status,
		f.severity != types.SEVERITY_UNSPECIFIED && inc.Severity != f.severity,
		f.openedFrom != nil && inc.OpenedAt.Before(*f.openedFrom),
		f.openedTo != nil && !inc.OpenedAt.Before(*f.openedTo):
		return false
	}
	return f.service == "" && f.environment == "" || containsPair(inc.Affected, f.service, f.environment)
}

// openedIDRange turns [from, to) of opening times into the inclusive id
// range [lo, hi] of the incidents opened in it, with two seeks of the
// opening-time index; ok is false when no incident was opened in it.
func (k Keeper) openedIDRange(ctx context.Context, from, to *time.Time) (lo, hi uint64, ok bool, err error) {
	lo, hi = 1, math.MaxUint64
	if from != nil {
		id, found, err := k.firstOpened(ctx, new(collections.Range[collections.Pair[time.Time, uint64]]).StartInclusive(collections.Join(*from, uint64(0))))
		if err != nil || !found {
			return 0, 0, false, err
		}
		lo = id
	}
	if to != nil {
		id, found, err := k.firstOpened(ctx, new(collections.Range[collections.Pair[time.Time, uint64]]).EndExclusive(collections.Join(*to, uint64(0))).Descending())
		if err != nil || !found {
			return 0, 0, false, err
		}
		hi = id
	}
	return lo, hi, true, nil
}

func (k Keeper) firstOpened(ctx context.Context, r collections.Ranger[collections.Pair[time.Time, uint64]]) (uint64, bool, error) {
	it, err := k.IncidentsByOpened.Iterate(ctx, r)
	if err != nil {
		return 0, false, err
	}
	defer it.Close()
	if !it.Valid() {
		return 0, false, nil
	}
	key, err := it.Key()
	return key.K2(), err == nil, err
}

// pageLimits are the incidents queries' page sizes.
var pageLimits = idpage.Limits{Default: types.DefaultQueryLimit, Max: types.MaxQueryLimit}

// incidentSource picks the most selective index the filter allows within
// the id range [lo, hi]: service+environment > service > environment >
// status > severity; without one it walks the records.
func (k Keeper) incidentSource(ctx context.Context, f incidentFilter, lo, hi uint64) (idpage.Source, error) {
	idx := k.Incidents.Indexes
	switch {
	case f.service != "" && f.environment != "":
		return idpage.PairKeys(ctx, k.IncidentsByServiceEnv, collections.Join(f.service, f.environment), lo, hi)
	case f.service != "":
		return idpage.PairKeys(ctx, k.IncidentsByService, f.service, lo, hi)
	case f.environment != "":
		return idpage.PairKeys(ctx, k.IncidentsByEnvironment, f.environment, lo, hi)
	case f.status != types.INCIDENT_STATUS_UNSPECIFIED:
		return idpage.Multi(ctx, idx.Status, int32(f.status), lo, hi)
	case f.severity != types.SEVERITY_UNSPECIFIED:
		return idpage.Multi(ctx, idx.Severity, int32(f.severity), lo, hi)
	}
	return idpage.Records[types.Incident](ctx, k.Incidents, lo, hi)
}
