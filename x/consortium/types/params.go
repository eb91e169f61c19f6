package types

import (
	"time"

	errorsmod "cosmossdk.io/errors"
)

// DefaultProposalLifetime is how long a proposal collects approvals by default.
const DefaultProposalLifetime = 7 * 24 * time.Hour

// MaxProposalLifetime bounds the expiry queue.
const MaxProposalLifetime = 365 * 24 * time.Hour

// DefaultParams: a proposal passes with approvals from more than half of the
// organisations and expires after a week.
func DefaultParams() Params {
	return Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: DefaultProposalLifetime}
}

// Validate checks the threshold is a fraction in [0, 1) and the lifetime is sane.
func (p Params) Validate() error {
	if p.ThresholdDenominator == 0 {
		return errorsmod.Wrap(ErrInvalidParams, "threshold denominator must be positive")
	}
	if p.ThresholdNumerator >= p.ThresholdDenominator {
		return errorsmod.Wrapf(ErrInvalidParams, "threshold %d/%d must be below 1: approvals must exceed it",
			p.ThresholdNumerator, p.ThresholdDenominator)
	}
	if p.ProposalLifetime < time.Minute || p.ProposalLifetime > MaxProposalLifetime {
		return errorsmod.Wrapf(ErrInvalidParams, "proposal lifetime %s must be between 1m and %s",
			p.ProposalLifetime, MaxProposalLifetime)
	}
	return nil
}

// Passes reports whether approvals out of organizations exceed the threshold.
// Integer arithmetic: approvals/organizations > num/den.
func (p Params) Passes(approvals, organizations uint64) bool {
	if organizations == 0 {
		return false
	}
	return approvals*uint64(p.ThresholdDenominator) > organizations*uint64(p.ThresholdNumerator)
}
