package types_test

import (
	"strings"
	"testing"
	"time"

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
	require.Len(t, roles, 4)
	for _, url := range []string{"/shiplog.deployments.v1.MsgRecordDeployment", "/shiplog.deployments.v1.MsgUpdateDeploymentStatus", "/shiplog.deployments.v1.MsgRecordDeployments"} {
		role, ok := roles[url]
		require.True(t, ok, url)
		require.Equal(t, "deployer", role.ShortName())
	}
	// A break-glass review is an admin's call (of another organisation).
	require.Equal(t, "admin", roles["/shiplog.deployments.v1.MsgReviewBreakGlass"].ShortName())
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

func TestSucceededAt(t *testing.T) {
	t0 := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(time.Minute)
	tr := func(from, to types.DeploymentStatus, at time.Time) types.StatusTransition {
		return types.StatusTransition{From: from, To: to, Time: at}
	}
	unspec, inProgress := types.DEPLOYMENT_STATUS_UNSPECIFIED, types.DEPLOYMENT_STATUS_IN_PROGRESS
	for name, tc := range map[string]struct {
		transitions []types.StatusTransition
		want        time.Time
		ok          bool
	}{
		"recorded succeeded": {[]types.StatusTransition{tr(unspec, types.DEPLOYMENT_STATUS_SUCCEEDED, t0)}, t0, true},
		"moved to succeeded": {[]types.StatusTransition{tr(unspec, inProgress, t0), tr(inProgress, types.DEPLOYMENT_STATUS_SUCCEEDED, t1)}, t1, true},
		"in progress":        {[]types.StatusTransition{tr(unspec, inProgress, t0)}, time.Time{}, false},
		"failed":             {[]types.StatusTransition{tr(unspec, inProgress, t0), tr(inProgress, types.DEPLOYMENT_STATUS_FAILED, t1)}, time.Time{}, false},
		"rolled back":        {[]types.StatusTransition{tr(unspec, types.DEPLOYMENT_STATUS_ROLLED_BACK, t0)}, time.Time{}, false},
		"no transitions":     {nil, time.Time{}, false},
	} {
		got, ok := types.SucceededAt(types.Deployment{Transitions: tc.transitions})
		require.Equal(t, tc.ok, ok, name)
		require.Equal(t, tc.want, got, name)
	}
}

func TestValidateFixesIncidents(t *testing.T) {
	require.NoError(t, types.ValidateFixesIncidents(nil))
	require.NoError(t, types.ValidateFixesIncidents([]uint64{9, 1, 5}))
	many := make([]uint64, types.MaxFixesIncidents+1)
	for i := range many {
		many[i] = uint64(i + 1)
	}
	require.NoError(t, types.ValidateFixesIncidents(many[:types.MaxFixesIncidents]))
	for _, tc := range []struct {
		ids  []uint64
		part string
	}{
		{many, "17 incident ids, at most 16 allowed"},
		{[]uint64{0}, "fixes_incidents[0] is 0"},
		{[]uint64{1, 2, 1}, "incident 1 repeated (fixes_incidents[0] and [2])"},
	} {
		err := types.ValidateFixesIncidents(tc.ids)
		require.ErrorIs(t, err, types.ErrInvalidFixesIncidents, tc.part)
		require.ErrorContains(t, err, tc.part)
	}
}

func TestValidateBreakGlass(t *testing.T) {
	for _, ok := range []string{"", "sev1 outage, approved by on-call", "line 1\n\tline 2", strings.Repeat("é", types.MaxBreakGlassLength/2)} {
		require.NoError(t, types.ValidateBreakGlass(ok), ok)
	}
	for in, part := range map[string]string{
		strings.Repeat("x", types.MaxBreakGlassLength+1): "break_glass is 1025 bytes, at most 1024 allowed",
		"bell\a": "non-printable character U+0007 at byte 4",
		"\xff":   "not valid UTF-8",
		"cr\rlf": "non-printable",
		"\u200b": "non-printable", // zero-width space: invisible text is not a justification
		"   ":    "it is blank",
		"\n\t":   "it is blank",
	} {
		err := types.ValidateBreakGlass(in)
		require.ErrorIs(t, err, types.ErrInvalidBreakGlass, in)
		require.ErrorContains(t, err, part)
	}
}
