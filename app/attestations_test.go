package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/testutil"
	attestationstypes "github.com/shiplog/shiplog/x/attestations/types"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// propose submits msgs as one consortium proposal; with one organisation it
// executes in the same block.
func (c *chain) propose(seq uint64, title string, msgs ...sdk.Msg) {
	c.t.Helper()
	anys := make([]*codectypes.Any, len(msgs))
	for i, m := range msgs {
		var err error
		anys[i], err = codectypes.NewAnyWithValue(m)
		require.NoError(c.t, err)
	}
	res := c.nextBlock(c.signTxSeq(c.admin, seq, &consortiumtypes.MsgSubmitProposal{Proposer: addr(c.admin), Title: title, Messages: anys}))
	require.Zero(c.t, res.TxResults[0].Code, res.TxResults[0].Log)
}

// A production deployment is refused until the evidence the policy requires
// is on chain, then accepted with the decision stored on the record.
func TestProductionDeploymentNeedsVerifiedProvenance(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	authority := authtypes.NewModuleAddress(consortiumtypes.ModuleName).String()
	const builder = "https://github.com/actions/runner"
	setPolicy := &attestationstypes.MsgSetPolicy{
		Authority:   authority,
		Environment: "prod",
		Mode:        attestationstypes.POLICY_MODE_ENFORCE,
		Requirements: []attestationstypes.Requirement{{
			Name: "slsa-build", PredicateType: attestationstypes.PredicateSLSAProvenanceV1,
			AttestorOrganizations: []string{"acme"}, BuilderIds: []string{builder},
		}},
	}

	// The policy is an authority message: sent directly it is refused.
	res := c.nextBlock(c.signTx(c.admin, nil, setPolicy))
	require.NotZero(t, res.TxResults[0].Code)
	_, seq := c.account(c.admin)
	c.propose(seq, "prod needs SLSA provenance", setPolicy)
	p, err := c.app.AttestationsKeeper.GetPolicy(c.ctx(), "prod", 0)
	require.NoError(t, err)
	require.Equal(t, uint64(1), p.Version)

	// Denied: no provenance yet; "production" has no policy.
	artifact := testutil.SHA256Subject("api", "api-1.4.2")
	record := recordMsg(addr(c.admin), "")
	record.Environment = "prod"
	record.Artifacts[0].Digest = artifact.Digest256()
	_, seq = c.account(c.admin)
	unpoliced := recordMsg(addr(c.admin), "")
	unpoliced.Artifacts[0].Digest = artifact.Digest256()
	res = c.nextBlock(c.signTxSeq(c.admin, seq, record), c.signTxSeq(c.admin, seq+1, unpoliced))
	require.Equal(t, attestationstypes.ErrPolicyDenied.ABCICode(), res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, attestationstypes.ModuleName, res.TxResults[0].Codespace)
	require.Contains(t, res.TxResults[0].Log, `requirement "slsa-build": no valid https://slsa.dev/provenance/v1 attestation`)
	require.Zero(t, res.TxResults[1].Code, res.TxResults[1].Log)

	// The attestor key is registered and an envelope signed with it submitted.
	signer := testutil.NewP256("acme-ci")
	_, seq = c.account(c.admin)
	register := &attestationstypes.MsgRegisterAttestorKey{
		Admin: addr(c.admin), KeyId: "acme-ci", PublicKey: signer.PublicPEM(),
		PredicateTypes: []string{attestationstypes.PredicateSLSAProvenanceV1},
	}
	env := testutil.SignStatement(testutil.Statement(attestationstypes.StatementTypeV1, attestationstypes.PredicateSLSAProvenanceV1,
		testutil.SLSAv1(builder, "https://github.com/acme/api", "9fceb02d0ae598e95dc970b74767f19372d61af8"), artifact), signer)
	submit := &attestationstypes.MsgSubmitAttestation{Submitter: addr(c.admin), Envelope: env}
	res = c.nextBlock(c.signTxSeq(c.admin, seq, register), c.signTxSeq(c.admin, seq+1, submit))
	for _, r := range res.TxResults {
		require.Zero(t, r.Code, r.Log)
	}

	// CI asks first, then deploys.
	dec, err := c.app.AttestationsKeeper.Evaluate(c.ctx(), "prod", "acme", []string{artifact.Digest256()}, false)
	require.NoError(t, err)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, dec.Outcome)
	res = c.nextBlock(c.signTx(c.admin, nil, record))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)

	it, err := c.app.DeploymentsKeeper.Deployments.Iterate(c.ctx(), nil)
	require.NoError(t, err)
	all, err := it.Values()
	require.NoError(t, err)
	require.Len(t, all, 2)
	prod := all[1]
	require.Equal(t, "prod", prod.Environment)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_ALLOWED, prod.PolicyDecision.Outcome)
	require.Equal(t, uint64(1), prod.PolicyDecision.PolicyVersion)
	require.Equal(t, []uint64{1}, prod.PolicyDecision.AttestationIds)
	require.Equal(t, deploymentstypes.POLICY_OUTCOME_NO_POLICY, all[0].PolicyDecision.Outcome)
}
