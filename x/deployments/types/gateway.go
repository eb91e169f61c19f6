package types

import "github.com/shiplog/shiplog/x/internal/gatewayenum"

// The REST gateway reads the Deployments query's status by name too.
func init() {
	gatewayenum.Register("shiplog.deployments.v1.DeploymentStatus", DeploymentStatus_value)
}
