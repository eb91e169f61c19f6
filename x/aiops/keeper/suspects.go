package keeper

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// Points of the suspect ranking; the README explains each. Integers only,
// so the ranking is the same on every node.
const (
	PointsRecency          = 40 // scaled by how close before the onset
	PointsSameServiceEnv   = 20
	PointsFailingVerdict   = 30
	PointsMarginalVerdict  = 15
	PointsSharedArtifact   = 15
	PointsFinalStatus      = 10 // halted, failed or rolled back
	maxSuspectScanPerPair  = 1000
	maxFailingArtifactScan = 64
)

// Reason kinds of a suspect's score.
const (
	ReasonRecency        = "recency"
	ReasonSameServiceEnv = "same_service_environment"
	ReasonFailing        = "failing_verdict"
	ReasonMarginal       = "marginal_verdict"
	ReasonShared         = "shared_artifact"
	ReasonFinalStatus    = "final_status"
)

// Suspects ranks the deployments of the affected service/environment pairs
// deployed in [onset - suspect_window, onset]: the incident's affected pairs
// and detection time, or the given pair and time (default: the block time).
// It reads at most maxSuspectScanPerPair records per pair and returns at
// most limit suspects, by score, then newest first.
func (k Keeper) Suspects(ctx context.Context, req *types.QuerySuspectsRequest) (*types.QuerySuspectsResponse, error) {
	params, err := k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	limit := types.DefaultSuspectLimit
	if req.Limit != 0 {
		limit = min(int(req.Limit), types.MaxSuspectLimit)
	}
	var pairs []incidentstypes.ServiceEnvironment
	var onset time.Time
	switch {
	case req.IncidentId != 0:
		if req.Service != "" || req.Environment != "" || req.Time != nil {
			return nil, errorsmod.Wrap(types.ErrInvalidRequest, "give an incident id or a service, environment and time, not both")
		}
		inc, err := k.incidents.GetIncident(ctx, req.IncidentId)
		if errors.Is(err, incidentstypes.ErrNotFound) {
			return nil, errorsmod.Wrapf(types.ErrUnknownIncident, "incident %d does not exist", req.IncidentId)
		}
		if err != nil {
			return nil, err
		}
		pairs, onset = inc.Affected, inc.DetectedAt.UTC()
	default:
		if req.Service == "" || req.Environment == "" {
			return nil, errorsmod.Wrap(types.ErrInvalidRequest, "give an incident id, or a service and an environment (and optionally a time)")
		}
		pairs = []incidentstypes.ServiceEnvironment{{Service: req.Service, Environment: req.Environment}}
		onset, _ = blockTime(ctx)
		if req.Time != nil {
			onset = req.Time.UTC()
		}
	}
	if len(pairs) > types.MaxAffectedForSuspects {
		pairs = pairs[:types.MaxAffectedForSuspects]
	}
	window := params.SuspectWindow
	from := onset.Add(-window)

	var suspects []types.Suspect
	for _, p := range pairs {
		scanned := 0
		err := k.deployments.WalkServiceEnvDeployments(ctx, p.Service, p.Environment, func(d deploymentstypes.Deployment) (bool, error) {
			scanned++
			if d.CreatedAt.Before(from) {
				return true, nil // ids grow with block time: the rest is older
			}
			if !d.CreatedAt.After(onset) {
				s, err := k.scoreSuspect(ctx, d, onset, window)
				if err != nil {
					return true, err
				}
				suspects = append(suspects, s)
			}
			return scanned >= maxSuspectScanPerPair || len(suspects) >= types.MaxSuspectCandidates, nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(suspects, func(a, b types.Suspect) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.DeploymentId, a.DeploymentId)
	})
	if len(suspects) > limit {
		suspects = suspects[:limit]
	}
	return &types.QuerySuspectsResponse{Suspects: suspects, Onset: onset, WindowStart: from}, nil
}

// scoreSuspect scores deployment d, deployed before onset within window.
func (k Keeper) scoreSuspect(ctx context.Context, d deploymentstypes.Deployment, onset time.Time, window time.Duration) (types.Suspect, error) {
	s := types.Suspect{
		DeploymentId: d.Id, Service: d.Service, Environment: d.Environment, Version: d.Version, DeployedAt: d.CreatedAt,
	}
	add := func(kind string, points int64, detail string) {
		s.Score += points
		s.Reasons = append(s.Reasons, types.SuspectReason{Kind: kind, Points: points, Detail: detail})
	}
	age := onset.Sub(d.CreatedAt)
	// Nanoseconds of at most 30 days times 40 stay far below 2^63.
	add(ReasonRecency, int64(PointsRecency)*int64(window-age)/int64(window), fmt.Sprintf("deployed %s before the onset", age.Truncate(time.Second)))
	add(ReasonSameServiceEnv, PointsSameServiceEnv, fmt.Sprintf("%s/%s", d.Service, d.Environment))

	verdicts, err := k.deploymentVerdicts(ctx, d.Id)
	if err != nil {
		return s, err
	}
	failing := slices.IndexFunc(verdicts, func(v types.Verdict) bool { return v.Outcome == types.OUTCOME_FAIL })
	marginal := slices.IndexFunc(verdicts, func(v types.Verdict) bool { return v.Outcome == types.OUTCOME_MARGINAL })
	switch {
	case failing >= 0:
		v := verdicts[failing]
		add(ReasonFailing, PointsFailingVerdict, fmt.Sprintf("verdict %d: %s %s", v.Id, v.Phase.ShortName(), v.Outcome.ShortName()))
	case marginal >= 0:
		v := verdicts[marginal]
		add(ReasonMarginal, PointsMarginalVerdict, fmt.Sprintf("verdict %d: %s %s", v.Id, v.Phase.ShortName(), v.Outcome.ShortName()))
	}
	switch d.Status {
	case deploymentstypes.DEPLOYMENT_STATUS_HALTED, deploymentstypes.DEPLOYMENT_STATUS_FAILED, deploymentstypes.DEPLOYMENT_STATUS_ROLLED_BACK:
		add(ReasonFinalStatus, PointsFinalStatus, "status "+d.Status.ShortName())
	}
	for _, a := range d.Artifacts {
		other, err := k.otherFailingDeployment(ctx, a.Digest, d.Id)
		if err != nil {
			return s, err
		}
		if other != 0 {
			add(ReasonShared, PointsSharedArtifact, fmt.Sprintf("artifact %s also shipped by deployment %d, judged FAIL", a.Digest, other))
			break
		}
	}
	return s, nil
}

// otherFailingDeployment returns the newest deployment other than self with
// a FAIL verdict that shipped digest, or 0.
func (k Keeper) otherFailingDeployment(ctx context.Context, digest string, self uint64) (uint64, error) {
	it, err := k.FailingArtifacts.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](digest).Descending())
	if err != nil {
		return 0, err
	}
	defer it.Close()
	for n := 0; it.Valid() && n < maxFailingArtifactScan; it.Next() {
		key, err := it.Key()
		if err != nil {
			return 0, err
		}
		if key.K2() != self {
			return key.K2(), nil
		}
		n++
	}
	return 0, nil
}
