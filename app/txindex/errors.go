package txindex

import (
	errorsmod "cosmossdk.io/errors"
	"google.golang.org/grpc/codes"
)

// Codespace is the codespace of the index's errors.
const Codespace = "txindex"

var (
	ErrInvalidQuery = errorsmod.RegisterWithGRPCCode(Codespace, 2, codes.InvalidArgument, "invalid transaction query")
	ErrInvalidHash  = errorsmod.RegisterWithGRPCCode(Codespace, 3, codes.InvalidArgument, "invalid transaction hash")
	ErrTxNotFound   = errorsmod.RegisterWithGRPCCode(Codespace, 4, codes.NotFound, "tx not found")
	// ErrTxUnavailable is a transaction the index knows whose block or
	// results CometBFT no longer keeps (pruned blocks, or
	// discard_abci_responses in config.toml).
	ErrTxUnavailable = errorsmod.RegisterWithGRPCCode(Codespace, 5, codes.Unavailable, "transaction unavailable")
)
