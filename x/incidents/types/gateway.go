package types

import "github.com/shiplog/shiplog/x/internal/gatewayenum"

// The REST gateway reads the incident queries' severity and status by name
// too.
func init() {
	gatewayenum.Register("shiplog.incidents.v1.Severity", Severity_value)
	gatewayenum.Register("shiplog.incidents.v1.IncidentStatus", IncidentStatus_value)
}
