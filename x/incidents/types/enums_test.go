package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

func TestParseSeverity(t *testing.T) {
	for in, want := range map[string]types.Severity{
		"sev1": types.SEVERITY_SEV1, "SEV2": types.SEVERITY_SEV2, " sev3 ": types.SEVERITY_SEV3,
		"4": types.SEVERITY_SEV4, "SEVERITY_SEV1": types.SEVERITY_SEV1, "severity_sev2": types.SEVERITY_SEV2,
	} {
		got, err := types.ParseSeverity(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "sev0", "0", "5", "sev5", "unspecified", "SEVERITY_UNSPECIFIED", "critical"} {
		_, err := types.ParseSeverity(in)
		require.ErrorIs(t, err, types.ErrInvalidSeverity, in)
		require.ErrorContains(t, err, "sev1, sev2, sev3, sev4", in)
	}
	require.Equal(t, "sev2", types.SEVERITY_SEV2.ShortName())
}

func TestSeverityOrder(t *testing.T) {
	require.True(t, types.SEVERITY_SEV1.AtLeast(types.SEVERITY_SEV2))
	require.True(t, types.SEVERITY_SEV2.AtLeast(types.SEVERITY_SEV2))
	require.False(t, types.SEVERITY_SEV3.AtLeast(types.SEVERITY_SEV2))
	require.False(t, types.SEVERITY_SEV1.AtLeast(types.SEVERITY_UNSPECIFIED), "unspecified threshold disables")
	require.False(t, types.SEVERITY_UNSPECIFIED.AtLeast(types.SEVERITY_SEV4))
	require.False(t, types.Severity(9).AtLeast(types.SEVERITY_SEV4))
	require.True(t, types.SEVERITY_SEV1.RequiresPostmortem())
	require.True(t, types.SEVERITY_SEV2.RequiresPostmortem())
	require.False(t, types.SEVERITY_SEV3.RequiresPostmortem())
	require.False(t, types.SEVERITY_SEV4.RequiresPostmortem())
}

func TestParseIncidentStatus(t *testing.T) {
	for in, want := range map[string]types.IncidentStatus{
		"open": types.INCIDENT_STATUS_OPEN, "Mitigated": types.INCIDENT_STATUS_MITIGATED,
		"RESOLVED": types.INCIDENT_STATUS_RESOLVED, "INCIDENT_STATUS_CLOSED": types.INCIDENT_STATUS_CLOSED,
	} {
		got, err := types.ParseIncidentStatus(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "unspecified", "done", "fixed"} {
		_, err := types.ParseIncidentStatus(in)
		require.ErrorIs(t, err, types.ErrInvalidStatus, in)
	}
	require.Equal(t, "mitigated", types.INCIDENT_STATUS_MITIGATED.ShortName())
	require.Equal(t, "aiops_verdict", types.SOURCE_KIND_AIOPS_VERDICT.ShortName())
	require.Equal(t, "status_change", types.TIMELINE_KIND_STATUS_CHANGE.ShortName())
}

func TestValidateUpdateTransition(t *testing.T) {
	const (
		open      = types.INCIDENT_STATUS_OPEN
		mitigated = types.INCIDENT_STATUS_MITIGATED
		resolved  = types.INCIDENT_STATUS_RESOLVED
		closed    = types.INCIDENT_STATUS_CLOSED
	)
	allowed := map[[2]types.IncidentStatus]bool{{open, mitigated}: true, {open, resolved}: true, {mitigated, resolved}: true}
	for _, from := range []types.IncidentStatus{open, mitigated, resolved, closed} {
		for _, to := range []types.IncidentStatus{open, mitigated, resolved, closed} {
			err := types.ValidateUpdateTransition(from, to)
			switch {
			case allowed[[2]types.IncidentStatus{from, to}]:
				require.NoError(t, err, "%s -> %s", from, to)
			case from == closed:
				require.ErrorIs(t, err, types.ErrIncidentClosed, "%s -> %s", from, to)
			default:
				require.ErrorIs(t, err, types.ErrIllegalTransition, "%s -> %s", from, to)
			}
		}
	}
}

func TestParamsFreezes(t *testing.T) {
	p := types.DefaultParams()
	require.Equal(t, types.SEVERITY_SEV2, p.FreezeSeverity)
	require.NoError(t, p.Validate())
	require.NoError(t, types.Params{}.Validate())
	require.ErrorIs(t, types.Params{FreezeSeverity: 5}.Validate(), types.ErrInvalidParams)
	inc := types.Incident{Severity: types.SEVERITY_SEV2}
	for st, want := range map[types.IncidentStatus]bool{
		types.INCIDENT_STATUS_OPEN: true, types.INCIDENT_STATUS_MITIGATED: true,
		types.INCIDENT_STATUS_RESOLVED: false, types.INCIDENT_STATUS_CLOSED: false,
	} {
		inc.Status = st
		require.Equal(t, want, p.Freezes(inc), st.String())
	}
}
