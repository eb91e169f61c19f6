package aiops

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/shiplog/shiplog/x/aiops/types"
)

// AutoCLIOptions describes the query commands except verdict and verdicts
// (hand-written: see cli.GetQueryCmd) and leaves the tx commands to the
// module's custom commands: submit-verdict reads a JSON file and
// report-anomaly takes a decimal score.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Query_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the aiops parameters (halt quorum, incident threshold, suspect window, sample gas)"},
				{
					RpcMethod:      "Detector",
					Use:            "detector [id]",
					Short:          "Show one registered detector descriptor",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Detectors",
					Use:       "detectors",
					Short:     "List registered detector descriptors newest first, optionally of one --address",
				},
				// Verdicts carry doubles, which autocli's amino-JSON printer
				// refuses: hand-written commands in client/cli print them.
				{RpcMethod: "Verdict", Skip: true},
				{RpcMethod: "Verdicts", Skip: true},
				{
					RpcMethod:      "Anomaly",
					Use:            "anomaly [id]",
					Short:          "Show one anomaly",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Anomalies",
					Use:       "anomalies",
					Short:     "List anomalies newest first, optionally of one --service (and --environment)",
					Example:   "shiplogd query aiops anomalies --service checkout --environment production",
				},
				{
					RpcMethod: "Suspects",
					Use:       "suspects",
					Short:     "Rank the deployments most likely to have caused an incident or an anomaly",
					Long: "Rank the deployments of the affected service/environment pairs deployed within the suspect_window " +
						"param before the onset: --incident-id (its affected pairs and detection time), or --service, " +
						"--environment and --time (RFC 3339; default the latest block time). Each suspect has an integer " +
						"score and the reasons behind it (see the x/aiops README).",
					Example: "shiplogd query aiops suspects --incident-id 4",
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				// Hand-written commands in client/cli.
				{RpcMethod: "RegisterDetector", Skip: true},
				{RpcMethod: "SubmitVerdict", Skip: true},
				{RpcMethod: "ReportAnomaly", Skip: true},
				// Consortium authority only, inside a proposal.
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}
