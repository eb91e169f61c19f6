package agent

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/prom"
	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

type abciEvent = abci.Event

// Window is one analysis window of a deployment.
type Window struct {
	Index, Count int
	Start, End   time.Time
}

// Windows splits [created, created+lifetime] into consecutive windows of
// one interval. They depend only on the deployment's creation time and the
// analysis, so a restarted agent computes the same ones.
func (an *Analysis) Windows(created time.Time) []Window {
	count := int(an.Lifetime / an.Interval)
	out := make([]Window, count)
	for k := range out {
		start := created.Add(time.Duration(k) * an.Interval).UTC()
		out[k] = Window{Index: k + 1, Count: count, Start: start, End: start.Add(an.Interval)}
	}
	return out
}

// AnalyseDeployment judges every window of a canary deployment while it is
// in progress, submitting one verdict per window; it stops after a FAIL.
func (a *Agent) AnalyseDeployment(ctx context.Context, an Analysis, deploymentID uint64) error {
	var dep deploymentstypes.Deployment
	if err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
		dep, err = a.chain.Deployment(ctx, deploymentID)
		return err
	}); err != nil {
		return fmt.Errorf("deployment %d: %w", deploymentID, err)
	}
	if dep.Strategy != deploymentstypes.STRATEGY_CANARY {
		return nil
	}
	windows := an.Windows(dep.CreatedAt)
	a.log.Info("canary deployment to analyse", "deployment", dep.Id, "service", dep.Service, "environment", dep.Environment,
		"version", dep.Version, "analysis", an.Name, "windows", len(windows), "interval", an.Interval, "created", dep.CreatedAt.UTC())
	vars := map[string]string{"service": dep.Service, "environment": dep.Environment, "version": dep.Version}
	for _, w := range windows {
		if err := a.waitForWindow(ctx, dep.Id, w, w.End.Add(an.Delay)); err != nil {
			return err
		}
		// A deployment halted, rolled back or finished needs no more verdicts.
		if err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
			dep, err = a.chain.Deployment(ctx, deploymentID)
			return err
		}); err != nil {
			return fmt.Errorf("deployment %d: %w", deploymentID, err)
		}
		if dep.Status != deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS {
			a.log.Info("deployment no longer in progress; analysis ends", "deployment", dep.Id, "status", dep.Status.String())
			return nil
		}
		entry, err := a.JudgeWindow(ctx, an, dep.Id, w, vars)
		if err != nil {
			return fmt.Errorf("window %d/%d: %w", w.Index, w.Count, err)
		}
		if entry.Outcome == types.OUTCOME_FAIL.ShortName() {
			a.log.Info("canary failed; analysis ends", "deployment", dep.Id, "verdict", entry.VerdictID)
			return nil
		}
	}
	a.log.Info("analysis complete", "deployment", dep.Id, "analysis", an.Name)
	return nil
}

// progressEvery is how often a long wait for a window logs its progress.
const progressEvery = time.Minute

// waitForWindow sleeps until ready, logging progress at least every
// progressEvery for long analyses.
func (a *Agent) waitForWindow(ctx context.Context, deploymentID uint64, w Window, ready time.Time) error {
	for {
		wait := ready.Sub(a.now())
		if wait <= 0 {
			return nil
		}
		a.log.Info("waiting for window", "deployment", deploymentID, "window", fmt.Sprintf("%d/%d", w.Index, w.Count),
			"ends", w.End, "judged_in", wait.Round(time.Second))
		if err := sleepCtx(ctx, min(wait, progressEvery)); err != nil {
			return err
		}
	}
}

// JudgeWindow judges one window of a deployment and anchors the verdict,
// at most once: a verdict this agent recorded locally, or one the chain
// already holds for this deployment, detector descriptor and window, is
// returned instead of submitting again.
func (a *Agent) JudgeWindow(ctx context.Context, an Analysis, deploymentID uint64, w Window, vars map[string]string) (VerdictEntry, error) {
	key := VerdictKey(deploymentID, a.model.Name+"/"+a.model.Version, w.Start, w.End)
	if v, ok := a.state.Verdict(key); ok {
		a.log.Info("verdict already submitted (local record)", "deployment", deploymentID, "verdict", v.VerdictID, "outcome", v.Outcome)
		return v, nil
	}
	if v, ok, err := a.existingVerdict(ctx, deploymentID, w); err != nil {
		return VerdictEntry{}, err
	} else if ok {
		a.log.Info("verdict already on chain", "deployment", deploymentID, "verdict", v.VerdictID, "outcome", v.Outcome)
		return v, a.state.RecordVerdict(key, v)
	}

	cfg, err := an.JudgeConfig()
	if err != nil {
		return VerdictEntry{}, Permanent(err)
	}
	samples, err := a.fetchSamples(ctx, an, w, vars)
	if err != nil {
		return VerdictEntry{}, err
	}
	result, err := judge.Judge(cfg, samples)
	if err != nil {
		return VerdictEntry{}, fmt.Errorf("judge: %w", err)
	}
	msg, err := a.buildVerdict(an, cfg, deploymentID, w, samples, result)
	if err != nil {
		return VerdictEntry{}, err
	}
	a.log.Info("canary judged", "deployment", deploymentID, "window", fmt.Sprintf("%d/%d", w.Index, w.Count),
		"outcome", msg.Outcome.ShortName(), "score", judge.Score(msg.Score).String(), "reason", msg.Reason,
		"samples_on_chain", len(msg.Samples) > 0, "evidence", msg.EvidenceDigest)
	for _, m := range result.Metrics {
		a.log.Info("metric", "deployment", deploymentID, "name", m.Name, "class", string(m.Classification),
			"p_value", m.PValue, "effect", m.Effect, "baseline_mean", m.Baseline.Mean, "canary_mean", m.Canary.Mean,
			"baseline_n", m.Baseline.Count, "canary_n", m.Canary.Count)
	}

	entry := VerdictEntry{DeploymentID: deploymentID, Outcome: msg.Outcome.ShortName(), Score: msg.Score}
	err = a.retry.Retry(ctx, func(ctx context.Context) error {
		res, err := a.chain.Submit(ctx, msg)
		if err == nil {
			var resp types.MsgSubmitVerdictResponse
			if len(res.Responses) > 0 {
				_ = proto.Unmarshal(res.Responses[0], &resp)
			}
			entry.VerdictID, entry.TxHash = resp.Id, res.Hash
			a.log.Info("verdict anchored", "deployment", deploymentID, "verdict", resp.Id, "halted", resp.Halted, "tx", res.Hash, "height", res.Height)
			return nil
		}
		// A submission that timed out may still have landed; the chain
		// refuses a second one as a duplicate, which means it is done.
		if errors.Is(err, types.ErrDuplicateVerdict) {
			v, ok, qerr := a.existingVerdict(ctx, deploymentID, w)
			if qerr != nil {
				return qerr
			}
			if ok {
				entry = v
				a.log.Info("verdict was already anchored", "deployment", deploymentID, "verdict", v.VerdictID)
				return nil
			}
		}
		// The block time has not reached the window's end yet (clocks
		// apart): later it will.
		if errors.Is(err, types.ErrInvalidTime) {
			return fmt.Errorf("submit verdict: %w", err)
		}
		var txErr *TxError
		if errors.As(err, &txErr) {
			return Permanent(fmt.Errorf("submit verdict: %w", err))
		}
		// A broadcast whose fate is unknown: ask the chain before sending again.
		if v, ok, qerr := a.existingVerdict(ctx, deploymentID, w); qerr == nil && ok {
			entry = v
			return nil
		}
		return fmt.Errorf("submit verdict: %w", err)
	})
	if err != nil {
		return VerdictEntry{}, err
	}
	entry.Recorded = a.now().UTC()
	return entry, a.state.RecordVerdict(key, entry)
}

// existingVerdict looks for this detector's verdict of the deployment over
// exactly this window.
func (a *Agent) existingVerdict(ctx context.Context, deploymentID uint64, w Window) (VerdictEntry, bool, error) {
	var verdicts []types.Verdict
	if err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
		verdicts, err = a.chain.Verdicts(ctx, deploymentID, a.chain.Address())
		return err
	}); err != nil {
		return VerdictEntry{}, false, fmt.Errorf("query verdicts of deployment %d: %w", deploymentID, err)
	}
	for _, v := range verdicts {
		if v.Phase == types.PHASE_CANARY && v.Model.Name == a.model.Name && v.Model.Version == a.model.Version &&
			v.WindowStart.Equal(w.Start) && v.WindowEnd.Equal(w.End) {
			return VerdictEntry{DeploymentID: deploymentID, VerdictID: v.Id, Outcome: v.Outcome.ShortName(), Score: v.Score, Recorded: v.SubmittedAt}, true, nil
		}
	}
	return VerdictEntry{}, false, nil
}

// fetchSamples runs each metric's query for both sides over the window.
func (a *Agent) fetchSamples(ctx context.Context, an Analysis, w Window, vars map[string]string) ([]judge.MetricSamples, error) {
	out := make([]judge.MetricSamples, 0, len(an.Metrics))
	for _, m := range an.Metrics {
		s := judge.MetricSamples{Name: m.Name}
		for _, side := range []struct {
			name     string
			matchers map[string]string
			values   *[]float64
		}{{"baseline", an.Baseline, &s.Baseline}, {"canary", an.Canary, &s.Canary}} {
			query := MetricQuery(m, side.matchers, vars)
			var series []prom.Series
			err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
				series, err = a.prom.QueryRange(ctx, query, w.Start, w.End, an.Step)
				if err != nil && !prom.IsTransient(err) {
					return Permanent(err)
				}
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("metric %s (%s): %w", m.Name, side.name, err)
			}
			if len(series) > 1 {
				labels := make([]string, len(series))
				for i, s := range series {
					labels[i] = s.LabelString()
				}
				a.log.Info("query returned several series; judging all their points", "metric", m.Name, "side", side.name, "series", strings.Join(labels, " "))
			}
			*side.values = prom.Values(series)
		}
		out = append(out, s)
	}
	return out, nil
}

// buildVerdict makes the message: results, digests and, when the analysis
// allows and the chain's bounds admit them, the samples.
func (a *Agent) buildVerdict(an Analysis, cfg judge.Config, deploymentID uint64, w Window, samples []judge.MetricSamples, result judge.Result) (*types.MsgSubmitVerdict, error) {
	cfgDigest, err := judge.ConfigDigest(cfg)
	if err != nil {
		return nil, Permanent(err)
	}
	evidence, err := judge.EvidenceDigest(samples)
	if err != nil {
		return nil, Permanent(err)
	}
	msg := &types.MsgSubmitVerdict{
		Detector:          a.chain.Address(),
		DeploymentId:      deploymentID,
		Phase:             types.PHASE_CANARY,
		Model:             a.model,
		WindowStart:       w.Start,
		WindowEnd:         w.End,
		Config:            types.JudgeConfigFrom(cfg),
		JudgeConfigDigest: types.DigestString(cfgDigest),
		EvidenceDigest:    types.DigestString(evidence),
	}
	msg.SetResult(result)
	if len(msg.Reason) > types.MaxReasonLength {
		msg.Reason = msg.Reason[:types.MaxReasonLength]
	}
	for i := range msg.Metrics {
		if r := &msg.Metrics[i]; len(r.Reason) > types.MaxReasonLength {
			r.Reason = r.Reason[:types.MaxReasonLength]
		}
	}
	onChain := make([]types.MetricSamples, len(samples))
	for i, s := range samples {
		onChain[i] = types.MetricSamples{Name: s.Name, Baseline: s.Baseline, Canary: s.Canary}
	}
	switch fits := types.ValidateSampleBounds(onChain); {
	case an.Samples == SamplesNever:
	case fits == nil:
		msg.Samples = onChain
	case an.Samples == SamplesAlways:
		return nil, Permanent(fmt.Errorf("samples: always, but %w", fits))
	default:
		a.log.Info("samples exceed the chain's bounds; submitting results and evidence digest only", "deployment", deploymentID, "why", fits.Error())
	}
	hexDigest := hex.EncodeToString(evidence[:])
	if dir := a.cfg.Evidence.Dir; dir != "" {
		if err := writeEvidence(filepath.Join(dir, hexDigest+".json"), samples); err != nil {
			return nil, fmt.Errorf("keep evidence: %w", err)
		}
	}
	if u := a.cfg.Evidence.URL; u != "" {
		msg.EvidenceLocation = strings.TrimSuffix(u, "/") + "/" + hexDigest + ".json"
	}
	if err := msg.Validate(); err != nil {
		return nil, Permanent(fmt.Errorf("verdict message: %w", err))
	}
	return msg, nil
}

// evidenceValue writes NaN and infinities as strings (JSON has no numbers
// for them).
type evidenceValue float64

func (v evidenceValue) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if f != f || f > 1e308 || f < -1e308 {
		return json.Marshal(fmt.Sprint(f))
	}
	return json.Marshal(f)
}

func writeEvidence(path string, samples []judge.MetricSamples) error {
	type entry struct {
		Name     string          `json:"name"`
		Baseline []evidenceValue `json:"baseline"`
		Canary   []evidenceValue `json:"canary"`
	}
	conv := func(v []float64) []evidenceValue {
		out := make([]evidenceValue, len(v))
		for i, x := range v {
			out[i] = evidenceValue(x)
		}
		return out
	}
	entries := make([]entry, len(samples))
	for i, s := range samples {
		entries[i] = entry{s.Name, conv(s.Baseline), conv(s.Canary)}
	}
	bz, err := json.MarshalIndent(entries, "", " ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, bz, 0o644)
}
