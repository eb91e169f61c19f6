package agent

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent/anomaly"
	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

// anomalyStream is the state of one streamed metric.
type anomalyStream struct {
	m        AnomalyMetric
	detector *anomaly.Detector
	last     time.Time // timestamp of the last point scored
	window   []float64 // the most recent points, at most m.Window
	onScore  func(p pointValue, score float64)
}

func newAnomalyStream(m AnomalyMetric) *anomalyStream {
	cfg := anomaly.DefaultConfig()
	if m.Warmup > 0 {
		cfg.Warmup = m.Warmup
	}
	return &anomalyStream{m: m, detector: anomaly.New(cfg)}
}

// Report is an anomaly worth reporting: the point's time and value, its
// score and the evidence window ending at it.
type Report struct {
	Onset  time.Time
	Value  float64
	Score  float64
	Window []float64
}

// feed scores the points after the last one seen and returns those at or
// above the threshold that the debounce lets through (lastReport is updated
// as reports are made).
func (s *anomalyStream) feed(points []pointValue, lastReport *time.Time) []Report {
	var out []Report
	for _, p := range points {
		if !p.T.After(s.last) {
			continue
		}
		s.last = p.T
		if math.IsNaN(p.V) || math.IsInf(p.V, 0) {
			continue
		}
		score := s.detector.Score(p.T, p.V)
		if s.onScore != nil {
			s.onScore(p, score)
		}
		s.window = append(s.window, p.V)
		if len(s.window) > s.m.Window {
			s.window = s.window[len(s.window)-s.m.Window:]
		}
		if score < s.m.Threshold {
			continue
		}
		if !lastReport.IsZero() && p.T.Sub(*lastReport) < s.m.Debounce {
			continue
		}
		*lastReport = p.T
		out = append(out, Report{Onset: p.T, Value: p.V, Score: score, Window: append([]float64(nil), s.window...)})
	}
	return out
}

type pointValue struct {
	T time.Time
	V float64
}

// streamAnomalies polls the metric every step, feeds new points to the
// detector and reports anomalies until ctx ends.
func (a *Agent) streamAnomalies(ctx context.Context, m AnomalyMetric) {
	s := newAnomalyStream(m)
	s.last = a.now().Add(-m.Lookback)
	s.onScore = func(p pointValue, score float64) {
		if score > 0 {
			a.log.Debug("anomaly score", "metric", m.Name, "at", p.T, "value", p.V, "score", score)
		}
	}
	lastReport, _ := a.state.LastAnomaly(m.Name)
	a.log.Info("streaming metric to the anomaly detector", "metric", m.Name, "service", m.Service, "environment", m.Environment, "step", m.Step, "threshold", m.Threshold)
	for {
		end := a.now()
		if start := s.last.Add(m.Step); !start.After(end) {
			var points []pointValue
			err := a.retry.Retry(ctx, func(ctx context.Context) error {
				series, err := a.prom.QueryRange(ctx, m.Query, start, end, m.Step)
				if err != nil {
					return err
				}
				points = points[:0]
				if len(series) > 0 {
					for _, p := range series[0].Points {
						points = append(points, pointValue{p.T, p.V})
					}
				}
				return nil
			})
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				a.log.Warn("anomaly query failed", "metric", m.Name, "err", err)
			}
			if len(points) > 0 {
				a.log.Debug("anomaly points", "metric", m.Name, "points", len(points), "first", points[0].T, "last", points[len(points)-1].T)
			}
			for _, r := range s.feed(points, &lastReport) {
				if err := a.reportAnomaly(ctx, m, r); err != nil {
					if ctx.Err() != nil {
						return
					}
					a.log.Error("anomaly report failed", "metric", m.Name, "onset", r.Onset, "err", err)
					continue
				}
				if err := a.state.RecordAnomaly(m.Name, r.Onset); err != nil {
					a.log.Error("save state", "err", err)
				}
			}
		}
		if sleepCtx(ctx, m.Step) != nil {
			return
		}
	}
}

// onsetSettle is how long after its onset an anomaly is submitted.
const onsetSettle = 2 * time.Second

// AnomalyEvidence is the evidence digest of a report's window: the judge's
// canonical encoding with the window as the one metric's canary side.
func AnomalyEvidence(metric string, window []float64) (string, error) {
	d, err := judge.EvidenceDigest([]judge.MetricSamples{{Name: metric, Canary: window}})
	if err != nil {
		return "", err
	}
	return types.DigestString(d), nil
}

func (a *Agent) reportAnomaly(ctx context.Context, m AnomalyMetric, r Report) error {
	evidence, err := AnomalyEvidence(m.Name, r.Window)
	if err != nil {
		return err
	}
	msg := &types.MsgReportAnomaly{
		Detector: a.chain.Address(), Model: a.model, Service: m.Service, Environment: m.Environment, Metric: m.Name,
		Onset: r.Onset.UTC(), Score: int64(math.Round(r.Score * float64(types.MaxScore))), EvidenceDigest: evidence,
		Summary: fmt.Sprintf("value %g scored %.3f (threshold %.3f) over a window of %d points", r.Value, r.Score, m.Threshold, len(r.Window)),
	}
	if err := msg.Validate(); err != nil {
		return err
	}
	// The chain refuses an onset after its last block time, which trails
	// the wall clock by about a block: a fresh point waits a moment.
	if wait := r.Onset.Add(onsetSettle).Sub(a.now()); wait > 0 {
		if err := sleepCtx(ctx, wait); err != nil {
			return err
		}
	}
	return a.retry.Retry(ctx, func(ctx context.Context) error {
		res, err := a.chain.Submit(ctx, msg)
		switch {
		case errors.Is(err, types.ErrInvalidTime):
			// The onset is a fresh point: the block time catches up.
			return fmt.Errorf("report anomaly: %w", err)
		case errors.Is(err, types.ErrDuplicateAnomaly):
			// An earlier attempt whose answer was lost got through.
			a.log.Info("anomaly already on chain", "metric", m.Name, "onset", r.Onset)
			return nil
		case err != nil:
			return chainError("report anomaly", err)
		}
		a.log.Info("anomaly reported", "metric", m.Name, "onset", r.Onset, "score", msg.Score, "tx", res.Hash, "height", res.Height)
		return nil
	})
}
