package incidents

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/shiplog/shiplog/x/incidents/types"
)

// AutoCLIOptions describes the query commands and leaves the tx commands to
// the module's custom commands: open needs repeatable pair and suspect
// flags, and every command accepts short enum names ("sev1", "mitigated")
// and relative due times.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the incidents parameters (freeze severity)"},
				{
					RpcMethod:      "Incident",
					Use:            "show [id]",
					Short:          "Show one incident by id",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Incidents",
					Use:       "list",
					Short:     "List incidents newest first, optionally filtered",
					Long: "List incidents newest first. Filters combine: --status (open, mitigated, resolved, closed), " +
						"--severity (sev1..sev4), --service, --environment (an affected pair), --opened-from and --opened-to " +
						"(RFC3339, [from, to)). Page with --page-limit (default 100, at most 1000) and --page-key set to " +
						"the previous page's next_key.",
					Example: "shiplogd query incidents list --status open --severity sev1 --service api --environment prod",
				},
				{
					RpcMethod:      "IncidentsByDeployment",
					Use:            "by-deployment [deployment-id]",
					Short:          "List the incidents a deployment is linked to as a cause",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "deployment_id"}},
				},
				{
					RpcMethod:      "Remediation",
					Use:            "remediation [id]",
					Short:          "Show one remediation item by id",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Overdue",
					Use:       "overdue",
					Short:     "List incomplete remediation items past their due time, earliest due first",
				},
				{
					RpcMethod: "Freezes",
					Use:       "freezes [service] [environment]",
					Short:     "List the incidents that currently freeze deployments of a service in an environment",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "service"},
						{ProtoField: "environment"},
					},
				},
				{
					RpcMethod: "Metrics",
					Use:       "metrics",
					Short:     "Compute the DORA metrics over [--from, --to) (at most 366 days, whole seconds)",
					Long: "Deployment frequency, lead time for changes, change failure rate and time to restore over " +
						"[--from, --to), optionally for one --service and/or --environment. Definitions are in the " +
						"x/incidents README.",
					Example: "shiplogd query incidents metrics --service api --environment prod --from 2025-03-01T00:00:00Z --to 2025-04-01T00:00:00Z",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				// Hand-written commands in client/cli.
				{RpcMethod: "OpenIncident", Skip: true},
				{RpcMethod: "UpdateIncident", Skip: true},
				{RpcMethod: "LinkCause", Skip: true},
				{RpcMethod: "UnlinkCause", Skip: true},
				{RpcMethod: "AddRemediation", Skip: true},
				{RpcMethod: "CompleteRemediation", Skip: true},
				{RpcMethod: "CloseIncident", Skip: true},
				// Consortium authority only, inside a proposal.
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}
