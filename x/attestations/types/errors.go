package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered errors of the attestations module. Codes 0 and 1 are reserved.
var (
	ErrInvalidRequest       = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid request")
	ErrInvalidAddress       = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid address")
	ErrInvalidKey           = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.InvalidArgument, "invalid attestor key")
	ErrKeyExists            = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.AlreadyExists, "attestor key already registered")
	ErrKeyNotFound          = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.NotFound, "attestor key not found")
	ErrKeyRevoked           = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.FailedPrecondition, "attestor key revoked")
	ErrKeyNotValid          = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.FailedPrecondition, "attestor key outside its validity window")
	ErrPredicateNotAllowed  = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.PermissionDenied, "predicate type not allowed for the attestor key")
	ErrNoAttestorKey        = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.FailedPrecondition, "no usable attestor key")
	ErrInvalidEnvelope      = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.InvalidArgument, "invalid envelope")
	ErrInvalidPayloadType   = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "unsupported payload type")
	ErrEnvelopeTooLarge     = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.InvalidArgument, "envelope too large")
	ErrInvalidSignature     = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.Unauthenticated, "envelope signature does not verify")
	ErrInvalidStatement     = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.InvalidArgument, "invalid in-toto statement")
	ErrInvalidSubject       = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.InvalidArgument, "invalid statement subject")
	ErrInvalidPredicate     = errorsmod.RegisterWithGRPCCode(ModuleName, 17, codes.InvalidArgument, "invalid predicate")
	ErrAttestationNotFound  = errorsmod.RegisterWithGRPCCode(ModuleName, 18, codes.NotFound, "attestation not found")
	ErrAlreadyRevoked       = errorsmod.RegisterWithGRPCCode(ModuleName, 19, codes.FailedPrecondition, "already revoked")
	ErrOtherOrganization    = errorsmod.RegisterWithGRPCCode(ModuleName, 20, codes.PermissionDenied, "belongs to another organization")
	ErrUnauthorized         = errorsmod.RegisterWithGRPCCode(ModuleName, 21, codes.PermissionDenied, "unauthorized")
	ErrInvalidPolicy        = errorsmod.RegisterWithGRPCCode(ModuleName, 22, codes.InvalidArgument, "invalid policy")
	ErrPolicyNotFound       = errorsmod.RegisterWithGRPCCode(ModuleName, 23, codes.NotFound, "policy not found")
	ErrPolicyDenied         = errorsmod.RegisterWithGRPCCode(ModuleName, 24, codes.PermissionDenied, "deployment denied by the environment policy")
	ErrBreakGlassNotAllowed = errorsmod.RegisterWithGRPCCode(ModuleName, 25, codes.PermissionDenied, "break-glass not allowed in this environment")
	ErrInvalidGenesis       = errorsmod.RegisterWithGRPCCode(ModuleName, 26, codes.InvalidArgument, "invalid genesis")
	ErrInvalidReason        = errorsmod.RegisterWithGRPCCode(ModuleName, 27, codes.InvalidArgument, "invalid reason")
	ErrUnknownOrganization  = errorsmod.RegisterWithGRPCCode(ModuleName, 28, codes.NotFound, "unknown organization")
)
