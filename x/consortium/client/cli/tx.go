package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// NewTxCmd is the consortium tx command; autocli adds approve, withdraw and
// remove-member to it.
func NewTxCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Consortium transactions: proposals and organization members",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewProposeCmd(), NewSetMemberCmd())
	return cmd
}

// ProposalFile is the JSON a proposer writes. A message that leaves
// "authority" out gets the consortium authority filled in.
type ProposalFile struct {
	Title    string            `json:"title"`
	Summary  string            `json:"summary"`
	Messages []json.RawMessage `json:"messages"`
}

// NewProposeCmd submits a proposal from a JSON file.
func NewProposeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "propose FILE.json",
		Short: "Propose consortium-authority messages (organizations, admins, operators, validators, params, upgrades)",
		Long: `Propose messages that run with the consortium's authority once more than the
threshold of organizations approve. Your organization approves on submission.

Example file:
{
  "title": "Admit globex",
  "summary": "Globex joins as a deploying organization",
  "messages": [
    {"@type": "/shiplog.consortium.v1.MsgAddOrganization", "organization": {"id": "globex", "name": "Globex Corp"}},
    {"@type": "/shiplog.consortium.v1.MsgSetMember",
     "member": {"address": "ship1...", "organization_id": "globex", "roles": ["ROLE_ADMIN"]}}
  ]
}`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			msgs, title, summary, err := ParseProposal(clientCtx, bz)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			msg := &types.MsgSubmitProposal{Proposer: clientCtx.GetFromAddress().String(), Title: title, Summary: summary, Messages: msgs}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// AuthorityAddress is the consortium module account that signs proposal messages.
func AuthorityAddress() string {
	return authtypes.NewModuleAddress(types.ModuleName).String()
}

// ParseProposal decodes a proposal file into packed messages.
func ParseProposal(clientCtx client.Context, bz []byte) ([]*codectypes.Any, string, string, error) {
	var file ProposalFile
	if err := json.Unmarshal(bz, &file); err != nil {
		return nil, "", "", fmt.Errorf("invalid proposal JSON: %w", err)
	}
	if len(file.Messages) == 0 {
		return nil, "", "", fmt.Errorf("proposal has no messages")
	}
	anys := make([]*codectypes.Any, len(file.Messages))
	for i, raw := range file.Messages {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			return nil, "", "", fmt.Errorf("message %d: %w", i, err)
		}
		if a, ok := fields["authority"]; !ok || string(a) == `""` {
			fields["authority"], _ = json.Marshal(AuthorityAddress())
		}
		withAuthority, err := json.Marshal(fields)
		if err != nil {
			return nil, "", "", err
		}
		var msg sdk.Msg
		if err := clientCtx.Codec.UnmarshalInterfaceJSON(withAuthority, &msg); err != nil {
			return nil, "", "", fmt.Errorf("message %d: %w", i, err)
		}
		if anys[i], err = codectypes.NewAnyWithValue(msg); err != nil {
			return nil, "", "", fmt.Errorf("message %d: %w", i, err)
		}
	}
	return anys, file.Title, file.Summary, nil
}

// NewSetMemberCmd adds or updates a member of the signer's organization.
func NewSetMemberCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-member ADDRESS ROLE[,ROLE...]",
		Short: "Add or update a member of your organization (roles: deployer, attestor, responder, detector)",
		Long: `Add or update a member of your own organization without a vote, e.g. to rotate
a CI key. Admin and operator roles need a consortium proposal.`,
		Example: "shiplogd tx consortium set-member ship1... deployer,attestor --from admin",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			roles, err := ParseRoles(args[1])
			if err != nil {
				return err
			}
			msg := &types.MsgSetOrgMember{Admin: clientCtx.GetFromAddress().String(), Address: args[0], Roles: roles}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// ParseRoles parses a comma-separated role list such as "deployer,attestor".
func ParseRoles(s string) ([]types.Role, error) {
	var roles []types.Role
	for _, part := range strings.Split(s, ",") {
		r, err := types.ParseRole(part)
		if err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return roles, types.ValidateRoles(roles)
}
