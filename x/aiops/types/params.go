package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"

	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// Bounds of the params.
const (
	MaxHaltQuorum     = 16
	MinSuspectWindow  = time.Minute
	MaxSuspectWindow  = 30 * 24 * time.Hour
	MaxSampleGas      = 1_000_000
	DefaultSampleGas  = 100
	DefaultHaltQuorum = 1
)

// DefaultParams: the first FAIL canary verdict halts; anomalies scoring
// 80.00 or more open a sev3 incident; suspects are looked for in the 24
// hours before the onset; each submitted sample costs 100 gas.
func DefaultParams() Params {
	return Params{
		HaltQuorum:       DefaultHaltQuorum,
		IncidentScore:    8000,
		IncidentSeverity: int32(incidentstypes.SEVERITY_SEV3),
		SuspectWindow:    24 * time.Hour,
		SampleGas:        DefaultSampleGas,
	}
}

// Validate checks every field against its bounds.
func (p Params) Validate() error {
	switch {
	case p.HaltQuorum < 1 || p.HaltQuorum > MaxHaltQuorum:
		return errorsmod.Wrapf(ErrInvalidParams, "halt_quorum %d is outside [1, %d]", p.HaltQuorum, MaxHaltQuorum)
	case p.IncidentScore < 0 || p.IncidentScore > MaxScore:
		return errorsmod.Wrapf(ErrInvalidParams, "incident_score %d is outside [0, %d] (0 disables automatic incidents)", p.IncidentScore, MaxScore)
	case !incidentstypes.Severity(p.IncidentSeverity).IsSet():
		return errorsmod.Wrapf(ErrInvalidParams, "incident_severity %d: want 1 (sev1) to 4 (sev4)", p.IncidentSeverity)
	case p.SuspectWindow < MinSuspectWindow || p.SuspectWindow > MaxSuspectWindow:
		return errorsmod.Wrapf(ErrInvalidParams, "suspect_window %s is outside [%s, %s]", p.SuspectWindow, MinSuspectWindow, MaxSuspectWindow)
	case p.SampleGas < 1 || p.SampleGas > MaxSampleGas:
		return errorsmod.Wrapf(ErrInvalidParams, "sample_gas %d is outside [1, %d]", p.SampleGas, MaxSampleGas)
	}
	return nil
}

// OpensIncident reports whether an anomaly of score opens an incident.
func (p Params) OpensIncident(score int64) bool {
	return p.IncidentScore > 0 && score >= p.IncidentScore
}
