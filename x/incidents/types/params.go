package types

import errorsmod "cosmossdk.io/errors"

// DefaultParams: open or mitigated sev1 and sev2 incidents freeze the
// deployments of their affected pairs.
func DefaultParams() Params {
	return Params{FreezeSeverity: SEVERITY_SEV2}
}

// Validate checks freeze_severity is a known value (unspecified disables the
// freeze).
func (p Params) Validate() error {
	if !p.FreezeSeverity.IsKnown() {
		return errorsmod.Wrapf(ErrInvalidParams, "unknown freeze_severity %d", int32(p.FreezeSeverity))
	}
	return nil
}

// Freezes reports whether inc freezes new deployments of its affected pairs:
// it is open or mitigated and at least as severe as freeze_severity.
func (p Params) Freezes(inc Incident) bool {
	return inc.Status.IsActive() && inc.Severity.AtLeast(p.FreezeSeverity)
}
