// Package cli holds the aiops module's hand-written tx commands (the
// `shiplogd tx aiops ...` group; the `shiplogd aiops` agent is elsewhere).
package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"cosmossdk.io/core/address"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shiplog/shiplog/x/aiops/types"
	"github.com/shiplog/shiplog/x/internal/txcli"
)

// Flags of the aiops tx commands.
const (
	FlagConfigDigest     = "config-digest"
	FlagDescription      = "description"
	FlagModel            = "model"
	FlagOnset            = "onset"
	FlagScore            = "score"
	FlagEvidenceDigest   = "evidence-digest"
	FlagEvidenceLocation = "evidence-location"
	FlagSummary          = "summary"
)

// GetTxCmd returns the aiops tx command. ac prints the --from address; when
// nil the SDK's global bech32 configuration is used.
func GetTxCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "AIOps transaction subcommands (role detector)",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewRegisterDetectorCmd(ac), NewSubmitVerdictCmd(ac, os.Stdin), NewReportAnomalyCmd(ac))
	// A refused verdict's error names the metric; the usage text would bury it.
	for _, c := range cmd.Commands() {
		c.SilenceUsage = true
	}
	return cmd
}

// NewRegisterDetectorCmd returns the register-detector command.
func NewRegisterDetectorCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register-detector [name] [version]",
		Short: "Register a detector model descriptor of your account (role detector)",
		Long: `Register a model descriptor: a name (lowercase, as service names), a version and the sha256
digest of the model's configuration. A (name, version) is registered once per account: a changed
configuration is a new version. Verdicts and anomalies name the descriptor they were produced with.`,
		Example: "shiplogd tx aiops register-detector canary-judge 1.0.0 --config-digest sha256:<64 hex> --from detector",
		Args:    cobra.ExactArgs(2),
	}
	cmd = txcli.WireMsgCommand(ac, cmd, false, func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		digest, _ := fs.GetString(FlagConfigDigest)
		description, _ := fs.GetString(FlagDescription)
		return &types.MsgRegisterDetector{Detector: signer, Name: args[0], Version: args[1], ConfigDigest: digest, Description: description}, nil
	})
	cmd.Flags().String(FlagConfigDigest, "", "sha256:<hex> digest of the model's configuration (required)")
	cmd.Flags().String(FlagDescription, "", "what the detector does (optional)")
	return cmd
}

// NewSubmitVerdictCmd returns the submit-verdict command; stdin is read for
// the file name "-".
func NewSubmitVerdictCmd(ac address.Codec, stdin io.Reader) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit-verdict [file.json]",
		Short: "Anchor a canary or post-deploy verdict read from a JSON file (role detector)",
		Long: `Submit a verdict. The file (or - for stdin) is the JSON form of MsgSubmitVerdict without the
detector field (it is the --from account): deployment_id, phase (PHASE_CANARY or PHASE_POST_DEPLOY),
model {name, version, config_digest} of a registered detector, window_start, window_end (RFC 3339),
config (the judge config), judge_config_digest, metrics, groups, score (hundredths), outcome
(OUTCOME_PASS, OUTCOME_MARGINAL, OUTCOME_FAIL), reason, evidence_digest, evidence_location and,
optionally, samples (at most 1,000 per side of a metric, 20,000 in all) for the chain to re-run the
judge. A FAIL canary verdict can halt the deployment in the same block.`,
		Example: "shiplogd tx aiops submit-verdict verdict.json --from detector",
		Args:    cobra.ExactArgs(1),
	}
	return txcli.WireMsgCommand(ac, cmd, false, func(signer string, args []string, _ *pflag.FlagSet) (sdk.Msg, error) {
		msg, err := ReadVerdict(args[0], stdin)
		if err != nil {
			return nil, err
		}
		msg.Detector = signer
		return msg, nil
	})
}

// ReadVerdict reads the JSON form of MsgSubmitVerdict from path ("-": r).
func ReadVerdict(path string, r io.Reader) (*types.MsgSubmitVerdict, error) {
	var bz []byte
	var err error
	if path == "-" {
		bz, err = io.ReadAll(r)
	} else {
		bz, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read verdict: %w", err)
	}
	var msg types.MsgSubmitVerdict
	if err := jsonpb.Unmarshal(bytes.NewReader(bz), &msg); err != nil {
		return nil, fmt.Errorf("decode verdict %s: %w", path, err)
	}
	return &msg, nil
}

// NewReportAnomalyCmd returns the report-anomaly command.
func NewReportAnomalyCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report-anomaly [service] [environment] [metric]",
		Short: "Report an anomaly of a service's metric (role detector)",
		Long: `Report an anomaly detected by a registered detector (--model NAME:VERSION and its
--config-digest). --onset (RFC 3339) may not be after the block time. --score is 0 to 100 with at
most two decimals; an anomaly scoring at or above the incident_score param opens an incident on the
service/environment (or joins the one an earlier anomaly opened while it is active).`,
		Example: "shiplogd tx aiops report-anomaly checkout production http_5xx_ratio --model ewma:2.1 " +
			"--config-digest sha256:<hex> --onset 2026-11-25T12:00:00Z --score 92.5 --evidence-digest sha256:<hex> --from detector",
		Args: cobra.ExactArgs(3),
	}
	cmd = txcli.WireMsgCommand(ac, cmd, false, func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		model, _ := fs.GetString(FlagModel)
		name, version, ok := strings.Cut(model, ":")
		if !ok {
			return nil, fmt.Errorf("--%s %q: want NAME:VERSION", FlagModel, model)
		}
		configDigest, _ := fs.GetString(FlagConfigDigest)
		onsetStr, _ := fs.GetString(FlagOnset)
		onset, err := time.Parse(time.RFC3339Nano, onsetStr)
		if err != nil {
			return nil, fmt.Errorf("--%s %q: want RFC 3339: %w", FlagOnset, onsetStr, err)
		}
		scoreStr, _ := fs.GetString(FlagScore)
		score, err := ParseScore(scoreStr)
		if err != nil {
			return nil, err
		}
		evidence, _ := fs.GetString(FlagEvidenceDigest)
		location, _ := fs.GetString(FlagEvidenceLocation)
		summary, _ := fs.GetString(FlagSummary)
		return &types.MsgReportAnomaly{
			Detector: signer, Model: types.DetectorRef{Name: name, Version: version, ConfigDigest: configDigest},
			Service: args[0], Environment: args[1], Metric: args[2], Onset: onset.UTC(), Score: score,
			EvidenceDigest: evidence, EvidenceLocation: location, Summary: summary,
		}, nil
	})
	cmd.Flags().String(FlagModel, "", "registered detector NAME:VERSION (required)")
	cmd.Flags().String(FlagConfigDigest, "", "the detector's registered config digest (required)")
	cmd.Flags().String(FlagOnset, "", "when the anomaly began, RFC 3339 (required)")
	cmd.Flags().String(FlagScore, "", "anomaly score 0..100, at most two decimals (required)")
	cmd.Flags().String(FlagEvidenceDigest, "", "sha256:<hex> of the evidence (required)")
	cmd.Flags().String(FlagEvidenceLocation, "", "where the evidence is kept (optional)")
	cmd.Flags().String(FlagSummary, "", "what was seen (optional)")
	return cmd
}

// ParseScore reads "92", "92.5" or "92.50" as hundredths of a point
// (integers only: no float parsing).
func ParseScore(s string) (int64, error) {
	whole, frac, hasFrac := strings.Cut(strings.TrimSpace(s), ".")
	if whole == "" || (hasFrac && (frac == "" || len(frac) > 2)) {
		return 0, fmt.Errorf("--%s %q: want 0 to 100 with at most two decimals", FlagScore, s)
	}
	w, err := strconv.ParseUint(whole, 10, 8)
	if err != nil {
		return 0, fmt.Errorf("--%s %q: want 0 to 100 with at most two decimals", FlagScore, s)
	}
	var f uint64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		f, err = strconv.ParseUint(frac, 10, 8)
		if err != nil {
			return 0, fmt.Errorf("--%s %q: want 0 to 100 with at most two decimals", FlagScore, s)
		}
	}
	score := int64(w)*100 + int64(f)
	if score > types.MaxScore {
		return 0, fmt.Errorf("--%s %q is above 100", FlagScore, s)
	}
	return score, nil
}
