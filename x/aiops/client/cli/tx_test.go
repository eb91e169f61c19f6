package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	moduletestutil "github.com/cosmos/cosmos-sdk/types/module/testutil"
	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/aiops"
	"github.com/shiplog/shiplog/x/aiops/client/cli"
	"github.com/shiplog/shiplog/x/aiops/judge"
	"github.com/shiplog/shiplog/x/aiops/types"
)

const dg = "sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"

func TestParseScore(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "92": 9200, "92.5": 9250, "92.05": 9205, "100": 10000, "100.00": 10000, " 7.1 ": 710} {
		got, err := cli.ParseScore(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	for _, in := range []string{"", "92.", ".5", "92.555", "-1", "100.01", "1e2", "abc", "300"} {
		_, err := cli.ParseScore(in)
		require.Error(t, err, in)
	}
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
	require.ElementsMatch(t, []string{"register-detector", "submit-verdict", "report-anomaly"}, names)
}

// verdictJSON writes the JSON form of a judged verdict (what the agent or
// a CI job produces) to a file.
func verdictJSON(t *testing.T, encCfg moduletestutil.TestEncodingConfig) (string, *types.MsgSubmitVerdict) {
	t.Helper()
	cfg := judge.Config{PassScore: 9500, MarginalScore: 7500, Groups: []judge.Group{{Name: "g", Weight: 1}},
		Metrics: []judge.MetricConfig{{Name: "p99", Group: "g"}}}
	samples := []judge.MetricSamples{{Name: "p99", Baseline: []float64{1, 2, 3, 4}, Canary: []float64{10, 20, 30, 40}}}
	res, err := judge.Judge(cfg, samples)
	require.NoError(t, err)
	cd, err := judge.ConfigDigest(cfg)
	require.NoError(t, err)
	msg := &types.MsgSubmitVerdict{
		DeploymentId: 7, Phase: types.PHASE_CANARY, Model: types.DetectorRef{Name: "judge", Version: "1", ConfigDigest: dg},
		WindowStart: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), WindowEnd: time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC),
		Config: types.JudgeConfigFrom(cfg), JudgeConfigDigest: types.DigestString(cd), EvidenceDigest: dg,
		Samples: []types.MetricSamples{{Name: "p99", Baseline: samples[0].Baseline, Canary: samples[0].Canary}},
	}
	msg.SetResult(res)
	bz, err := encCfg.Codec.MarshalJSON(msg)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "verdict.json")
	require.NoError(t, os.WriteFile(path, bz, 0o600))
	return path, msg
}

func TestReadVerdict(t *testing.T) {
	encCfg := moduletestutil.MakeTestEncodingConfig(aiops.AppModuleBasic{})
	path, want := verdictJSON(t, encCfg)
	got, err := cli.ReadVerdict(path, nil)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.NoError(t, got.Validate())

	bz, err := os.ReadFile(path)
	require.NoError(t, err)
	got, err = cli.ReadVerdict("-", bytes.NewReader(bz))
	require.NoError(t, err)
	require.Equal(t, want, got)

	_, err = cli.ReadVerdict("-", strings.NewReader(`{"deployment_id": "x"}`))
	require.ErrorContains(t, err, "decode verdict")
	_, err = cli.ReadVerdict(filepath.Join(t.TempDir(), "missing.json"), nil)
	require.ErrorContains(t, err, "read verdict")
}

// The commands build, validate and print their messages (--generate-only).
func TestCommandsGenerate(t *testing.T) {
	encCfg := moduletestutil.MakeTestEncodingConfig(aiops.AppModuleBasic{})
	from := sdk.AccAddress(bytes.Repeat([]byte{1}, 20)).String()
	run := func(cmd *cobra.Command, args ...string) (map[string]any, error) {
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
		cmd.SetContext(context.WithValue(context.Background(), client.ClientContextKey, &client.Context{}))
		require.NoError(t, client.SetCmdClientContextHandler(clientCtx, cmd))
		cmd.SetArgs(append(args, "--from", from, "--generate-only", "--gas", "200000", "--keyring-backend", "test"))
		cmd.SetOut(&out)
		cmd.SilenceUsage, cmd.SilenceErrors = true, true
		if err := cmd.Execute(); err != nil {
			return nil, err
		}
		var tx map[string]any
		require.NoError(t, json.Unmarshal(out.Bytes(), &tx), out.String())
		return tx["body"].(map[string]any)["messages"].([]any)[0].(map[string]any), nil
	}

	msg, err := run(cli.NewRegisterDetectorCmd(nil), "canary-judge", "1.0.0", "--config-digest", dg, "--description", "Mann-Whitney")
	require.NoError(t, err)
	require.Equal(t, "/shiplog.aiops.v1.MsgRegisterDetector", msg["@type"])
	require.Equal(t, from, msg["detector"])
	require.Equal(t, "Mann-Whitney", msg["description"])
	_, err = run(cli.NewRegisterDetectorCmd(nil), "canary-judge", "1.0.0", "--config-digest", "sha256:00")
	require.ErrorIs(t, err, types.ErrInvalidDigest)

	path, _ := verdictJSON(t, encCfg)
	msg, err = run(cli.NewSubmitVerdictCmd(nil, nil), path)
	require.NoError(t, err)
	require.Equal(t, "/shiplog.aiops.v1.MsgSubmitVerdict", msg["@type"])
	require.Equal(t, from, msg["detector"])
	require.Equal(t, "OUTCOME_PASS", msg["outcome"]) // four values a side cannot reject at 98%

	msg, err = run(cli.NewReportAnomalyCmd(nil), "checkout", "production", "http_5xx",
		"--model", "ewma:2.1", "--config-digest", dg, "--onset", "2026-03-01T12:00:00+01:00", "--score", "92.5", "--evidence-digest", dg)
	require.NoError(t, err)
	require.Equal(t, "9250", msg["score"])
	require.Equal(t, "2026-03-01T11:00:00Z", msg["onset"])
	require.Equal(t, map[string]any{"name": "ewma", "version": "2.1", "config_digest": dg}, msg["model"])
	_, err = run(cli.NewReportAnomalyCmd(nil), "checkout", "production", "http_5xx", "--model", "ewma", "--onset", "2026-03-01T12:00:00Z", "--score", "1")
	require.ErrorContains(t, err, "want NAME:VERSION")
	_, err = run(cli.NewReportAnomalyCmd(nil), "checkout", "production", "http_5xx", "--model", "ewma:1", "--onset", "yesterday", "--score", "1")
	require.ErrorContains(t, err, "want RFC 3339")
}
