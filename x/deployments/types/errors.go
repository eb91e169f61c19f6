package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered errors of the deployments module. Codes 0 and 1 are reserved.
// Each carries the gRPC code a query returns when it fails with it.
var (
	ErrInvalidDeployment     = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid deployment")
	ErrInvalidAddress        = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid address")
	ErrInvalidService        = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.InvalidArgument, "invalid service")
	ErrInvalidEnvironment    = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.InvalidArgument, "invalid environment")
	ErrInvalidVersion        = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.InvalidArgument, "invalid version")
	ErrInvalidArtifact       = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.InvalidArgument, "invalid artifact")
	ErrInvalidDigest         = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.InvalidArgument, "invalid artifact digest")
	ErrInvalidSource         = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.InvalidArgument, "invalid source")
	ErrInvalidPipeline       = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.InvalidArgument, "invalid pipeline")
	ErrInvalidLabel          = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.InvalidArgument, "invalid label")
	ErrInvalidExternalID     = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "invalid external id")
	ErrInvalidReason         = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.InvalidArgument, "invalid reason")
	ErrInvalidStatus         = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.InvalidArgument, "invalid status")
	ErrInvalidStrategy       = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.InvalidArgument, "invalid strategy")
	ErrInvalidRollback       = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.InvalidArgument, "invalid rollback_of")
	ErrNotFound              = errorsmod.RegisterWithGRPCCode(ModuleName, 17, codes.NotFound, "not found")
	ErrConflict              = errorsmod.RegisterWithGRPCCode(ModuleName, 18, codes.AlreadyExists, "external id already used with different content")
	ErrIllegalTransition     = errorsmod.RegisterWithGRPCCode(ModuleName, 19, codes.FailedPrecondition, "illegal status transition")
	ErrOtherOrganization     = errorsmod.RegisterWithGRPCCode(ModuleName, 20, codes.PermissionDenied, "deployment belongs to another organization")
	ErrUnauthorized          = errorsmod.RegisterWithGRPCCode(ModuleName, 21, codes.PermissionDenied, "unauthorized")
	ErrInvalidRequest        = errorsmod.RegisterWithGRPCCode(ModuleName, 22, codes.InvalidArgument, "invalid request")
	ErrInvalidGenesis        = errorsmod.RegisterWithGRPCCode(ModuleName, 23, codes.InvalidArgument, "invalid genesis")
	ErrInvalidFixesIncidents = errorsmod.RegisterWithGRPCCode(ModuleName, 24, codes.InvalidArgument, "invalid fixes_incidents")
	ErrInvalidBreakGlass     = errorsmod.RegisterWithGRPCCode(ModuleName, 25, codes.InvalidArgument, "invalid break_glass")
	ErrNoReviewPending       = errorsmod.RegisterWithGRPCCode(ModuleName, 26, codes.FailedPrecondition, "no break-glass review pending")
	ErrInvalidNote           = errorsmod.RegisterWithGRPCCode(ModuleName, 27, codes.InvalidArgument, "invalid note")
)
