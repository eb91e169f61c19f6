package cli_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/client/cli"
	"github.com/shiplog/shiplog/x/deployments/types"
)

const (
	hex64 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
	dg    = "sha256:" + hex64
)

func TestParseArtifact(t *testing.T) {
	for in, want := range map[string]types.Artifact{
		"api=" + dg: {Name: "api", Digest: dg},
		"api=" + dg + "@registry.example/api:1.2":   {Name: "api", Digest: dg, Uri: "registry.example/api:1.2"},
		"api=" + dg + "@registry.example/api@" + dg: {Name: "api", Digest: dg, Uri: "registry.example/api@" + dg},
		"@scope/pkg=" + dg:                          {Name: "@scope/pkg", Digest: dg},
		"app.tar.gz=sha512:" + hex64 + hex64:        {Name: "app.tar.gz", Digest: "sha512:" + hex64 + hex64},
	} {
		got, err := cli.ParseArtifact(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for in, tc := range map[string]struct {
		err  error
		part string
	}{
		"api":                                  {types.ErrInvalidArtifact, "missing '='"},
		"=" + dg:                               {types.ErrInvalidArtifact, "empty NAME"},
		"api=" + dg + "@":                      {types.ErrInvalidArtifact, "empty URI"},
		"api=":                                 {types.ErrInvalidDigest, "missing ':'"},
		"api=md5:abc":                          {types.ErrInvalidDigest, `algorithm "md5"`},
		"api=sha256:" + hex64[:60]:             {types.ErrInvalidDigest, "60 characters"},
		"api=sha256:" + strings.ToUpper(hex64): {types.ErrInvalidDigest, "lowercase"},
	} {
		_, err := cli.ParseArtifact(in)
		require.ErrorIs(t, err, tc.err, in)
		require.Contains(t, err.Error(), "--artifact", in)
		require.Contains(t, err.Error(), in, "the error quotes the bad value")
		require.Contains(t, err.Error(), tc.part, in)
	}
}

func TestParseLabel(t *testing.T) {
	for in, want := range map[string]types.Label{
		"team=payments": {Key: "team", Value: "payments"},
		"empty=":        {Key: "empty"},
		"expr=a=b":      {Key: "expr", Value: "a=b"},
		"k8s.io/app=x":  {Key: "k8s.io/app", Value: "x"},
	} {
		got, err := cli.ParseLabel(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"team", "=x", "Team=x", "team=" + strings.Repeat("v", 257), strings.Repeat("k", 65) + "=v"} {
		_, err := cli.ParseLabel(in)
		require.ErrorIs(t, err, types.ErrInvalidLabel, in)
		require.Contains(t, err.Error(), "--label", in)
	}
}

func TestRecordMsgFromFlags(t *testing.T) {
	cmd := cli.NewRecordCmd(nil)
	fs := cmd.Flags()
	for _, kv := range [][2]string{
		{cli.FlagArtifact, "api=" + dg + "@registry.example/api:1.2"},
		{cli.FlagArtifact, "web=" + dg},
		{cli.FlagRepo, "https://git.example/api"},
		{cli.FlagCommit, "9fceb02"},
		{cli.FlagCommitTime, "2025-03-01T11:00:00+01:00"},
		{cli.FlagPipeline, "github-actions"},
		{cli.FlagRunID, "812"},
		{cli.FlagRunURL, "https://ci.example/812"},
		{cli.FlagStrategy, "blue-green"},
		{cli.FlagStatus, "succeeded"},
		{cli.FlagRollbackOf, "7"},
		{cli.FlagLabel, "team=payments"},
		{cli.FlagLabel, "tier=1"},
		{cli.FlagExternalID, "gha-812"},
		{cli.FlagReason, "hotfix"},
		{cli.FlagFixesIncident, "12"},
		{cli.FlagFixesIncident, "3"},
		{cli.FlagBreakGlass, "sev1 checkout outage, approved by on-call"},
	} {
		require.NoError(t, fs.Set(kv[0], kv[1]))
	}
	msg, err := cli.RecordMsgFromFlags("ship1deployer", []string{"api", "prod", "1.2.0"}, fs)
	require.NoError(t, err)
	commitTime := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	require.Equal(t, &types.MsgRecordDeployment{
		Deployer:    "ship1deployer",
		Service:     "api",
		Environment: "prod",
		Version:     "1.2.0",
		Artifacts: []types.Artifact{
			{Name: "api", Digest: dg, Uri: "registry.example/api:1.2"},
			{Name: "web", Digest: dg},
		},
		Source:         types.Source{Repository: "https://git.example/api", Commit: "9fceb02", CommitTime: &commitTime},
		Pipeline:       types.Pipeline{System: "github-actions", RunId: "812", RunUrl: "https://ci.example/812"},
		Strategy:       types.STRATEGY_BLUE_GREEN,
		Status:         types.DEPLOYMENT_STATUS_SUCCEEDED,
		RollbackOf:     7,
		Labels:         []types.Label{{Key: "team", Value: "payments"}, {Key: "tier", Value: "1"}},
		ExternalId:     "gha-812",
		Reason:         "hotfix",
		FixesIncidents: []uint64{12, 3},
		BreakGlass:     "sev1 checkout outage, approved by on-call",
	}, msg)
	require.NoError(t, msg.Validate())
}

func TestRecordMsgFromFlagsErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		flags [][2]string
		err   error
		part  string
	}{
		"no artifact":                 {nil, types.ErrInvalidArtifact, "--artifact is required"},
		"bad artifact":                {[][2]string{{cli.FlagArtifact, "api"}}, types.ErrInvalidArtifact, `--artifact "api"`},
		"bad label":                   {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagLabel, "nolabel"}}, types.ErrInvalidLabel, `--label "nolabel"`},
		"bad commit time":             {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagCommitTime, "yesterday"}}, types.ErrInvalidSource, `--commit-time "yesterday"`},
		"bad strategy":                {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagStrategy, "yolo"}}, types.ErrInvalidStrategy, `--strategy`},
		"bad status":                  {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagStatus, "done"}}, types.ErrInvalidStatus, `--status`},
		"fixes-incident not a number": {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagFixesIncident, "INC-7"}}, types.ErrInvalidFixesIncidents, `--fixes-incident "INC-7" is not a positive incident id`},
		"fixes-incident zero":         {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagFixesIncident, "0"}}, types.ErrInvalidFixesIncidents, `--fixes-incident "0"`},
		"fixes-incident negative":     {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagFixesIncident, "-1"}}, types.ErrInvalidFixesIncidents, `--fixes-incident "-1"`},
		"fixes-incident list":         {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagFixesIncident, "1,2"}}, types.ErrInvalidFixesIncidents, `--fixes-incident "1,2"`},
		"fixes-incident repeated": {[][2]string{{cli.FlagArtifact, "api=" + dg}, {cli.FlagFixesIncident, "7"}, {cli.FlagFixesIncident, "7"}},
			types.ErrInvalidFixesIncidents, "--fixes-incident: incident 7 repeated"},
	} {
		t.Run(name, func(t *testing.T) {
			fs := cli.NewRecordCmd(nil).Flags()
			for _, kv := range tc.flags {
				require.NoError(t, fs.Set(kv[0], kv[1]))
			}
			_, err := cli.RecordMsgFromFlags("ship1x", []string{"api", "prod", "1"}, fs)
			require.ErrorIs(t, err, tc.err)
			require.Contains(t, err.Error(), tc.part)
		})
	}
	// --rollback-of is a uint64 flag: pflag rejects a bad value itself.
	fs := cli.NewRecordCmd(nil).Flags()
	require.ErrorContains(t, fs.Set(cli.FlagRollbackOf, "-1"), "invalid syntax")
}

func TestSetStatusMsg(t *testing.T) {
	msg, err := cli.SetStatusMsg("ship1x", "42", "succeeded", "green")
	require.NoError(t, err)
	require.Equal(t, &types.MsgUpdateDeploymentStatus{Deployer: "ship1x", Id: 42, Status: types.DEPLOYMENT_STATUS_SUCCEEDED, Reason: "green"}, msg)
	msg, err = cli.SetStatusMsg("ship1x", "1", "DEPLOYMENT_STATUS_ROLLED_BACK", "")
	require.NoError(t, err)
	require.Equal(t, types.DEPLOYMENT_STATUS_ROLLED_BACK, msg.Status)

	_, err = cli.SetStatusMsg("ship1x", "abc", "succeeded", "")
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
	require.Contains(t, err.Error(), `"abc"`)
	_, err = cli.SetStatusMsg("ship1x", "0", "succeeded", "")
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
	_, err = cli.SetStatusMsg("ship1x", "1", "finished", "")
	require.ErrorIs(t, err, types.ErrInvalidStatus)
	require.Contains(t, err.Error(), `"finished"`)
}

func TestTxCommandTree(t *testing.T) {
	cmd := cli.GetTxCmd(nil)
	require.Equal(t, types.ModuleName, cmd.Name())
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
		require.NotNil(t, c.Flags().Lookup("from"), c.Name())
	}
	require.ElementsMatch(t, []string{"record", "record-batch", "set-status"}, names)
}

func TestParseFixesIncidents(t *testing.T) {
	ids, err := cli.ParseFixesIncidents(nil)
	require.NoError(t, err)
	require.Nil(t, ids)
	ids, err = cli.ParseFixesIncidents([]string{"7", "18446744073709551615", "3"})
	require.NoError(t, err)
	require.Equal(t, []uint64{7, 18446744073709551615, 3}, ids, "kept in the order given")

	many := make([]string, types.MaxFixesIncidents+1)
	for i := range many {
		many[i] = strconv.Itoa(i + 1)
	}
	_, err = cli.ParseFixesIncidents(many[:types.MaxFixesIncidents])
	require.NoError(t, err)
	_, err = cli.ParseFixesIncidents(many)
	require.ErrorIs(t, err, types.ErrInvalidFixesIncidents)
	require.ErrorContains(t, err, "--fixes-incident: 17 incident ids, at most 16 allowed")
	for _, bad := range []string{"", " 7", "7 ", "+7", "0x7", "18446744073709551616"} {
		_, err := cli.ParseFixesIncidents([]string{bad})
		require.ErrorIs(t, err, types.ErrInvalidFixesIncidents, bad)
		require.ErrorContains(t, err, fmt.Sprintf("--fixes-incident %q", bad))
	}
}

// Without the freeze flags the message carries neither field, so the content
// digest of an existing retry loop does not change.
func TestRecordMsgFromFlagsNoFreezeFlags(t *testing.T) {
	fs := cli.NewRecordCmd(nil).Flags()
	require.NoError(t, fs.Set(cli.FlagArtifact, "api="+dg))
	msg, err := cli.RecordMsgFromFlags("ship1x", []string{"api", "prod", "1"}, fs)
	require.NoError(t, err)
	require.Nil(t, msg.FixesIncidents)
	require.Empty(t, msg.BreakGlass)
}

// A break-glass text the chain would refuse fails before signing: the record
// command validates the whole message.
func TestRecordBreakGlassValidatedBeforeSigning(t *testing.T) {
	fs := cli.NewRecordCmd(nil).Flags()
	require.NoError(t, fs.Set(cli.FlagArtifact, "api="+dg))
	require.NoError(t, fs.Set(cli.FlagBreakGlass, strings.Repeat("x", types.MaxBreakGlassLength+1)))
	msg, err := cli.RecordMsgFromFlags("ship1x", []string{"api", "prod", "1"}, fs)
	require.NoError(t, err)
	require.ErrorIs(t, msg.Validate(), types.ErrInvalidBreakGlass)
}
