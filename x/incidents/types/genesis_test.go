package types_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

const (
	actor  = "ship1actor"
	digest = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
)

func tp(d time.Duration) *time.Time {
	t := t0.Add(d)
	return &t
}

// validGenesis: incident 1 closed sev1 with a cause and postmortem and
// remediation 1 (completed); incident 2 open sev3 with remediation 2
// (incomplete, reported overdue).
func validGenesis() *types.GenesisState {
	opened := types.TimelineEntry{Kind: types.TIMELINE_KIND_OPENED, Actor: actor, Time: t0}
	return &types.GenesisState{
		Params:            types.DefaultParams(),
		NextIncidentId:    3,
		NextRemediationId: 3,
		Incidents: []types.Incident{
			{
				Id: 1, Title: "outage", Severity: types.SEVERITY_SEV1, Status: types.INCIDENT_STATUS_CLOSED,
				Affected:   []types.ServiceEnvironment{{Service: "api", Environment: "prod"}},
				DetectedAt: t0, OpenedAt: t0, MitigatedAt: tp(time.Minute), ResolvedAt: tp(time.Hour), ClosedAt: tp(2 * time.Hour),
				Source:   types.Source{Kind: types.SOURCE_KIND_PERSON, Reference: "alice"},
				OpenedBy: actor, OrganizationId: "acme",
				Causes:   []types.CauseLink{{DeploymentId: 4, LinkedBy: actor, LinkedAt: t0}},
				Timeline: []types.TimelineEntry{opened, {Kind: types.TIMELINE_KIND_NOTE, Note: "n", Actor: actor}},
				Postmortem: &types.Postmortem{
					Document: types.Document{Digest: digest, Location: "wiki"}, RootCause: "pool", Author: actor, Time: t0.Add(2 * time.Hour),
				},
				RemediationIds: []uint64{1},
			},
			{
				Id: 2, Title: "slow", Severity: types.SEVERITY_SEV3, Status: types.INCIDENT_STATUS_OPEN,
				Affected:   []types.ServiceEnvironment{{Service: "web", Environment: "prod"}},
				DetectedAt: t0, OpenedAt: t0.Add(time.Minute),
				Source:   types.Source{Kind: types.SOURCE_KIND_ALERT, Reference: "latency"},
				OpenedBy: actor, OrganizationId: "globex",
				Timeline:       []types.TimelineEntry{opened},
				RemediationIds: []uint64{2},
			},
		},
		Remediations: []types.Remediation{
			{Id: 1, IncidentId: 1, Title: "fix", OwnerOrganizationId: "acme", DueTime: t0.Add(24 * time.Hour),
				Completed: true, CompletedAt: tp(time.Hour), CompletedBy: actor, CompletionNote: "done", CreatedBy: actor, CreatedAt: t0},
			{Id: 2, IncidentId: 2, Title: "alert", OwnerOrganizationId: "globex", DueTime: t0.Add(time.Hour), CreatedBy: actor, CreatedAt: t0},
		},
		OverdueReported: []uint64{2},
	}
}

func TestGenesisValidate(t *testing.T) {
	require.NoError(t, types.DefaultGenesis().Validate())
	require.NoError(t, validGenesis().Validate())

	cases := []struct {
		name   string
		mutate func(gs *types.GenesisState)
		part   string
	}{
		{"params", func(gs *types.GenesisState) { gs.Params.FreezeSeverity = 8 }, "params"},
		{"next incident 0", func(gs *types.GenesisState) { gs.NextIncidentId = 0 }, "next_incident_id"},
		{"next remediation 0", func(gs *types.GenesisState) { gs.NextRemediationId = 0 }, "next_remediation_id"},
		{"incident id 0", func(gs *types.GenesisState) { gs.Incidents[1].Id = 0 }, "id must be at least 1"},
		{"duplicate incident", func(gs *types.GenesisState) { gs.Incidents[1].Id = 1 }, "duplicate id 1"},
		{"incident id not below next", func(gs *types.GenesisState) { gs.NextIncidentId = 2 }, "not below next_incident_id"},
		{"opened order", func(gs *types.GenesisState) {
			gs.Incidents[1].OpenedAt = t0.Add(-time.Minute)
			gs.Incidents[1].DetectedAt = t0.Add(-time.Hour)
		}, "must not decrease"},
		{"unspecified status", func(gs *types.GenesisState) { gs.Incidents[1].Status = 0 }, "status 0"},
		{"unknown status", func(gs *types.GenesisState) { gs.Incidents[1].Status = 7 }, "status 7"},
		{"unspecified severity", func(gs *types.GenesisState) { gs.Incidents[1].Severity = 0 }, "severity"},
		{"bad title", func(gs *types.GenesisState) { gs.Incidents[1].Title = "" }, "title"},
		{"bad affected", func(gs *types.GenesisState) { gs.Incidents[1].Affected = nil }, "affected"},
		{"bad source", func(gs *types.GenesisState) { gs.Incidents[1].Source.Kind = 0 }, "kind"},
		{"bad document", func(gs *types.GenesisState) { gs.Incidents[1].Document = &types.Document{Digest: "md5:x"} }, "sha256"},
		{"suspect repeated", func(gs *types.GenesisState) { gs.Incidents[1].SuspectedDeployments = []uint64{1, 1} }, "repeats"},
		{"no opened_by", func(gs *types.GenesisState) { gs.Incidents[1].OpenedBy = "" }, "opened_by"},
		{"bad organization", func(gs *types.GenesisState) { gs.Incidents[1].OrganizationId = "Globex" }, "organization_id"},
		{"detected after opened", func(gs *types.GenesisState) { gs.Incidents[1].DetectedAt = t0.Add(time.Hour) }, "detected_at"},
		{"open with mitigated_at", func(gs *types.GenesisState) { gs.Incidents[1].MitigatedAt = tp(time.Hour) }, "must not have mitigated_at"},
		{"open with resolved_at", func(gs *types.GenesisState) { gs.Incidents[1].ResolvedAt = tp(time.Hour) }, "must not have resolved_at"},
		{"mitigated without mitigated_at", func(gs *types.GenesisState) { gs.Incidents[1].Status = types.INCIDENT_STATUS_MITIGATED }, "needs mitigated_at"},
		{"resolved without resolved_at", func(gs *types.GenesisState) { gs.Incidents[1].Status = types.INCIDENT_STATUS_RESOLVED }, "needs resolved_at"},
		{"closed without closed_at", func(gs *types.GenesisState) { gs.Incidents[0].ClosedAt = nil }, "needs closed_at"},
		{"resolved before mitigated", func(gs *types.GenesisState) { gs.Incidents[0].ResolvedAt = tp(30 * time.Second) }, "resolved_at is before mitigated_at"},
		{"mitigated before opened", func(gs *types.GenesisState) { gs.Incidents[0].MitigatedAt = tp(-time.Second) }, "mitigated_at is before opened_at"},
		{"cause repeated", func(gs *types.GenesisState) {
			gs.Incidents[0].Causes = append(gs.Incidents[0].Causes, gs.Incidents[0].Causes[0])
		}, "repeats deployment 4"},
		{"cause deployment 0", func(gs *types.GenesisState) { gs.Incidents[0].Causes[0].DeploymentId = 0 }, "deployment_id is 0"},
		{"cause without linker", func(gs *types.GenesisState) { gs.Incidents[0].Causes[0].LinkedBy = "" }, "linked_by"},
		{"closed sev1 without postmortem", func(gs *types.GenesisState) { gs.Incidents[0].Postmortem = nil }, "without postmortem"},
		{"postmortem on open incident", func(gs *types.GenesisState) { gs.Incidents[1].Postmortem = gs.Incidents[0].Postmortem }, "no postmortem yet"},
		{"postmortem contradicts causes", func(gs *types.GenesisState) { gs.Incidents[0].Postmortem.NoDeploymentInvolved = true }, "contradicts"},
		{"postmortem without cause", func(gs *types.GenesisState) { gs.Incidents[0].Causes = nil }, "link the causing"},
		{"postmortem without author", func(gs *types.GenesisState) { gs.Incidents[0].Postmortem.Author = "" }, "author and time are required"},
		{"postmortem without root cause", func(gs *types.GenesisState) { gs.Incidents[0].Postmortem.RootCause = "" }, "root cause"},
		{"empty timeline", func(gs *types.GenesisState) { gs.Incidents[1].Timeline = nil }, "opened entry"},
		{"timeline not starting opened", func(gs *types.GenesisState) { gs.Incidents[0].Timeline[0].Kind = types.TIMELINE_KIND_NOTE }, "opened entry"},
		{"timeline unknown kind", func(gs *types.GenesisState) { gs.Incidents[0].Timeline[1].Kind = 42 }, "timeline[1]"},
		{"timeline without actor", func(gs *types.GenesisState) { gs.Incidents[0].Timeline[1].Actor = "" }, "timeline[1]: actor"},
		{"timeline bad note", func(gs *types.GenesisState) { gs.Incidents[0].Timeline[1].Note = strings.Repeat("n", 2049) }, "timeline[1]"},
		{"remediation id repeated in incident", func(gs *types.GenesisState) { gs.Incidents[0].RemediationIds = []uint64{1, 1} }, "repeated"},
		{"remediation id 0", func(gs *types.GenesisState) { gs.Remediations[1].Id = 0 }, "id must be at least 1"},
		{"duplicate remediation", func(gs *types.GenesisState) { gs.Remediations[1].Id = 1; gs.Remediations[1].IncidentId = 1 }, "duplicate id 1"},
		{"remediation id not below next", func(gs *types.GenesisState) { gs.NextRemediationId = 2 }, "not below next_remediation_id"},
		{"remediation of unknown incident", func(gs *types.GenesisState) { gs.Remediations[1].IncidentId = 9 }, "incident 9 is not in genesis"},
		{"remediation not listed", func(gs *types.GenesisState) { gs.Incidents[1].RemediationIds = nil }, "does not list it"},
		{"listed remediation missing", func(gs *types.GenesisState) { gs.Incidents[1].RemediationIds = []uint64{2, 7} }, "remediation 7 is not in genesis"},
		{"listed remediation of another incident", func(gs *types.GenesisState) { gs.Incidents[1].RemediationIds = []uint64{2, 1} }, "belongs to incident 1"},
		{"remediation bad owner", func(gs *types.GenesisState) { gs.Remediations[1].OwnerOrganizationId = "" }, "owner_organization_id"},
		{"remediation due before created", func(gs *types.GenesisState) { gs.Remediations[1].DueTime = t0 }, "due_time must be after created_at"},
		{"remediation without creator", func(gs *types.GenesisState) { gs.Remediations[1].CreatedBy = "" }, "created_by"},
		{"completed without time", func(gs *types.GenesisState) { gs.Remediations[0].CompletedAt = nil }, "completed_at"},
		{"incomplete with completion", func(gs *types.GenesisState) { gs.Remediations[1].CompletedBy = actor }, "no completion fields"},
		{"overdue reported twice", func(gs *types.GenesisState) { gs.OverdueReported = []uint64{2, 2} }, "duplicate remediation 2"},
		{"overdue reported unknown", func(gs *types.GenesisState) { gs.OverdueReported = []uint64{5} }, "remediation 5 is not in genesis"},
		{"overdue reported completed", func(gs *types.GenesisState) { gs.OverdueReported = []uint64{1} }, "is completed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := validGenesis()
			tc.mutate(gs)
			err := gs.Validate()
			require.ErrorIs(t, err, types.ErrInvalidGenesis)
			require.ErrorContains(t, err, tc.part)
		})
	}
}

func TestMsgRoles(t *testing.T) {
	roles := types.MsgRoles()
	require.Len(t, roles, 7)
	for url, role := range roles {
		require.Equal(t, "ROLE_RESPONDER", role.String(), url)
	}
	require.NotContains(t, roles, "/shiplog.incidents.v1.MsgUpdateParams", "proposal-only")
	require.Contains(t, roles, "/shiplog.incidents.v1.MsgOpenIncident")
}
