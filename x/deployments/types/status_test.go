package types_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/types"
)

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]types.DeploymentStatus{
		"succeeded":                   types.DEPLOYMENT_STATUS_SUCCEEDED,
		"SUCCEEDED":                   types.DEPLOYMENT_STATUS_SUCCEEDED,
		"DEPLOYMENT_STATUS_SUCCEEDED": types.DEPLOYMENT_STATUS_SUCCEEDED,
		" failed ":                    types.DEPLOYMENT_STATUS_FAILED,
		"rolled_back":                 types.DEPLOYMENT_STATUS_ROLLED_BACK,
		"rolled-back":                 types.DEPLOYMENT_STATUS_ROLLED_BACK,
		"halted":                      types.DEPLOYMENT_STATUS_HALTED,
		"in_progress":                 types.DEPLOYMENT_STATUS_IN_PROGRESS,
		"in-progress":                 types.DEPLOYMENT_STATUS_IN_PROGRESS,
	} {
		got, err := types.ParseStatus(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "unspecified", "DEPLOYMENT_STATUS_UNSPECIFIED", "done", "2"} {
		_, err := types.ParseStatus(in)
		require.ErrorIs(t, err, types.ErrInvalidStatus, in)
		require.Contains(t, err.Error(), "succeeded, failed, rolled_back, halted")
	}
}

func TestParseStrategy(t *testing.T) {
	for in, want := range map[string]types.Strategy{
		"canary":            types.STRATEGY_CANARY,
		"blue-green":        types.STRATEGY_BLUE_GREEN,
		"BLUE_GREEN":        types.STRATEGY_BLUE_GREEN,
		"STRATEGY_RECREATE": types.STRATEGY_RECREATE,
		"rolling":           types.STRATEGY_ROLLING,
		"other":             types.STRATEGY_OTHER,
		"unspecified":       types.STRATEGY_UNSPECIFIED,
	} {
		got, err := types.ParseStrategy(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := types.ParseStrategy("big-bang")
	require.ErrorIs(t, err, types.ErrInvalidStrategy)
	require.Equal(t, "rolling, canary, blue_green, recreate, other", types.StrategyNames())
}

func TestStatusHelpers(t *testing.T) {
	require.Equal(t, "rolled_back", types.DEPLOYMENT_STATUS_ROLLED_BACK.ShortName())
	require.Equal(t, "blue_green", types.STRATEGY_BLUE_GREEN.ShortName())
	for _, st := range types.FinalStatuses {
		require.True(t, types.IsFinal(st))
	}
	require.False(t, types.IsFinal(types.DEPLOYMENT_STATUS_IN_PROGRESS))
	require.False(t, types.IsFinal(types.DEPLOYMENT_STATUS_UNSPECIFIED))
	require.False(t, types.DeploymentStatus(9).IsKnown())
	require.True(t, types.DEPLOYMENT_STATUS_UNSPECIFIED.IsKnown())
}

func TestValidateTransition(t *testing.T) {
	all := []types.DeploymentStatus{0, 1, 2, 3, 4, 5, 6}
	for _, from := range all {
		for _, to := range all {
			err := types.ValidateTransition(from, to)
			if from == types.DEPLOYMENT_STATUS_IN_PROGRESS && to.IsFinal() {
				require.NoError(t, err, "%s -> %s", from, to)
				continue
			}
			require.ErrorIs(t, err, types.ErrIllegalTransition, "%s -> %s", from, to)
		}
	}
}

func TestValidateDigest(t *testing.T) {
	hex64 := "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	require.NoError(t, types.ValidateDigest("sha256:"+hex64))
	require.NoError(t, types.ValidateDigest("sha512:"+hex64+hex64))
	for in, part := range map[string]string{
		"":                           "missing ':'",
		hex64:                        "missing ':'",
		"sha1:" + hex64[:40]:         `algorithm "sha1"`,
		"sha256:":                    "0 characters",
		"sha256:" + hex64[:10]:       "10 characters, want 64",
		"sha512:" + hex64:            "64 characters, want 128",
		"sha256:" + hex64[:63] + "A": "lowercase hex",
		"sha256: " + hex64[1:]:       "position 0",
	} {
		err := types.ValidateDigest(in)
		require.ErrorIs(t, err, types.ErrInvalidDigest, in)
		require.Contains(t, err.Error(), part, in)
	}
}

func TestMsgRolesCoverEveryMsg(t *testing.T) {
	roles := types.MsgRoles()
	require.Len(t, roles, 2)
	for _, url := range []string{"/shiplog.deployments.v1.MsgRecordDeployment", "/shiplog.deployments.v1.MsgUpdateDeploymentStatus"} {
		role, ok := roles[url]
		require.True(t, ok, url)
		require.Equal(t, "deployer", role.ShortName())
	}
}

func TestContentDigestIgnoresDeployer(t *testing.T) {
	a := &types.MsgRecordDeployment{Deployer: "ship1a", Service: "api", Environment: "prod", Version: "1"}
	b := *a
	b.Deployer = "ship1b"
	da, err := a.ContentDigest()
	require.NoError(t, err)
	db, err := b.ContentDigest()
	require.NoError(t, err)
	require.Equal(t, da, db)
	require.Equal(t, "ship1a", a.Deployer, "the message itself is not modified")
	b.Version = "2"
	dc, err := b.ContentDigest()
	require.NoError(t, err)
	require.NotEqual(t, da, dc)
}
