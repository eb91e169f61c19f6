// Package cli holds the deployments module's hand-written tx commands.
package cli

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	"github.com/cosmos/cosmos-sdk/codec"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/txcli"
)

// Flags of the record and set-status commands.
const (
	FlagArtifact   = "artifact"
	FlagCommit     = "commit"
	FlagRepo       = "repo"
	FlagCommitTime = "commit-time"
	FlagPipeline   = "pipeline"
	FlagRunID      = "run-id"
	FlagRunURL     = "run-url"
	FlagStrategy   = "strategy"
	FlagStatus     = "status"
	FlagRollbackOf = "rollback-of"
	FlagLabel      = "label"
	FlagExternalID = "external-id"
	FlagReason     = "reason"
	// FlagFixesIncident and FlagBreakGlass let a deployment through an
	// incident deploy freeze (x/incidents).
	FlagFixesIncident = "fixes-incident"
	FlagBreakGlass    = "break-glass"
)

// GetTxCmd returns the deployments tx command. ac prints the --from address;
// when nil the SDK's global bech32 configuration is used.
func GetTxCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Deployments transaction subcommands",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewRecordCmd(ac), NewRecordBatchCmd(ac), NewSetStatusCmd(ac))
	return cmd
}

// NewRecordCmd returns the record command.
func NewRecordCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record [service] [environment] [version]",
		Short: "Record a deployment of a service version to an environment (role deployer)",
		Long: `Record a deployment. At least one --artifact NAME=DIGEST[@URI] is required; the digest is
sha256:<64 lowercase hex> or sha512:<128 lowercase hex>. --status defaults to in_progress;
pass a final status (succeeded, failed, rolled_back, halted) to record a finished deployment.
--external-id makes the command safe to retry: the same id with the same content returns the
existing record.

A severe open incident may freeze deployments of the service in the environment. A rollback
(--rollback-of) always goes through; otherwise declare the fix with --fixes-incident ID
(repeatable, at most 16) or give a justification with --break-glass "why". Both are kept on
the record.`,
		Example: `shiplogd tx deployments record api prod 1.4.2 \
  --artifact api=sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae@registry.example/api:1.4.2 \
  --repo https://git.example/api --commit 9fceb02d0ae598e95dc970b74767f19372d61af8 \
  --commit-time 2025-03-01T10:00:00Z --pipeline github-actions --run-id 812 \
  --strategy canary --label team=payments --external-id gha-812-1 --from ci-bot`,
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			deployer, err := txcli.FromAddress(ac, clientCtx.GetFromAddress())
			if err != nil {
				return err
			}
			msg, err := RecordMsgFromFlags(deployer, args, cmd.Flags())
			if err != nil {
				return err
			}
			if err := msg.Validate(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	f := cmd.Flags()
	f.StringArray(FlagArtifact, nil, "artifact as NAME=DIGEST[@URI] (repeatable, at least one)")
	f.String(FlagRepo, "", "source repository URL")
	f.String(FlagCommit, "", "source commit (lowercase hex, 7 to 64 characters)")
	f.String(FlagCommitTime, "", "commit time (RFC3339)")
	f.String(FlagPipeline, "", "CI/CD system that ran the deployment")
	f.String(FlagRunID, "", "pipeline run id")
	f.String(FlagRunURL, "", "pipeline run URL")
	f.String(FlagStrategy, "", "rollout strategy: "+types.StrategyNames())
	f.String(FlagStatus, "", "initial status: in_progress (default) or a final status")
	f.Uint64(FlagRollbackOf, 0, "id of the deployment this one rolls back")
	f.StringArray(FlagLabel, nil, "label as KEY=VALUE (repeatable)")
	f.String(FlagExternalID, "", "idempotency key, unique per organisation")
	f.String(FlagReason, "", "reason kept on the initial status transition")
	f.StringArray(FlagFixesIncident, nil, "id of an incident this deployment fixes (repeatable); lets it through that incident's deploy freeze")
	f.String(FlagBreakGlass, "", "justification for deploying through a deploy freeze or past an unmet environment policy that allows break-glass (then another organization's admin must review it), kept on the record for audit")
	flags.AddTxFlagsToCmd(cmd)
	txcli.DefaultGasAuto(cmd)
	return cmd
}

// NewRecordBatchCmd returns the record-batch command.
func NewRecordBatchCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record-batch [file.json]",
		Short: fmt.Sprintf("Record 1 to %d deployments in one transaction, all or nothing (role deployer)", types.MaxBatchRecords),
		Long: fmt.Sprintf(`Record several deployments with one MsgRecordDeployments. FILE holds either a JSON array of
records or an object {"records": [...]}; each record has the fields of MsgRecordDeployment in
proto JSON form except the deployer, which is the --from key (service, environment, version,
artifacts, source, pipeline, strategy, status, rollback_of, labels, external_id, reason,
fixes_incidents, break_glass; enums by full name, 64-bit integers as strings or numbers).
Unknown fields are refused. At most %d records. The records are recorded in order and the
first failing one, named by its 0-based index, fails the whole transaction.`, types.MaxBatchRecords),
		Example: `shiplogd tx deployments record-batch deploys.json --from ci-bot

deploys.json:
[
  {"service": "api", "environment": "prod", "version": "1.4.2",
   "artifacts": [{"name": "api", "digest": "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}],
   "external_id": "gha-812-1"},
  {"service": "web", "environment": "prod", "version": "2.0.1", "status": "DEPLOYMENT_STATUS_SUCCEEDED",
   "artifacts": [{"name": "web", "digest": "sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9"}]}
]`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			deployer, err := txcli.FromAddress(ac, clientCtx.GetFromAddress())
			if err != nil {
				return err
			}
			bz, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			msg, err := ParseRecordBatch(clientCtx.Codec, deployer, bz)
			if err != nil {
				return errorsmod.Wrapf(err, "%s", args[0])
			}
			if err := msg.Validate(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	flags.AddTxFlagsToCmd(cmd)
	txcli.DefaultGasAuto(cmd)
	return cmd
}

// ParseRecordBatch builds MsgRecordDeployments signed by deployer from a JSON
// array of DeploymentRecord or an object {"records": [...]}, both in proto
// JSON form. A "deployer" in the object form must be empty or deployer.
// Unknown fields are refused. The message is not validated.
func ParseRecordBatch(cdc codec.JSONCodec, deployer string, bz []byte) (*types.MsgRecordDeployments, error) {
	bz = bytes.TrimSpace(bz)
	if len(bz) == 0 {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "empty batch file: want a JSON array of records or {\"records\": [...]}")
	}
	if bz[0] == '[' {
		bz = append(append([]byte(`{"records":`), bz...), '}')
	} else if bz[0] != '{' {
		return nil, errorsmod.Wrap(types.ErrInvalidDeployment, "want a JSON array of records or {\"records\": [...]}")
	}
	msg := &types.MsgRecordDeployments{}
	if err := cdc.UnmarshalJSON(bz, msg); err != nil {
		return nil, errorsmod.Wrapf(types.ErrInvalidDeployment, "parse records: %s", err)
	}
	if msg.Deployer != "" && msg.Deployer != deployer {
		return nil, errorsmod.Wrapf(types.ErrInvalidAddress, "file names deployer %s but the signer (--%s) is %s", msg.Deployer, flags.FlagFrom, deployer)
	}
	msg.Deployer = deployer
	return msg, nil
}

// NewSetStatusCmd returns the set-status command.
func NewSetStatusCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "set-status [id] [status]",
		Short: "Move an in-progress deployment to a final status (role deployer, same organisation)",
		Long: "STATUS is one of succeeded, failed, rolled_back, halted (a dash instead of the " +
			"underscore and the full DEPLOYMENT_STATUS_... name work too).",
		Example: "shiplogd tx deployments set-status 42 succeeded --reason 'smoke tests green' --from ci-bot",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			clientCtx, err := client.GetClientTxContext(cmd)
			if err != nil {
				return err
			}
			deployer, err := txcli.FromAddress(ac, clientCtx.GetFromAddress())
			if err != nil {
				return err
			}
			reason, err := cmd.Flags().GetString(FlagReason)
			if err != nil {
				return err
			}
			msg, err := SetStatusMsg(deployer, args[0], args[1], reason)
			if err != nil {
				return err
			}
			if err := msg.Validate(); err != nil {
				return err
			}
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		},
	}
	cmd.Flags().String(FlagReason, "", "reason kept on the status transition")
	flags.AddTxFlagsToCmd(cmd)
	return cmd
}

// SetStatusMsg builds MsgUpdateDeploymentStatus from the command's arguments.
func SetStatusMsg(deployer, idArg, statusArg, reason string) (*types.MsgUpdateDeploymentStatus, error) {
	id, err := ParseID(idArg)
	if err != nil {
		return nil, errorsmod.Wrap(err, "argument ID")
	}
	status, err := types.ParseStatus(statusArg)
	if err != nil {
		return nil, errorsmod.Wrap(err, "argument STATUS")
	}
	return &types.MsgUpdateDeploymentStatus{Deployer: deployer, Id: id, Status: status, Reason: reason}, nil
}

// RecordMsgFromFlags builds MsgRecordDeployment from the positional
// arguments (service, environment, version) and the record command's flags.
func RecordMsgFromFlags(deployer string, args []string, fs *pflag.FlagSet) (*types.MsgRecordDeployment, error) {
	if len(args) != 3 {
		return nil, errorsmod.Wrapf(types.ErrInvalidDeployment, "want SERVICE ENVIRONMENT VERSION, got %d arguments", len(args))
	}
	msg := &types.MsgRecordDeployment{
		Deployer:    deployer,
		Service:     args[0],
		Environment: args[1],
		Version:     args[2],
	}
	var flagErr error
	str := func(name string) string {
		v, err := fs.GetString(name)
		if err != nil && flagErr == nil {
			flagErr = err
		}
		return v
	}

	artifacts, err := fs.GetStringArray(FlagArtifact)
	if err != nil {
		return nil, err
	}
	if len(artifacts) == 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidArtifact, "--%s is required (NAME=DIGEST[@URI])", FlagArtifact)
	}
	for _, s := range artifacts {
		a, err := ParseArtifact(s)
		if err != nil {
			return nil, err
		}
		msg.Artifacts = append(msg.Artifacts, a)
	}
	labels, err := fs.GetStringArray(FlagLabel)
	if err != nil {
		return nil, err
	}
	for _, s := range labels {
		l, err := ParseLabel(s)
		if err != nil {
			return nil, err
		}
		msg.Labels = append(msg.Labels, l)
	}

	msg.Source.Repository = str(FlagRepo)
	msg.Source.Commit = str(FlagCommit)
	if s := str(FlagCommitTime); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return nil, errorsmod.Wrapf(types.ErrInvalidSource, "--%s %q is not an RFC3339 time (e.g. 2025-03-01T10:00:00Z)", FlagCommitTime, s)
		}
		t = t.UTC()
		msg.Source.CommitTime = &t
	}
	msg.Pipeline = types.Pipeline{System: str(FlagPipeline), RunId: str(FlagRunID), RunUrl: str(FlagRunURL)}
	if s := str(FlagStrategy); s != "" {
		if msg.Strategy, err = types.ParseStrategy(s); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagStrategy)
		}
	}
	if s := str(FlagStatus); s != "" {
		if msg.Status, err = types.ParseStatus(s); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagStatus)
		}
	}
	if msg.RollbackOf, err = fs.GetUint64(FlagRollbackOf); err != nil {
		return nil, err
	}
	msg.ExternalId = str(FlagExternalID)
	msg.Reason = str(FlagReason)
	fixes, err := fs.GetStringArray(FlagFixesIncident)
	if err != nil {
		return nil, err
	}
	if msg.FixesIncidents, err = ParseFixesIncidents(fixes); err != nil {
		return nil, err
	}
	msg.BreakGlass = str(FlagBreakGlass)
	if flagErr != nil {
		return nil, flagErr
	}
	return msg, nil
}

// ParseFixesIncidents parses the values of the repeatable --fixes-incident
// flag, one positive incident id each, and checks the list's bounds.
func ParseFixesIncidents(values []string) ([]uint64, error) {
	var ids []uint64
	for _, s := range values {
		id, err := strconv.ParseUint(s, 10, 64)
		if err != nil || id == 0 {
			return nil, errorsmod.Wrapf(types.ErrInvalidFixesIncidents, "--%s %q is not a positive incident id", FlagFixesIncident, s)
		}
		ids = append(ids, id)
	}
	if err := types.ValidateFixesIncidents(ids); err != nil {
		return nil, errorsmod.Wrapf(err, "--%s", FlagFixesIncident)
	}
	return ids, nil
}

// ParseArtifact parses NAME=DIGEST[@URI]. The name ends at the first '=' and
// the digest at the first '@' after it, so a URI may itself contain '@'
// (registry.example/api@sha256:...).
func ParseArtifact(s string) (types.Artifact, error) {
	name, rest, ok := strings.Cut(s, "=")
	if !ok {
		return types.Artifact{}, errorsmod.Wrapf(types.ErrInvalidArtifact, "--%s %q: want NAME=DIGEST[@URI] (missing '=')", FlagArtifact, s)
	}
	if name == "" {
		return types.Artifact{}, errorsmod.Wrapf(types.ErrInvalidArtifact, "--%s %q: empty NAME", FlagArtifact, s)
	}
	digest, uri, hasURI := strings.Cut(rest, "@")
	if hasURI && uri == "" {
		return types.Artifact{}, errorsmod.Wrapf(types.ErrInvalidArtifact, "--%s %q: empty URI after '@'", FlagArtifact, s)
	}
	a := types.Artifact{Name: name, Digest: digest, Uri: uri}
	if err := types.ValidateArtifact(a); err != nil {
		return types.Artifact{}, errorsmod.Wrapf(err, "--%s %q", FlagArtifact, s)
	}
	return a, nil
}

// ParseLabel parses KEY=VALUE; the value may be empty and may contain '='.
func ParseLabel(s string) (types.Label, error) {
	key, value, ok := strings.Cut(s, "=")
	if !ok {
		return types.Label{}, errorsmod.Wrapf(types.ErrInvalidLabel, "--%s %q: want KEY=VALUE (missing '=')", FlagLabel, s)
	}
	l := types.Label{Key: key, Value: value}
	if err := types.ValidateLabels([]types.Label{l}); err != nil {
		return types.Label{}, errorsmod.Wrapf(err, "--%s %q", FlagLabel, s)
	}
	return l, nil
}

// ParseID parses a deployment id (a positive integer).
func ParseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, errorsmod.Wrapf(types.ErrInvalidDeployment, "deployment id %q is not a positive integer", s)
	}
	return id, nil
}
