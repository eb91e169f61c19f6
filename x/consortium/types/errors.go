package types

import "cosmossdk.io/errors"

// Registered errors of the consortium module. Codes 0 and 1 are reserved.
var (
	ErrInvalidOrganization = errors.Register(ModuleName, 2, "invalid organization")
	ErrOrganizationExists  = errors.Register(ModuleName, 3, "organization already exists")
	ErrUnknownOrganization = errors.Register(ModuleName, 4, "unknown organization")
	ErrInvalidMember       = errors.Register(ModuleName, 5, "invalid member")
	ErrNotMember           = errors.Register(ModuleName, 6, "not a consortium member")
	ErrInactiveMember      = errors.Register(ModuleName, 7, "member is not active")
	ErrMissingRole         = errors.Register(ModuleName, 8, "member lacks required role")
	ErrOtherOrganization   = errors.Register(ModuleName, 9, "member belongs to another organization")
	ErrReservedRole        = errors.Register(ModuleName, 10, "role needs a consortium proposal")
	ErrInvalidValidator    = errors.Register(ModuleName, 11, "invalid validator")
	ErrUnknownValidator    = errors.Register(ModuleName, 12, "unknown validator")
	ErrPowerChangeTooLarge = errors.Register(ModuleName, 13, "validator power change too large")
	ErrEmptyValidatorSet   = errors.Register(ModuleName, 14, "validator set would be empty")
	ErrInvalidParams       = errors.Register(ModuleName, 15, "invalid params")
	ErrInvalidProposal     = errors.Register(ModuleName, 16, "invalid proposal")
	ErrUnknownProposal     = errors.Register(ModuleName, 17, "unknown proposal")
	ErrProposalNotOpen     = errors.Register(ModuleName, 18, "proposal is not open")
	ErrAlreadyApproved     = errors.Register(ModuleName, 19, "organization already approved")
	ErrUnauthorized        = errors.Register(ModuleName, 20, "unauthorized")
	ErrMessageNotAllowed   = errors.Register(ModuleName, 21, "message not allowed in a transaction")
	ErrOrganizationInUse   = errors.Register(ModuleName, 22, "organization still has validators")
	ErrInvalidGenesis      = errors.Register(ModuleName, 23, "invalid genesis")
)
