package keeper_test

import (
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops/types"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

func TestAnomalyBelowThresholdOpensNothing(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	res, err := f.msgs.ReportAnomaly(f.ctx, anomaly(f.detector, "1.0.0", 7999))
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Id)
	require.Zero(t, res.IncidentId)
	require.Empty(t, f.incs.records)
	a, err := f.k.GetAnomaly(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, genesisTime.Add(-5*time.Minute), a.Onset)
	require.Equal(t, uint64(1), a.DetectorId)
	ev := f.eventsOf("shiplog.aiops.v1.EventAnomalyReported")
	require.Len(t, ev, 1)
	require.Equal(t, "false", ev[0]["incident_opened"])
}

// A severe anomaly opens an incident whose source is the anomaly; later
// anomalies of the pair join it while it is active, and open a new one
// once it is resolved.
func TestSevereAnomalyOpensIncident(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	res, err := f.msgs.ReportAnomaly(f.ctx, anomaly(f.detector, "1.0.0", 8000))
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.IncidentId)
	inc := f.incs.records[1]
	require.Equal(t, incidentstypes.Source{Kind: incidentstypes.SOURCE_KIND_AIOPS_ANOMALY, Reference: "anomaly:1"}, inc.Source)
	require.Equal(t, incidentstypes.SEVERITY_SEV3, inc.Severity)
	require.Equal(t, genesisTime.Add(-5*time.Minute), inc.DetectedAt)
	require.Equal(t, f.detector, inc.OpenedBy)
	require.Equal(t, "acme", inc.OrganizationId)
	require.Equal(t, "Anomaly in http_5xx_ratio on api/prod", inc.Title)
	require.Contains(t, inc.Summary, "aiops anomaly 1: http_5xx_ratio scored 80.00")
	require.Equal(t, "true", f.eventsOf("shiplog.aiops.v1.EventAnomalyReported")[0]["incident_opened"])

	f.nextBlock()
	res, err = f.msgs.ReportAnomaly(f.ctx, later(anomaly(f.detector, "1.0.0", 9500), time.Minute))
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Id)
	require.Equal(t, uint64(1), res.IncidentId, "joins the active incident")
	require.Len(t, f.incs.records, 1)

	// Another pair opens its own.
	other := anomaly(f.detector, "1.0.0", 9000)
	other.Service = "web"
	res, err = f.msgs.ReportAnomaly(f.ctx, other)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.IncidentId)

	inc.Status = incidentstypes.INCIDENT_STATUS_RESOLVED
	f.incs.records[1] = inc
	res, err = f.msgs.ReportAnomaly(f.ctx, later(anomaly(f.detector, "1.0.0", 9000), 2*time.Minute))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.IncidentId, "a resolved incident is not joined")
	require.Equal(t, types.AnomalyReference(4), f.incs.records[3].Source.Reference)

	// incident_score 0 disables automatic incidents.
	p := types.DefaultParams()
	p.IncidentScore = 0
	_, err = f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: p})
	require.NoError(t, err)
	res, err = f.msgs.ReportAnomaly(f.ctx, later(anomaly(f.detector, "1.0.0", 10000), 3*time.Minute))
	require.NoError(t, err)
	require.Zero(t, res.IncidentId)
}

// later is m with its onset d later.
func later(m *types.MsgReportAnomaly, d time.Duration) *types.MsgReportAnomaly {
	m.Onset = m.Onset.Add(d)
	return m
}

func TestReportAnomalyRejections(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	cases := []struct {
		name     string
		mutate   func(m *types.MsgReportAnomaly)
		class    error
		contains string
	}{
		{"onset after block time", func(m *types.MsgReportAnomaly) { m.Onset = genesisTime.Add(time.Second) }, types.ErrInvalidTime, "after the block time"},
		{"no onset", func(m *types.MsgReportAnomaly) { m.Onset = time.Time{} }, types.ErrInvalidTime, "onset is required"},
		{"not registered", func(m *types.MsgReportAnomaly) { m.Model.Name = "ewma" }, types.ErrDetectorNotRegistered, "ewma"},
		{"score", func(m *types.MsgReportAnomaly) { m.Score = -1 }, types.ErrInvalidAnomaly, "score -1"},
		{"service", func(m *types.MsgReportAnomaly) { m.Service = "API" }, types.ErrInvalidAnomaly, "service"},
		{"environment", func(m *types.MsgReportAnomaly) { m.Environment = "" }, types.ErrInvalidAnomaly, "environment is required"},
		{"metric", func(m *types.MsgReportAnomaly) { m.Metric = "" }, types.ErrInvalidAnomaly, "metric is required"},
		{"evidence", func(m *types.MsgReportAnomaly) { m.EvidenceDigest = "" }, types.ErrInvalidDigest, "evidence_digest"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := anomaly(f.detector, "1.0.0", 9000)
			c.mutate(m)
			f.requireRejected(t, m, c.class, c.contains)
		})
	}
	t.Run("incident refused", func(t *testing.T) {
		f.incs.fail = errorsmod.Wrap(incidentstypes.ErrInvalidTitle, "refused")
		defer func() { f.incs.fail = nil }()
		f.requireRejected(t, anomaly(f.detector, "1.0.0", 9000), incidentstypes.ErrInvalidTitle, "open an incident for anomaly 1")
	})
}

// The same report sent again (an agent retrying after a lost answer) is
// refused and stores nothing; another metric or onset is a new report.
func TestReportAnomalyDuplicate(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.detector, "1.0.0")
	first := anomaly(f.detector, "1.0.0", 7000)
	_, err := f.msgs.ReportAnomaly(f.ctx, first)
	require.NoError(t, err)
	again := anomaly(f.detector, "1.0.0", 7500)
	f.requireRejected(t, again, types.ErrDuplicateAnomaly, "already reported")
	f.requireRejected(t, again, types.ErrDuplicateAnomaly, "as anomaly 1")

	other := anomaly(f.detector, "1.0.0", 7000)
	other.Metric = "error_rate"
	res, err := f.msgs.ReportAnomaly(f.ctx, other)
	require.NoError(t, err)
	require.Equal(t, uint64(2), res.Id)
	res, err = f.msgs.ReportAnomaly(f.ctx, later(anomaly(f.detector, "1.0.0", 7000), time.Minute))
	require.NoError(t, err)
	require.Equal(t, uint64(3), res.Id)
}
