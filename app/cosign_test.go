package app_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/client/cli"
	attestationstypes "github.com/shiplog/shiplog/x/attestations/types"
)

// Envelopes cosign wrote (testdata/cosign) verify unchanged against the
// cosign.pub registered as an attestor key, without naming the key (cosign
// leaves keyid empty), and their predicates are summarised.
func TestCosignEnvelopesVerifyUnchanged(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	pub, err := os.ReadFile("testdata/cosign/cosign.pub")
	require.NoError(t, err)
	blob, err := os.ReadFile("testdata/cosign/checkout.tar")
	require.NoError(t, err)
	sum := sha256.Sum256(blob)
	subject := "sha256:" + hex.EncodeToString(sum[:])

	_, seq := c.account(c.admin)
	txs := [][]byte{c.signTxSeq(c.admin, seq, &attestationstypes.MsgRegisterAttestorKey{
		Admin: addr(c.admin), KeyId: "cosign-ci", PublicKey: string(pub),
		PredicateTypes: []string{attestationstypes.PredicateSLSAProvenanceV1, attestationstypes.PredicateCosignVuln},
	})}
	for i, file := range []string{"checkout.intoto.json", "checkout.vuln.intoto.json"} {
		bz, err := os.ReadFile("testdata/cosign/" + file)
		require.NoError(t, err)
		env, err := cli.ParseEnvelope(bz)
		require.NoError(t, err)
		require.Empty(t, env.Signatures[0].Keyid, "cosign writes no keyid")
		txs = append(txs, c.signTxSeq(c.admin, seq+1+uint64(i), &attestationstypes.MsgSubmitAttestation{Submitter: addr(c.admin), Envelope: env}))
	}
	res := c.nextBlock(txs...)
	for _, r := range res.TxResults {
		require.Zero(t, r.Code, r.Log)
	}

	prov, err := c.app.AttestationsKeeper.GetAttestation(c.ctx(), 1)
	require.NoError(t, err)
	require.Equal(t, attestationstypes.StatementTypeV01, prov.StatementType)
	require.Equal(t, "cosign-ci", prov.KeyId)
	require.Equal(t, []string{subject}, attestationstypes.SubjectDigests(prov.Subjects))
	require.Equal(t, &attestationstypes.ProvenanceSummary{
		BuilderId:        "https://github.com/actions/runner",
		BuildType:        "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
		SourceRepository: "https://github.com/shop/checkout",
		SourceCommit:     "9fceb02d0ae598e95dc970b74767f19372d61af8",
	}, prov.Summary.Provenance)

	vuln, err := c.app.AttestationsKeeper.GetAttestation(c.ctx(), 2)
	require.NoError(t, err)
	require.Equal(t, &attestationstypes.VulnerabilitySummary{
		Scanner: "pkg:github/aquasecurity/trivy@0.50.0", High: 1, Medium: 1, Low: 2,
	}, vuln.Summary.Vulnerabilities)

	// One changed character of the payload (the source commit) and the
	// signature no longer verifies.
	bz, err := os.ReadFile("testdata/cosign/checkout.intoto.json")
	require.NoError(t, err)
	env, err := cli.ParseEnvelope(bz)
	require.NoError(t, err)
	env.Payload = bytes.Replace(env.Payload, []byte("9fceb02d"), []byte("9fceb02e"), 1)
	res = c.nextBlock(c.signTx(c.admin, nil, &attestationstypes.MsgSubmitAttestation{Submitter: addr(c.admin), Envelope: env}))
	require.Equal(t, attestationstypes.ErrInvalidSignature.ABCICode(), res.TxResults[0].Code, res.TxResults[0].Log)
}
