package agent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/gogoproto/proto"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/prom"
	"github.com/shiplog/shiplog/x/aiops/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// Querier is the Prometheus range query the agent needs.
type Querier interface {
	QueryRange(ctx context.Context, query string, start, end time.Time, step time.Duration) ([]prom.Series, error)
}

// Agent watches the chain and judges canaries.
type Agent struct {
	cfg   *Config
	chain Chain
	prom  Querier
	state *State
	log   *slog.Logger
	model types.DetectorRef
	retry Backoff
	now   func() time.Time

	mu     sync.Mutex
	active map[uint64]bool // deployments being analysed
	wg     sync.WaitGroup
}

// New assembles an agent.
func New(cfg *Config, chain Chain, q Querier, state *State, log *slog.Logger) *Agent {
	a := &Agent{
		cfg: cfg, chain: chain, prom: q, state: state, log: log, model: cfg.DetectorRef(),
		now: time.Now, active: map[uint64]bool{},
	}
	a.retry = Backoff{
		Initial: cfg.Retry.Initial, Max: cfg.Retry.Max, Attempts: cfg.Retry.Attempts,
		OnRetry: func(attempt int, wait time.Duration, err error) {
			log.Warn("transient failure, retrying", "attempt", attempt, "in", wait, "err", err)
		},
	}
	return a
}

// Run registers the detector if needed, then follows the chain until ctx
// ends, and waits for the analyses in flight to stop.
func (a *Agent) Run(ctx context.Context) error {
	a.log.Info("agent starting", "detector", a.chain.Address(), "model", a.model.Name, "version", a.model.Version,
		"config_digest", a.model.ConfigDigest, "analyses", len(a.cfg.Analyses), "anomaly_metrics", len(a.cfg.Anomalies))
	if err := a.EnsureRegistered(ctx); err != nil {
		return err
	}
	for i := range a.cfg.Anomalies {
		m := a.cfg.Anomalies[i]
		a.wg.Add(1)
		go func() {
			defer a.wg.Done()
			a.streamAnomalies(ctx, m)
		}()
	}
	for id, name := range a.state.Pending() {
		if an := a.analysisNamed(name); an != nil {
			a.log.Info("resuming analysis", "deployment", id, "analysis", name)
			a.StartAnalysis(ctx, *an, id)
		} else {
			a.log.Warn("pending analysis no longer configured; dropped", "deployment", id, "analysis", name)
			_ = a.state.SetPending(id, "")
		}
	}
	err := a.follow(ctx)
	a.wg.Wait()
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// EnsureRegistered registers the detector descriptor unless the key
// already did; a registration of the same name and version with another
// config digest is an error (the config changed: bump the version).
func (a *Agent) EnsureRegistered(ctx context.Context) error {
	return a.retry.Retry(ctx, func(ctx context.Context) error {
		dets, err := a.chain.Detectors(ctx, a.chain.Address())
		if err != nil {
			return fmt.Errorf("query detectors: %w", err)
		}
		for _, d := range dets {
			if d.Name != a.model.Name || d.Version != a.model.Version {
				continue
			}
			if d.ConfigDigest != a.model.ConfigDigest {
				return Permanent(fmt.Errorf("detector %s/%s is registered as id %d with config digest %s, but this config hashes to %s: give the changed configuration a new detector.version",
					d.Name, d.Version, d.Id, d.ConfigDigest, a.model.ConfigDigest))
			}
			a.log.Info("detector already registered", "id", d.Id)
			return nil
		}
		res, err := a.chain.Submit(ctx, &types.MsgRegisterDetector{
			Detector: a.chain.Address(), Name: a.model.Name, Version: a.model.Version,
			ConfigDigest: a.model.ConfigDigest, Description: a.cfg.Detector.Description,
		})
		switch {
		case errors.Is(err, types.ErrDetectorExists):
			return errors.New("registered concurrently; checking again")
		case err != nil:
			return chainError("register detector", err)
		}
		var resp types.MsgRegisterDetectorResponse
		if len(res.Responses) > 0 {
			_ = proto.Unmarshal(res.Responses[0], &resp)
		}
		a.log.Info("detector registered", "id", resp.Id, "tx", res.Hash, "height", res.Height)
		return nil
	})
}

// chainError makes a refused transaction permanent: only network failures
// and timeouts are retried.
func chainError(what string, err error) error {
	var txErr *TxError
	if errors.As(err, &txErr) {
		return Permanent(fmt.Errorf("%s: %w", what, err))
	}
	return fmt.Errorf("%s: %w", what, err)
}

// follow reads every block from the first unread one and starts an
// analysis for each new canary deployment of a configured service.
func (a *Agent) follow(ctx context.Context) error {
	next := a.state.Height() + 1
	if a.state.Height() == 0 {
		if a.cfg.Chain.StartHeight > 0 {
			next = a.cfg.Chain.StartHeight
		} else {
			var latest int64
			if err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
				latest, err = a.chain.LatestHeight(ctx)
				return err
			}); err != nil {
				return fmt.Errorf("latest height: %w", err)
			}
			next = latest
		}
	}
	a.log.Info("following blocks", "from", next)
	for {
		var latest int64
		err := a.retry.Retry(ctx, func(ctx context.Context) (err error) {
			latest, err = a.chain.LatestHeight(ctx)
			return err
		})
		if err != nil {
			return fmt.Errorf("latest height: %w", err)
		}
		for ; next <= latest; next++ {
			events, err := a.chain.BlockEvents(ctx, next)
			if err != nil && next == latest {
				// The node reports a height before its results are
				// stored: read it at the next poll.
				break
			}
			if err != nil {
				err = a.retry.Retry(ctx, func(ctx context.Context) (err error) {
					events, err = a.chain.BlockEvents(ctx, next)
					return err
				})
			}
			if err != nil {
				return fmt.Errorf("events of block %d: %w", next, err)
			}
			a.handleEvents(ctx, next, events)
			if err := a.state.SetHeight(next); err != nil {
				return fmt.Errorf("save state: %w", err)
			}
		}
		if err := sleepCtx(ctx, a.cfg.Chain.PollInterval); err != nil {
			return err
		}
	}
}

func (a *Agent) handleEvents(ctx context.Context, height int64, events []abciEvent) {
	for _, ev := range events {
		if ev.Type != recordedEventType {
			continue
		}
		msg, err := sdk.ParseTypedEvent(ev)
		if err != nil {
			a.log.Warn("unreadable deployment event", "height", height, "err", err)
			continue
		}
		rec, ok := msg.(*deploymentstypes.EventDeploymentRecorded)
		if !ok || rec.Strategy != deploymentstypes.STRATEGY_CANARY || rec.Status != deploymentstypes.DEPLOYMENT_STATUS_IN_PROGRESS {
			continue
		}
		analysis := a.analysisFor(rec.Service, rec.Environment)
		if analysis == nil {
			a.log.Debug("canary deployment without an analysis", "deployment", rec.Id, "service", rec.Service, "environment", rec.Environment)
			continue
		}
		a.StartAnalysis(ctx, *analysis, rec.Id)
	}
}

var recordedEventType = proto.MessageName(&deploymentstypes.EventDeploymentRecorded{})

func (a *Agent) analysisFor(service, environment string) *Analysis {
	for i := range a.cfg.Analyses {
		if an := &a.cfg.Analyses[i]; an.Service == service && an.Environment == environment {
			return an
		}
	}
	return nil
}

func (a *Agent) analysisNamed(name string) *Analysis {
	for i := range a.cfg.Analyses {
		if a.cfg.Analyses[i].Name == name {
			return &a.cfg.Analyses[i]
		}
	}
	return nil
}

// StartAnalysis analyses a deployment in the background unless it already
// is being analysed.
func (a *Agent) StartAnalysis(ctx context.Context, an Analysis, deploymentID uint64) {
	a.mu.Lock()
	if a.active[deploymentID] {
		a.mu.Unlock()
		return
	}
	a.active[deploymentID] = true
	a.mu.Unlock()
	if err := a.state.SetPending(deploymentID, an.Name); err != nil {
		a.log.Error("save state", "err", err)
	}
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		defer func() {
			a.mu.Lock()
			delete(a.active, deploymentID)
			a.mu.Unlock()
		}()
		var err error
		for round := 1; ; round++ {
			err = a.AnalyseDeployment(ctx, an, deploymentID)
			if ctx.Err() != nil {
				return // stopped: resumed at the next start
			}
			// Retries gave up on a transient failure (Prometheus or the node
			// away for a while): try again later; verdicts already anchored
			// are not submitted again.
			if err == nil || IsPermanent(err) || round == analysisRounds {
				break
			}
			a.log.Warn("analysis interrupted; trying again", "deployment", deploymentID, "in", a.cfg.Retry.Max, "err", err)
			if sleepCtx(ctx, a.cfg.Retry.Max) != nil {
				return
			}
		}
		if err != nil {
			a.log.Error("analysis failed", "deployment", deploymentID, "analysis", an.Name, "err", err)
		}
		if err := a.state.SetPending(deploymentID, ""); err != nil {
			a.log.Error("save state", "err", err)
		}
	}()
}

// analysisRounds bounds how often an analysis that ran out of retries is
// started over.
const analysisRounds = 3

// Wait blocks until every analysis started has ended.
func (a *Agent) Wait() { a.wg.Wait() }
