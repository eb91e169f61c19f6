package keeper_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// OpenFromAnomaly opens an incident whose source is the anomaly, detected
// at its onset, for the detector's organisation; it needs no responder role.
func TestOpenFromAnomaly(t *testing.T) {
	f := newFixture(t)
	onset := genesisTime.Add(-3 * time.Minute)
	id, err := f.k.OpenFromAnomaly(f.ctx, f.deployer, "acme", 7, "api", "prod", "Anomaly in p99 on api/prod", "p99 at 3x", types.SEVERITY_SEV3, onset)
	require.NoError(t, err)
	inc := f.incident(t, id)
	require.Equal(t, types.Source{Kind: types.SOURCE_KIND_AIOPS_ANOMALY, Reference: "anomaly:7"}, inc.Source)
	require.Equal(t, onset, inc.DetectedAt)
	require.Equal(t, genesisTime, inc.OpenedAt)
	require.Equal(t, types.SEVERITY_SEV3, inc.Severity)
	require.Equal(t, types.INCIDENT_STATUS_OPEN, inc.Status)
	require.Equal(t, []types.ServiceEnvironment{pair("api", "prod")}, inc.Affected)
	require.Equal(t, f.deployer, inc.OpenedBy)
	require.Equal(t, "acme", inc.OrganizationId)
	opened := f.eventsOf("shiplog.incidents.v1.EventIncidentOpened")
	require.Len(t, opened, 1)
	require.Equal(t, `"SOURCE_KIND_AIOPS_ANOMALY"`, opened[0]["source"])

	// A severe automatic incident freezes deployments like any other.
	sev2, err := f.k.OpenFromAnomaly(f.ctx, f.deployer, "acme", 8, "web", "prod", "Anomaly", "", types.SEVERITY_SEV2, onset)
	require.NoError(t, err)
	frozen, err := f.queries.Freezes(f.ctx, &types.QueryFreezesRequest{Service: "web", Environment: "prod"})
	require.NoError(t, err)
	require.Len(t, frozen.Incidents, 1)
	require.Equal(t, sev2, frozen.Incidents[0].Id)
}

func TestOpenFromAnomalyRejections(t *testing.T) {
	f := newFixture(t)
	onset := genesisTime.Add(-time.Minute)
	cases := []struct {
		name           string
		opener, org    string
		anomaly        uint64
		service, title string
		severity       types.Severity
		onset          time.Time
		class          error
		contains       string
	}{
		{"no anomaly id", f.deployer, "acme", 0, "api", "t", types.SEVERITY_SEV3, onset, types.ErrInvalidSource, "anomaly id is required"},
		{"no organization", f.deployer, "", 1, "api", "t", types.SEVERITY_SEV3, onset, types.ErrUnauthorized, "has no organization"},
		{"bad opener", "cosmos1xyz", "acme", 1, "api", "t", types.SEVERITY_SEV3, onset, types.ErrInvalidAddress, "opener"},
		{"onset in the future", f.deployer, "acme", 1, "api", "t", types.SEVERITY_SEV3, genesisTime.Add(time.Second), types.ErrInvalidDetectedAt, "after the block time"},
		{"bad service", f.deployer, "acme", 1, "API", "t", types.SEVERITY_SEV3, onset, types.ErrInvalidService, "service"},
		{"long title", f.deployer, "acme", 1, "api", strings.Repeat("t", types.MaxTitleLength+1), types.SEVERITY_SEV3, onset, types.ErrInvalidTitle, "title"},
		{"no severity", f.deployer, "acme", 1, "api", "t", types.SEVERITY_UNSPECIFIED, onset, types.ErrInvalidSeverity, "severity"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				_, err := f.k.OpenFromAnomaly(f.ctx, c.opener, c.org, c.anomaly, c.service, "prod", c.title, "", c.severity, c.onset)
				require.ErrorIs(t, err, c.class)
				require.ErrorContains(t, err, c.contains)
			})
		})
	}
}
