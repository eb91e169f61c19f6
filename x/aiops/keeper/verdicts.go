package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// SubmitVerdict checks a validated verdict of detector (canonical address)
// of organization orgID, stores it and applies its effect; it returns the
// verdict id and whether the deployment was halted. Every check runs before
// the first write.
//
// Effect: a FAIL canary verdict on an in-progress canary deployment counts
// towards the halt quorum (FAIL canary verdicts of that deployment from
// halt_quorum distinct detector accounts); reaching it halts the deployment
// in this block, with the verdict id in the transition reason, and emits
// EventRollbackRequired. A MARGINAL canary verdict on an in-progress
// deployment emits EventHumanDecisionRequired.
func (k Keeper) SubmitVerdict(ctx context.Context, detector, orgID string, msg *types.MsgSubmitVerdict) (uint64, bool, error) {
	det, err := k.resolveDetector(ctx, detector, msg.Model)
	if err != nil {
		return 0, false, err
	}
	now, height := blockTime(ctx)
	if msg.WindowEnd.After(now) {
		return 0, false, errorsmod.Wrapf(types.ErrInvalidTime, "window_end %s is after the block time %s", msg.WindowEnd.UTC().Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	dep, err := k.deployments.GetDeployment(ctx, msg.DeploymentId)
	switch {
	case errors.Is(err, deploymentstypes.ErrNotFound):
		return 0, false, errorsmod.Wrapf(types.ErrUnknownDeployment, "deployment %d does not exist", msg.DeploymentId)
	case err != nil:
		return 0, false, errorsmod.Wrapf(err, "deployment %d", msg.DeploymentId)
	}
	// Permanent, unlike a window_end ahead of the block time, which a
	// detector retries: hence another error class.
	if msg.WindowEnd.Before(dep.CreatedAt) {
		return 0, false, errorsmod.Wrapf(types.ErrInvalidVerdict, "window_end %s is before deployment %d was recorded (%s)", msg.WindowEnd.UTC().Format(time.RFC3339Nano), dep.Id, dep.CreatedAt.Format(time.RFC3339Nano))
	}
	if msg.Phase == types.PHASE_CANARY && dep.Strategy != deploymentstypes.STRATEGY_CANARY {
		return 0, false, errorsmod.Wrapf(types.ErrNotCanary, "deployment %d has strategy %s; canary verdicts need a canary deployment (submit phase post_deploy instead)", dep.Id, dep.Strategy.ShortName())
	}
	params, err := k.GetParams(ctx)
	if err != nil {
		return 0, false, err
	}
	earlier, err := k.deploymentVerdicts(ctx, dep.Id)
	if err != nil {
		return 0, false, err
	}
	if len(earlier) >= types.MaxVerdictsPerDeploy {
		return 0, false, errorsmod.Wrapf(types.ErrTooManyVerdicts, "deployment %d already has %d verdicts", dep.Id, len(earlier))
	}
	start, end := msg.WindowStart.UTC(), msg.WindowEnd.UTC()
	for _, v := range earlier {
		if v.DetectorId == det.Id && v.Phase == msg.Phase && v.WindowStart.Equal(start) && v.WindowEnd.Equal(end) {
			return 0, false, errorsmod.Wrapf(types.ErrDuplicateVerdict, "verdict %d already judged deployment %d over this window with detector %s/%s", v.Id, dep.Id, det.Name, det.Version)
		}
	}

	// The replay is the expensive part: charge for it before running it.
	if n := msg.SampleCount(); n > 0 {
		sdk.UnwrapSDKContext(ctx).GasMeter().ConsumeGas(params.SampleGas*uint64(n), "aiops: re-run the judge on submitted samples")
	}
	verification, err := verifyVerdict(msg)
	if err != nil {
		return 0, false, err
	}

	id, err := nextID(ctx, k.VerdictSeq)
	if err != nil {
		return 0, false, err
	}
	v := types.Verdict{
		Id:                id,
		DeploymentId:      dep.Id,
		Phase:             msg.Phase,
		DetectorId:        det.Id,
		Detector:          detector,
		OrganizationId:    orgID,
		Model:             msg.Model,
		WindowStart:       start,
		WindowEnd:         end,
		Config:            msg.Config,
		JudgeConfigDigest: msg.JudgeConfigDigest,
		Metrics:           slices.Clone(msg.Metrics),
		Groups:            slices.Clone(msg.Groups),
		Score:             msg.Score,
		Outcome:           msg.Outcome,
		Reason:            msg.Reason,
		EvidenceDigest:    msg.EvidenceDigest,
		EvidenceLocation:  msg.EvidenceLocation,
		Verification:      verification,
		SubmittedAt:       now,
		Height:            height,
	}

	live := msg.Phase == types.PHASE_CANARY && dep.Status == deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS
	var failIDs []uint64
	if live && v.Outcome == types.OUTCOME_FAIL {
		failIDs = quorumVerdicts(earlier, v)
		v.Halted = len(failIDs) >= int(params.HaltQuorum)
	}
	if err := k.Verdicts.Set(ctx, id, v); err != nil {
		return 0, false, err
	}
	if v.Outcome == types.OUTCOME_FAIL {
		for _, a := range dep.Artifacts {
			if err := k.FailingArtifacts.Set(ctx, collections.Join(a.Digest, dep.Id)); err != nil {
				return 0, false, err
			}
		}
	}
	em := sdk.UnwrapSDKContext(ctx).EventManager()
	if err := em.EmitTypedEvent(&types.EventVerdictSubmitted{
		Id: id, DeploymentId: dep.Id, Phase: v.Phase, Outcome: v.Outcome, Score: v.Score, Detector: detector, Verification: verification,
	}); err != nil {
		return 0, false, err
	}
	switch {
	case v.Halted:
		reason := fmt.Sprintf("aiops verdict %d: canary FAIL, score %s (%s %s/%s); halt quorum %d reached by verdicts %v",
			id, judge.Score(v.Score), detector, det.Name, det.Version, params.HaltQuorum, failIDs)
		if err := k.deployments.HaltDeployment(ctx, dep.Id, detector, reason); err != nil {
			return 0, false, errorsmod.Wrapf(err, "halt deployment %d", dep.Id)
		}
		if err := em.EmitTypedEvent(&types.EventRollbackRequired{
			DeploymentId: dep.Id, Service: dep.Service, Environment: dep.Environment, Version: dep.Version,
			VerdictId: id, FailVerdictIds: failIDs, Reason: reason,
		}); err != nil {
			return 0, false, err
		}
	case live && v.Outcome == types.OUTCOME_MARGINAL:
		if err := em.EmitTypedEvent(&types.EventHumanDecisionRequired{
			DeploymentId: dep.Id, VerdictId: id, Score: v.Score, Service: dep.Service, Environment: dep.Environment,
		}); err != nil {
			return 0, false, err
		}
	}
	return id, v.Halted, nil
}

// quorumVerdicts returns the ids, ascending, of the FAIL canary verdicts
// that count towards the halt quorum with the new verdict v: the first of
// each distinct detector account.
func quorumVerdicts(earlier []types.Verdict, v types.Verdict) []uint64 {
	var ids []uint64
	var seen []string
	for _, e := range append(slices.Clone(earlier), v) {
		if e.Phase != types.PHASE_CANARY || e.Outcome != types.OUTCOME_FAIL || slices.Contains(seen, e.Detector) {
			continue
		}
		seen = append(seen, e.Detector)
		ids = append(ids, e.Id)
	}
	return ids
}

// deploymentVerdicts returns the verdicts of a deployment in id order (at
// most MaxVerdictsPerDeploy exist).
func (k Keeper) deploymentVerdicts(ctx context.Context, deploymentID uint64) ([]types.Verdict, error) {
	it, err := k.Verdicts.Indexes.Deployment.MatchExact(ctx, deploymentID)
	if err != nil {
		return nil, err
	}
	ids, err := it.PrimaryKeys()
	if err != nil {
		return nil, err
	}
	out := make([]types.Verdict, 0, len(ids))
	for _, id := range ids {
		v, err := k.Verdicts.Get(ctx, id)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "indexed verdict %d", id)
		}
		out = append(out, v)
	}
	return out, nil
}
