package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// A DeploymentRecord encodes exactly like a MsgRecordDeployment without
// deployer, so a record of a batch and the single message share a content
// digest (and an external id replays across both).
func TestDeploymentRecordMatchesSingleMessage(t *testing.T) {
	r := types.DeploymentRecord{
		Service: "api", Environment: "prod", Version: "1.0",
		Artifacts:      []types.Artifact{{Name: "api", Digest: "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"}},
		Source:         types.Source{Repository: "r", Commit: "abcdef0"},
		Pipeline:       types.Pipeline{System: "gha", RunId: "1"},
		Strategy:       types.STRATEGY_CANARY,
		Status:         types.DEPLOYMENT_STATUS_SUCCEEDED,
		RollbackOf:     3,
		Labels:         []types.Label{{Key: "k", Value: "v"}},
		ExternalId:     "x",
		Reason:         "why",
		FixesIncidents: []uint64{2, 1},
		BreakGlass:     "bg",
	}
	msg := r.Msg("ship1deployer")
	require.Equal(t, "ship1deployer", msg.Deployer)
	rb, err := r.Marshal()
	require.NoError(t, err)
	c := *msg
	c.Deployer = ""
	mb, err := c.Marshal()
	require.NoError(t, err)
	require.Equal(t, mb, rb)

	batch := &types.MsgRecordDeployments{Deployer: "ship1deployer", Records: []types.DeploymentRecord{r, r}}
	require.Equal(t, []*types.MsgRecordDeployment{msg, msg}, batch.Msgs())
}
