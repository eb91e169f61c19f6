package keeper_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"testing"
	"time"

	"cosmossdk.io/collections"
	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

func fingerprintOf(t *testing.T, pemText string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(pemText))
	require.NotNil(t, block)
	sum := sha256.Sum256(block.Bytes)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func p384PEM(t *testing.T) string {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	der, err := x509.MarshalPKIXPublicKey(k.Public())
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func TestRegisterKeyAlgorithms(t *testing.T) {
	for _, tc := range []struct {
		signer attestutil.Signer
		algo   types.KeyAlgorithm
	}{
		{acmeKey, types.KEY_ALGORITHM_ECDSA_P256},
		{acmeEd, types.KEY_ALGORITHM_ED25519},
		{acmeRSA, types.KEY_ALGORITHM_RSA},
	} {
		t.Run(tc.algo.String(), func(t *testing.T) {
			f := newFixture(t)
			notBefore := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))
			notAfter := genesisTime.Add(365 * 24 * time.Hour)
			msg := regMsg(f.acmeAdmin, tc.signer, ptSLSA, ptVuln)
			msg.NotBefore, msg.NotAfter = &notBefore, &notAfter
			res, err := f.msgs.RegisterAttestorKey(f.ctx, msg)
			require.NoError(t, err)
			require.Equal(t, fingerprintOf(t, tc.signer.PublicPEM()), res.Fingerprint)

			key := f.attestorKey(t, tc.signer.ID)
			require.Equal(t, "acme", key.OrganizationId)
			require.Equal(t, tc.algo, key.Algorithm)
			require.Equal(t, tc.signer.PublicPEM(), key.PublicKey)
			require.Equal(t, []string{ptSLSA, ptVuln}, key.PredicateTypes)
			require.Equal(t, f.acmeAdmin, key.RegisteredBy)
			require.Equal(t, int64(10), key.RegisteredHeight)
			require.Equal(t, res.Fingerprint, key.Fingerprint)
			require.Zero(t, key.RevokedFromHeight)
			require.Equal(t, time.UTC, key.NotBefore.Location(), "times are stored in UTC")
			require.True(t, key.NotBefore.Equal(notBefore))
			require.True(t, key.NotAfter.Equal(notAfter))

			has, err := f.k.KeysByOrganization.Has(f.ctx, collections.Join("acme", tc.signer.ID))
			require.NoError(t, err)
			require.True(t, has, "organisation index entry")

			ev := f.eventsOf("shiplog.attestations.v1.EventAttestorKeyRegistered")
			require.Len(t, ev, 1)
			require.Equal(t, `"`+tc.signer.ID+`"`, ev[0]["key_id"])
		})
	}
}

func TestRegisterKeyCanonicalisesAdmin(t *testing.T) {
	f := newFixture(t)
	msg := regMsg(f.acmeAdmin, acmeKey, ptSLSA)
	upper := []byte(f.acmeAdmin)
	for i, c := range upper {
		if c >= 'a' && c <= 'z' {
			upper[i] = c - 'a' + 'A'
		}
	}
	msg.Admin = string(upper)
	_, err := f.msgs.RegisterAttestorKey(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, f.acmeAdmin, f.attestorKey(t, acmeKey.ID).RegisteredBy)
}

func TestRegisterKeyRejected(t *testing.T) {
	f := newFixture(t)
	f.register(t, f.acmeAdmin, acmeKey, ptSLSA)
	past := genesisTime.Add(-time.Hour)
	before := genesisTime.Add(48 * time.Hour)
	after := genesisTime.Add(24 * time.Hour)
	p384 := p384PEM(t)
	rsa1024 := attestutil.NewRSA("small", 1024)

	with := func(mod func(m *types.MsgRegisterAttestorKey)) *types.MsgRegisterAttestorKey {
		m := regMsg(f.acmeAdmin, acmeEd, ptSLSA)
		mod(m)
		return m
	}
	for _, tc := range []struct {
		name     string
		msg      *types.MsgRegisterAttestorKey
		class    error
		contains []string
	}{
		{"bad PEM", with(func(m *types.MsgRegisterAttestorKey) { m.PublicKey = "ssh-ed25519 AAAA" }), types.ErrInvalidKey, []string{"not PEM encoded"}},
		{"private key", with(func(m *types.MsgRegisterAttestorKey) { m.PublicKey = acmeEd.PrivatePEM() }), types.ErrInvalidKey, []string{`"PRIVATE KEY"`, "PKIX"}},
		{"data after PEM", with(func(m *types.MsgRegisterAttestorKey) { m.PublicKey += "trailing" }), types.ErrInvalidKey, []string{"data after its PEM block"}},
		{"P-384", with(func(m *types.MsgRegisterAttestorKey) { m.PublicKey = p384 }), types.ErrInvalidKey, []string{"curve P-384", "P-256 only"}},
		{"RSA 1024", with(func(m *types.MsgRegisterAttestorKey) { m.PublicKey = rsa1024.PublicPEM() }), types.ErrInvalidKey, []string{"1024 bits", "2048 to 4096"}},
		{"duplicate key id", func() *types.MsgRegisterAttestorKey {
			m := regMsg(f.globexAdmin, globexKey, ptSLSA)
			m.KeyId = acmeKey.ID
			return m
		}(), types.ErrKeyExists, []string{`"acme-ci"`, `organization "acme"`}},
		{"another organization's public key", func() *types.MsgRegisterAttestorKey {
			m := regMsg(f.globexAdmin, acmeKey, ptSLSA)
			m.KeyId = "globex-claims-acme"
			return m
		}(), types.ErrKeyExists, []string{"already registered as key \"acme-ci\"", "one organization"}},
		{"no predicate types", with(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = nil }), types.ErrInvalidKey, []string{"predicate_types is required"}},
		{"repeated predicate type", with(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = []string{ptSLSA, ptVuln, ptSLSA} }), types.ErrInvalidKey, []string{"repeated", ptSLSA}},
		{"reference type listed", with(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = []string{ptSLSA, ptRef} }), types.ErrInvalidKey, []string{"predicate_types[1]", ptRef, "implied"}},
		{"predicate type not a URI", with(func(m *types.MsgRegisterAttestorKey) { m.PredicateTypes = []string{"slsa"} }), types.ErrInvalidPredicate, []string{"predicate_types[0]", "absolute URI"}},
		{"not_after before not_before", with(func(m *types.MsgRegisterAttestorKey) { m.NotBefore, m.NotAfter = &before, &after }), types.ErrInvalidKey, []string{"is not after not_before"}},
		{"not_after equals not_before", with(func(m *types.MsgRegisterAttestorKey) { m.NotBefore, m.NotAfter = &after, &after }), types.ErrInvalidKey, []string{"is not after not_before"}},
		{"not_after in the past", with(func(m *types.MsgRegisterAttestorKey) { m.NotAfter = &past }), types.ErrInvalidKey, []string{"has already passed"}},
		{"not_after now", with(func(m *types.MsgRegisterAttestorKey) { m.NotAfter = ptr(genesisTime) }), types.ErrInvalidKey, []string{"has already passed"}},
		{"bad key id", with(func(m *types.MsgRegisterAttestorKey) { m.KeyId = "Acme CI" }), types.ErrInvalidKey, []string{"key_id"}},
		{"empty key id", with(func(m *types.MsgRegisterAttestorKey) { m.KeyId = "" }), types.ErrInvalidKey, []string{"key_id is required"}},
		{"non-admin", with(func(m *types.MsgRegisterAttestorKey) { m.Admin = f.acmeCI }), consortiumtypes.ErrMissingRole, []string{f.acmeCI}},
		{"inactive admin", with(func(m *types.MsgRegisterAttestorKey) { m.Admin = f.inactive }), consortiumtypes.ErrInactiveMember, nil},
		{"non-member", with(func(m *types.MsgRegisterAttestorKey) { m.Admin = f.nonMember }), consortiumtypes.ErrNotMember, nil},
		{"admin of another prefix", with(func(m *types.MsgRegisterAttestorKey) { m.Admin = mustString(t, cosmosCodec, addr(1)) }), types.ErrInvalidAddress, []string{"admin"}},
		{"no admin", with(func(m *types.MsgRegisterAttestorKey) { m.Admin = "" }), types.ErrInvalidAddress, []string{"address is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.class, tc.contains...)
		})
	}
	_, err := f.msgs.RegisterAttestorKey(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestRevokeKey(t *testing.T) {
	newRevoke := func(admin, keyID string, from int64) *types.MsgRevokeAttestorKey {
		return &types.MsgRevokeAttestorKey{Admin: admin, KeyId: keyID, FromHeight: from, Reason: "key leaked from CI cache"}
	}
	// acme-ci is registered at height 10; the context moves to height 20.
	setup := func(t *testing.T) *fixture {
		f := newFixture(t)
		f.register(t, f.acmeAdmin, acmeKey, ptSLSA)
		f.ctx = f.ctx.WithBlockHeight(20)
		return f
	}

	t.Run("now", func(t *testing.T) {
		f := setup(t)
		require.Equal(t, int64(20), f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 0))
		key := f.attestorKey(t, acmeKey.ID)
		require.Equal(t, int64(20), key.RevokedFromHeight)
		require.Equal(t, "key leaked", key.RevokeReason)
		ev := f.eventsOf("shiplog.attestations.v1.EventAttestorKeyRevoked")
		require.Len(t, ev, 1)
		require.Equal(t, `"20"`, ev[0]["from_height"])
	})
	t.Run("backdated, down to the registration height", func(t *testing.T) {
		f := setup(t)
		require.Equal(t, int64(10), f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 10))
		require.Equal(t, int64(10), f.attestorKey(t, acmeKey.ID).RevokedFromHeight)
	})
	t.Run("current height given explicitly", func(t *testing.T) {
		f := setup(t)
		require.Equal(t, int64(20), f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 20))
	})
	t.Run("future refused", func(t *testing.T) {
		f := setup(t)
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, 21), types.ErrInvalidRequest, "from_height 21 is in the future", "current height 20")
	})
	t.Run("before registration refused", func(t *testing.T) {
		f := setup(t)
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, 9), types.ErrInvalidRequest, "before key", "registered (height 10)")
	})
	t.Run("other organization refused", func(t *testing.T) {
		f := setup(t)
		f.requireRejected(t, newRevoke(f.globexAdmin, acmeKey.ID, 0), types.ErrOtherOrganization, `belongs to organization "acme", not "globex"`)
	})
	t.Run("unknown key", func(t *testing.T) {
		f := setup(t)
		f.requireRejected(t, newRevoke(f.acmeAdmin, "nope", 0), types.ErrKeyNotFound, `"nope"`)
	})
	t.Run("re-revoke at the same or a later height refused", func(t *testing.T) {
		f := setup(t)
		f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 15)
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, 15), types.ErrAlreadyRevoked, "already revoked from height 15")
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, 18), types.ErrAlreadyRevoked, "already revoked from height 15")
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, 0), types.ErrAlreadyRevoked, "already revoked from height 15")
	})
	t.Run("moving the revocation earlier allowed", func(t *testing.T) {
		f := setup(t)
		f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 0)
		require.Equal(t, int64(12), f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 12))
		require.Equal(t, int64(12), f.attestorKey(t, acmeKey.ID).RevokedFromHeight)
	})
	t.Run("stateless and role checks", func(t *testing.T) {
		f := setup(t)
		noReason := newRevoke(f.acmeAdmin, acmeKey.ID, 0)
		noReason.Reason = ""
		f.requireRejected(t, noReason, types.ErrInvalidReason, "reason is required")
		f.requireRejected(t, newRevoke(f.acmeAdmin, acmeKey.ID, -1), types.ErrInvalidRequest, "from_height -1 is negative")
		f.requireRejected(t, newRevoke(f.acmeAdmin, "", 0), types.ErrInvalidKey, "key_id is required")
		f.requireRejected(t, newRevoke(f.acmeCI, acmeKey.ID, 0), consortiumtypes.ErrMissingRole)
		f.requireRejected(t, newRevoke(f.nonMember, acmeKey.ID, 0), consortiumtypes.ErrNotMember)
		_, err := f.msgs.RevokeAttestorKey(f.ctx, nil)
		require.ErrorIs(t, err, types.ErrInvalidRequest)
	})
}
