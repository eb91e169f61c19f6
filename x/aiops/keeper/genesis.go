package keeper

import (
	"context"
	"errors"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// InitGenesis validates gs, checks every address is canonical and every
// verdict's deployment exists (x/deployments must be initialised first),
// stores the records and rebuilds the indexes, the failing-artifact set
// (from FAIL verdicts and their deployments' artifacts) and the automatic
// incident map.
func (k Keeper) InitGenesis(ctx context.Context, gs types.GenesisState) error {
	if err := gs.Validate(); err != nil {
		return err
	}
	if err := k.Params.Set(ctx, gs.Params); err != nil {
		return err
	}
	for _, seq := range []struct {
		s    collections.Sequence
		next uint64
	}{{k.DetectorSeq, gs.NextDetectorId}, {k.VerdictSeq, gs.NextVerdictId}, {k.AnomalySeq, gs.NextAnomalyId}} {
		if err := seq.s.Set(ctx, seq.next-1); err != nil {
			return err
		}
	}
	for _, d := range gs.Detectors {
		if err := k.requireCanonical(d.Address); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "detector %d: %s", d.Id, err)
		}
		if err := k.Detectors.Set(ctx, d.Id, d); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "detector %d: %s", d.Id, err)
		}
	}
	for _, v := range gs.Verdicts {
		if err := k.requireCanonical(v.Detector); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "verdict %d: %s", v.Id, err)
		}
		dep, err := k.deployments.GetDeployment(ctx, v.DeploymentId)
		if errors.Is(err, deploymentstypes.ErrNotFound) {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "verdict %d: deployment %d does not exist", v.Id, v.DeploymentId)
		}
		if err != nil {
			return err
		}
		if err := k.Verdicts.Set(ctx, v.Id, v); err != nil {
			return err
		}
		if v.Outcome == types.OUTCOME_FAIL {
			for _, a := range dep.Artifacts {
				if err := k.FailingArtifacts.Set(ctx, collections.Join(a.Digest, dep.Id)); err != nil {
					return err
				}
			}
		}
	}
	for _, a := range gs.Anomalies {
		if err := k.requireCanonical(a.Detector); err != nil {
			return errorsmod.Wrapf(types.ErrInvalidGenesis, "anomaly %d: %s", a.Id, err)
		}
		if err := k.Anomalies.Set(ctx, a.Id, a); err != nil {
			return err
		}
	}
	for _, ai := range gs.AutoIncidents {
		if err := k.AutoIncidents.Set(ctx, collections.Join(ai.Service, ai.Environment), ai.IncidentId); err != nil {
			return err
		}
	}
	return nil
}

func (k Keeper) requireCanonical(addr string) error {
	_, canonical, err := k.decodeAddress(addr)
	if err != nil {
		return err
	}
	if canonical != addr {
		return errorsmod.Wrapf(types.ErrInvalidAddress, "%q is not in canonical form", addr)
	}
	return nil
}

// ExportGenesis returns the params, every record in id order, the next ids
// and the automatic incident map in key order.
func (k Keeper) ExportGenesis(ctx context.Context) (*types.GenesisState, error) {
	params, err := k.GetParams(ctx)
	if err != nil {
		return nil, err
	}
	gs := &types.GenesisState{Params: params}
	for _, seq := range []struct {
		s    collections.Sequence
		next *uint64
	}{{k.DetectorSeq, &gs.NextDetectorId}, {k.VerdictSeq, &gs.NextVerdictId}, {k.AnomalySeq, &gs.NextAnomalyId}} {
		issued, err := seq.s.Peek(ctx)
		if err != nil {
			return nil, err
		}
		*seq.next = issued + 1
	}
	if err := k.Detectors.Walk(ctx, nil, func(_ uint64, d types.Detector) (bool, error) {
		gs.Detectors = append(gs.Detectors, d)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Verdicts.Walk(ctx, nil, func(_ uint64, v types.Verdict) (bool, error) {
		gs.Verdicts = append(gs.Verdicts, v)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.Anomalies.Walk(ctx, nil, func(_ uint64, a types.Anomaly) (bool, error) {
		gs.Anomalies = append(gs.Anomalies, a)
		return false, nil
	}); err != nil {
		return nil, err
	}
	if err := k.AutoIncidents.Walk(ctx, nil, func(key collections.Pair[string, string], id uint64) (bool, error) {
		gs.AutoIncidents = append(gs.AutoIncidents, types.AutoIncident{Service: key.K1(), Environment: key.K2(), IncidentId: id})
		return false, nil
	}); err != nil {
		return nil, err
	}
	return gs, nil
}
