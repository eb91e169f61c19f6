package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents"
	"github.com/shiplog/shiplog/x/incidents/client/cli"
	"github.com/shiplog/shiplog/x/incidents/types"
)

const dg = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

func setFlags(t *testing.T, cmd *cobra.Command, kvs ...[2]string) {
	t.Helper()
	for _, kv := range kvs {
		require.NoError(t, cmd.Flags().Set(kv[0], kv[1]), kv[0])
	}
}

func TestOpenMsgFromFlags(t *testing.T) {
	cmd := cli.NewOpenCmd(nil)
	setFlags(t, cmd,
		[2]string{cli.FlagSeverity, "sev1"},
		[2]string{cli.FlagAffected, "api=prod"},
		[2]string{cli.FlagAffected, "payments/web=prod-eu"},
		[2]string{cli.FlagSummary, "5xx on checkout"},
		[2]string{cli.FlagDetectedAt, "2025-03-01T15:02:00+01:00"},
		[2]string{cli.FlagSuspect, "42"},
		[2]string{cli.FlagSuspect, "43"},
		[2]string{cli.FlagSource, "alert:checkout-5xx"},
		[2]string{cli.FlagDocDigest, dg},
		[2]string{cli.FlagDocLocation, "https://wiki.example/inc/1"},
	)
	msg, err := cli.OpenMsgFromFlags("ship1r", "Checkout errors", cmd.Flags())
	require.NoError(t, err)
	detected := time.Date(2025, 3, 1, 14, 2, 0, 0, time.UTC)
	require.Equal(t, &types.MsgOpenIncident{
		Responder:            "ship1r",
		Title:                "Checkout errors",
		Severity:             types.SEVERITY_SEV1,
		Affected:             []types.ServiceEnvironment{{Service: "api", Environment: "prod"}, {Service: "payments/web", Environment: "prod-eu"}},
		Summary:              "5xx on checkout",
		DetectedAt:           &detected,
		SuspectedDeployments: []uint64{42, 43},
		Source:               types.Source{Kind: types.SOURCE_KIND_ALERT, Reference: "checkout-5xx"},
		Document:             &types.Document{Digest: dg, Location: "https://wiki.example/inc/1"},
	}, msg)
	require.NoError(t, msg.Validate())
}

func TestOpenMsgFromFlagsErrors(t *testing.T) {
	base := [][2]string{{cli.FlagSeverity, "sev2"}, {cli.FlagAffected, "api=prod"}, {cli.FlagSource, "person:alice"}}
	without := func(name string) [][2]string {
		var out [][2]string
		for _, kv := range base {
			if kv[0] != name {
				out = append(out, kv)
			}
		}
		return out
	}
	cases := map[string]struct {
		flags [][2]string
		err   error
		part  string
	}{
		"no severity":      {without(cli.FlagSeverity), types.ErrInvalidSeverity, "--severity is required"},
		"bad severity":     {append(without(cli.FlagSeverity), [2]string{cli.FlagSeverity, "critical"}), types.ErrInvalidSeverity, `--severity: unknown severity "critical"`},
		"no affected":      {without(cli.FlagAffected), types.ErrInvalidAffected, "--affected is required"},
		"affected no =":    {append(base, [2]string{cli.FlagAffected, "api"}), types.ErrInvalidAffected, `--affected "api"`},
		"affected bad svc": {append(base, [2]string{cli.FlagAffected, "API=prod"}), types.ErrInvalidService, `--affected "API=prod"`},
		"affected bad env": {append(base, [2]string{cli.FlagAffected, "api="}), types.ErrInvalidEnvironment, `--affected "api="`},
		"bad detected-at":  {append(base, [2]string{cli.FlagDetectedAt, "yesterday"}), types.ErrInvalidDetectedAt, `--detected-at "yesterday"`},
		"bad suspect":      {append(base, [2]string{cli.FlagSuspect, "x1"}), types.ErrInvalidDeploymentID, `--suspect "x1"`},
		"zero suspect":     {append(base, [2]string{cli.FlagSuspect, "0"}), types.ErrInvalidDeploymentID, `--suspect "0"`},
		"no source":        {without(cli.FlagSource), types.ErrInvalidSource, "--source is required"},
		"source no kind":   {append(without(cli.FlagSource), [2]string{cli.FlagSource, "alice"}), types.ErrInvalidSource, `--source "alice"`},
		"source bad kind":  {append(without(cli.FlagSource), [2]string{cli.FlagSource, "pager:x"}), types.ErrInvalidSource, `unknown kind "pager"`},
		"source empty ref": {append(without(cli.FlagSource), [2]string{cli.FlagSource, "person:"}), types.ErrInvalidSource, `--source "person:"`},
		"bad doc digest":   {append(base, [2]string{cli.FlagDocDigest, "sha256:abc"}), types.ErrInvalidDigest, "--doc-digest"},
		"location only":    {append(base, [2]string{cli.FlagDocLocation, "wiki"}), types.ErrInvalidDocument, "--doc-location needs --doc-digest"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cmd := cli.NewOpenCmd(nil)
			setFlags(t, cmd, tc.flags...)
			_, err := cli.OpenMsgFromFlags("ship1r", "t", cmd.Flags())
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, tc.part)
		})
	}
}

func TestParseSource(t *testing.T) {
	for in, want := range map[string]types.Source{
		"person:alice":         {Kind: types.SOURCE_KIND_PERSON, Reference: "alice"},
		"alert:db:replica-lag": {Kind: types.SOURCE_KIND_ALERT, Reference: "db:replica-lag"},
		"verdict:17":           {Kind: types.SOURCE_KIND_AIOPS_VERDICT, Reference: "17"},
		"aiops-verdict:17":     {Kind: types.SOURCE_KIND_AIOPS_VERDICT, Reference: "17"},
		"anomaly:4":            {Kind: types.SOURCE_KIND_AIOPS_ANOMALY, Reference: "4"},
		"AIOPS_ANOMALY:4":      {Kind: types.SOURCE_KIND_AIOPS_ANOMALY, Reference: "4"},
	} {
		got, err := cli.ParseSource(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
}

func TestUpdateMsgFromFlags(t *testing.T) {
	cmd := cli.NewUpdateCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagStatus, "mitigated"}, [2]string{cli.FlagSeverity, "SEV2"}, [2]string{cli.FlagNote, "shifted"})
	msg, err := cli.UpdateMsgFromFlags("ship1r", "7", cmd.Flags())
	require.NoError(t, err)
	require.Equal(t, &types.MsgUpdateIncident{Responder: "ship1r", Id: 7, Status: types.INCIDENT_STATUS_MITIGATED, Severity: types.SEVERITY_SEV2, Note: "shifted"}, msg)

	for name, tc := range map[string]struct {
		id    string
		flags [][2]string
		err   error
		part  string
	}{
		"bad id":       {"seven", nil, types.ErrInvalidIncident, `argument ID "seven"`},
		"zero id":      {"0", nil, types.ErrInvalidIncident, `argument ID "0"`},
		"bad status":   {"7", [][2]string{{cli.FlagStatus, "fixed"}}, types.ErrInvalidStatus, `--status: unknown status "fixed"`},
		"bad severity": {"7", [][2]string{{cli.FlagSeverity, "high"}}, types.ErrInvalidSeverity, "--severity"},
	} {
		t.Run(name, func(t *testing.T) {
			cmd := cli.NewUpdateCmd(nil)
			setFlags(t, cmd, tc.flags...)
			_, err := cli.UpdateMsgFromFlags("ship1r", tc.id, cmd.Flags())
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, tc.part)
		})
	}
	// closed parses but the message refuses it, pointing at close.
	cmd = cli.NewUpdateCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagStatus, "closed"})
	msg, err = cli.UpdateMsgFromFlags("ship1r", "7", cmd.Flags())
	require.NoError(t, err)
	require.ErrorIs(t, msg.Validate(), types.ErrIllegalTransition)
}

func TestParseDue(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 500, time.UTC)
	for in, want := range map[string]time.Time{
		"+72h":                      time.Date(2025, 3, 4, 12, 0, 0, 0, time.UTC),
		"+90m":                      time.Date(2025, 3, 1, 13, 30, 0, 0, time.UTC),
		"+14d":                      time.Date(2025, 3, 15, 12, 0, 0, 0, time.UTC),
		"2025-04-01T09:00:00+02:00": time.Date(2025, 4, 1, 7, 0, 0, 0, time.UTC),
	} {
		got, err := cli.ParseDue(in, now)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"+", "+0h", "+-3h", "+3x", "+1.5d", "next week", "2025-04-01"} {
		_, err := cli.ParseDue(in, now)
		require.ErrorIs(t, err, types.ErrInvalidDueTime, in)
		require.ErrorContains(t, err, "--due", in)
	}
}

func TestAddRemediationMsgFromFlags(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	cmd := cli.NewAddRemediationCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagOwner, "acme"}, [2]string{cli.FlagDue, "+72h"})
	msg, err := cli.AddRemediationMsgFromFlags("ship1r", []string{"7", "Alert on pool exhaustion"}, cmd.Flags(), now)
	require.NoError(t, err)
	require.Equal(t, &types.MsgAddRemediation{Responder: "ship1r", IncidentId: 7, Title: "Alert on pool exhaustion", OwnerOrganizationId: "acme", DueTime: now.Add(72 * time.Hour)}, msg)

	cmd = cli.NewAddRemediationCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagDue, "+72h"})
	_, err = cli.AddRemediationMsgFromFlags("ship1r", []string{"7", "t"}, cmd.Flags(), now)
	require.ErrorIs(t, err, types.ErrInvalidRemediation)
	require.ErrorContains(t, err, "--owner is required")

	cmd = cli.NewAddRemediationCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagOwner, "acme"})
	_, err = cli.AddRemediationMsgFromFlags("ship1r", []string{"7", "t"}, cmd.Flags(), now)
	require.ErrorIs(t, err, types.ErrInvalidDueTime)
	require.ErrorContains(t, err, "--due is required")

	_, err = cli.AddRemediationMsgFromFlags("ship1r", []string{"x", "t"}, cmd.Flags(), now)
	require.ErrorIs(t, err, types.ErrInvalidIncident)
	require.ErrorContains(t, err, "argument INCIDENT_ID")
}

func TestCloseMsgFromFlags(t *testing.T) {
	cmd := cli.NewCloseCmd(nil)
	setFlags(t, cmd,
		[2]string{cli.FlagPostmortemDigest, dg},
		[2]string{cli.FlagPostmortemLocation, "https://wiki.example/pm/7"},
		[2]string{cli.FlagRootCause, "pool size"},
		[2]string{cli.FlagNoDeploymentInvolved, "true"},
		[2]string{cli.FlagNote, "reviewed"},
	)
	msg, err := cli.CloseMsgFromFlags("ship1r", "7", cmd.Flags())
	require.NoError(t, err)
	require.Equal(t, &types.MsgCloseIncident{
		Responder: "ship1r", Id: 7, Note: "reviewed",
		Postmortem: &types.Postmortem{
			Document:  types.Document{Digest: dg, Location: "https://wiki.example/pm/7"},
			RootCause: "pool size", NoDeploymentInvolved: true,
		},
	}, msg)
	require.NoError(t, msg.Validate())

	// No postmortem flag: no postmortem.
	msg, err = cli.CloseMsgFromFlags("ship1r", "7", cli.NewCloseCmd(nil).Flags())
	require.NoError(t, err)
	require.Nil(t, msg.Postmortem)

	// A postmortem flag without a digest names the digest flag.
	cmd = cli.NewCloseCmd(nil)
	setFlags(t, cmd, [2]string{cli.FlagRootCause, "pool size"})
	_, err = cli.CloseMsgFromFlags("ship1r", "7", cmd.Flags())
	require.ErrorIs(t, err, types.ErrInvalidDigest)
	require.ErrorContains(t, err, "--postmortem-digest")

	_, err = cli.CloseMsgFromFlags("ship1r", "-1", cli.NewCloseCmd(nil).Flags())
	require.ErrorIs(t, err, types.ErrInvalidIncident)
}

func TestTxCommandTree(t *testing.T) {
	cmd := cli.GetTxCmd(nil)
	require.Equal(t, types.ModuleName, cmd.Name())
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
		require.NotNil(t, c.Flags().Lookup("from"), c.Name())
		require.Equal(t, "auto", c.Flags().Lookup("gas").DefValue, c.Name())
		require.NotEmpty(t, c.Example, c.Name())
	}
	require.ElementsMatch(t, []string{"open", "update", "link-cause", "unlink-cause", "add-remediation", "complete-remediation", "close"}, names)

	// Positional argument counts.
	for name, args := range map[string][]string{"open": {"a", "b"}, "update": nil, "link-cause": {"1"}, "close": {}} {
		c, _, err := cmd.Find([]string{name})
		require.NoError(t, err)
		require.Error(t, c.Args(c, args), name)
	}
	require.True(t, strings.Contains(cli.NewOpenCmd(nil).Long, "freeze"))
}

// --note goes into the message, not the transaction memo, for the commands
// whose message has a note; open keeps the SDK's memo meaning.
func TestNoteIsNotMemo(t *testing.T) {
	encCfg := moduletestutil.MakeTestEncodingConfig(incidents.AppModuleBasic{})
	from := sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String()
	run := func(cmd *cobra.Command, args ...string) map[string]any {
		t.Helper()
		var out bytes.Buffer
		clientCtx := client.Context{}.
			WithCodec(encCfg.Codec).
			WithInterfaceRegistry(encCfg.InterfaceRegistry).
			WithTxConfig(encCfg.TxConfig).
			WithLegacyAmino(encCfg.Amino).
			WithAccountRetriever(client.MockAccountRetriever{}).
			WithChainID("test").
			WithKeyringDir(t.TempDir()).
			WithOutput(&out)
		ctx := context.WithValue(context.Background(), client.ClientContextKey, &client.Context{})
		cmd.SetContext(ctx)
		require.NoError(t, client.SetCmdClientContextHandler(clientCtx, cmd))
		cmd.SetArgs(append(args, "--from", from, "--generate-only", "--gas", "200000", "--keyring-backend", "test"))
		cmd.SetOut(&out)
		require.NoError(t, cmd.Execute())
		var tx map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &tx), out.String())
		return tx["body"].(map[string]any)
	}
	long := strings.Repeat("n", 1000)
	body := run(cli.NewUpdateCmd(nil), "7", "--note", long)
	require.Equal(t, "", body["memo"])
	msg := body["messages"].([]any)[0].(map[string]any)
	require.Equal(t, long, msg["note"])
	require.Equal(t, "/shiplog.incidents.v1.MsgUpdateIncident", msg["@type"])

	body = run(cli.NewCloseCmd(nil), "7", "--note", "reviewed")
	require.Equal(t, "", body["memo"])
	require.Equal(t, "reviewed", body["messages"].([]any)[0].(map[string]any)["note"])

	body = run(cli.NewOpenCmd(nil), "title", "--severity", "sev3", "--affected", "api=prod", "--source", "person:alice", "--note", "memo text")
	require.Equal(t, "memo text", body["memo"])

	require.Contains(t, cli.NewUpdateCmd(nil).Flags().Lookup("note").Usage, "no memo")
}
