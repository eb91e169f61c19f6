package keeper

import (
	"context"
	"fmt"
	"time"

	errorsmod "cosmossdk.io/errors"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// OpenFromAnomaly opens an incident of severity on service/environment whose
// source is aiops anomaly anomalyID ("anomaly:<id>"), detected at onset, on
// behalf of opener (the detector's canonical address) of organization orgID.
// x/aiops calls it when an anomaly scores at or above its incident
// threshold; the detector needs no responder role for that. The message is
// built and validated exactly as a responder's MsgOpenIncident would be, so
// an automatic incident obeys every rule (and freezes deployments when its
// severity reaches freeze_severity).
func (k Keeper) OpenFromAnomaly(ctx context.Context, opener, orgID string, anomalyID uint64, service, environment, title, summary string,
	severity types.Severity, onset time.Time,
) (uint64, error) {
	if anomalyID == 0 {
		return 0, errorsmod.Wrap(types.ErrInvalidSource, "anomaly id is required")
	}
	if orgID == "" {
		return 0, errorsmod.Wrapf(types.ErrUnauthorized, "opener %s has no organization", opener)
	}
	_, canonical, err := k.decodeAddress(opener)
	if err != nil {
		return 0, errorsmod.Wrap(err, "opener")
	}
	detectedAt := onset.UTC()
	msg := &types.MsgOpenIncident{
		Responder:  canonical,
		Title:      title,
		Severity:   severity,
		Affected:   []types.ServiceEnvironment{{Service: service, Environment: environment}},
		Summary:    summary,
		DetectedAt: &detectedAt,
		Source:     types.Source{Kind: types.SOURCE_KIND_AIOPS_ANOMALY, Reference: fmt.Sprintf("anomaly:%d", anomalyID)},
	}
	if err := msg.Validate(); err != nil {
		return 0, err
	}
	return k.OpenIncident(ctx, canonical, orgID, msg)
}
