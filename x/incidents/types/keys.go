package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the incidents module's name and store key.
	ModuleName = "incidents"
	StoreKey   = ModuleName
)

// Store prefixes. Primary keys are the sequential incident and remediation
// ids (cheap IAVL inserts); every other lookup goes through an index below.
var (
	// ParamsKey: the module parameters.
	ParamsKey = collections.NewPrefix(0)
	// IncidentSeqKey holds the number of incident ids issued; the next id is
	// that number plus one, so ids start at 1.
	IncidentSeqKey = collections.NewPrefix(1)
	// IncidentsKey: id -> Incident.
	IncidentsKey = collections.NewPrefix(2)
	// IncidentsByStatusKey: (status, id).
	IncidentsByStatusKey = collections.NewPrefix(3)
	// IncidentsBySeverityKey: (severity, id).
	IncidentsBySeverityKey = collections.NewPrefix(4)
	// IncidentsByOpenedKey: (opened_at, id).
	IncidentsByOpenedKey = collections.NewPrefix(5)
	// IncidentsByServiceEnvKey: ((service, environment), id), one entry per
	// affected pair.
	IncidentsByServiceEnvKey = collections.NewPrefix(6)
	// IncidentsByServiceKey: (service, id), one entry per distinct service.
	IncidentsByServiceKey = collections.NewPrefix(7)
	// IncidentsByEnvironmentKey: (environment, id), one entry per distinct
	// environment.
	IncidentsByEnvironmentKey = collections.NewPrefix(8)
	// FreezesKey: ((service, environment), incident id) for every affected
	// pair of every incident that currently freezes deployments.
	FreezesKey = collections.NewPrefix(9)
	// CausesKey: (deployment id, incident id) for every cause link.
	CausesKey = collections.NewPrefix(10)
	// RemediationSeqKey holds the number of remediation ids issued.
	RemediationSeqKey = collections.NewPrefix(11)
	// RemediationsKey: id -> Remediation.
	RemediationsKey = collections.NewPrefix(12)
	// DueQueueKey: (due_time, id) of incomplete remediation items whose
	// overdue event has not been emitted yet.
	DueQueueKey = collections.NewPrefix(13)
	// IncompleteRemediationsKey: (due_time, id) of every incomplete item.
	IncompleteRemediationsKey = collections.NewPrefix(14)
	// FrozenPairsKey: (service, environment) of every pair that has at least
	// one entry under FreezesKey (consensus version 2).
	FrozenPairsKey = collections.NewPrefix(15)
)
