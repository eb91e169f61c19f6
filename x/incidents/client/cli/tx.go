// Package cli holds the incidents module's hand-written tx commands.
package cli

import (
	"strconv"
	"strings"
	"time"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shiplog/shiplog/x/incidents/types"
	"github.com/shiplog/shiplog/x/internal/txcli"
)

// Flags of the incidents tx commands.
const (
	FlagSeverity    = "severity"
	FlagAffected    = "affected"
	FlagSummary     = "summary"
	FlagDetectedAt  = "detected-at"
	FlagSuspect     = "suspect"
	FlagSource      = "source"
	FlagDocDigest   = "doc-digest"
	FlagDocLocation = "doc-location"
	// FlagNote is the SDK tx flag --note, taken over by the commands whose
	// message has a note (see newCmd).
	FlagNote                 = flags.FlagNote
	FlagStatus               = "status"
	FlagOwner                = "owner"
	FlagDue                  = "due"
	FlagPostmortemDigest     = "postmortem-digest"
	FlagPostmortemLocation   = "postmortem-location"
	FlagRootCause            = "root-cause"
	FlagNoDeploymentInvolved = "no-deployment-involved"
)

// GetTxCmd returns the incidents tx command. ac prints the --from address;
// when nil the SDK's global bech32 configuration is used.
func GetTxCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Incidents transaction subcommands (role responder)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(
		NewOpenCmd(ac),
		NewUpdateCmd(ac),
		NewLinkCauseCmd(ac),
		NewUnlinkCauseCmd(ac),
		NewAddRemediationCmd(ac),
		NewCompleteRemediationCmd(ac),
		NewCloseCmd(ac),
	)
	return cmd
}

// msgBuilder turns the signer address, the arguments and the flags into a
// message.
type msgBuilder = txcli.MsgBuilder

// newCmd wires the common part of every command (txcli.WireMsgCommand).
//
// --note is one of the SDK's tx flags (the transaction memo). The commands
// whose message has a note (noteUsage != "") take it over: the text goes
// into the message and the transaction carries no memo, so a note may be
// longer than the memo limit and is not stored twice.
func newCmd(ac address.Codec, cmd *cobra.Command, noteUsage string, build msgBuilder) *cobra.Command {
	txcli.WireMsgCommand(ac, cmd, noteUsage != "", build)
	if noteUsage != "" {
		cmd.Flags().Lookup(FlagNote).Usage = noteUsage + " (kept in the message; the transaction gets no memo)"
	}
	return cmd
}

// NewOpenCmd returns the open command.
func NewOpenCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "open [title]",
		Short: "Open an incident for your organisation (role responder)",
		Long: `Open an incident. --severity (sev1..sev4), at least one --affected SERVICE=ENVIRONMENT and
--source KIND:REFERENCE are required. KIND is person, alert, verdict (an aiops verdict id) or
anomaly (an aiops anomaly id). --detected-at defaults to the block time and may not be after it.
--suspect names a deployment id suspected of causing the incident (repeatable, must exist).
An open or mitigated incident at or above the freeze severity (param, default sev2) freezes
new deployments of its affected pairs.`,
		Example: `shiplogd tx incidents open "Checkout errors at 30%" --severity sev1 \
  --affected api=prod --affected web=prod --summary "5xx on /checkout since 14:02" \
  --detected-at 2025-03-01T14:02:00Z --suspect 42 --source alert:checkout-5xx \
  --doc-digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae \
  --doc-location https://wiki.example/inc/123 --from oncall`,
		Args: cobra.ExactArgs(1),
	}
	f := cmd.Flags()
	f.String(FlagSeverity, "", "severity: "+types.SeverityNames()+" (required)")
	f.StringArray(FlagAffected, nil, "affected pair as SERVICE=ENVIRONMENT (repeatable, at least one)")
	f.String(FlagSummary, "", "summary (at most 4096 bytes)")
	f.String(FlagDetectedAt, "", "detection time (RFC3339); default the block time")
	f.StringArray(FlagSuspect, nil, "id of a suspected deployment (repeatable)")
	f.String(FlagSource, "", "who or what detected it: person:HANDLE, alert:NAME, verdict:ID or anomaly:ID (required)")
	f.String(FlagDocDigest, "", "digest of an incident document: sha256:<64 lowercase hex>")
	f.String(FlagDocLocation, "", "where the incident document is (needs --doc-digest)")
	return newCmd(ac, cmd, "", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		return OpenMsgFromFlags(signer, args[0], fs)
	})
}

// OpenMsgFromFlags builds MsgOpenIncident from the title argument and the
// open command's flags.
func OpenMsgFromFlags(responder, title string, fs *pflag.FlagSet) (*types.MsgOpenIncident, error) {
	msg := &types.MsgOpenIncident{Responder: responder, Title: title}
	var err error
	s := stringFlags(fs)
	sev := s.get(FlagSeverity)
	if sev == "" {
		return nil, errorsmod.Wrapf(types.ErrInvalidSeverity, "--%s is required (%s)", FlagSeverity, types.SeverityNames())
	}
	if msg.Severity, err = types.ParseSeverity(sev); err != nil {
		return nil, errorsmod.Wrapf(err, "--%s", FlagSeverity)
	}
	affected, err := fs.GetStringArray(FlagAffected)
	if err != nil {
		return nil, err
	}
	if len(affected) == 0 {
		return nil, errorsmod.Wrapf(types.ErrInvalidAffected, "--%s is required (SERVICE=ENVIRONMENT)", FlagAffected)
	}
	for _, a := range affected {
		p, err := ParseAffected(a)
		if err != nil {
			return nil, err
		}
		msg.Affected = append(msg.Affected, p)
	}
	msg.Summary = s.get(FlagSummary)
	if v := s.get(FlagDetectedAt); v != "" {
		t, err := parseTime(types.ErrInvalidDetectedAt, FlagDetectedAt, v)
		if err != nil {
			return nil, err
		}
		msg.DetectedAt = &t
	}
	suspects, err := fs.GetStringArray(FlagSuspect)
	if err != nil {
		return nil, err
	}
	for _, v := range suspects {
		id, err := parseID(types.ErrInvalidDeploymentID, "--"+FlagSuspect, v)
		if err != nil {
			return nil, err
		}
		msg.SuspectedDeployments = append(msg.SuspectedDeployments, id)
	}
	src := s.get(FlagSource)
	if src == "" {
		return nil, errorsmod.Wrapf(types.ErrInvalidSource, "--%s is required (person:HANDLE, alert:NAME, verdict:ID or anomaly:ID)", FlagSource)
	}
	if msg.Source, err = ParseSource(src); err != nil {
		return nil, err
	}
	digest, location := s.get(FlagDocDigest), s.get(FlagDocLocation)
	switch {
	case digest != "":
		if err := types.ValidateDigest(digest); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagDocDigest)
		}
		msg.Document = &types.Document{Digest: digest, Location: location}
	case location != "":
		return nil, errorsmod.Wrapf(types.ErrInvalidDocument, "--%s needs --%s", FlagDocLocation, FlagDocDigest)
	}
	return msg, s.err
}

// NewUpdateCmd returns the update command.
func NewUpdateCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update [id]",
		Short: "Add a note to an incident, optionally moving its status forward or changing its severity",
		Long: `--status is mitigated or resolved (forward only: open -> mitigated -> resolved; close with
"close"). --severity is one of sev1..sev4. At least one of --note, --status and --severity is required.`,
		Example: `shiplogd tx incidents update 7 --status mitigated --note "traffic shifted to eu-west" --from oncall
shiplogd tx incidents update 7 --severity sev2 --note "only checkout retries affected" --from oncall`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().String(FlagStatus, "", "new status: mitigated or resolved")
	cmd.Flags().String(FlagSeverity, "", "new severity: "+types.SeverityNames())
	return newCmd(ac, cmd, "timeline note, at most 2048 bytes", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		return UpdateMsgFromFlags(signer, args[0], fs)
	})
}

// UpdateMsgFromFlags builds MsgUpdateIncident from the id argument and the
// update command's flags.
func UpdateMsgFromFlags(responder, idArg string, fs *pflag.FlagSet) (*types.MsgUpdateIncident, error) {
	id, err := parseID(types.ErrInvalidIncident, "argument ID", idArg)
	if err != nil {
		return nil, err
	}
	s := stringFlags(fs)
	msg := &types.MsgUpdateIncident{Responder: responder, Id: id, Note: s.get(FlagNote)}
	if v := s.get(FlagStatus); v != "" {
		if msg.Status, err = types.ParseIncidentStatus(v); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagStatus)
		}
	}
	if v := s.get(FlagSeverity); v != "" {
		if msg.Severity, err = types.ParseSeverity(v); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagSeverity)
		}
	}
	return msg, s.err
}

// NewLinkCauseCmd returns the link-cause command.
func NewLinkCauseCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "link-cause [incident-id] [deployment-id]",
		Short:   "Name a deployment as a cause of an incident (feeds the change failure rate)",
		Example: `shiplogd tx incidents link-cause 7 42 --note "bad connection pool setting" --from oncall`,
		Args:    cobra.ExactArgs(2),
	}
	return newCmd(ac, cmd, "why the deployment is a cause, at most 2048 bytes", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		inc, dep, note, err := causeArgs(args, fs)
		if err != nil {
			return nil, err
		}
		return &types.MsgLinkCause{Responder: signer, IncidentId: inc, DeploymentId: dep, Note: note}, nil
	})
}

// NewUnlinkCauseCmd returns the unlink-cause command.
func NewUnlinkCauseCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "unlink-cause [incident-id] [deployment-id]",
		Short:   "Remove a cause link of an incident",
		Example: `shiplogd tx incidents unlink-cause 7 42 --note "pool setting was a red herring" --from oncall`,
		Args:    cobra.ExactArgs(2),
	}
	return newCmd(ac, cmd, "why the link is removed, at most 2048 bytes", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		inc, dep, note, err := causeArgs(args, fs)
		if err != nil {
			return nil, err
		}
		return &types.MsgUnlinkCause{Responder: signer, IncidentId: inc, DeploymentId: dep, Note: note}, nil
	})
}

func causeArgs(args []string, fs *pflag.FlagSet) (incident, deployment uint64, note string, err error) {
	if incident, err = parseID(types.ErrInvalidIncident, "argument INCIDENT_ID", args[0]); err != nil {
		return 0, 0, "", err
	}
	if deployment, err = parseID(types.ErrInvalidDeploymentID, "argument DEPLOYMENT_ID", args[1]); err != nil {
		return 0, 0, "", err
	}
	note, err = fs.GetString(FlagNote)
	return incident, deployment, note, err
}

// NewAddRemediationCmd returns the add-remediation command.
func NewAddRemediationCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-remediation [incident-id] [title]",
		Short: "Add a follow-up item to an incident, owned by an organisation and due at a time",
		Long: `--owner is the organisation whose responders complete the item. --due is an RFC3339 time or
"+DURATION" from now on this machine's clock (Go durations such as +72h or +90m, or whole days
such as +14d); the chain requires it to be after the block time.`,
		Example: `shiplogd tx incidents add-remediation 7 "Alert on pool exhaustion" --owner acme --due +72h --from oncall`,
		Args:    cobra.ExactArgs(2),
	}
	cmd.Flags().String(FlagOwner, "", "owner organisation id (required)")
	cmd.Flags().String(FlagDue, "", "due time: RFC3339 or +DURATION (required)")
	return newCmd(ac, cmd, "", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		return AddRemediationMsgFromFlags(signer, args, fs, time.Now())
	})
}

// AddRemediationMsgFromFlags builds MsgAddRemediation; a relative --due is
// resolved against now.
func AddRemediationMsgFromFlags(responder string, args []string, fs *pflag.FlagSet, now time.Time) (*types.MsgAddRemediation, error) {
	if len(args) != 2 {
		return nil, errorsmod.Wrapf(types.ErrInvalidRemediation, "want INCIDENT_ID TITLE, got %d arguments", len(args))
	}
	id, err := parseID(types.ErrInvalidIncident, "argument INCIDENT_ID", args[0])
	if err != nil {
		return nil, err
	}
	s := stringFlags(fs)
	msg := &types.MsgAddRemediation{Responder: responder, IncidentId: id, Title: args[1], OwnerOrganizationId: s.get(FlagOwner)}
	if msg.OwnerOrganizationId == "" {
		return nil, errorsmod.Wrapf(types.ErrInvalidRemediation, "--%s is required", FlagOwner)
	}
	due := s.get(FlagDue)
	if due == "" {
		return nil, errorsmod.Wrapf(types.ErrInvalidDueTime, "--%s is required (RFC3339 or +DURATION)", FlagDue)
	}
	if msg.DueTime, err = ParseDue(due, now); err != nil {
		return nil, err
	}
	return msg, s.err
}

// NewCompleteRemediationCmd returns the complete-remediation command.
func NewCompleteRemediationCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:     "complete-remediation [id]",
		Short:   "Complete a remediation item owned by your organisation",
		Example: `shiplogd tx incidents complete-remediation 3 --note "alert rule merged" --from oncall`,
		Args:    cobra.ExactArgs(1),
	}
	return newCmd(ac, cmd, "completion note, at most 2048 bytes", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		id, err := parseID(types.ErrInvalidRemediation, "argument ID", args[0])
		if err != nil {
			return nil, err
		}
		note, err := fs.GetString(FlagNote)
		if err != nil {
			return nil, err
		}
		return &types.MsgCompleteRemediation{Responder: signer, RemediationId: id, Note: note}, nil
	})
}

// NewCloseCmd returns the close command.
func NewCloseCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "close [id]",
		Short: "Close a resolved incident; sev1 and sev2 need a postmortem",
		Long: `A postmortem is --postmortem-digest (sha256:<64 lowercase hex>), --postmortem-location and
--root-cause, plus either cause links made with link-cause or --no-deployment-involved (not both).
It is required for sev1 and sev2 and optional otherwise.`,
		Example: `shiplogd tx incidents close 7 \
  --postmortem-digest sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae \
  --postmortem-location https://wiki.example/pm/7 --root-cause "pool size 4 instead of 40" \
  --note "reviewed 2025-03-04" --from oncall`,
		Args: cobra.ExactArgs(1),
	}
	f := cmd.Flags()
	f.String(FlagPostmortemDigest, "", "postmortem document digest: sha256:<64 lowercase hex>")
	f.String(FlagPostmortemLocation, "", "where the postmortem document is")
	f.String(FlagRootCause, "", "root cause summary (at most 4096 bytes)")
	f.Bool(FlagNoDeploymentInvolved, false, "state that no deployment caused the incident (instead of cause links)")
	return newCmd(ac, cmd, "closing note, at most 2048 bytes", func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		return CloseMsgFromFlags(signer, args[0], fs)
	})
}

// CloseMsgFromFlags builds MsgCloseIncident; any postmortem flag makes the
// message carry a postmortem.
func CloseMsgFromFlags(responder, idArg string, fs *pflag.FlagSet) (*types.MsgCloseIncident, error) {
	id, err := parseID(types.ErrInvalidIncident, "argument ID", idArg)
	if err != nil {
		return nil, err
	}
	s := stringFlags(fs)
	msg := &types.MsgCloseIncident{Responder: responder, Id: id, Note: s.get(FlagNote)}
	noDeployment, err := fs.GetBool(FlagNoDeploymentInvolved)
	if err != nil {
		return nil, err
	}
	pm := types.Postmortem{
		Document:             types.Document{Digest: s.get(FlagPostmortemDigest), Location: s.get(FlagPostmortemLocation)},
		RootCause:            s.get(FlagRootCause),
		NoDeploymentInvolved: noDeployment,
	}
	if pm.Document.Digest != "" || pm.Document.Location != "" || pm.RootCause != "" || pm.NoDeploymentInvolved {
		if err := types.ValidateDigest(pm.Document.Digest); err != nil {
			return nil, errorsmod.Wrapf(err, "--%s", FlagPostmortemDigest)
		}
		msg.Postmortem = &pm
	}
	return msg, s.err
}

// ParseAffected parses SERVICE=ENVIRONMENT.
func ParseAffected(s string) (types.ServiceEnvironment, error) {
	service, env, ok := strings.Cut(s, "=")
	if !ok {
		return types.ServiceEnvironment{}, errorsmod.Wrapf(types.ErrInvalidAffected, "--%s %q: want SERVICE=ENVIRONMENT (missing '=')", FlagAffected, s)
	}
	if err := types.ValidateService(service); err != nil {
		return types.ServiceEnvironment{}, errorsmod.Wrapf(err, "--%s %q", FlagAffected, s)
	}
	if err := types.ValidateEnvironment(env); err != nil {
		return types.ServiceEnvironment{}, errorsmod.Wrapf(err, "--%s %q", FlagAffected, s)
	}
	return types.ServiceEnvironment{Service: service, Environment: env}, nil
}

// sourceKinds maps the KIND part of --source to the enum.
var sourceKinds = map[string]types.SourceKind{
	"person":        types.SOURCE_KIND_PERSON,
	"alert":         types.SOURCE_KIND_ALERT,
	"verdict":       types.SOURCE_KIND_AIOPS_VERDICT,
	"aiops_verdict": types.SOURCE_KIND_AIOPS_VERDICT,
	"anomaly":       types.SOURCE_KIND_AIOPS_ANOMALY,
	"aiops_anomaly": types.SOURCE_KIND_AIOPS_ANOMALY,
}

// ParseSource parses KIND:REFERENCE with KIND person, alert, verdict (or
// aiops_verdict) or anomaly (or aiops_anomaly); the reference may contain ':'.
func ParseSource(s string) (types.Source, error) {
	kind, ref, ok := strings.Cut(s, ":")
	if !ok {
		return types.Source{}, errorsmod.Wrapf(types.ErrInvalidSource, "--%s %q: want KIND:REFERENCE (missing ':')", FlagSource, s)
	}
	k, known := sourceKinds[strings.ToLower(strings.ReplaceAll(kind, "-", "_"))]
	if !known {
		return types.Source{}, errorsmod.Wrapf(types.ErrInvalidSource, "--%s %q: unknown kind %q (want person, alert, verdict or anomaly)", FlagSource, s, kind)
	}
	src := types.Source{Kind: k, Reference: ref}
	if err := types.ValidateSource(src); err != nil {
		return types.Source{}, errorsmod.Wrapf(err, "--%s %q", FlagSource, s)
	}
	return src, nil
}

// ParseDue parses --due: an RFC3339 time, or "+DURATION" after now (a Go
// duration such as +72h, or whole days such as +14d), in UTC whole seconds.
func ParseDue(s string, now time.Time) (time.Time, error) {
	rel, ok := strings.CutPrefix(s, "+")
	if !ok {
		return parseTime(types.ErrInvalidDueTime, FlagDue, s)
	}
	var d time.Duration
	if days, isDays := strings.CutSuffix(rel, "d"); isDays {
		n, err := strconv.ParseUint(days, 10, 16)
		if err != nil {
			return time.Time{}, errorsmod.Wrapf(types.ErrInvalidDueTime, "--%s %q: want +DAYSd with a whole number of days", FlagDue, s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(rel); err != nil {
			return time.Time{}, errorsmod.Wrapf(types.ErrInvalidDueTime, "--%s %q: %s", FlagDue, s, err)
		}
	}
	if d <= 0 {
		return time.Time{}, errorsmod.Wrapf(types.ErrInvalidDueTime, "--%s %q: the duration must be positive", FlagDue, s)
	}
	return now.Add(d).UTC().Truncate(time.Second), nil
}

func parseTime(class error, flag, s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errorsmod.Wrapf(class, "--%s %q is not an RFC3339 time (e.g. 2025-03-01T10:00:00Z)", flag, s)
	}
	return t.UTC(), nil
}

// parseID parses a positive integer id; what names the argument or flag.
func parseID(class error, what, s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, errorsmod.Wrapf(class, "%s %q is not a positive integer id", what, s)
	}
	return id, nil
}

// flagReader reads string flags and keeps the first error.
type flagReader struct {
	fs  *pflag.FlagSet
	err error
}

func stringFlags(fs *pflag.FlagSet) *flagReader { return &flagReader{fs: fs} }

func (r *flagReader) get(name string) string {
	v, err := r.fs.GetString(name)
	if err != nil && r.err == nil {
		r.err = err
	}
	return v
}
