package types

import "github.com/shiplog/shiplog/x/internal/gatewayenum"

// The REST gateway reads the consortium queries' role and proposal status
// by name too.
func init() {
	gatewayenum.Register("shiplog.consortium.v1.Role", Role_value)
	gatewayenum.Register("shiplog.consortium.v1.ProposalStatus", ProposalStatus_value)
}
