package cli

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"cosmossdk.io/core/address"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shiplog/shiplog/x/aiops/types"
)

// Flags of the hand-written query commands (the page flags match autocli's).
const (
	FlagDeploymentID = "deployment-id"
	FlagDetector     = "detector"
	FlagOutcome      = "outcome"
	FlagPageKey      = "page-key"
	FlagPageLimit    = "page-limit"
)

// GetQueryCmd returns the aiops query command with the verdict commands;
// autocli adds the others (see AutoCLIOptions). Verdicts carry IEEE doubles
// (p-values, statistics, summaries) that autocli's amino-JSON printer
// refuses, so these two print with the gogoproto JSON codec instead.
func GetQueryCmd(_ address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "AIOps queries: verdicts, anomalies, suspects, detectors, params",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewVerdictCmd(), NewVerdictsCmd())
	return cmd
}

// NewVerdictCmd returns the verdict query command.
func NewVerdictCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "verdict [id]",
		Short:   "Show one verdict",
		Example: "shiplogd query aiops verdict 7",
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil {
				return fmt.Errorf("verdict id %q: %w", args[0], err)
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).Verdict(cmd.Context(), &types.QueryVerdictRequest{Id: id})
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// NewVerdictsCmd returns the verdicts query command.
func NewVerdictsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verdicts",
		Short: "List verdicts newest first, by --deployment-id, --detector and/or --outcome",
		Long: "List verdicts newest first. Filters combine: --deployment-id, --detector (the submitting " +
			"address), --outcome (pass, marginal, fail). Page with --page-limit (default 100, at most 1000) " +
			"and --page-key set to the previous page's next_key.",
		Example: "shiplogd query aiops verdicts --deployment-id 12 --outcome fail",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := VerdictsRequestFromFlags(cmd.Flags())
			if err != nil {
				return err
			}
			clientCtx, err := client.GetClientQueryContext(cmd)
			if err != nil {
				return err
			}
			res, err := types.NewQueryClient(clientCtx).Verdicts(cmd.Context(), req)
			if err != nil {
				return err
			}
			return clientCtx.PrintProto(res)
		},
	}
	cmd.Flags().Uint64(FlagDeploymentID, 0, "only verdicts of this deployment")
	cmd.Flags().String(FlagDetector, "", "only verdicts submitted by this address")
	cmd.Flags().String(FlagOutcome, "", "only verdicts with this outcome: pass, marginal or fail")
	cmd.Flags().String(FlagPageKey, "", "next_key of the previous page (base64)")
	cmd.Flags().Uint64(FlagPageLimit, 0, "page size (default 100, at most 1000)")
	flags.AddQueryFlagsToCmd(cmd)
	return cmd
}

// VerdictsRequestFromFlags builds the Verdicts request from the flags.
func VerdictsRequestFromFlags(fs *pflag.FlagSet) (*types.QueryVerdictsRequest, error) {
	req := &types.QueryVerdictsRequest{}
	req.DeploymentId, _ = fs.GetUint64(FlagDeploymentID)
	req.Detector, _ = fs.GetString(FlagDetector)
	if s, _ := fs.GetString(FlagOutcome); s != "" {
		o, ok := types.ParseOutcome(s)
		if !ok {
			return nil, fmt.Errorf("--%s %q: want pass, marginal or fail", FlagOutcome, s)
		}
		req.Outcome = o
	}
	key, _ := fs.GetString(FlagPageKey)
	limit, _ := fs.GetUint64(FlagPageLimit)
	if key != "" || limit != 0 {
		req.Pagination = &query.PageRequest{Limit: limit}
		if key != "" {
			bz, err := base64.StdEncoding.DecodeString(key)
			if err != nil {
				return nil, fmt.Errorf("--%s %q: not base64: %w", FlagPageKey, key, err)
			}
			req.Pagination.Key = bz
		}
	}
	return req, nil
}
