package types

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"

	errorsmod "cosmossdk.io/errors"
)

const (
	// MaxPublicKeyLength bounds the PEM text of a key (a 4096-bit RSA key is
	// about 800 bytes).
	MaxPublicKeyLength = 4096
	// MinRSABits is the smallest RSA modulus accepted.
	MinRSABits = 2048
	// MaxRSABits bounds the cost of one verification.
	MaxRSABits = 4096
)

// ParsePublicKey reads a PEM-encoded PKIX public key ("PUBLIC KEY", as
// cosign and openssl write it) and returns it with its algorithm and its
// fingerprint "sha256:<hex of the DER>". Only ECDSA P-256, Ed25519 and RSA of
// 2048 to 4096 bits are accepted.
func ParsePublicKey(pemText string) (crypto.PublicKey, KeyAlgorithm, string, error) {
	if len(pemText) > MaxPublicKeyLength {
		return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "public key is %d bytes, at most %d allowed", len(pemText), MaxPublicKeyLength)
	}
	block, rest := pem.Decode([]byte(pemText))
	if block == nil {
		return nil, 0, "", errorsmod.Wrap(ErrInvalidKey, "public key is not PEM encoded (expected a -----BEGIN PUBLIC KEY----- block)")
	}
	if strings.TrimSpace(string(rest)) != "" {
		return nil, 0, "", errorsmod.Wrap(ErrInvalidKey, "public key has data after its PEM block")
	}
	if block.Type != "PUBLIC KEY" {
		return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "PEM block is %q, expected \"PUBLIC KEY\" (PKIX)", block.Type)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "public key: %s", err)
	}
	sum := sha256.Sum256(block.Bytes)
	fingerprint := "sha256:" + hex.EncodeToString(sum[:])
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "ECDSA curve %s is not supported (P-256 only)", k.Curve.Params().Name)
		}
		return k, KEY_ALGORITHM_ECDSA_P256, fingerprint, nil
	case ed25519.PublicKey:
		return k, KEY_ALGORITHM_ED25519, fingerprint, nil
	case *rsa.PublicKey:
		if bits := k.N.BitLen(); bits < MinRSABits || bits > MaxRSABits {
			return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "RSA key has %d bits, %d to %d allowed", bits, MinRSABits, MaxRSABits)
		}
		return k, KEY_ALGORITHM_RSA, fingerprint, nil
	default:
		return nil, 0, "", errorsmod.Wrapf(ErrInvalidKey, "public key type %T is not supported (ECDSA P-256, Ed25519, RSA)", pub)
	}
}

// Verifier checks DSSE signatures made with one registered attestor key. It
// implements the DSSE library's Verifier, so the library computes the
// pre-authentication encoding and walks the signatures.
type Verifier struct {
	keyID string
	pub   crypto.PublicKey
}

// NewVerifier parses the key's PEM text; a stored key always parses.
func NewVerifier(k AttestorKey) (Verifier, error) {
	pub, _, _, err := ParsePublicKey(k.PublicKey)
	if err != nil {
		return Verifier{}, errorsmod.Wrapf(err, "attestor key %q", k.KeyId)
	}
	return Verifier{keyID: k.KeyId, pub: pub}, nil
}

// Verify checks sig over data (the DSSE pre-authentication encoding): ECDSA
// P-256 ASN.1 over SHA-256 (cosign), Ed25519 over the data itself, RSA
// PKCS#1 v1.5 or PSS over SHA-256.
func (v Verifier) Verify(_ context.Context, data, sig []byte) error {
	switch pub := v.pub.(type) {
	case *ecdsa.PublicKey:
		digest := sha256.Sum256(data)
		if ecdsa.VerifyASN1(pub, digest[:], sig) {
			return nil
		}
	case ed25519.PublicKey:
		if ed25519.Verify(pub, data, sig) {
			return nil
		}
	case *rsa.PublicKey:
		digest := sha256.Sum256(data)
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil {
			return nil
		}
		if rsa.VerifyPSS(pub, crypto.SHA256, digest[:], sig, nil) == nil {
			return nil
		}
	}
	return errorsmod.Wrapf(ErrInvalidSignature, "signature does not verify with key %q", v.keyID)
}

// KeyID is the registered key id.
func (v Verifier) KeyID() (string, error) { return v.keyID, nil }

// Public is the parsed public key.
func (v Verifier) Public() crypto.PublicKey { return v.pub }
