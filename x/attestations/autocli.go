package attestations

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// AutoCLIOptions describes the query commands and the simple tx commands;
// register-key (reads a PEM file) and submit (reads an envelope file) are
// hand-written in client/cli, and SetPolicy only runs inside a consortium
// proposal.
func (am AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{
					RpcMethod:      "AttestorKey",
					Use:            "key [key-id]",
					Short:          "Show one attestor key",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "key_id"}},
				},
				{
					RpcMethod: "AttestorKeys",
					Use:       "keys",
					Short:     "List attestor keys by key id, optionally of one --organization-id",
				},
				{
					RpcMethod:      "Attestation",
					Use:            "show [id]",
					Short:          "Show one attestation by id",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}},
				},
				{
					RpcMethod: "Attestations",
					Use:       "list",
					Short:     "List attestations newest first, by --subject-digest, --organization-id, --key-id and/or --predicate-type",
					Example:   "shiplogd query attestations list --subject-digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
				},
				{
					RpcMethod:      "Policy",
					Use:            "policy [environment]",
					Short:          "Show an environment's current policy, or --version N",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "environment"}},
				},
				{
					RpcMethod: "Policies",
					Use:       "policies",
					Short:     "List the current policy of every environment",
				},
				{
					RpcMethod: "Evaluate",
					Use:       "evaluate",
					Short:     "May these artifacts be deployed to this environment now? (writes nothing)",
					Long: "Returns the decision a deployment of the --digest artifacts (repeatable) to --env would " +
						"get now: allowed, denied, break_glass or no_policy, the policy version, the attestations that " +
						"satisfy it and every unmet requirement. --organization-id is the deploying organization " +
						"(approvals must come from another one); --break-glass evaluates as with a justification.",
					Example: "shiplogd query attestations evaluate --env prod --digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
					FlagOptions: map[string]*autocliv1.FlagOptions{
						"environment": {Name: "env", Usage: "environment to deploy to"},
						"digests":     {Name: "digest", Usage: "artifact digest sha256:<hex> (repeatable)"},
					},
				},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "RegisterAttestorKey", Skip: true},
				{RpcMethod: "SubmitAttestation", Skip: true},
				{RpcMethod: "SetPolicy", Skip: true},
				{
					RpcMethod: "RevokeAttestorKey",
					Use:       "revoke-key [key-id] [reason]",
					Short:     "Revoke an attestor key of your organization from --from-height on (default: now) (role admin)",
					Example:   `shiplogd tx attestations revoke-key acme-ci-2026 "key leaked in build logs" --from-height 1200 --from acme-admin`,
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "key_id"},
						{ProtoField: "reason"},
					},
				},
				{
					RpcMethod: "RevokeAttestation",
					Use:       "revoke [id] [reason]",
					Short:     "Revoke an attestation of your organization; it no longer satisfies any policy (role admin)",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{
						{ProtoField: "id"},
						{ProtoField: "reason"},
					},
				},
			},
		},
	}
}
