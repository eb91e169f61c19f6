package types_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
)

var (
	p256Key = attestutil.NewP256("p256")
	edKey   = attestutil.NewEd25519("ed")
	rsaKey  = attestutil.NewRSA("rsa", 2048)
)

func pkixPEM(t *testing.T, pub any) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// rsaOfBits is an RSA public key with a modulus of exactly bits bits; no
// private key exists, which is all a size check needs.
func rsaOfBits(bits int) *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	n.Add(n, big.NewInt(1))
	return &rsa.PublicKey{N: n, E: 65537}
}

func TestParsePublicKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		pem  string
		algo types.KeyAlgorithm
	}{
		{"P-256", p256Key.PublicPEM(), types.KEY_ALGORITHM_ECDSA_P256},
		{"Ed25519", edKey.PublicPEM(), types.KEY_ALGORITHM_ED25519},
		{"RSA 2048", rsaKey.PublicPEM(), types.KEY_ALGORITHM_RSA},
		{"RSA 4096 modulus", pkixPEM(t, rsaOfBits(4096)), types.KEY_ALGORITHM_RSA},
		{"surrounding whitespace", "\n" + p256Key.PublicPEM() + "\n\n", types.KEY_ALGORITHM_ECDSA_P256},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub, algo, fp, err := types.ParsePublicKey(tc.pem)
			require.NoError(t, err)
			require.NotNil(t, pub)
			require.Equal(t, tc.algo, algo)
			block, _ := pem.Decode([]byte(strings.TrimSpace(tc.pem)))
			sum := sha256.Sum256(block.Bytes)
			require.Equal(t, "sha256:"+hex.EncodeToString(sum[:]), fp)
		})
	}
}

func TestParsePublicKeyRejected(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p224, err := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	require.NoError(t, err)
	pkcs1 := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(rsaOfBits(2048))}))
	for _, tc := range []struct {
		name string
		pem  string
		msg  string
	}{
		{"empty", "", "not PEM encoded"},
		{"not PEM", "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", "not PEM encoded"},
		{"private key", p256Key.PrivatePEM(), `PEM block is "PRIVATE KEY", expected "PUBLIC KEY" (PKIX)`},
		{"PKCS#1 RSA public key", pkcs1, `"RSA PUBLIC KEY"`},
		{"two PEM blocks", p256Key.PublicPEM() + edKey.PublicPEM(), "data after its PEM block"},
		{"garbage DER", string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{1, 2, 3}})), "public key:"},
		{"P-384", pkixPEM(t, p384.Public()), "ECDSA curve P-384 is not supported (P-256 only)"},
		{"P-224", pkixPEM(t, p224.Public()), "ECDSA curve P-224"},
		{"RSA 1024", pkixPEM(t, rsaOfBits(1024)), "RSA key has 1024 bits, 2048 to 4096 allowed"},
		{"RSA 2047", pkixPEM(t, rsaOfBits(2047)), "2047 bits"},
		{"RSA 4097", pkixPEM(t, rsaOfBits(4097)), "4097 bits"},
		{"too long", strings.Repeat("A", 4097), "4097 bytes, at most 4096"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := types.ParsePublicKey(tc.pem)
			require.ErrorIs(t, err, types.ErrInvalidKey)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestVerifier(t *testing.T) {
	data := []byte("DSSEv1 28 application/vnd.in-toto+json 2 {}")
	for _, s := range []attestutil.Signer{p256Key, edKey, rsaKey} {
		t.Run(s.ID, func(t *testing.T) {
			v, err := types.NewVerifier(types.AttestorKey{KeyId: "k-" + s.ID, PublicKey: s.PublicPEM()})
			require.NoError(t, err)
			id, err := v.KeyID()
			require.NoError(t, err)
			require.Equal(t, "k-"+s.ID, id)
			require.NotNil(t, v.Public())

			sig, err := s.Sign(context.Background(), data)
			require.NoError(t, err)
			require.NoError(t, v.Verify(context.Background(), data, sig))
			err = v.Verify(context.Background(), append([]byte("x"), data...), sig)
			require.ErrorIs(t, err, types.ErrInvalidSignature)
			require.ErrorContains(t, err, `"k-`+s.ID+`"`)
			other, err := types.NewVerifier(types.AttestorKey{KeyId: "other", PublicKey: attestutil.NewP256("o").PublicPEM()})
			require.NoError(t, err)
			require.ErrorIs(t, other.Verify(context.Background(), data, sig), types.ErrInvalidSignature)
		})
	}
	t.Run("RSA PSS", func(t *testing.T) {
		priv, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		v, err := types.NewVerifier(types.AttestorKey{KeyId: "pss", PublicKey: pkixPEM(t, priv.Public())})
		require.NoError(t, err)
		sum := sha256.Sum256(data)
		sig, err := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, sum[:], nil)
		require.NoError(t, err)
		require.NoError(t, v.Verify(context.Background(), data, sig))
	})
	t.Run("unparsable stored key", func(t *testing.T) {
		_, err := types.NewVerifier(types.AttestorKey{KeyId: "bad", PublicKey: "x"})
		require.ErrorIs(t, err, types.ErrInvalidKey)
		require.ErrorContains(t, err, `attestor key "bad"`)
	})
}

// The verifier plugs into the DSSE library: an envelope the library signed
// verifies through the library's envelope verifier.
func TestVerifierWithDSSELibrary(t *testing.T) {
	env := attestutil.SignDSSE(types.PayloadTypeInToto, statement(types.StatementTypeV1, api), edKey)
	v, err := types.NewVerifier(types.AttestorKey{KeyId: edKey.ID, PublicKey: edKey.PublicPEM()})
	require.NoError(t, err)
	ev, err := dsse.NewEnvelopeVerifier(v)
	require.NoError(t, err)
	accepted, err := ev.Verify(context.Background(), env)
	require.NoError(t, err)
	require.Len(t, accepted, 1)
	require.Equal(t, edKey.ID, accepted[0].KeyID)

	env.PayloadType = "application/json"
	_, err = ev.Verify(context.Background(), env)
	require.Error(t, err, "the payload type is part of what is signed")
}
