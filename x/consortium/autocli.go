package consortium

import (
	autocliv1 "cosmossdk.io/api/cosmos/autocli/v1"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// AutoCLIOptions describes the generated query and tx commands.
func (AppModule) AutoCLIOptions() *autocliv1.ModuleOptions {
	return &autocliv1.ModuleOptions{
		Query: &autocliv1.ServiceCommandDescriptor{
			Service: types.Query_serviceDesc.ServiceName,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "Params", Use: "params", Short: "Show the consortium parameters"},
				{RpcMethod: "Organizations", Use: "organizations", Short: "List organizations"},
				{RpcMethod: "Organization", Use: "organization ID", Short: "Show an organization",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}}},
				{RpcMethod: "Members", Use: "members", Short: "List members (--organization-id, --role ROLE_DEPLOYER)"},
				{RpcMethod: "Member", Use: "member ADDRESS", Short: "Show a member",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				{RpcMethod: "Validators", Use: "validators", Short: "List the validator set"},
				{RpcMethod: "Proposals", Use: "proposals", Short: "List proposals, newest first (--status PROPOSAL_STATUS_OPEN)"},
				{RpcMethod: "Proposal", Use: "proposal ID", Short: "Show a proposal",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "id"}}},
				{RpcMethod: "Misbehaviours", Use: "misbehaviours", Short: "List recorded validator misbehaviour (double signing), newest first (--validator CONSENSUS_ADDRESS)"},
			},
		},
		Tx: &autocliv1.ServiceCommandDescriptor{
			Service:              types.Msg_serviceDesc.ServiceName,
			EnhanceCustomCommand: true,
			RpcCommandOptions: []*autocliv1.RpcCommandOptions{
				{RpcMethod: "ApproveProposal", Use: "approve PROPOSAL_ID", Short: "Approve a proposal for your organization",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "proposal_id"}}},
				{RpcMethod: "WithdrawProposal", Use: "withdraw PROPOSAL_ID", Short: "Withdraw your organization's open proposal",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "proposal_id"}}},
				{RpcMethod: "RemoveOrgMember", Use: "remove-member ADDRESS", Short: "Remove a non-admin member of your organization",
					PositionalArgs: []*autocliv1.PositionalArgDescriptor{{ProtoField: "address"}}},
				// Custom commands (see client/cli) or proposal-only messages.
				{RpcMethod: "SubmitProposal", Skip: true},
				{RpcMethod: "SetOrgMember", Skip: true},
				{RpcMethod: "AddOrganization", Skip: true},
				{RpcMethod: "RemoveOrganization", Skip: true},
				{RpcMethod: "SetMember", Skip: true},
				{RpcMethod: "RemoveMember", Skip: true},
				{RpcMethod: "SetValidator", Skip: true},
				{RpcMethod: "RemoveValidator", Skip: true},
				{RpcMethod: "UpdateParams", Skip: true},
			},
		},
	}
}
