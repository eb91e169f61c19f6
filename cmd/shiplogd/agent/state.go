package agent

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// State is the agent's local record: the last block it read and every
// verdict and anomaly it anchored, so that a restart neither misses a
// deployment nor submits anything twice. The chain stays the authority:
// before submitting a verdict the agent also asks it.
type State struct {
	mu   sync.Mutex
	path string
	data stateData
}

type stateData struct {
	Height   int64                   `json:"height"`
	Verdicts map[string]VerdictEntry `json:"verdicts"`
	// Anomalies: last report time by anomaly metric name.
	Anomalies map[string]time.Time `json:"anomalies"`
	// Pending: analyses started and not finished, by deployment id, so a
	// restarted agent resumes them (their block is already read).
	Pending map[uint64]string `json:"pending"`
}

// VerdictEntry is one anchored verdict.
type VerdictEntry struct {
	DeploymentID uint64    `json:"deployment_id"`
	VerdictID    uint64    `json:"verdict_id"`
	Outcome      string    `json:"outcome"`
	Score        int64     `json:"score"`
	TxHash       string    `json:"tx_hash,omitempty"`
	Recorded     time.Time `json:"recorded"`
}

// VerdictKey identifies a verdict: deployment, detector descriptor and
// window, the triple the chain also refuses to see twice.
func VerdictKey(deploymentID uint64, detector string, start, end time.Time) string {
	return fmt.Sprintf("%d/%s/%s/%s", deploymentID, detector, start.UTC().Format(time.RFC3339Nano), end.UTC().Format(time.RFC3339Nano))
}

// OpenState reads dir/state.json, or starts an empty record.
func OpenState(dir string) (*State, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	s := &State{path: filepath.Join(dir, "state.json")}
	bz, err := os.ReadFile(s.path)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(bz, &s.data); err != nil {
			return nil, fmt.Errorf("%s: %w", s.path, err)
		}
	}
	if s.data.Verdicts == nil {
		s.data.Verdicts = map[string]VerdictEntry{}
	}
	if s.data.Anomalies == nil {
		s.data.Anomalies = map[string]time.Time{}
	}
	if s.data.Pending == nil {
		s.data.Pending = map[uint64]string{}
	}
	return s, nil
}

// Height is the last block fully read (0 if none).
func (s *State) Height() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.data.Height
}

// SetHeight records the last block fully read.
func (s *State) SetHeight(h int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Height = h
	return s.saveLocked()
}

// Verdict returns the recorded verdict of key.
func (s *State) Verdict(key string) (VerdictEntry, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.data.Verdicts[key]
	return v, ok
}

// RecordVerdict records an anchored verdict.
func (s *State) RecordVerdict(key string, v VerdictEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Verdicts[key] = v
	return s.saveLocked()
}

// LastAnomaly is when the anomaly metric was last reported.
func (s *State) LastAnomaly(name string) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.data.Anomalies[name]
	return t, ok
}

// RecordAnomaly records a report of the anomaly metric at t.
func (s *State) RecordAnomaly(name string, t time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.data.Anomalies[name] = t
	return s.saveLocked()
}

// Pending returns the unfinished analyses: analysis name by deployment id.
func (s *State) Pending() map[uint64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[uint64]string, len(s.data.Pending))
	for k, v := range s.data.Pending {
		out[k] = v
	}
	return out
}

// SetPending records that the analysis of a deployment started (analysis
// non-empty) or ended (empty).
func (s *State) SetPending(deploymentID uint64, analysis string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if analysis == "" {
		delete(s.data.Pending, deploymentID)
	} else {
		s.data.Pending[deploymentID] = analysis
	}
	return s.saveLocked()
}

// saveLocked writes the record atomically (temp file, then rename).
func (s *State) saveLocked() error {
	bz, err := json.MarshalIndent(s.data, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.path + ".tmp"
	if err := os.WriteFile(tmp, bz, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.path)
}
