package types

import (
	"crypto/ed25519"
	"regexp"

	errorsmod "cosmossdk.io/errors"
	"github.com/cometbft/cometbft/crypto/tmhash"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/internal/validate"
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
	if err := validate.Text(ErrInvalidOrganization, "organization name", o.Name, 1, MaxNameLength, false); err != nil {
		return err
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
	if err := validate.Text(ErrInvalidValidator, "moniker", v.Moniker, 1, MaxMonikerLength, false); err != nil {
		return err
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
	if err := validate.Text(ErrInvalidProposal, "title", title, 1, MaxTitleLength, false); err != nil {
		return err
	}
	if err := validate.Text(ErrInvalidProposal, "summary", summary, 0, MaxSummaryLength, true); err != nil {
		return err
	}
	return nil
}
