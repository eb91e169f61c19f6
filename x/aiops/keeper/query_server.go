package keeper

import (
	"context"
	"math"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/aiops/types"
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

var limits = idpage.Limits{Default: types.DefaultQueryLimit, Max: types.MaxQueryLimit}

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

// Detector returns one registered descriptor.
func (q queryServer) Detector(ctx context.Context, req *types.QueryDetectorRequest) (*types.QueryDetectorResponse, error) {
	if req == nil || req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	d, err := q.k.GetDetector(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryDetectorResponse{Detector: d}, nil
}

// Detectors lists descriptors newest first, optionally of one address.
func (q queryServer) Detectors(ctx context.Context, req *types.QueryDetectorsRequest) (*types.QueryDetectorsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64, limits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	var src idpage.Source
	if req.Address != "" {
		_, canonical, err := q.k.decodeAddress(req.Address)
		if err != nil {
			return nil, err
		}
		src, err = idpage.Multi(ctx, q.k.Detectors.Indexes.Address, canonical, 0, start)
		if err != nil {
			return nil, err
		}
	} else {
		src, err = idpage.Records(ctx, q.k.Detectors, 0, start)
		if err != nil {
			return nil, err
		}
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Detector, bool, error) {
		d, err := q.k.Detectors.Get(ctx, id)
		return d, err == nil, err
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryDetectorsResponse{Detectors: out, Pagination: page}, nil
}

// Verdict returns one verdict.
func (q queryServer) Verdict(ctx context.Context, req *types.QueryVerdictRequest) (*types.QueryVerdictResponse, error) {
	if req == nil || req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	v, err := q.k.GetVerdict(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryVerdictResponse{Verdict: v}, nil
}

// Verdicts lists verdicts newest first. The most selective filter picks
// the index (deployment, then detector, then outcome); the others are
// checked on each record.
func (q queryServer) Verdicts(ctx context.Context, req *types.QueryVerdictsRequest) (*types.QueryVerdictsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.Outcome != types.OUTCOME_UNSPECIFIED && !req.Outcome.IsSet() {
		return nil, errorsmod.Wrapf(types.ErrInvalidRequest, "unknown outcome %d", int32(req.Outcome))
	}
	detector := ""
	if req.Detector != "" {
		_, canonical, err := q.k.decodeAddress(req.Detector)
		if err != nil {
			return nil, err
		}
		detector = canonical
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64, limits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	var src idpage.Source
	switch {
	case req.DeploymentId != 0:
		src, err = idpage.Multi(ctx, q.k.Verdicts.Indexes.Deployment, req.DeploymentId, 0, start)
	case detector != "":
		src, err = idpage.Multi(ctx, q.k.Verdicts.Indexes.Detector, detector, 0, start)
	case req.Outcome != types.OUTCOME_UNSPECIFIED:
		src, err = idpage.Multi(ctx, q.k.Verdicts.Indexes.Outcome, int32(req.Outcome), 0, start)
	default:
		src, err = idpage.Records(ctx, q.k.Verdicts, 0, start)
	}
	if err != nil {
		return nil, err
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Verdict, bool, error) {
		v, err := q.k.Verdicts.Get(ctx, id)
		if err != nil {
			return v, false, errorsmod.Wrapf(err, "verdict %d", id)
		}
		keep := (req.DeploymentId == 0 || v.DeploymentId == req.DeploymentId) &&
			(detector == "" || v.Detector == detector) &&
			(req.Outcome == types.OUTCOME_UNSPECIFIED || v.Outcome == req.Outcome)
		return v, keep, nil
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryVerdictsResponse{Verdicts: out, Pagination: page}, nil
}

// Anomaly returns one anomaly.
func (q queryServer) Anomaly(ctx context.Context, req *types.QueryAnomalyRequest) (*types.QueryAnomalyResponse, error) {
	if req == nil || req.Id == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "id is required")
	}
	a, err := q.k.GetAnomaly(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryAnomalyResponse{Anomaly: a}, nil
}

// Anomalies lists anomalies newest first, optionally of one service (and
// environment, checked on each record).
func (q queryServer) Anomalies(ctx context.Context, req *types.QueryAnomaliesRequest) (*types.QueryAnomaliesResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.Environment != "" && req.Service == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "an environment filter needs a service")
	}
	start, limit, err := idpage.ParsePage(req.Pagination, math.MaxUint64, limits, types.ErrInvalidRequest)
	if err != nil {
		return nil, err
	}
	var src idpage.Source
	if req.Service != "" {
		src, err = idpage.Multi(ctx, q.k.Anomalies.Indexes.Service, req.Service, 0, start)
	} else {
		src, err = idpage.Records(ctx, q.k.Anomalies, 0, start)
	}
	if err != nil {
		return nil, err
	}
	out, page, err := idpage.Collect(src, limit, func(id uint64) (types.Anomaly, bool, error) {
		a, err := q.k.Anomalies.Get(ctx, id)
		if err != nil {
			return a, false, errorsmod.Wrapf(err, "anomaly %d", id)
		}
		return a, req.Environment == "" || a.Environment == req.Environment, nil
	})
	if err != nil {
		return nil, err
	}
	return &types.QueryAnomaliesResponse{Anomalies: out, Pagination: page}, nil
}

// Suspects ranks the deployments most likely to have caused an incident.
func (q queryServer) Suspects(ctx context.Context, req *types.QuerySuspectsRequest) (*types.QuerySuspectsResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	return q.k.Suspects(ctx, req)
}
