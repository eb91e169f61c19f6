package types

import (
	"crypto/ed25519"
	"fmt"
	"regexp"
	"unicode/utf8"

	errorsmod "cosmossdk.io/errors"
	"github.com/cometbft/cometbft/crypto/tmhash"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// Input bounds. They keep every stored record small and every list bounded.
const (
	MaxOrganizationIDLength = 64
	MaxNameLength           = 128
	MaxMonikerLength        = 64
	MaxValidatorPower       = 1_000_000
	MaxTitleLength          = 256
	MaxSummaryLength        = 4096
	MaxProposalMessages     = 32
)

var orgIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// ValidateOrganizationID checks an organisation slug: lowercase letters,
// digits and dashes, starting with a letter or digit, at most 64 characters.
func ValidateOrganizationID(id string) error {
	if len(id) == 0 || len(id) > MaxOrganizationIDLength || !orgIDPattern.MatchString(id) {
		return errorsmod.Wrapf(ErrInvalidOrganization,
			"organization id %q must match [a-z0-9][a-z0-9-]* and be at most %d characters", id, MaxOrganizationIDLength)
	}
	return nil
}

// Validate checks an organisation's fields.
func (o Organization) Validate() error {
	if err := ValidateOrganizationID(o.Id); err != nil {
		return err
	}
	if err := validateText("organization name", o.Name, 1, MaxNameLength); err != nil {
		return errorsmod.Wrap(ErrInvalidOrganization, err.Error())
	}
	return nil
}

// Validate checks a member's fields (address, organisation slug and roles).
func (m Member) Validate() error {
	if _, err := sdk.AccAddressFromBech32(m.Address); err != nil {
		return errorsmod.Wrapf(ErrInvalidMember, "address %q: %s", m.Address, err)
	}
	if err := ValidateOrganizationID(m.OrganizationId); err != nil {
		return err
	}
	return ValidateRoles(m.Roles)
}

// Validate checks a validator's fields: an ed25519 key, a moniker and a
// positive power within bounds.
func (v Validator) Validate() error {
	if len(v.PubKey) != ed25519.PublicKeySize {
		return errorsmod.Wrapf(ErrInvalidValidator, "pub_key must be a %d-byte ed25519 key, got %d bytes",
			ed25519.PublicKeySize, len(v.PubKey))
	}
	if err := validateText("moniker", v.Moniker, 1, MaxMonikerLength); err != nil {
		return errorsmod.Wrap(ErrInvalidValidator, err.Error())
	}
	if err := ValidateOrganizationID(v.OrganizationId); err != nil {
		return err
	}
	if v.Power <= 0 || v.Power > MaxValidatorPower {
		return errorsmod.Wrapf(ErrInvalidValidator, "power %d of %s must be between 1 and %d", v.Power, v.Moniker, MaxValidatorPower)
	}
	return nil
}

// ConsensusAddress is the CometBFT address of an ed25519 consensus key: the
// first 20 bytes of its sha256.
func ConsensusAddress(pubKey []byte) sdk.ConsAddress {
	return sdk.ConsAddress(tmhash.SumTruncated(pubKey))
}

// ValidateProposalText checks a proposal's title and summary.
func ValidateProposalText(title, summary string) error {
	if err := validateText("title", title, 1, MaxTitleLength); err != nil {
		return errorsmod.Wrap(ErrInvalidProposal, err.Error())
	}
	if err := validateText("summary", summary, 0, MaxSummaryLength); err != nil {
		return errorsmod.Wrap(ErrInvalidProposal, err.Error())
	}
	return nil
}

// validateText returns a plain error; callers wrap it in their own class.
func validateText(field, s string, minLen, maxLen int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%s is not valid UTF-8", field)
	}
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen {
		if minLen > 0 && n == 0 {
			return fmt.Errorf("%s is required", field)
		}
		return fmt.Errorf("%s has %d characters, the limit is %d", field, n, maxLen)
	}
	return nil
}
