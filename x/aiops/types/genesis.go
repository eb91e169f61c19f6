package types

import (
	errorsmod "cosmossdk.io/errors"
)

// DefaultGenesis has the default params and no records; the first ids are 1.
func DefaultGenesis() *GenesisState {
	return &GenesisState{Params: DefaultParams(), NextDetectorId: 1, NextVerdictId: 1, NextAnomalyId: 1}
}

// Validate checks the params, the ids and the references between records.
// Addresses are decoded, and deployment and incident references resolved,
// by InitGenesis.
func (gs GenesisState) Validate() error {
	if err := gs.Params.Validate(); err != nil {
		return errorsmod.Wrapf(ErrInvalidGenesis, "params: %s", err)
	}
	if gs.NextDetectorId == 0 || gs.NextVerdictId == 0 || gs.NextAnomalyId == 0 {
		return errorsmod.Wrap(ErrInvalidGenesis, "next_detector_id, next_verdict_id and next_anomaly_id must be at least 1")
	}
	detectors := make(map[uint64]Detector, len(gs.Detectors))
	descriptors := make(map[[3]string]bool, len(gs.Detectors))
	for i, d := range gs.Detectors {
		if d.Id == 0 || d.Id >= gs.NextDetectorId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "detectors[%d]: id %d is not in [1, next_detector_id %d)", i, d.Id, gs.NextDetectorId)
		}
		if _, dup := detectors[d.Id]; dup {
			return errorsmod.Wrapf(ErrInvalidGenesis, "detectors[%d]: duplicate id %d", i, d.Id)
		}
		if err := ValidateDescriptor(DetectorRef{Name: d.Name, Version: d.Version, ConfigDigest: d.ConfigDigest}); err != nil {
			return errorsmod.Wrapf(ErrInvalidGenesis, "detectors[%d]: %s", i, err)
		}
		key := [3]string{d.Address, d.Name, d.Version}
		if descriptors[key] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "detectors[%d]: %s registers %s/%s twice", i, d.Address, d.Name, d.Version)
		}
		descriptors[key] = true
		detectors[d.Id] = d
	}
	verdicts := make(map[uint64]bool, len(gs.Verdicts))
	for i, v := range gs.Verdicts {
		if v.Id == 0 || v.Id >= gs.NextVerdictId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "verdicts[%d]: id %d is not in [1, next_verdict_id %d)", i, v.Id, gs.NextVerdictId)
		}
		if verdicts[v.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "verdicts[%d]: duplicate id %d", i, v.Id)
		}
		verdicts[v.Id] = true
		if _, ok := detectors[v.DetectorId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "verdict %d: detector %d is not in genesis", v.Id, v.DetectorId)
		}
		if v.DeploymentId == 0 || !v.Phase.IsSet() || !v.Outcome.IsSet() {
			return errorsmod.Wrapf(ErrInvalidGenesis, "verdict %d: deployment_id, phase and outcome are required", v.Id)
		}
	}
	anomalies := make(map[uint64]bool, len(gs.Anomalies))
	for i, a := range gs.Anomalies {
		if a.Id == 0 || a.Id >= gs.NextAnomalyId {
			return errorsmod.Wrapf(ErrInvalidGenesis, "anomalies[%d]: id %d is not in [1, next_anomaly_id %d)", i, a.Id, gs.NextAnomalyId)
		}
		if anomalies[a.Id] {
			return errorsmod.Wrapf(ErrInvalidGenesis, "anomalies[%d]: duplicate id %d", i, a.Id)
		}
		anomalies[a.Id] = true
		if _, ok := detectors[a.DetectorId]; !ok {
			return errorsmod.Wrapf(ErrInvalidGenesis, "anomaly %d: detector %d is not in genesis", a.Id, a.DetectorId)
		}
		if a.Service == "" || a.Environment == "" {
			return errorsmod.Wrapf(ErrInvalidGenesis, "anomaly %d: service and environment are required", a.Id)
		}
	}
	pairs := make(map[[2]string]bool, len(gs.AutoIncidents))
	for i, ai := range gs.AutoIncidents {
		key := [2]string{ai.Service, ai.Environment}
		if pairs[key] || ai.IncidentId == 0 {
			return errorsmod.Wrapf(ErrInvalidGenesis, "auto_incidents[%d]: %s/%s repeated or without incident", i, ai.Service, ai.Environment)
		}
		pairs[key] = true
	}
	return nil
}
