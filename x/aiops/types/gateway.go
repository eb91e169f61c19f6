package types

import "github.com/shiplog/shiplog/x/internal/gatewayenum"

// The REST gateway reads the verdict queries' outcome by name too.
func init() {
	gatewayenum.Register("shiplog.aiops.v1.Outcome", Outcome_value)
}
