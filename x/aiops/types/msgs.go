package types

import (
	"fmt"
	"time"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/aiops/judge"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

var (
	_ sdk.Msg = &MsgRegisterDetector{}
	_ sdk.Msg = &MsgSubmitVerdict{}
	_ sdk.Msg = &MsgReportAnomaly{}
	_ sdk.Msg = &MsgUpdateParams{}
)

// Input bounds; the README lists them all. The sample caps keep the
// on-chain re-run of the judge cheap: it takes about 34 ms for one metric of
// 10,000 values a side, so the chain accepts at most 1,000 a side and
// 20,000 in all, and a verdict with samples pays sample_gas per value.
const (
	MaxDetectorNameLength  = 64
	MaxVersionLength       = 64
	MaxDescriptionLength   = 512
	MaxLocationLength      = 2048
	MaxReasonLength        = 512
	MaxSummaryLength       = 1024
	MaxMetricNameLength    = 128
	MaxVerdictMetrics      = 64
	MaxVerdictGroups       = 16
	MaxSamplesPerSide      = 1_000
	MaxSamplesTotal        = 20_000
	MaxVerdictsPerDeploy   = 64
	MaxAnalysisWindow      = 7 * 24 * time.Hour
	DefaultQueryLimit      = uint64(100)
	MaxQueryLimit          = uint64(1000)
	DefaultSuspectLimit    = 10
	MaxSuspectLimit        = 50
	MaxSuspectCandidates   = 200
	MaxAffectedForSuspects = 16
)

// ValidateDescriptor checks a detector reference: name and version as
// names, config digest "sha256:<hex>".
func ValidateDescriptor(d DetectorRef) error {
	if err := validate.Name(ErrInvalidDetector, "detector name", d.Name, MaxDetectorNameLength); err != nil {
		return err
	}
	if err := validate.Text(ErrInvalidDetector, "detector version", d.Version, 1, MaxVersionLength, false); err != nil {
		return err
	}
	return ValidateDigest("config_digest", d.ConfigDigest)
}

// ValidateDigest checks "sha256:<64 lowercase hex>".
func ValidateDigest(what, d string) error {
	if err := validate.Digest(ErrInvalidDigest, d, validate.SHA256); err != nil {
		return errorsmod.Wrap(err, what)
	}
	return nil
}

// Validate checks MsgRegisterDetector.
func (m *MsgRegisterDetector) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidDetector, "empty message")
	}
	if err := ValidateDescriptor(DetectorRef{Name: m.Name, Version: m.Version, ConfigDigest: m.ConfigDigest}); err != nil {
		return err
	}
	return validate.Text(ErrInvalidDetector, "description", m.Description, 0, MaxDescriptionLength, true)
}

// Validate checks MsgSubmitVerdict's shape and bounds. The judgement itself
// (config digest, evidence digest, recomputation) is checked by the keeper.
func (m *MsgSubmitVerdict) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidVerdict, "empty message")
	}
	if m.DeploymentId == 0 {
		return errorsmod.Wrap(ErrInvalidVerdict, "deployment_id is required")
	}
	if !m.Phase.IsSet() {
		return errorsmod.Wrapf(ErrInvalidVerdict, "phase %d: want canary or post_deploy", int32(m.Phase))
	}
	if err := ValidateDescriptor(m.Model); err != nil {
		return err
	}
	if m.WindowStart.IsZero() || m.WindowEnd.IsZero() {
		return errorsmod.Wrap(ErrInvalidTime, "window_start and window_end are required")
	}
	if !m.WindowStart.Before(m.WindowEnd) {
		return errorsmod.Wrapf(ErrInvalidTime, "window_start %s is not before window_end %s", m.WindowStart.Format(time.RFC3339), m.WindowEnd.Format(time.RFC3339))
	}
	if m.WindowEnd.Sub(m.WindowStart) > MaxAnalysisWindow {
		return errorsmod.Wrapf(ErrInvalidTime, "analysis window of %s is longer than %s", m.WindowEnd.Sub(m.WindowStart), MaxAnalysisWindow)
	}
	if len(m.Config.Metrics) > MaxVerdictMetrics || len(m.Config.Groups) > MaxVerdictGroups {
		return errorsmod.Wrapf(ErrInvalidConfig, "%d metrics and %d groups: at most %d and %d allowed", len(m.Config.Metrics), len(m.Config.Groups), MaxVerdictMetrics, MaxVerdictGroups)
	}
	if err := m.Config.JudgeConfig().Validate(); err != nil {
		return errorsmod.Wrap(ErrInvalidConfig, err.Error())
	}
	if err := ValidateDigest("judge_config_digest", m.JudgeConfigDigest); err != nil {
		return err
	}
	if len(m.Metrics) == 0 || len(m.Metrics) > MaxVerdictMetrics {
		return errorsmod.Wrapf(ErrInvalidVerdict, "%d metric results: want 1 to %d", len(m.Metrics), MaxVerdictMetrics)
	}
	for i, r := range m.Metrics {
		if r.Name == "" || len(r.Name) > judge.MaxNameLength {
			return errorsmod.Wrapf(ErrInvalidVerdict, "metrics[%d]: name must be 1 to %d bytes", i, judge.MaxNameLength)
		}
		if r.Classification.JudgeClass() == "" {
			return errorsmod.Wrapf(ErrInvalidVerdict, "metric %q: unknown classification %d", r.Name, int32(r.Classification))
		}
		if len(r.Reason) > MaxReasonLength || len(r.Method) > 16 || len(r.Group) > judge.MaxNameLength {
			return errorsmod.Wrapf(ErrInvalidVerdict, "metric %q: reason, method or group too long", r.Name)
		}
	}
	if len(m.Groups) > MaxVerdictGroups {
		return errorsmod.Wrapf(ErrInvalidVerdict, "%d group scores, at most %d allowed", len(m.Groups), MaxVerdictGroups)
	}
	if m.Score < 0 || m.Score > MaxScore {
		return errorsmod.Wrapf(ErrInvalidVerdict, "score %d is outside [0, %d] hundredths", m.Score, MaxScore)
	}
	if !m.Outcome.IsSet() {
		return errorsmod.Wrapf(ErrInvalidVerdict, "outcome %d: want PASS, MARGINAL or FAIL", int32(m.Outcome))
	}
	if err := validate.Text(ErrInvalidVerdict, "reason", m.Reason, 0, MaxReasonLength, false); err != nil {
		return err
	}
	if err := ValidateDigest("evidence_digest", m.EvidenceDigest); err != nil {
		return err
	}
	if err := validate.Text(ErrInvalidVerdict, "evidence_location", m.EvidenceLocation, 0, MaxLocationLength, false); err != nil {
		return err
	}
	return ValidateSampleBounds(m.Samples)
}

// ValidateSampleBounds enforces the on-chain sample caps: at most
// MaxSamplesPerSide values per side of a metric and MaxSamplesTotal in all.
func ValidateSampleBounds(samples []MetricSamples) error {
	if len(samples) > MaxVerdictMetrics {
		return errorsmod.Wrapf(ErrTooManySamples, "samples of %d metrics, at most %d allowed", len(samples), MaxVerdictMetrics)
	}
	total := 0
	for _, s := range samples {
		for _, side := range []struct {
			name string
			n    int
		}{{"baseline", len(s.Baseline)}, {"canary", len(s.Canary)}} {
			if side.n > MaxSamplesPerSide {
				return errorsmod.Wrapf(ErrTooManySamples, "metric %q: %d %s samples, at most %d per side on chain", s.Name, side.n, side.name, MaxSamplesPerSide)
			}
			total += side.n
		}
	}
	if total > MaxSamplesTotal {
		return errorsmod.Wrapf(ErrTooManySamples, "%d samples in all, at most %d on chain", total, MaxSamplesTotal)
	}
	return nil
}

// SampleCount is the number of submitted sample values.
func (m *MsgSubmitVerdict) SampleCount() int {
	n := 0
	for _, s := range m.Samples {
		n += len(s.Baseline) + len(s.Canary)
	}
	return n
}

// Validate checks MsgReportAnomaly. The onset is checked against the block
// time by the keeper.
func (m *MsgReportAnomaly) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidAnomaly, "empty message")
	}
	if err := ValidateDescriptor(m.Model); err != nil {
		return err
	}
	if err := validate.Name(ErrInvalidAnomaly, "service", m.Service, deploymentstypes.MaxServiceLength); err != nil {
		return err
	}
	if err := validate.Name(ErrInvalidAnomaly, "environment", m.Environment, deploymentstypes.MaxEnvironmentLength); err != nil {
		return err
	}
	if err := validate.Text(ErrInvalidAnomaly, "metric", m.Metric, 1, MaxMetricNameLength, false); err != nil {
		return err
	}
	if m.Onset.IsZero() {
		return errorsmod.Wrap(ErrInvalidTime, "onset is required")
	}
	if m.Score < 0 || m.Score > MaxScore {
		return errorsmod.Wrapf(ErrInvalidAnomaly, "score %d is outside [0, %d] hundredths", m.Score, MaxScore)
	}
	if err := ValidateDigest("evidence_digest", m.EvidenceDigest); err != nil {
		return err
	}
	if err := validate.Text(ErrInvalidAnomaly, "evidence_location", m.EvidenceLocation, 0, MaxLocationLength, false); err != nil {
		return err
	}
	return validate.Text(ErrInvalidAnomaly, "summary", m.Summary, 0, MaxSummaryLength, true)
}

// Validate checks MsgUpdateParams' params.
func (m *MsgUpdateParams) Validate() error {
	if m == nil {
		return errorsmod.Wrap(ErrInvalidParams, "empty message")
	}
	return m.Params.Validate()
}

// AnomalyReference is the incidents source reference of an anomaly.
func AnomalyReference(id uint64) string { return fmt.Sprintf("anomaly:%d", id) }
