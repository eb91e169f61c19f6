package types

// Reasons a deployment may go through a freeze, as reported in
// EventDeploymentFreezeOverridden.reason, in the order they are checked.
const (
	// FreezeOverrideRollback: the deployment rolls back another one
	// (rollback_of set); undoing a change is always allowed.
	FreezeOverrideRollback = "rollback"
	// FreezeOverrideFixesIncident: the deployer declared that the deployment
	// fixes the freezing incident (fixes_incidents holds its id).
	FreezeOverrideFixesIncident = "fixes_incident"
	// FreezeOverrideBreakGlass: the deployer gave a break-glass justification.
	FreezeOverrideBreakGlass = "break_glass"
)
