package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered errors of the aiops module. Codes 0 and 1 are reserved. Each
// carries the gRPC code a query returns when it fails with it.
var (
	ErrInvalidDetector        = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid detector descriptor")
	ErrInvalidAddress         = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid address")
	ErrDetectorExists         = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.AlreadyExists, "detector descriptor already registered")
	ErrDetectorNotRegistered  = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.FailedPrecondition, "detector descriptor not registered")
	ErrDetectorMismatch       = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.FailedPrecondition, "detector descriptor does not match its registration")
	ErrInvalidVerdict         = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.InvalidArgument, "invalid verdict")
	ErrInvalidConfig          = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.InvalidArgument, "invalid judge config")
	ErrConfigDigestMismatch   = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.InvalidArgument, "judge config digest does not match the config")
	ErrEvidenceDigestMismatch = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.InvalidArgument, "evidence digest does not match the samples")
	ErrTooManySamples         = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.ResourceExhausted, "too many samples")
	ErrRecomputationMismatch  = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "verdict differs from the recomputation")
	ErrInconsistentScore      = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.InvalidArgument, "score or outcome inconsistent with the metric classifications")
	ErrUnknownDeployment      = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.NotFound, "unknown deployment")
	ErrNotCanary              = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.FailedPrecondition, "deployment is not a canary")
	ErrDuplicateVerdict       = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.AlreadyExists, "verdict already submitted")
	ErrTooManyVerdicts        = errorsmod.RegisterWithGRPCCode(ModuleName, 17, codes.ResourceExhausted, "too many verdicts for one deployment")
	ErrInvalidAnomaly         = errorsmod.RegisterWithGRPCCode(ModuleName, 18, codes.InvalidArgument, "invalid anomaly")
	ErrInvalidDigest          = errorsmod.RegisterWithGRPCCode(ModuleName, 19, codes.InvalidArgument, "invalid digest")
	ErrInvalidTime            = errorsmod.RegisterWithGRPCCode(ModuleName, 20, codes.InvalidArgument, "invalid time")
	ErrNotFound               = errorsmod.RegisterWithGRPCCode(ModuleName, 21, codes.NotFound, "not found")
	ErrUnauthorized           = errorsmod.RegisterWithGRPCCode(ModuleName, 22, codes.PermissionDenied, "unauthorized")
	ErrInvalidParams          = errorsmod.RegisterWithGRPCCode(ModuleName, 23, codes.InvalidArgument, "invalid params")
	ErrInvalidRequest         = errorsmod.RegisterWithGRPCCode(ModuleName, 24, codes.InvalidArgument, "invalid request")
	ErrInvalidGenesis         = errorsmod.RegisterWithGRPCCode(ModuleName, 25, codes.InvalidArgument, "invalid genesis")
	ErrUnknownIncident        = errorsmod.RegisterWithGRPCCode(ModuleName, 26, codes.NotFound, "unknown incident")
	ErrInvalidSamples         = errorsmod.RegisterWithGRPCCode(ModuleName, 27, codes.InvalidArgument, "invalid samples")
	ErrDuplicateAnomaly       = errorsmod.RegisterWithGRPCCode(ModuleName, 28, codes.AlreadyExists, "anomaly already reported")
)
