// Package testutil signs DSSE envelopes with real keys for the attestations
// tests (unit, app and system): the envelope is produced by the DSSE
// library's EnvelopeSigner, exactly as the in-toto Go tooling produces it.
package testutil

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"

	"github.com/secure-systems-lab/go-securesystemslib/dsse"

	"github.com/shiplog/shiplog/x/attestations/types"
)

// Signer is a test attestor key pair.
type Signer struct {
	ID   string
	priv crypto.Signer
}

// NewP256 / NewEd25519 / NewRSA make fresh key pairs.
func NewP256(keyID string) Signer {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return Signer{ID: keyID, priv: k}
}

func NewEd25519(keyID string) Signer {
	_, k, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		panic(err)
	}
	return Signer{ID: keyID, priv: k}
}

func NewRSA(keyID string, bits int) Signer {
	k, err := rsa.GenerateKey(rand.Reader, bits)
	if err != nil {
		panic(err)
	}
	return Signer{ID: keyID, priv: k}
}

// PublicPEM is the PKIX public key in PEM, as cosign writes cosign.pub.
func (s Signer) PublicPEM() string {
	der, err := x509.MarshalPKIXPublicKey(s.priv.Public())
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// PrivatePEM is the PKCS#8 private key in PEM.
func (s Signer) PrivatePEM() string {
	der, err := x509.MarshalPKCS8PrivateKey(s.priv)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// Sign implements dsse.Signer over the pre-authentication encoding: ECDSA
// and RSA over its SHA-256 (ASN.1 / PKCS#1 v1.5, as cosign), Ed25519 over
// the encoding itself.
func (s Signer) Sign(_ context.Context, data []byte) ([]byte, error) {
	switch k := s.priv.(type) {
	case ed25519.PrivateKey:
		return ed25519.Sign(k, data), nil
	case *ecdsa.PrivateKey:
		sum := sha256.Sum256(data)
		return ecdsa.SignASN1(rand.Reader, k, sum[:])
	case *rsa.PrivateKey:
		sum := sha256.Sum256(data)
		return rsa.SignPKCS1v15(rand.Reader, k, crypto.SHA256, sum[:])
	}
	return nil, fmt.Errorf("unsupported key %T", s.priv)
}

// KeyID implements dsse.Signer: the hint written into the envelope.
func (s Signer) KeyID() (string, error) { return s.ID, nil }

// Subject is one statement subject.
type Subject struct {
	Name   string
	Digest map[string]string
}

// SHA256Subject names an artifact by the sha256 of content.
func SHA256Subject(name, content string) Subject {
	sum := sha256.Sum256([]byte(content))
	return Subject{Name: name, Digest: map[string]string{"sha256": hex.EncodeToString(sum[:])}}
}

// Digest256 is the subject's "sha256:<hex>".
func (s Subject) Digest256() string { return "sha256:" + s.Digest["sha256"] }

// Statement encodes an in-toto statement of statementType (types.StatementTypeV1
// or V01) with a JSON-marshalable predicate.
func Statement(statementType, predicateType string, predicate any, subjects ...Subject) []byte {
	type subject struct {
		Name   string            `json:"name"`
		Digest map[string]string `json:"digest"`
	}
	st := struct {
		Type          string    `json:"_type"`
		Subject       []subject `json:"subject"`
		PredicateType string    `json:"predicateType"`
		Predicate     any       `json:"predicate"`
	}{Type: statementType, PredicateType: predicateType, Predicate: predicate}
	for _, s := range subjects {
		st.Subject = append(st.Subject, subject{Name: s.Name, Digest: s.Digest})
	}
	bz, err := json.Marshal(st)
	if err != nil {
		panic(err)
	}
	return bz
}

// SignDSSE signs payload with the signers through the DSSE library and
// returns the envelope in its JSON form.
func SignDSSE(payloadType string, payload []byte, signers ...Signer) *dsse.Envelope {
	ss := make([]dsse.Signer, len(signers))
	for i, s := range signers {
		ss[i] = s
	}
	es, err := dsse.NewEnvelopeSigner(ss...)
	if err != nil {
		panic(err)
	}
	env, err := es.SignPayload(context.Background(), payloadType, payload)
	if err != nil {
		panic(err)
	}
	return env
}

// Envelope converts the DSSE JSON form to the message form.
func Envelope(e *dsse.Envelope) types.Envelope {
	payload, err := base64.StdEncoding.DecodeString(e.Payload)
	if err != nil {
		panic(err)
	}
	out := types.Envelope{PayloadType: e.PayloadType, Payload: payload}
	for _, s := range e.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		if err != nil {
			panic(err)
		}
		out.Signatures = append(out.Signatures, types.Signature{Keyid: s.KeyID, Sig: sig})
	}
	return out
}

// SignStatement is SignDSSE of an in-toto payload, in message form.
func SignStatement(statement []byte, signers ...Signer) types.Envelope {
	return Envelope(SignDSSE(types.PayloadTypeInToto, statement, signers...))
}

// Predicates the policy tests use.

// SLSAv1 is a minimal SLSA v1 provenance predicate.
func SLSAv1(builderID, repo, commit string) map[string]any {
	return map[string]any{
		"buildDefinition": map[string]any{
			"buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
			"resolvedDependencies": []any{map[string]any{
				"uri":    "git+" + repo + "@refs/heads/main",
				"digest": map[string]string{"gitCommit": commit},
			}},
		},
		"runDetails": map[string]any{"builder": map[string]any{"id": builderID}},
	}
}

// Vuln is a cosign vuln predicate with a Trivy-shaped result holding the
// given severities, one finding each.
func Vuln(severities ...string) map[string]any {
	var vulns []any
	for _, s := range severities {
		vulns = append(vulns, map[string]any{"VulnerabilityID": "CVE-0000-" + s, "Severity": s})
	}
	return map[string]any{
		"invocation": map[string]any{"uri": "ci"},
		"scanner": map[string]any{
			"uri":     "pkg:github/aquasecurity/trivy@0.50.0",
			"version": "0.50.0",
			"result":  map[string]any{"Results": []any{map[string]any{"Target": "app", "Vulnerabilities": vulns}}},
		},
		"metadata": map[string]any{"scanStartedOn": "2026-01-01T00:00:00Z", "scanFinishedOn": "2026-01-01T00:01:00Z"},
	}
}

// TestResult is an in-toto test-result predicate.
func TestResult(result string, passed, failed int) map[string]any {
	p := map[string]any{"result": result, "configuration": []any{}}
	var ps, fs []string
	for i := range passed {
		ps = append(ps, fmt.Sprintf("test-%d", i))
	}
	for i := range failed {
		fs = append(fs, fmt.Sprintf("fail-%d", i))
	}
	p["passedTests"], p["failedTests"] = ps, fs
	return p
}

// Approval is a shiplog approval predicate.
func Approval(approver, environment, note string) map[string]any {
	return map[string]any{"approver": approver, "environment": environment, "note": note}
}
