package types

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"

	"cosmossdk.io/collections"
)

const (
	// ModuleName is the aiops module's name and store key.
	ModuleName = "aiops"
	StoreKey   = ModuleName
)

// Store prefixes. Primary keys are sequential ids (cheap IAVL inserts); every
// other lookup goes through an index below.
var (
	// ParamsKey: the module parameters.
	ParamsKey = collections.NewPrefix(0)
	// DetectorSeqKey, VerdictSeqKey, AnomalySeqKey hold the number of ids
	// issued; the next id is that number plus one, so ids start at 1.
	DetectorSeqKey = collections.NewPrefix(1)
	VerdictSeqKey  = collections.NewPrefix(2)
	AnomalySeqKey  = collections.NewPrefix(3)
	// DetectorsKey: id -> Detector.
	DetectorsKey = collections.NewPrefix(4)
	// DetectorsByDescriptorKey: unique (address, name, version) -> id.
	DetectorsByDescriptorKey = collections.NewPrefix(5)
	// DetectorsByAddressKey: (address, id).
	DetectorsByAddressKey = collections.NewPrefix(6)
	// VerdictsKey: id -> Verdict.
	VerdictsKey = collections.NewPrefix(7)
	// VerdictsByDeploymentKey: (deployment id, verdict id).
	VerdictsByDeploymentKey = collections.NewPrefix(8)
	// VerdictsByDetectorKey: (detector address, verdict id).
	VerdictsByDetectorKey = collections.NewPrefix(9)
	// VerdictsByOutcomeKey: (outcome, verdict id).
	VerdictsByOutcomeKey = collections.NewPrefix(10)
	// AnomaliesKey: id -> Anomaly.
	AnomaliesKey = collections.NewPrefix(11)
	// AnomaliesByServiceKey: (service, anomaly id).
	AnomaliesByServiceKey = collections.NewPrefix(12)
	// FailingArtifactsKey: (artifact digest, deployment id) for every
	// deployment with a FAIL verdict, for the Suspects query.
	FailingArtifactsKey = collections.NewPrefix(13)
	// AutoIncidentsKey: (service, environment) -> the incident last opened
	// from an anomaly of that pair.
	AutoIncidentsKey = collections.NewPrefix(14)
	// AnomaliesByReportKey: AnomalyReportKey(...) -> id (unique), so the
	// same report resubmitted after a lost answer is refused, not stored
	// twice.
	AnomaliesByReportKey = collections.NewPrefix(15)
)

// AnomalyReportKey identifies one report of a detector: its (detector id,
// service, environment, metric, onset), as the hex sha256 of a
// length-prefixed encoding (names may contain any separator).
func AnomalyReportKey(detectorID uint64, service, environment, metric string, onset time.Time) string {
	h := sha256.New()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], detectorID)
	h.Write(buf[:])
	for _, part := range []string{service, environment, metric} {
		binary.BigEndian.PutUint64(buf[:], uint64(len(part)))
		h.Write(buf[:])
		h.Write([]byte(part))
	}
	binary.BigEndian.PutUint64(buf[:], uint64(onset.UTC().UnixNano()))
	h.Write(buf[:])
	return hex.EncodeToString(h.Sum(nil))
}
