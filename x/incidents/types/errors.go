package types

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Registered errors of the incidents module. Codes 0 and 1 are reserved.
// Each carries the gRPC code a query returns when it fails with it.
var (
	ErrInvalidIncident     = errorsmod.RegisterWithGRPCCode(ModuleName, 2, codes.InvalidArgument, "invalid incident")
	ErrInvalidAddress      = errorsmod.RegisterWithGRPCCode(ModuleName, 3, codes.InvalidArgument, "invalid address")
	ErrInvalidTitle        = errorsmod.RegisterWithGRPCCode(ModuleName, 4, codes.InvalidArgument, "invalid title")
	ErrInvalidSeverity     = errorsmod.RegisterWithGRPCCode(ModuleName, 5, codes.InvalidArgument, "invalid severity")
	ErrInvalidStatus       = errorsmod.RegisterWithGRPCCode(ModuleName, 6, codes.InvalidArgument, "invalid status")
	ErrInvalidAffected     = errorsmod.RegisterWithGRPCCode(ModuleName, 7, codes.InvalidArgument, "invalid affected service/environment list")
	ErrInvalidService      = errorsmod.RegisterWithGRPCCode(ModuleName, 8, codes.InvalidArgument, "invalid service")
	ErrInvalidEnvironment  = errorsmod.RegisterWithGRPCCode(ModuleName, 9, codes.InvalidArgument, "invalid environment")
	ErrInvalidSummary      = errorsmod.RegisterWithGRPCCode(ModuleName, 10, codes.InvalidArgument, "invalid summary")
	ErrInvalidNote         = errorsmod.RegisterWithGRPCCode(ModuleName, 11, codes.InvalidArgument, "invalid note")
	ErrInvalidDetectedAt   = errorsmod.RegisterWithGRPCCode(ModuleName, 12, codes.InvalidArgument, "invalid detected_at")
	ErrInvalidSource       = errorsmod.RegisterWithGRPCCode(ModuleName, 13, codes.InvalidArgument, "invalid source")
	ErrInvalidDocument     = errorsmod.RegisterWithGRPCCode(ModuleName, 14, codes.InvalidArgument, "invalid document")
	ErrInvalidDigest       = errorsmod.RegisterWithGRPCCode(ModuleName, 15, codes.InvalidArgument, "invalid document digest")
	ErrInvalidDeploymentID = errorsmod.RegisterWithGRPCCode(ModuleName, 16, codes.InvalidArgument, "invalid deployment id list")
	ErrUnknownDeployment   = errorsmod.RegisterWithGRPCCode(ModuleName, 17, codes.NotFound, "unknown deployment")
	ErrNotFound            = errorsmod.RegisterWithGRPCCode(ModuleName, 18, codes.NotFound, "not found")
	ErrIllegalTransition   = errorsmod.RegisterWithGRPCCode(ModuleName, 19, codes.FailedPrecondition, "illegal status transition")
	ErrIncidentClosed      = errorsmod.RegisterWithGRPCCode(ModuleName, 20, codes.FailedPrecondition, "incident is closed")
	ErrEmptyUpdate         = errorsmod.RegisterWithGRPCCode(ModuleName, 21, codes.InvalidArgument, "update changes nothing")
	ErrCauseExists         = errorsmod.RegisterWithGRPCCode(ModuleName, 22, codes.AlreadyExists, "deployment already linked as a cause")
	ErrCauseNotFound       = errorsmod.RegisterWithGRPCCode(ModuleName, 23, codes.NotFound, "deployment is not linked as a cause")
	ErrTooManyCauses       = errorsmod.RegisterWithGRPCCode(ModuleName, 24, codes.ResourceExhausted, "too many cause links")
	ErrInvalidRemediation  = errorsmod.RegisterWithGRPCCode(ModuleName, 25, codes.InvalidArgument, "invalid remediation item")
	ErrInvalidDueTime      = errorsmod.RegisterWithGRPCCode(ModuleName, 26, codes.InvalidArgument, "invalid due time")
	ErrTooManyRemediations = errorsmod.RegisterWithGRPCCode(ModuleName, 27, codes.ResourceExhausted, "too many remediation items")
	ErrAlreadyCompleted    = errorsmod.RegisterWithGRPCCode(ModuleName, 28, codes.FailedPrecondition, "remediation item already completed")
	ErrOtherOrganization   = errorsmod.RegisterWithGRPCCode(ModuleName, 29, codes.PermissionDenied, "remediation item belongs to another organization")
	ErrPostmortemRequired  = errorsmod.RegisterWithGRPCCode(ModuleName, 30, codes.FailedPrecondition, "postmortem required")
	ErrInvalidPostmortem   = errorsmod.RegisterWithGRPCCode(ModuleName, 31, codes.InvalidArgument, "invalid postmortem")
	ErrDeployFrozen        = errorsmod.RegisterWithGRPCCode(ModuleName, 32, codes.FailedPrecondition, "deployments are frozen by an incident")
	ErrUnauthorized        = errorsmod.RegisterWithGRPCCode(ModuleName, 33, codes.PermissionDenied, "unauthorized")
	ErrInvalidParams       = errorsmod.RegisterWithGRPCCode(ModuleName, 34, codes.InvalidArgument, "invalid params")
	ErrInvalidRequest      = errorsmod.RegisterWithGRPCCode(ModuleName, 35, codes.InvalidArgument, "invalid request")
	ErrInvalidGenesis      = errorsmod.RegisterWithGRPCCode(ModuleName, 36, codes.InvalidArgument, "invalid genesis")
)
