package app

import (
	"crypto/sha256"
	"testing"

	dsecp256k1 "github.com/decred/dcrd/dcrec/secp256k1/v4"
	"github.com/decred/dcrd/dcrec/secp256k1/v4/ecdsa"
	"github.com/stretchr/testify/require"

	"github.com/cosmos/cosmos-sdk/crypto/keys/ed25519"
	kmultisig "github.com/cosmos/cosmos-sdk/crypto/keys/multisig"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
)

// groupOrder is n, the order of secp256k1's group, big-endian.
var groupOrder = func() [32]byte {
	var n [32]byte
	dsecp256k1.Params().N.FillBytes(n[:])
	return n
}()

// pureGoVerify is the SDK's verifier in a build without libsecp256k1_sdk
// (crypto/keys/secp256k1/secp256k1_nocgo.go): r and s are reduced modulo n
// as they are read, and a high s is refused.
func pureGoVerify(pubKey, msg, sig []byte) bool {
	if len(sig) != 64 {
		return false
	}
	pub, err := dsecp256k1.ParsePubKey(pubKey)
	if err != nil {
		return false
	}
	var r, s dsecp256k1.ModNScalar
	r.SetByteSlice(sig[:32])
	s.SetByteSlice(sig[32:])
	if s.IsOverHalfOrder() {
		return false
	}
	digest := sha256.Sum256(msg)
	return ecdsa.NewSignature(&r, &s).Verify(digest[:], pub)
}

// keyWithSmallS makes a key under which (r, 1) is a valid signature of
// msg: a signer who chooses its own key can choose s. Returns the
// compressed public key and the 64-byte signature.
func keyWithSmallS(t *testing.T, msg []byte) ([]byte, []byte) {
	t.Helper()
	var k, z, r, d dsecp256k1.ModNScalar
	seed := sha256.Sum256(append([]byte("nonce"), msg...))
	require.False(t, k.SetByteSlice(seed[:]))
	digest := sha256.Sum256(msg)
	z.SetByteSlice(digest[:])
	var point dsecp256k1.JacobianPoint
	dsecp256k1.ScalarBaseMultNonConst(&k, &point)
	point.ToAffine()
	r.SetByteSlice(point.X.Bytes()[:])
	// s = (z + r·d)/k = 1  ⇔  d = (k - z)/r
	d.NegateVal(&z).Add(&k).Mul(new(dsecp256k1.ModNScalar).InverseValNonConst(&r))
	pub := dsecp256k1.NewPrivateKey(&d).PubKey().SerializeCompressed()
	sig := make([]byte, 64)
	r.PutBytesUnchecked(sig[:32])
	sig[63] = 1
	return pub, sig
}

// plusOrder returns sig with its s (or r) replaced by s+n, which still fits
// in 32 bytes when s is small.
func plusOrder(t *testing.T, sig []byte, half int) []byte {
	t.Helper()
	out := append([]byte(nil), sig...)
	part := out[half*32 : half*32+32]
	carry := 0
	for i := 31; i >= 0; i-- {
		v := int(part[i]) + int(groupOrder[i]) + carry
		part[i], carry = byte(v), v>>8
	}
	require.Zero(t, carry, "the value is too large to add n")
	return out
}

// The node's verifier (libsecp256k1 in `make build`) and the SDK's pure-Go
// one agree on every signature CanonicalSignatures lets through, and the one
// they disagree on, an s encoded as s+n, is refused before either runs.
func TestSecp256k1VerifiersAgreeOnCanonicalSignatures(t *testing.T) {
	msg := []byte("sign bytes of a deployment record")
	honest := secp256k1.GenPrivKey()
	honestSig, err := honest.Sign(msg)
	require.NoError(t, err)
	honestPub := honest.PubKey().Bytes()
	uncompressed, err := dsecp256k1.ParsePubKey(honestPub)
	require.NoError(t, err)
	hybrid := uncompressed.SerializeUncompressed()
	hybrid[0] = 0x06 | hybrid[64]&1

	smallPub, smallSig := keyWithSmallS(t, msg)
	highS := append([]byte(nil), honestSig...)
	var s dsecp256k1.ModNScalar
	s.SetByteSlice(highS[32:])
	s.Negate().PutBytesUnchecked(highS[32:])
	offCurve := append([]byte(nil), honestPub...)
	offCurve[1] ^= 0x01
	orderAsR := append(groupOrder[:], honestSig[32:]...)
	flipped := append([]byte(nil), honestSig...)
	flipped[10] ^= 0x01

	cases := []struct {
		name      string
		pub, sig  []byte
		msg       []byte
		valid     bool
		canonical bool
	}{
		{"honest", honestPub, honestSig, msg, true, true},
		{"uncompressed key", uncompressed.SerializeUncompressed(), honestSig, msg, true, true},
		{"hybrid key", hybrid, honestSig, msg, true, true},
		{"chosen key, s = 1", smallPub, smallSig, msg, true, true},
		{"other message", honestPub, honestSig, []byte("other"), false, true},
		{"high s", honestPub, highS, msg, false, true},
		{"flipped bit", honestPub, flipped, msg, false, true},
		{"zero r", honestPub, append(make([]byte, 32), honestSig[32:]...), msg, false, true},
		{"zero s", honestPub, append(append([]byte(nil), honestSig[:32]...), make([]byte, 32)...), msg, false, true},
		{"key off the curve", offCurve, honestSig, msg, false, true},
		{"63 bytes", honestPub, honestSig[:63], msg, false, true},
		{"r = n", honestPub, orderAsR, msg, false, false},
		{"s + n", smallPub, plusOrder(t, smallSig, 1), msg, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pureGo := pureGoVerify(tc.pub, tc.msg, tc.sig)
			require.Equal(t, tc.valid, pureGo, "pure-Go verifier")
			key := &secp256k1.PubKey{Key: tc.pub}
			err := canonicalSignature(key, &signing.SingleSignatureData{Signature: tc.sig})
			if !tc.canonical {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, pureGo, key.VerifySignature(tc.msg, tc.sig), "this build's verifier")
		})
	}
}

// Inside a multisig, each secp256k1 sub-signature is checked against the
// sub-key the bit array pairs it with, at any depth; other key types and
// shapes the verifier refuses anyway pass through.
func TestCanonicalSignatureInMultisig(t *testing.T) {
	keys := []cryptotypes.PubKey{secp256k1.GenPrivKey().PubKey(), ed25519.GenPrivKey().PubKey(), secp256k1.GenPrivKey().PubKey()}
	multi := kmultisig.NewLegacyAminoPubKey(2, keys)
	good := make([]byte, 64)
	good[31], good[63] = 1, 1
	bad := append(append([]byte(nil), good[:32]...), groupOrder[:]...)
	single := func(sig []byte) signing.SignatureData { return &signing.SingleSignatureData{Signature: sig} }
	signed := func(bits []bool, sigs ...signing.SignatureData) *signing.MultiSignatureData {
		data := &signing.MultiSignatureData{BitArray: cryptotypes.NewCompactBitArray(len(bits)), Signatures: sigs}
		for i, b := range bits {
			data.BitArray.SetIndex(i, b)
		}
		return data
	}

	require.NoError(t, canonicalSignature(multi, signed([]bool{true, false, true}, single(good), single(good))))
	err := canonicalSignature(multi, signed([]bool{true, false, true}, single(good), single(bad)))
	require.ErrorContains(t, err, "multisig key 2")
	require.ErrorContains(t, err, "s is not below the group order")
	// The ed25519 sub-key's signature is not secp256k1's to judge.
	require.NoError(t, canonicalSignature(multi, signed([]bool{false, true, true}, single(bad), single(good))))
	// Wrong sizes are SigVerificationDecorator's to refuse.
	require.NoError(t, canonicalSignature(multi, signed([]bool{true, true}, single(bad))))
	require.NoError(t, canonicalSignature(multi, signed([]bool{true, false, true}, single(good))))

	outer := kmultisig.NewLegacyAminoPubKey(1, []cryptotypes.PubKey{secp256k1.GenPrivKey().PubKey(), multi})
	nested := signed([]bool{false, true}, signed([]bool{true, false, true}, single(bad), single(good)))
	require.ErrorContains(t, canonicalSignature(outer, nested), "multisig key 1: multisig key 0: secp256k1 signature's s")
	require.ErrorContains(t, canonicalSignature(secp256k1.GenPrivKey().PubKey(), single(append(groupOrder[:], good[32:]...))), "r is not below")
}

// unsignedTx has no signatures to read.
type unsignedTx struct{ sdk.Tx }

// A transaction that cannot carry signatures is refused as undecodable.
func TestCanonicalSignaturesNeedASignedTransaction(t *testing.T) {
	_, err := NewCanonicalSignatures(nil).AnteHandle(sdk.Context{}, unsignedTx{}, false, nil)
	require.ErrorIs(t, err, sdkerrors.ErrTxDecode)
	require.ErrorContains(t, err, "not a signed transaction")
}

// A re-check after a block passes the transaction on without reading its
// signatures: CheckTx judged the same bytes when it admitted them.
func TestCanonicalSignaturesSkipReCheck(t *testing.T) {
	passed := false
	next := func(ctx sdk.Context, _ sdk.Tx, _ bool) (sdk.Context, error) { passed = true; return ctx, nil }
	_, err := NewCanonicalSignatures(nil).AnteHandle(sdk.Context{}.WithIsReCheckTx(true), unsignedTx{}, false, next)
	require.NoError(t, err)
	require.True(t, passed)
}
