package keeper

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// ReportAnomaly stores a validated anomaly of detector (canonical address)
// of organization orgID and returns its id and the incident it opened or
// joined (0 if none). An anomaly scoring at or above incident_score opens an
// incident of incident_severity on its service/environment, whose source is
// the anomaly, unless the incident last opened from anomalies of that pair
// is still open or mitigated: then the anomaly joins it.
func (k Keeper) ReportAnomaly(ctx context.Context, detector, orgID string, msg *types.MsgReportAnomaly) (uint64, uint64, error) {
	det, err := k.resolveDetector(ctx, detector, msg.Model)
	if err != nil {
		return 0, 0, err
	}
	now, height := blockTime(ctx)
	onset := msg.Onset.UTC()
	if onset.After(now) {
		return 0, 0, errorsmod.Wrapf(types.ErrInvalidTime, "onset %s is after the block time %s", onset.Format(time.RFC3339Nano), now.Format(time.RFC3339Nano))
	}
	reportKey := types.AnomalyReportKey(det.Id, msg.Service, msg.Environment, msg.Metric, onset)
	switch existing, err := k.Anomalies.Indexes.Report.MatchExact(ctx, reportKey); {
	case err == nil:
		return 0, 0, errorsmod.Wrapf(types.ErrDuplicateAnomaly, "detector %d already reported %s on %s/%s at %s as anomaly %d",
			det.Id, msg.Metric, msg.Service, msg.Environment, onset.Format(time.RFC3339Nano), existing)
	case !errors.Is(err, collections.ErrNotFound):
		return 0, 0, err
	}
	params, err := k.GetParams(ctx)
	if err != nil {
		return 0, 0, err
	}
	pair := collections.Join(msg.Service, msg.Environment)
	var joined uint64
	open := params.OpensIncident(msg.Score)
	if open {
		joined, err = k.activeAutoIncident(ctx, pair)
		if err != nil {
			return 0, 0, err
		}
	}

	// The id is only read here and issued once the incident (if any) is
	// open, so a refused incident leaves this store untouched.
	issued, err := k.AnomalySeq.Peek(ctx)
	if err != nil {
		return 0, 0, err
	}
	id := issued + 1
	a := types.Anomaly{
		Id:               id,
		Service:          msg.Service,
		Environment:      msg.Environment,
		Metric:           msg.Metric,
		Onset:            onset,
		Score:            msg.Score,
		DetectorId:       det.Id,
		Detector:         detector,
		OrganizationId:   orgID,
		Model:            msg.Model,
		EvidenceDigest:   msg.EvidenceDigest,
		EvidenceLocation: msg.EvidenceLocation,
		Summary:          msg.Summary,
		IncidentId:       joined,
		ReportedAt:       now,
		Height:           height,
	}
	opened := open && joined == 0
	if opened {
		title := fmt.Sprintf("Anomaly in %s on %s/%s", msg.Metric, msg.Service, msg.Environment)
		if len(title) > incidentstypes.MaxTitleLength {
			title = fmt.Sprintf("Anomaly on %s/%s", msg.Service, msg.Environment)
		}
		summary := fmt.Sprintf("aiops anomaly %d: %s scored %s (detector %s/%s of %s).", id, msg.Metric, judge.Score(msg.Score), det.Name, det.Version, detector)
		if msg.Summary != "" && len(summary)+1+len(msg.Summary) <= incidentstypes.MaxSummaryLength {
			summary += "\n" + msg.Summary
		}
		incidentID, err := k.incidents.OpenFromAnomaly(ctx, detector, orgID, id, msg.Service, msg.Environment, title, summary,
			incidentstypes.Severity(params.IncidentSeverity), onset)
		if err != nil {
			return 0, 0, errorsmod.Wrapf(err, "open an incident for anomaly %d", id)
		}
		a.IncidentId = incidentID
	}
	if next, err := nextID(ctx, k.AnomalySeq); err != nil || next != id {
		return 0, 0, errorsmod.Wrapf(types.ErrInvalidAnomaly, "anomaly id %d was taken while the incident was opened (%v)", id, err)
	}
	if opened {
		if err := k.AutoIncidents.Set(ctx, pair, a.IncidentId); err != nil {
			return 0, 0, err
		}
	}
	if err := k.Anomalies.Set(ctx, id, a); err != nil {
		return 0, 0, err
	}
	return id, a.IncidentId, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventAnomalyReported{
		Id: id, Service: a.Service, Environment: a.Environment, Metric: a.Metric, Score: a.Score, Detector: detector,
		IncidentId: a.IncidentId, IncidentOpened: opened,
	})
}

// activeAutoIncident returns the incident last opened from anomalies of
// pair if it is still open or mitigated, else 0.
func (k Keeper) activeAutoIncident(ctx context.Context, pair collections.Pair[string, string]) (uint64, error) {
	id, err := k.AutoIncidents.Get(ctx, pair)
	if errors.Is(err, collections.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	inc, err := k.incidents.GetIncident(ctx, id)
	if errors.Is(err, incidentstypes.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, errorsmod.Wrapf(err, "incident %d opened from anomalies of %s/%s", id, pair.K1(), pair.K2())
	}
	if inc.Status.IsActive() {
		return id, nil
	}
	return 0, nil
}
