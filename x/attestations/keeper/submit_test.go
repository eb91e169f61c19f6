package keeper_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"cosmossdk.io/collections"
	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/keeper"
	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

var slsaPredicate = attestutil.SLSAv1("https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0",
	"https://github.com/acme/api", "0123456789abcdef0123456789abcdef01234567")

// cosignEnvelope is env as cosign writes it: empty keyid.
func cosignEnvelope(env types.Envelope) types.Envelope {
	for i := range env.Signatures {
		env.Signatures[i].Keyid = ""
	}
	return env
}

func (f *fixture) subjectIDs(t *testing.T, digest string) []uint64 {
	t.Helper()
	it, err := f.k.AttestationsBySubject.Iterate(f.ctx, collections.NewPrefixedPairRange[string, uint64](digest))
	require.NoError(t, err)
	keys, err := it.Keys()
	require.NoError(t, err)
	var ids []uint64
	for _, k := range keys {
		ids = append(ids, k.K2())
	}
	return ids
}

func TestSubmitStoresVerifiedStatement(t *testing.T) {
	for _, tc := range []struct {
		name          string
		signer        attestutil.Signer
		statementType string
	}{
		{"P-256 v1", acmeKey, types.StatementTypeV1},
		{"P-256 v0.1", acmeKey, types.StatementTypeV01},
		{"Ed25519 v1", acmeEd, types.StatementTypeV1},
		{"RSA v0.1", acmeRSA, types.StatementTypeV01},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.register(t, f.acmeAdmin, tc.signer, ptSLSA)
			f.nextBlock()
			env := attestutil.SignStatement(attestutil.Statement(tc.statementType, ptSLSA, slsaPredicate, apiArtifact, webArtifact), tc.signer)
			id := f.submit(t, f.acmeCI, tc.signer.ID, env)
			require.Equal(t, uint64(1), id)

			a := f.attestation(t, id)
			wantDigest, err := keeper.EnvelopeDigest(env)
			require.NoError(t, err)
			require.Equal(t, wantDigest, a.EnvelopeDigest)
			require.True(t, strings.HasPrefix(a.EnvelopeDigest, "sha256:"))
			require.Equal(t, []types.Subject{
				{Name: "api.tar", Digests: []string{apiArtifact.Digest256()}},
				{Name: "web.tar", Digests: []string{webArtifact.Digest256()}},
			}, a.Subjects)
			require.Equal(t, ptSLSA, a.PredicateType)
			require.Equal(t, tc.statementType, a.StatementType)
			require.Equal(t, tc.signer.ID, a.KeyId)
			require.Equal(t, "acme", a.OrganizationId)
			require.Equal(t, f.acmeCI, a.Submitter)
			require.True(t, a.CreatedAt.Equal(f.ctx.BlockTime()))
			require.Equal(t, f.ctx.BlockHeight(), a.CreatedHeight)
			require.Equal(t, env, a.Envelope, "the full envelope is stored")
			require.Nil(t, a.Reference)
			require.NotNil(t, a.Summary.Provenance)
			require.False(t, a.Revoked)

			require.Equal(t, []uint64{1}, f.subjectIDs(t, apiArtifact.Digest256()))
			require.Equal(t, []uint64{1}, f.subjectIDs(t, webArtifact.Digest256()))
			for _, d := range []string{apiArtifact.Digest256(), webArtifact.Digest256()} {
				has, err := f.k.Evidence.Has(f.ctx, collections.Join3(types.EvidenceSubject(d, ptSLSA), "acme", id))
				require.NoError(t, err)
				require.True(t, has, "indexed by subject and predicate type")
			}
			byEnv, err := f.k.Attestations.Indexes.Envelope.MatchExact(f.ctx, wantDigest)
			require.NoError(t, err)
			require.Equal(t, id, byEnv)

			ev := f.eventsOf("shiplog.attestations.v1.EventAttestationSubmitted")
			require.Len(t, ev, 1)
			require.Equal(t, `"1"`, ev[0]["id"])
			require.Equal(t, `"acme"`, ev[0]["organization_id"])
		})
	}
}

func TestSubmitIDsAreSequential(t *testing.T) {
	f := withKeys(t)
	require.Equal(t, uint64(1), f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate))
	require.Equal(t, uint64(2), f.attest(t, f.globexCI, globexKey, ptSLSA, slsaPredicate))
	require.Equal(t, uint64(3), f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate, webArtifact))
}

func TestSubmitSubjectDigests(t *testing.T) {
	f := withKeys(t)
	sha512 := strings.Repeat("ab", 64)
	upper := strings.ToUpper(strings.TrimPrefix(webArtifact.Digest256(), "sha256:"))
	subjects := []attestutil.Subject{
		{Name: "both", Digest: map[string]string{"sha256": apiArtifact.Digest["sha256"], "sha512": sha512}},
		{Name: "sha1 only, dropped", Digest: map[string]string{"sha1": strings.Repeat("1", 40)}},
		{Name: "upper-case hex", Digest: map[string]string{"sha256": upper}},
	}
	id := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate, subjects...)
	a := f.attestation(t, id)
	require.Equal(t, []types.Subject{
		{Name: "both", Digests: []string{apiArtifact.Digest256(), "sha512:" + sha512}},
		{Name: "upper-case hex", Digests: []string{webArtifact.Digest256()}},
	}, a.Subjects)
	require.Equal(t, []uint64{id}, f.subjectIDs(t, "sha512:"+sha512))
	require.Equal(t, []uint64{id}, f.subjectIDs(t, webArtifact.Digest256()), "indexed in lower case")
}

func TestSubmitKeyDiscovery(t *testing.T) {
	t.Run("cosign envelope without keyid, no key named", func(t *testing.T) {
		f := withKeys(t)
		f.register(t, f.acmeAdmin, acmeEd, ptSLSA)
		env := cosignEnvelope(envelope(acmeEd, ptSLSA, slsaPredicate))
		id := f.submit(t, f.acmeCI, "", env)
		require.Equal(t, acmeEd.ID, f.attestation(t, id).KeyId, "the organisation key that verifies is found")
	})
	t.Run("a wrong keyid hint is ignored", func(t *testing.T) {
		f := withKeys(t)
		env := envelope(acmeKey, ptSLSA, slsaPredicate)
		env.Signatures[0].Keyid = globexKey.ID
		require.Equal(t, acmeKey.ID, f.attestation(t, f.submit(t, f.acmeCI, acmeKey.ID, env)).KeyId)
		env2 := envelope(acmeKey, ptVuln, attestutil.Vuln())
		env2.Signatures[0].Keyid = "no-such-key"
		require.Equal(t, acmeKey.ID, f.attestation(t, f.submit(t, f.acmeCI, "", env2)).KeyId)
	})
	t.Run("only the submitting organisation's keys are tried", func(t *testing.T) {
		f := withKeys(t)
		env := cosignEnvelope(envelope(globexKey, ptSLSA, slsaPredicate))
		f.requireRejected(t, subMsg(f.acmeCI, "", env), types.ErrInvalidSignature, "acme-ci")
	})
	t.Run("keys not allowed for the predicate type are skipped", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, f.acmeAdmin, acmeKey, ptSLSA)
		f.register(t, f.acmeAdmin, acmeEd, ptVuln)
		id := f.submit(t, f.acmeCI, "", envelope(acmeEd, ptVuln, attestutil.Vuln()))
		require.Equal(t, acmeEd.ID, f.attestation(t, id).KeyId)
		f.requireRejected(t, subMsg(f.acmeCI, "", envelope(acmeEd, ptTest, attestutil.TestResult("PASSED", 1, 0))),
			types.ErrNoAttestorKey, `organization "acme" has no valid attestor key allowed to attest `+ptTest, "key_id")
	})
	t.Run("organisation without keys", func(t *testing.T) {
		f := newFixture(t)
		f.requireRejected(t, subMsg(f.acmeCI, "", envelope(acmeKey, ptSLSA, slsaPredicate)), types.ErrNoAttestorKey, `"acme"`)
	})
	t.Run("a named key of another organisation verifies its own envelope", func(t *testing.T) {
		// The signature, not the relaying CI job, makes the attestation:
		// it is recorded as globex's.
		f := withKeys(t)
		a := f.attestation(t, f.submit(t, f.acmeCI, globexKey.ID, envelope(globexKey, ptSLSA, slsaPredicate)))
		require.Equal(t, "globex", a.OrganizationId)
		require.Equal(t, f.acmeCI, a.Submitter)
	})
}

func TestSubmitRejected(t *testing.T) {
	f := withKeys(t)
	f.register(t, f.acmeAdmin, acmeEd, ptSLSA) // only SLSA
	good := envelope(acmeKey, ptSLSA, slsaPredicate)

	tampered := envelope(acmeKey, ptSLSA, slsaPredicate)
	tampered.Payload = bytes.ReplaceAll(tampered.Payload, []byte(apiArtifact.Digest["sha256"]), []byte(webArtifact.Digest["sha256"]))
	require.NotEqual(t, good.Payload, tampered.Payload)
	badSig := envelope(acmeKey, ptSLSA, slsaPredicate)
	badSig.Signatures[0].Sig = bytes.Clone(badSig.Signatures[0].Sig)
	badSig.Signatures[0].Sig[len(badSig.Signatures[0].Sig)-1] ^= 1
	wrongType := attestutil.Envelope(attestutil.SignDSSE("application/json", stmt(ptSLSA, slsaPredicate), acmeKey))
	// Signed as in-toto, relabelled: the message check refuses the label
	// before any signature is tried.
	relabelled := envelope(acmeKey, ptSLSA, slsaPredicate)
	relabelled.PayloadType = "application/vnd.dsse+json"
	noSubject := attestutil.SignStatement([]byte(`{"_type":"`+types.StatementTypeV1+`","subject":[],"predicateType":"`+ptSLSA+`","predicate":{}}`), acmeKey)
	badHex := envelope(acmeKey, ptSLSA, slsaPredicate, attestutil.Subject{Name: "a", Digest: map[string]string{"sha256": strings.Repeat("zz", 32)}})
	badLen := envelope(acmeKey, ptSLSA, slsaPredicate, attestutil.Subject{Name: "a", Digest: map[string]string{"sha256": "abcd"}})
	badLen512 := envelope(acmeKey, ptSLSA, slsaPredicate, attestutil.Subject{Name: "a", Digest: map[string]string{"sha512": strings.Repeat("ab", 32)}})
	sha1Only := envelope(acmeKey, ptSLSA, slsaPredicate, attestutil.Subject{Name: "a", Digest: map[string]string{"sha1": strings.Repeat("ab", 20)}})
	wrongStatement := attestutil.SignStatement(attestutil.Statement("https://in-toto.io/Statement/v2", ptSLSA, slsaPredicate, apiArtifact), acmeKey)
	notJSON := attestutil.SignStatement([]byte("not json"), acmeKey)
	noPredicate := attestutil.SignStatement([]byte(`{"_type":"`+types.StatementTypeV1+`","subject":[{"name":"a","digest":{"sha256":"`+apiArtifact.Digest["sha256"]+`"}}],"predicateType":"`+ptSLSA+`"}`), acmeKey)
	badPredicateType := envelope(acmeKey, "slsa", slsaPredicate)
	oversize := envelope(acmeKey, ptSPDX, map[string]string{"packages": strings.Repeat("x", 70<<10)})
	noSigs := good
	noSigs.Signatures = nil
	emptyPayload := good
	emptyPayload.Payload = nil
	manySigs := attestutil.SignStatement(stmt(ptSLSA, slsaPredicate), acmeKey, acmeKey, acmeKey, acmeKey, acmeKey, acmeKey, acmeKey, acmeKey, acmeKey)
	testInvalid := envelope(acmeKey, ptTest, attestutil.TestResult("MAYBE", 1, 0))
	approvalNoApprover := envelope(acmeKey, ptApproval, attestutil.Approval(" ", "prod", ""))
	slsaWrongShape := envelope(acmeKey, ptSLSA, map[string]any{"runDetails": "github"})

	for _, tc := range []struct {
		name     string
		msg      *types.MsgSubmitAttestation
		class    error
		contains []string
	}{
		{"wrong key", subMsg(f.acmeCI, acmeKey.ID, envelope(stranger, ptSLSA, slsaPredicate)), types.ErrInvalidSignature, []string{"no signature of the envelope verifies", "acme-ci"}},
		{"signed by another registered key", subMsg(f.acmeCI, acmeKey.ID, envelope(globexKey, ptSLSA, slsaPredicate)), types.ErrInvalidSignature, []string{"acme-ci"}},
		{"tampered payload", subMsg(f.acmeCI, acmeKey.ID, tampered), types.ErrInvalidSignature, nil},
		{"tampered payload, key discovered", subMsg(f.acmeCI, "", tampered), types.ErrInvalidSignature, []string{"acme-ci", "acme-ed"}},
		{"tampered signature", subMsg(f.acmeCI, acmeKey.ID, badSig), types.ErrInvalidSignature, nil},
		{"wrong payloadType", subMsg(f.acmeCI, acmeKey.ID, wrongType), types.ErrInvalidPayloadType, []string{`"application/json"`, types.PayloadTypeInToto}},
		{"relabelled payloadType", subMsg(f.acmeCI, acmeKey.ID, relabelled), types.ErrInvalidPayloadType, nil},
		{"no subjects", subMsg(f.acmeCI, acmeKey.ID, noSubject), types.ErrInvalidSubject, []string{"no subject"}},
		{"subject digest bad hex", subMsg(f.acmeCI, acmeKey.ID, badHex), types.ErrInvalidSubject, []string{"subject 0", "sha256"}},
		{"subject digest bad length", subMsg(f.acmeCI, acmeKey.ID, badLen), types.ErrInvalidSubject, []string{"subject 0", "4 characters, want 64"}},
		{"sha512 digest bad length", subMsg(f.acmeCI, acmeKey.ID, badLen512), types.ErrInvalidSubject, []string{"want 128"}},
		{"only sha1 digests", subMsg(f.acmeCI, acmeKey.ID, sha1Only), types.ErrInvalidSubject, []string{"no subject has a sha256 or sha512 digest"}},
		{"statement type", subMsg(f.acmeCI, acmeKey.ID, wrongStatement), types.ErrInvalidStatement, []string{"Statement/v2"}},
		{"payload not JSON", subMsg(f.acmeCI, acmeKey.ID, notJSON), types.ErrInvalidStatement, []string{"not an in-toto statement"}},
		{"no predicate", subMsg(f.acmeCI, acmeKey.ID, noPredicate), types.ErrInvalidStatement, []string{"predicate"}},
		{"predicate type not a URI", subMsg(f.acmeCI, acmeKey.ID, badPredicateType), types.ErrInvalidPredicate, []string{"absolute URI"}},
		{"predicate type not allowed for the named key", subMsg(f.acmeCI, acmeEd.ID, envelope(acmeEd, ptVuln, attestutil.Vuln())), types.ErrPredicateNotAllowed, []string{`"acme-ed"`, ptVuln}},
		{"unknown named key", subMsg(f.acmeCI, "nope", good), types.ErrKeyNotFound, []string{`"nope"`}},
		{"invalid key id", subMsg(f.acmeCI, "Nope!", good), types.ErrInvalidKey, []string{"key_id"}},
		{"oversize payload", subMsg(f.acmeCI, acmeKey.ID, oversize), types.ErrEnvelopeTooLarge, []string{"at most 65536", ptRef, "digest and location"}},
		{"no signatures", subMsg(f.acmeCI, acmeKey.ID, noSigs), types.ErrInvalidEnvelope, []string{"no signature"}},
		{"empty payload", subMsg(f.acmeCI, acmeKey.ID, emptyPayload), types.ErrInvalidEnvelope, []string{"payload is empty"}},
		{"too many signatures", subMsg(f.acmeCI, acmeKey.ID, manySigs), types.ErrInvalidEnvelope, []string{"9 signatures, at most 8"}},
		{"test result neither passed nor failed", subMsg(f.acmeCI, acmeKey.ID, testInvalid), types.ErrInvalidPredicate, []string{`"MAYBE"`}},
		{"approval without approver", subMsg(f.acmeCI, acmeKey.ID, approvalNoApprover), types.ErrInvalidPredicate, []string{"approver is required"}},
		{"SLSA predicate of the wrong shape", subMsg(f.acmeCI, acmeKey.ID, slsaWrongShape), types.ErrInvalidPredicate, []string{ptSLSA}},
		{"deployer may not submit", subMsg(f.acmeDeployer, acmeKey.ID, good), consortiumtypes.ErrMissingRole, nil},
		{"inactive member", subMsg(f.inactive, acmeKey.ID, good), consortiumtypes.ErrInactiveMember, nil},
		{"non-member", subMsg(f.nonMember, acmeKey.ID, good), consortiumtypes.ErrNotMember, nil},
		{"bad submitter address", subMsg("ship1xyz", acmeKey.ID, good), types.ErrInvalidAddress, []string{"submitter"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.class, tc.contains...)
		})
	}
	_, err := f.msgs.SubmitAttestation(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	// The good envelope itself is accepted: the cases above fail for their
	// own reason.
	f.submit(t, f.acmeCI, acmeKey.ID, good)
}

func TestSubmitRevokedKey(t *testing.T) {
	f := withKeys(t) // registered at 10, now 11
	f.ctx = f.ctx.WithBlockHeight(20)
	early := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.ctx = f.ctx.WithBlockHeight(30)
	require.Equal(t, int64(25), f.revokeKey(t, f.acmeAdmin, acmeKey.ID, 25))

	env := envelope(acmeKey, ptVuln, attestutil.Vuln())
	f.requireRejected(t, subMsg(f.acmeCI, acmeKey.ID, env), types.ErrKeyRevoked, `"acme-ci" is revoked from height 25`, "key leaked")
	f.requireRejected(t, subMsg(f.acmeCI, "", env), types.ErrNoAttestorKey)

	// Revoked from the current height: refused in that very block.
	f.revokeKey(t, f.globexAdmin, globexKey.ID, 0)
	f.requireRejected(t, subMsg(f.globexCI, globexKey.ID, envelope(globexKey, ptSLSA, slsaPredicate)), types.ErrKeyRevoked, "from height 30")

	// The attestation made before the revocation height is kept.
	require.False(t, f.attestation(t, early).Revoked)
}

func TestSubmitValidityWindow(t *testing.T) {
	f := newFixture(t)
	msg := regMsg(f.acmeAdmin, acmeKey, ptSLSA)
	msg.NotBefore = ptr(genesisTime.Add(time.Hour))
	msg.NotAfter = ptr(genesisTime.Add(3 * time.Hour))
	_, err := f.msgs.RegisterAttestorKey(f.ctx, msg)
	require.NoError(t, err)

	env := func() types.Envelope { return envelope(acmeKey, ptSLSA, slsaPredicate) }
	f.requireRejected(t, subMsg(f.acmeCI, acmeKey.ID, env()), types.ErrKeyNotValid, `"acme-ci" is valid from 2026-03-01T13:00:00Z`)
	f.requireRejected(t, subMsg(f.acmeCI, "", env()), types.ErrNoAttestorKey)
	f.advance(time.Hour) // exactly not_before
	f.submit(t, f.acmeCI, acmeKey.ID, env())
	f.advance(2*time.Hour - time.Second)
	f.submit(t, f.acmeCI, "", env())
	f.advance(time.Second) // exactly not_after
	f.requireRejected(t, subMsg(f.acmeCI, acmeKey.ID, env()), types.ErrKeyNotValid, "expired at 2026-03-01T15:00:00Z")
}

func TestSubmitDuplicateIsIdempotent(t *testing.T) {
	f := withKeys(t)
	env := envelope(acmeKey, ptSLSA, slsaPredicate)
	id := f.submit(t, f.acmeCI, acmeKey.ID, env)
	f.nextBlock()
	for _, submitter := range []string{f.acmeCI, f.acmeCI2, f.globexCI} {
		f.requireNoEffect(t, func() {
			res, err := f.msgs.SubmitAttestation(f.ctx, subMsg(submitter, "", env))
			require.NoError(t, err)
			require.Equal(t, id, res.Id)
			require.True(t, res.Existing)
		})
	}
	require.Equal(t, f.acmeCI, f.attestation(t, id).Submitter, "the first submission is kept")

}

func TestSubmitReference(t *testing.T) {
	refDigest := "sha256:" + strings.Repeat("cd", 32)
	ref := func(predicateType string) map[string]any {
		return map[string]any{"envelopeDigest": refDigest, "location": "https://sbom.acme.example/api/1.intoto.json", "size": 5 << 20, "predicateType": predicateType}
	}
	t.Run("stored as the referenced type", func(t *testing.T) {
		f := withKeys(t)
		id := f.attest(t, f.acmeCI, acmeKey, ptRef, ref(ptSPDX))
		a := f.attestation(t, id)
		require.Equal(t, ptSPDX, a.PredicateType)
		require.Equal(t, &types.EnvelopeReference{Digest: refDigest, Location: "https://sbom.acme.example/api/1.intoto.json", Size_: 5 << 20}, a.Reference)
		require.Equal(t, &types.SBOMSummary{Format: "spdx"}, a.Summary.Sbom, "SBOM presence needs no predicate content")
		ids, err := f.queries.Attestations(f.ctx, &types.QueryAttestationsRequest{PredicateType: ptSPDX})
		require.NoError(t, err)
		require.Len(t, ids.Attestations, 1)
	})
	t.Run("kinds needing content get an empty summary", func(t *testing.T) {
		f := withKeys(t)
		a := f.attestation(t, f.attest(t, f.acmeCI, acmeKey, ptRef, ref(ptSLSA)))
		require.Equal(t, ptSLSA, a.PredicateType)
		require.NotNil(t, a.Reference)
		require.Equal(t, types.PredicateSummary{}, a.Summary)
	})
	t.Run("the key must allow the referenced type", func(t *testing.T) {
		f := newFixture(t)
		f.register(t, f.acmeAdmin, acmeKey, ptSLSA)
		f.requireRejected(t, subMsg(f.acmeCI, acmeKey.ID, envelope(acmeKey, ptRef, ref(ptSPDX))), types.ErrPredicateNotAllowed, ptSPDX)
		f.requireRejected(t, subMsg(f.acmeCI, "", envelope(acmeKey, ptRef, ref(ptSPDX))), types.ErrNoAttestorKey, ptSPDX)
	})
	t.Run("malformed references refused", func(t *testing.T) {
		f := withKeys(t)
		mod := func(k string, v any) map[string]any {
			r := ref(ptSPDX)
			r[k] = v
			return r
		}
		for _, tc := range []struct {
			name      string
			predicate any
			contains  string
		}{
			{"digest not a digest", mod("envelopeDigest", "abc"), "reference envelopeDigest"},
			{"digest sha1", mod("envelopeDigest", "sha1:"+strings.Repeat("ab", 20)), "reference envelopeDigest"},
			{"no location", mod("location", ""), "reference location must be 1 to 1024 bytes"},
			{"location too long", mod("location", strings.Repeat("l", 1025)), "reference location"},
			{"predicate type missing", mod("predicateType", ""), "reference predicateType"},
			{"predicate type not a URI", mod("predicateType", "spdx"), "reference predicateType"},
			{"reference to a reference", mod("predicateType", ptRef), "cannot reference another reference"},
			{"size not a number", mod("size", "big"), "reference predicate"},
			{"digest not a string", mod("envelopeDigest", 5), "reference predicate"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				f.requireRejected(t, subMsg(f.acmeCI, acmeKey.ID, envelope(acmeKey, ptRef, tc.predicate)), types.ErrInvalidPredicate, tc.contains)
			})
		}
	})
}

func TestSubmitPredicateSummaries(t *testing.T) {
	f := newFixture(t)
	const spdx23 = "https://spdx.dev/Document/v2.3"
	const cdx15 = "https://cyclonedx.org/bom/v1.5"
	f.register(t, f.acmeAdmin, acmeKey, append([]string{spdx23, cdx15}, allPredicates...)...)
	slsa02 := map[string]any{
		"builder":    map[string]any{"id": "https://cloudbuild.googleapis.com/GoogleHostedWorker"},
		"buildType":  "https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1",
		"invocation": map[string]any{"configSource": map[string]any{"uri": "git+https://github.com/acme/web@refs/heads/main", "digest": map[string]string{"sha1": "fedcba9876543210fedcba9876543210fedcba98"}}},
	}
	for _, tc := range []struct {
		name      string
		pt        string
		predicate any
		want      types.PredicateSummary
	}{
		{"SLSA v1", ptSLSA, slsaPredicate, types.PredicateSummary{Provenance: &types.ProvenanceSummary{
			BuilderId:        "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0",
			BuildType:        "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
			SourceRepository: "https://github.com/acme/api",
			SourceCommit:     "0123456789abcdef0123456789abcdef01234567",
		}}},
		{"SLSA v0.2", ptSLSA02, slsa02, types.PredicateSummary{Provenance: &types.ProvenanceSummary{
			BuilderId:        "https://cloudbuild.googleapis.com/GoogleHostedWorker",
			BuildType:        "https://cloudbuild.googleapis.com/CloudBuildYaml@v0.1",
			SourceRepository: "https://github.com/acme/web",
			SourceCommit:     "fedcba9876543210fedcba9876543210fedcba98",
		}}},
		{"vulnerabilities", ptVuln, attestutil.Vuln("CRITICAL", "HIGH", "HIGH", "MEDIUM", "LOW", "LOW", "LOW", "UNKNOWN"), types.PredicateSummary{Vulnerabilities: &types.VulnerabilitySummary{
			Scanner: "pkg:github/aquasecurity/trivy@0.50.0", Critical: 1, High: 2, Medium: 1, Low: 3, Unknown: 1,
		}}},
		{"clean scan", ptVuln, attestutil.Vuln(), types.PredicateSummary{Vulnerabilities: &types.VulnerabilitySummary{Scanner: "pkg:github/aquasecurity/trivy@0.50.0"}}},
		{"SPDX", ptSPDX, map[string]any{"spdxVersion": "SPDX-2.3"}, types.PredicateSummary{Sbom: &types.SBOMSummary{Format: "spdx"}}},
		{"SPDX versioned", spdx23, map[string]any{"spdxVersion": "SPDX-2.3"}, types.PredicateSummary{Sbom: &types.SBOMSummary{Format: "spdx"}}},
		{"CycloneDX", ptCDX, map[string]any{"bomFormat": "CycloneDX"}, types.PredicateSummary{Sbom: &types.SBOMSummary{Format: "cyclonedx"}}},
		{"CycloneDX versioned", cdx15, map[string]any{"bomFormat": "CycloneDX"}, types.PredicateSummary{Sbom: &types.SBOMSummary{Format: "cyclonedx"}}},
		{"tests passed", ptTest, attestutil.TestResult("PASSED", 3, 0), types.PredicateSummary{TestResult: &types.TestResultSummary{Passed: true, Result: "PASSED", PassedTests: 3}}},
		{"tests failed", ptTest, attestutil.TestResult("FAILED", 3, 2), types.PredicateSummary{TestResult: &types.TestResultSummary{Result: "FAILED", PassedTests: 3, FailedTests: 2}}},
		{"tests warned is not passed", ptTest, attestutil.TestResult("warned", 1, 0), types.PredicateSummary{TestResult: &types.TestResultSummary{Result: "WARNED", PassedTests: 1}}},
		{"approval", ptApproval, attestutil.Approval("alice@globex", "prod", "reviewed diff"), types.PredicateSummary{Approval: &types.ApprovalSummary{Approver: "alice@globex", Environment: "prod", Note: "reviewed diff"}}},
		{"approval for any environment", ptApproval, attestutil.Approval("alice@globex", "", ""), types.PredicateSummary{Approval: &types.ApprovalSummary{Approver: "alice@globex"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id := f.attest(t, f.acmeCI, acmeKey, tc.pt, tc.predicate)
			require.Equal(t, tc.want, f.attestation(t, id).Summary)
		})
	}
}

func TestSubmitChargesVerificationGas(t *testing.T) {
	gasOf := func(f *fixture, msg *types.MsgSubmitAttestation) (uint64, error) {
		ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		_, err := f.msgs.SubmitAttestation(ctx, msg)
		return ctx.GasMeter().GasConsumed(), err
	}
	f := withKeys(t)
	named, err := gasOf(f, subMsg(f.acmeCI, acmeKey.ID, envelope(acmeKey, ptSLSA, slsaPredicate)))
	require.NoError(t, err)
	require.GreaterOrEqual(t, named, uint64(2000), "one verification attempt")

	// A failed verification is charged too.
	failed, err := gasOf(f, subMsg(f.acmeCI, acmeKey.ID, envelope(stranger, ptSLSA, slsaPredicate)))
	require.ErrorIs(t, err, types.ErrInvalidSignature)
	require.GreaterOrEqual(t, failed, uint64(2000))

	// Discovery over three usable keys with two signatures: 3*2 attempts.
	f.register(t, f.acmeAdmin, acmeEd, ptSLSA)
	f.register(t, f.acmeAdmin, acmeRSA, ptSLSA)
	env := attestutil.SignStatement(stmt(ptSLSA, slsaPredicate, webArtifact), stranger, acmeRSA)
	discovered, err := gasOf(f, subMsg(f.acmeCI, "", env))
	require.NoError(t, err)
	require.GreaterOrEqual(t, discovered, uint64(6*2000))
	// Store writes are the same for both; the difference is verification.
	require.GreaterOrEqual(t, discovered-named, uint64(5*2000)-uint64(2000), "got "+strconv.FormatUint(discovered, 10)+" vs "+strconv.FormatUint(named, 10))
}

func TestRevokeAttestation(t *testing.T) {
	f := withKeys(t)
	id := f.attest(t, f.acmeCI, acmeKey, ptSLSA, slsaPredicate)
	f.nextBlock()
	msg := func(admin string, id uint64, reason string) *types.MsgRevokeAttestation {
		return &types.MsgRevokeAttestation{Admin: admin, Id: id, Reason: reason}
	}

	f.requireRejected(t, msg(f.globexAdmin, id, "not yours"), types.ErrOtherOrganization, `attestation 1 was made by organization "acme"`)
	f.requireRejected(t, msg(f.acmeAdmin, id, ""), types.ErrInvalidReason, "reason is required")
	f.requireRejected(t, msg(f.acmeAdmin, 0, "x"), types.ErrInvalidRequest, "id is required")
	f.requireRejected(t, msg(f.acmeAdmin, 99, "x"), types.ErrAttestationNotFound, "attestation 99")
	f.requireRejected(t, msg(f.acmeCI, id, "x"), consortiumtypes.ErrMissingRole)
	f.requireRejected(t, msg(f.nonMember, id, "x"), consortiumtypes.ErrNotMember)

	_, err := f.msgs.RevokeAttestation(f.ctx, msg(f.acmeAdmin, id, "built from a compromised runner"))
	require.NoError(t, err)
	a := f.attestation(t, id)
	require.True(t, a.Revoked)
	require.Equal(t, "built from a compromised runner", a.RevokeReason)
	require.Equal(t, f.acmeAdmin, a.RevokedBy)
	require.Equal(t, f.ctx.BlockHeight(), a.RevokedHeight)
	require.Len(t, f.eventsOf("shiplog.attestations.v1.EventAttestationRevoked"), 1)

	f.nextBlock()
	f.requireRejected(t, msg(f.acmeAdmin, id, "again"), types.ErrAlreadyRevoked, "attestation 1 was revoked at height 12", "compromised runner")
	_, err = f.msgs.RevokeAttestation(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

// The keyid hints are unauthenticated (verifyingKey clears them): the same
// signed payload with another hint is the same evidence and should not be
// stored again, or anyone holding an envelope can replay it as many new
// attestations of its signer.
func TestSubmitDuplicateWithOtherKeyIDHint(t *testing.T) {
	f := withKeys(t)
	env := envelope(acmeKey, ptSLSA, slsaPredicate)
	id := f.submit(t, f.acmeCI, acmeKey.ID, env)
	for _, hint := range []string{"", "anything"} {
		replay := env
		replay.Signatures = []types.Signature{{Keyid: hint, Sig: env.Signatures[0].Sig}}
		f.requireNoEffect(t, func() {
			res, err := f.msgs.SubmitAttestation(f.ctx, subMsg(f.globexCI, acmeKey.ID, replay))
			require.NoError(t, err)
			require.Equal(t, id, res.Id)
			require.True(t, res.Existing)
		})
	}
}
