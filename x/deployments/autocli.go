package deployments

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// AutoCLIOptions describes the query commands and review-break-glass, and
// leaves the other tx commands to the module's custom command: record needs
// repeatable artifact and label flags, and set-status accepts short status
// names ("succeeded").
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "Deployment",
					Use:            "show [id]",
					Short:          "Show one deployment by id",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Deployments",
					Use:       "list",
					Short:     "List deployments newest first, optionally filtered",
					Long: "List deployments newest first. Filters combine: --service, --environment, " +
						"--status (in-progress, succeeded, failed, rolled-back, halted), --deployer, --artifact-digest. " +
						"Page with --page-limit (default 100, at most 1000) and --page-key set to the previous page's next_key.",
					Example: "shiplogd query deployments list --service api --environment prod --status succeeded --page-limit 10",
				},
				{
					RpcMethod: "Current",
					Use:       "current [service] [environment]",
					Short:     "Show the latest succeeded deployment of a service in an environment",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "service"},
						{ProtoField: "environment"},
					},
				},
				{
					RpcMethod: "DeploymentByExternalID",
					Use:       "by-external-id [organization-id] [external-id]",
					Short:     "Show the deployment an organisation recorded under an external id",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "organization_id"},
						{ProtoField: "external_id"},
					},
				},
				{
					RpcMethod: "BreakGlassReviews",
					Use:       "break-glass",
					Short:     "List break-glass deployments waiting for their review, earliest due first (--overdue: past due only)",
					Example:   "shiplogd query deployments break-glass --overdue",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				// Every message has a hand-written command in client/cli.
				{RpcMethod: "RecordDeployment", Skip: true},
				{RpcMethod: "UpdateDeploymentStatus", Skip: true},
				{RpcMethod: "RecordDeployments", Skip: true},
				{
					RpcMethod: "ReviewBreakGlass",
					Use:       "review-break-glass [id] [note]",
					Short:     "Review a break-glass deployment (role admin of another organization than the deployer's)",
					Example:   `shiplogd tx deployments review-break-glass 42 "hotfix checked, SBOM attached later" --from admin-b`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "id"},
						{ProtoField: "note", Optional: true},
					},
				},
			},
		},
	}
}
