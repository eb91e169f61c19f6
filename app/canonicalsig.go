package app

import (
	"errors"
	"fmt"

	errorsmod "cosmossdk.io/errors"
	dsecp256k1 "github.com/decred/dcrd/dcrec/secp256k1/v4"

	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	multisigtypes "github.com/cosmos/cosmos-sdk/crypto/types/multisig"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	"github.com/cosmos/cosmos-sdk/x/auth/ante"
	authsigning "github.com/cosmos/cosmos-sdk/x/auth/signing"
)

// CanonicalSignatures refuses a secp256k1 signature whose r or s, read as a
// 32-byte number, is not below the curve's group order n.
//
// shiplogd verifies secp256k1 signatures with libsecp256k1 (the SDK's
// libsecp256k1_sdk build), which refuses such encodings; the SDK's pure-Go
// verifier (a build without that tag) reduces them modulo n first and can
// accept them. A signer who picks its own key can make s small enough that
// s+n still fits in 32 bytes, so without this rule a transaction could
// verify on one build and fail on the other, splitting a consortium whose
// validators were built differently. With it, both accept exactly the same
// transactions. An honest signer never produces such an encoding.
//
// It goes after SetPubKeyDecorator, whose keys it reads, and before the
// signature checks; it consumes no gas. Like SigVerificationDecorator it
// skips CometBFT's re-checks of mempool transactions after each block: the
// encoding it judges is in the transaction bytes CheckTx already admitted.
type CanonicalSignatures struct {
	ak ante.AccountKeeper
}

// NewCanonicalSignatures reads signers' keys through ak when a transaction
// does not carry them.
func NewCanonicalSignatures(ak ante.AccountKeeper) CanonicalSignatures {
	return CanonicalSignatures{ak: ak}
}

func (d CanonicalSignatures) AnteHandle(ctx sdk.Context, tx sdk.Tx, simulate bool, next sdk.AnteHandler) (sdk.Context, error) {
	if ctx.IsReCheckTx() {
		return next(ctx, tx, simulate)
	}
	sigTx, ok := tx.(authsigning.Tx)
	if !ok {
		return ctx, errorsmod.Wrap(sdkerrors.ErrTxDecode, "transaction is not a signed transaction")
	}
	sigs, err := sigTx.GetSignaturesV2()
	if err != nil {
		return ctx, err
	}
	signers, err := sigTx.GetSigners()
	if err != nil {
		return ctx, err
	}
	if len(sigs) != len(signers) {
		// SigVerificationDecorator reports the mismatch.
		return next(ctx, tx, simulate)
	}
	unmetered := ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
	for i, sig := range sigs {
		pubKey := sig.PubKey
		if pubKey == nil {
			if acc := d.ak.GetAccount(unmetered, signers[i]); acc != nil {
				pubKey = acc.GetPubKey()
			}
		}
		if pubKey == nil {
			// SigVerificationDecorator reports the missing key.
			continue
		}
		if err := canonicalSignature(pubKey, sig.Data); err != nil {
			return ctx, errorsmod.Wrapf(sdkerrors.ErrUnauthorized, "signer %s: %v; sign with a standard secp256k1 library", sdk.AccAddress(signers[i]), err)
		}
	}
	return next(ctx, tx, simulate)
}

// canonicalSignature checks data, the signature of pubKey, and every
// secp256k1 signature nested in it when pubKey is a multisig, pairing
// sub-signatures with sub-keys as LegacyAminoPubKey.VerifyMultisignature
// does. Shapes the verifier refuses anyway (wrong lengths, a bit array of
// the wrong size) are left to it.
func canonicalSignature(pubKey cryptotypes.PubKey, data signing.SignatureData) error {
	switch data := data.(type) {
	case *signing.SingleSignatureData:
		if _, ok := pubKey.(*secp256k1.PubKey); !ok || len(data.Signature) != 64 {
			return nil
		}
		var r, s dsecp256k1.ModNScalar
		if r.SetByteSlice(data.Signature[:32]) {
			return errors.New("secp256k1 signature's r is not below the group order n")
		}
		if s.SetByteSlice(data.Signature[32:]) {
			return errors.New("secp256k1 signature's s is not below the group order n")
		}
	case *signing.MultiSignatureData:
		multi, ok := pubKey.(multisigtypes.PubKey)
		if !ok || data.BitArray == nil {
			return nil
		}
		keys := multi.GetPubKeys()
		if data.BitArray.Count() != len(keys) {
			return nil
		}
		next := 0
		for i, key := range keys {
			if !data.BitArray.GetIndex(i) {
				continue
			}
			if next >= len(data.Signatures) {
				return nil
			}
			if err := canonicalSignature(key, data.Signatures[next]); err != nil {
				return fmt.Errorf("multisig key %d: %w", i, err)
			}
			next++
		}
	}
	return nil
}
