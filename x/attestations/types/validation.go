package types

import (
	"net/url"
	"time"

	errorsmod "cosmossdk.io/errors"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	"github.com/shiplog/shiplog/x/internal/validate"
)

// Input bounds.
const (
	MaxKeyIDLength          = 128
	MaxPredicateTypesPerKey = 16
	MaxReasonLength         = 1024
	MaxLocationLength       = 1024
	MaxRequirements         = 16
	MaxRequirementListLen   = 32
	MaxPatternLength        = 256
	MaxEnvironmentLength    = deploymentstypes.MaxEnvironmentLength
	DefaultQueryLimit       = 100
	MaxQueryLimit           = 1000
)

// ValidateKeyID checks an attestor key id (same shape as service names).
func ValidateKeyID(id string) error {
	return validate.Name(ErrInvalidKey, "key_id", id, MaxKeyIDLength)
}

// ValidateOrganizationID checks an organisation id (same shape as names).
func ValidateOrganizationID(id string) error {
	return validate.Name(ErrInvalidRequest, "organization_id", id, MaxKeyIDLength)
}

// ValidateEnvironment checks an environment name (the deployments rule).
func ValidateEnvironment(env string) error {
	return validate.Name(ErrInvalidRequest, "environment", env, MaxEnvironmentLength)
}

// ValidateDigest checks "sha256:<hex>" or "sha512:<hex>".
func ValidateDigest(d string) error {
	return validate.Digest(ErrInvalidSubject, d, validate.SHA256, validate.SHA512)
}

// ValidatePredicateType checks a predicate type: an absolute URI of at most
// MaxPredicateType bytes.
func ValidatePredicateType(t string) error {
	if err := validate.Text(ErrInvalidPredicate, "predicate type", t, 1, MaxPredicateType, false); err != nil {
		return err
	}
	u, err := url.Parse(t)
	if err != nil || u.Scheme == "" {
		return errorsmod.Wrapf(ErrInvalidPredicate, "predicate type %q is not an absolute URI", t)
	}
	return nil
}

// ValidateReason checks a revocation reason: required prose.
func ValidateReason(r string) error {
	return validate.Text(ErrInvalidReason, "reason", r, 1, MaxReasonLength, true)
}

// ValidateWindow checks that a validity window is not empty.
func ValidateWindow(notBefore, notAfter *time.Time) error {
	if notBefore != nil && notAfter != nil && !notAfter.After(*notBefore) {
		return errorsmod.Wrapf(ErrInvalidKey, "not_after %s is not after not_before %s", notAfter.Format(time.RFC3339), notBefore.Format(time.RFC3339))
	}
	return nil
}
