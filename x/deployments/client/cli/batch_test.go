package cli_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/client/cli"
	"github.com/shiplog/shiplog/x/deployments/types"
)

func jsonCodec() codec.JSONCodec {
	reg := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(reg)
	return codec.NewProtoCodec(reg)
}

const batchRecords = `[
  {"service": "api", "environment": "prod", "version": "1.4.2",
   "artifacts": [{"name": "api", "digest": "` + dg + `", "uri": "registry.example/api:1.4.2"}],
   "source": {"repository": "https://git.example/api", "commit": "9fceb02", "commit_time": "2025-03-01T10:00:00Z"},
   "pipeline": {"system": "github-actions", "run_id": "812"},
   "strategy": "STRATEGY_CANARY", "status": "DEPLOYMENT_STATUS_SUCCEEDED",
   "labels": [{"key": "team", "value": "payments"}],
   "external_id": "gha-812-1", "reason": "train 12",
   "fixes_incidents": ["7", 3], "break_glass": "approved"},
  {"service": "api", "environment": "prod", "version": "1.4.1",
   "artifacts": [{"name": "api", "digest": "` + dg + `"}], "rollback_of": "1"}
]`

func TestParseRecordBatch(t *testing.T) {
	cdc := jsonCodec()
	commitTime := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	want := &types.MsgRecordDeployments{
		Deployer: "ship1deployer",
		Records: []types.DeploymentRecord{
			{
				Service: "api", Environment: "prod", Version: "1.4.2",
				Artifacts: []types.Artifact{{Name: "api", Digest: dg, Uri: "registry.example/api:1.4.2"}},
				Source:    types.Source{Repository: "https://git.example/api", Commit: "9fceb02", CommitTime: &commitTime},
				Pipeline:  types.Pipeline{System: "github-actions", RunId: "812"},
				Strategy:  types.STRATEGY_CANARY, Status: types.DEPLOYMENT_STATUS_SUCCEEDED,
				Labels:     []types.Label{{Key: "team", Value: "payments"}},
				ExternalId: "gha-812-1", Reason: "train 12",
				FixesIncidents: []uint64{7, 3}, BreakGlass: "approved",
			},
			{
				Service: "api", Environment: "prod", Version: "1.4.1",
				Artifacts: []types.Artifact{{Name: "api", Digest: dg}}, RollbackOf: 1,
			},
		},
	}
	for name, in := range map[string]string{
		"array":               batchRecords,
		"object":              `{"records": ` + batchRecords + `}`,
		"object with signer":  `{"deployer": "ship1deployer", "records": ` + batchRecords + `}`,
		"surrounding newline": "\n  " + batchRecords + "\n",
	} {
		got, err := cli.ParseRecordBatch(cdc, "ship1deployer", []byte(in))
		require.NoError(t, err, name)
		require.Equal(t, want, got, name)
		require.NoError(t, got.Validate(), name)
	}
}

func TestParseRecordBatchErrors(t *testing.T) {
	cdc := jsonCodec()
	for name, tc := range map[string]struct {
		in   string
		err  error
		part string
	}{
		"empty file":      {"  \n", types.ErrInvalidDeployment, "empty batch file"},
		"not json":        {"service: api", types.ErrInvalidDeployment, "JSON array"},
		"bad json":        {`[{"service": "api",]`, types.ErrInvalidDeployment, "parse records"},
		"unknown field":   {`[{"service": "api", "servce": "x"}]`, types.ErrInvalidDeployment, "servce"},
		"bad enum":        {`[{"status": "DONE"}]`, types.ErrInvalidDeployment, "parse records"},
		"other deployer":  {`{"deployer": "ship1other", "records": []}`, types.ErrInvalidAddress, "ship1other"},
		"deployer in row": {`[{"deployer": "ship1deployer"}]`, types.ErrInvalidDeployment, "deployer"},
	} {
		_, err := cli.ParseRecordBatch(cdc, "ship1deployer", []byte(tc.in))
		require.ErrorIs(t, err, tc.err, name)
		require.Contains(t, err.Error(), tc.part, name)
	}

	// Parsing does not validate; Validate names the record.
	msg, err := cli.ParseRecordBatch(cdc, "ship1deployer", []byte(`[]`))
	require.NoError(t, err)
	require.ErrorIs(t, msg.Validate(), types.ErrInvalidDeployment)

	rows := make([]string, types.MaxBatchRecords+1)
	for i := range rows {
		rows[i] = fmt.Sprintf(`{"service": "api", "environment": "prod", "version": "1.%d", "artifacts": [{"name": "api", "digest": %q}]}`, i, dg)
	}
	msg, err = cli.ParseRecordBatch(cdc, "ship1deployer", []byte("["+strings.Join(rows[:types.MaxBatchRecords], ",")+"]"))
	require.NoError(t, err)
	require.NoError(t, msg.Validate())
	msg, err = cli.ParseRecordBatch(cdc, "ship1deployer", []byte("["+strings.Join(rows, ",")+"]"))
	require.NoError(t, err)
	err = msg.Validate()
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
	require.Contains(t, err.Error(), "at most 100")

	msg, err = cli.ParseRecordBatch(cdc, "ship1deployer", []byte(`[`+rows[0]+`,{"service": "api", "environment": "prod", "version": "1", "artifacts": [{"name": "api", "digest": "sha256:abc"}]}]`))
	require.NoError(t, err)
	err = msg.Validate()
	require.ErrorIs(t, err, types.ErrInvalidDigest)
	require.Contains(t, err.Error(), "record 1:")
}

func TestRecordBatchCmd(t *testing.T) {
	cmd := cli.GetTxCmd(nil)
	c, _, err := cmd.Find([]string{"record-batch"})
	require.NoError(t, err)
	require.Equal(t, "record-batch [file.json]", c.Use)
	require.Error(t, c.Args(c, nil))
	require.NoError(t, c.Args(c, []string{"f.json"}))
}
