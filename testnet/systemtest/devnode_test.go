//go:build system

package systemtest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

const artifactDigest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// recordArgs is the one-line command a CI job runs.
func recordArgs(externalID string) []string {
	return []string{"tx", "deployments", "record", "checkout", "production", "1.4.2",
		"--artifact", "app=" + artifactDigest + "@oci://registry.example.com/shop/checkout",
		"--repo", "https://git.example.com/shop/checkout", "--commit", "4f2a9c1",
		"--strategy", "canary", "--external-id", externalID, "--from", "dev"}
}

type deploymentJSON struct {
	Deployment struct {
		ID             string `json:"id"`
		Service        string `json:"service"`
		Environment    string `json:"environment"`
		Version        string `json:"version"`
		Status         string `json:"status"`
		OrganizationID string `json:"organization_id"`
		ExternalID     string `json:"external_id"`
		Artifacts      []struct {
			Digest string `json:"digest"`
			URI    string `json:"uri"`
		} `json:"artifacts"`
	} `json:"deployment"`
}

// TestDevNode is the foundation's end-to-end check: make run's set-up, a CI
// job's record over the CLI, auditors' reads over REST and gRPC, the
// membership gate against an offline-signed transaction, and restarts.
func TestDevNode(t *testing.T) {
	n := NewDevNode(t)
	n.Start()

	// Restart before any deployment exists: the deployments store is empty.
	h := n.heightOrZero()
	n.Stop()
	require.NoError(t, n.ExitErr, "a clean shutdown on SIGTERM")
	n.Start()
	require.GreaterOrEqual(t, n.heightOrZero(), h)

	// A CI job records a deployment in one line.
	res := n.Tx(recordArgs("ci-run-1")...)
	require.Zero(t, res.Code, res.RawLog)
	committed := n.WaitForTx(res.TxHash, 30*time.Second)
	require.Zero(t, committed.Code, committed.RawLog)

	// Auditors read it over REST.
	var got deploymentJSON
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments/1"), &got))
	require.Equal(t, "checkout", got.Deployment.Service)
	require.Equal(t, "production", got.Deployment.Environment)
	require.Equal(t, "DEPLOYMENT_STATUS_IN_PROGRESS", got.Deployment.Status)
	require.Equal(t, "dev-org", got.Deployment.OrganizationID)
	require.Equal(t, artifactDigest, got.Deployment.Artifacts[0].Digest)
	require.Equal(t, "oci://registry.example.com/shop/checkout", got.Deployment.Artifacts[0].URI)

	var list struct {
		Deployments []struct {
			ID string `json:"id"`
		} `json:"deployments"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?service=checkout&artifact_digest="+artifactDigest), &list))
	require.Len(t, list.Deployments, 1)

	// The node's transaction index finds the CI job's transactions by
	// sender (the default index-events) over REST and the CLI, and each
	// carries the typed event.
	devAddr, _, err := n.CLI("keys", "show", "dev", "-a")
	require.NoError(t, err)
	var search struct {
		TxResponses []struct {
			TxHash string `json:"txhash"`
			Events []struct {
				Type string `json:"type"`
			} `json:"events"`
		} `json:"tx_responses"`
		Total string `json:"total"`
	}
	query := fmt.Sprintf("message.sender='%s'", strings.TrimSpace(devAddr))
	require.NoError(t, getJSON(n.REST("/cosmos/tx/v1beta1/txs?query="+url.QueryEscape(query)), &search))
	require.Len(t, search.TxResponses, 1)
	require.Equal(t, "1", search.Total)
	require.Equal(t, res.TxHash, search.TxResponses[0].TxHash)
	var types []string
	for _, e := range search.TxResponses[0].Events {
		types = append(types, e.Type)
	}
	require.Contains(t, types, "shiplog.deployments.v1.EventDeploymentRecorded")
	// Newest first, a page at a time, and by height range.
	var page struct {
		TxResponses []struct {
			TxHash string `json:"txhash"`
		} `json:"tx_responses"`
		Total string `json:"total"`
	}
	params := url.Values{"query": {"message.action='/shiplog.deployments.v1.MsgRecordDeployment'"}, "order_by": {"ORDER_BY_DESC"}, "limit": {"1"}}
	require.NoError(t, getJSON(n.REST("/cosmos/tx/v1beta1/txs?"+params.Encode()), &page))
	require.Len(t, page.TxResponses, 1)
	require.Equal(t, res.TxHash, page.TxResponses[0].TxHash)
	params = url.Values{"query": {"message.sender CONTAINS 'ship'"}}
	err = getJSON(n.REST("/cosmos/tx/v1beta1/txs?"+params.Encode()), &page)
	require.ErrorContains(t, err, "400 Bad Request")
	require.ErrorContains(t, err, "event attributes are matched by =")
	params = url.Values{"query": {fmt.Sprintf("tx.height >= %s AND tx.height <= %s", committed.Height, committed.Height)}}
	require.NoError(t, getJSON(n.REST("/cosmos/tx/v1beta1/txs?"+params.Encode()), &page))
	require.Equal(t, "1", page.Total)
	require.Equal(t, res.TxHash, page.TxResponses[0].TxHash)
	out, _, err := n.CLI("q", "txs", "--query", query, "--output", "json")
	require.NoError(t, err)
	require.Contains(t, out, res.TxHash)
	out, _, err = n.CLI("q", "tx", res.TxHash, "--output", "json")
	require.NoError(t, err)
	require.Contains(t, out, "EventDeploymentRecorded")
	out, _, err = n.CLI("q", "wait-tx", res.TxHash, "--output", "json")
	require.NoError(t, err)
	require.Contains(t, out, res.TxHash)
	// A CI step waits for its record by piping the tx command into wait-tx
	// (here a retry with the same external id: committed, nothing written).
	step := fmt.Sprintf("%s %s --yes --output json --home %s | %s q wait-tx --output json --home %s",
		n.Bin, strings.Join(recordArgs("ci-run-1"), " "), n.Home, n.Bin, n.Home)
	piped, err := exec.Command("bash", "-o", "pipefail", "-c", step).CombinedOutput()
	require.NoError(t, err, string(piped))
	require.Contains(t, string(piped), `"code":0`)
	require.Contains(t, string(piped), `"external_id":"ci-run-1"`)
	_, stderr, err := n.CLI("q", "tx", strings.Repeat("AB", 32))
	require.Error(t, err)
	require.Contains(t, stderr, "tx not found")
	_, stderr, err = n.CLI("q", "txs", "--query", "message.sender CONTAINS 'ship'")
	require.Error(t, err)
	require.Contains(t, stderr, "event attributes are matched by =")

	// The REST API describes itself.
	var spec struct {
		Paths map[string]any `json:"paths"`
	}
	require.NoError(t, getJSON(n.REST("/shiplog/openapi.json"), &spec))
	require.Contains(t, spec.Paths, "/shiplog/deployments/v1/deployments/{id}")
	require.Contains(t, spec.Paths, "/shiplog/consortium/v1/members")

	// ... and over gRPC.
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", n.GRPCPort),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.ForceCodec(codec.NewProtoCodec(codectypes.NewInterfaceRegistry()).GRPCCodec())))
	require.NoError(t, err)
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	byID, err := deploymentstypes.NewQueryClient(conn).Deployment(ctx, &deploymentstypes.QueryDeploymentRequest{Id: 1})
	require.NoError(t, err)
	require.Equal(t, "1.4.2", byID.Deployment.Version)
	require.Equal(t, "ci-run-1", byID.Deployment.ExternalId)
	members, err := consortiumtypes.NewQueryClient(conn).Members(ctx, &consortiumtypes.QueryMembersRequest{OrganizationId: "dev-org"})
	require.NoError(t, err)
	require.Len(t, members.Members, 1)

	// A retried CI job is idempotent: same external id, same content.
	replay := n.Tx(recordArgs("ci-run-1")...)
	require.Zero(t, replay.Code, replay.RawLog)
	require.Zero(t, n.WaitForTx(replay.TxHash, 30*time.Second).Code)
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?service=checkout"), &list))
	require.Len(t, list.Deployments, 1, "a replay writes nothing")

	// The CI job completes the deployment; current now answers.
	done := n.Tx("tx", "deployments", "set-status", "1", "succeeded", "--reason", "canary healthy", "--from", "dev")
	require.Zero(t, done.Code, done.RawLog)
	require.Zero(t, n.WaitForTx(done.TxHash, 30*time.Second).Code)
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/current/checkout/production"), &got))
	require.Equal(t, "DEPLOYMENT_STATUS_SUCCEEDED", got.Deployment.Status)
	// Auditors filter by status name or environment over REST, read from
	// the node-local index, which has the update; an unknown name is
	// refused by name.
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?status=DEPLOYMENT_STATUS_SUCCEEDED&environment=production"), &list))
	require.Len(t, list.Deployments, 1)
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?status=DEPLOYMENT_STATUS_IN_PROGRESS"), &list))
	require.Empty(t, list.Deployments)
	require.ErrorContains(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?status=SHIPPED"), &list), "SHIPPED is not a valid")

	// A record at the documented limits commits with the CLI's default gas
	// (simulated), however many artifacts and labels it carries.
	big := []string{"tx", "deployments", "record", "payments/api", "staging", "2.0.0", "--from", "dev",
		"--external-id", "big-1", "--status", "succeeded", "--repo", "https://git.example.com/" + strings.Repeat("r", 480)}
	for i := 0; i < deploymentstypes.MaxArtifacts; i++ {
		big = append(big, "--artifact", fmt.Sprintf("layer-%d=sha512:%0128x@oci://registry.example.com/%s", i, i, strings.Repeat("u", 1900)))
	}
	for i := 0; i < deploymentstypes.MaxLabels; i++ {
		big = append(big, "--label", fmt.Sprintf("k%d=%s", i, strings.Repeat("v", 250)))
	}
	bigRes := n.Tx(big...)
	require.Zero(t, bigRes.Code, bigRes.RawLog)
	require.Zero(t, n.WaitForTx(bigRes.TxHash, 30*time.Second).Code)
	// A service name with '/' is read with the query-string form of current.
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/current?service=payments/api&environment=staging"), &got))
	require.Equal(t, "payments/api", got.Deployment.Service)
	require.Len(t, got.Deployment.Artifacts, deploymentstypes.MaxArtifacts)

	// Operators read the databases' work beside CometBFT's own metrics.
	metrics := n.Metrics()
	for _, db := range []string{"application", "deployments_index", "shiplog_tx_index"} {
		require.Regexp(t, `(?m)^shiplog_db_wal_written_bytes_total\{db="`+db+`"\} [1-9]`, metrics)
		require.Regexp(t, `(?m)^shiplog_db_disk_bytes\{db="`+db+`"\} [1-9]`, metrics)
		require.Regexp(t, `(?m)^shiplog_db_level_bytes\{db="`+db+`",level="6"\} `, metrics)
	}
	require.Regexp(t, `(?m)^cometbft_consensus_height\{.*\} [1-9]`, metrics)

	// A non-member signs offline (no account exists on chain) and broadcasts:
	// CheckTx refuses it, naming the signer and the missing role.
	_, stderr, err = n.CLI("keys", "add", "outsider", "--keyring-backend", "test")
	require.NoError(t, err, stderr)
	outsider, _, err := n.CLI("keys", "show", "outsider", "-a", "--keyring-backend", "test")
	require.NoError(t, err)
	outsider = strings.TrimSpace(outsider)
	unsigned, stderr, err := n.CLI(append(recordArgs("intruder-1")[:len(recordArgs("intruder-1"))-2],
		"--from", outsider, "--generate-only", "--gas", "300000")...)
	require.NoError(t, err, stderr)
	dir := t.TempDir()
	unsignedFile := filepath.Join(dir, "unsigned.json")
	require.NoError(t, os.WriteFile(unsignedFile, []byte(unsigned), 0o600))
	signed, stderr, err := n.CLI("tx", "sign", unsignedFile, "--from", "outsider", "--offline",
		"--account-number", "0", "--sequence", "0", "--keyring-backend", "test")
	require.NoError(t, err, stderr)
	signedFile := filepath.Join(dir, "signed.json")
	require.NoError(t, os.WriteFile(signedFile, []byte(signed), 0o600))
	rejected := n.Tx("tx", "broadcast", signedFile)
	require.Equal(t, consortiumtypes.ErrNotMember.ABCICode(), rejected.Code, rejected.RawLog)
	require.Equal(t, consortiumtypes.ModuleName, rejected.Codespace)
	require.Contains(t, rejected.RawLog, outsider)
	require.Contains(t, rejected.RawLog, "deployer")

	// The transaction index is rebuilt from CometBFT's blocks and results,
	// with the node stopped (a running node's databases are refused).
	_, stderr, err = n.CLI("db", "index-txs")
	require.Error(t, err)
	require.Contains(t, stderr, "stop it first")
	n.Stop()
	require.NoError(t, os.RemoveAll(filepath.Join(n.Home, "data", "shiplog_tx_index.db")))
	out, stderr, err = n.CLI("db", "index-txs")
	require.NoError(t, err, stderr)
	require.Regexp(t, `indexed [1-9][0-9]* transactions of blocks 1-[1-9]`, out)

	// Restart: every committed record is still there.
	n.Start()
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments/1"), &got))
	require.Equal(t, "DEPLOYMENT_STATUS_SUCCEEDED", got.Deployment.Status)
	require.NoError(t, getJSON(n.REST("/shiplog/deployments/v1/deployments?service=checkout"), &list))
	require.Len(t, list.Deployments, 1, "the intruder's tx never reached a block")
	// ... and every committed transaction, in the node's own index (CometBFT's is off).
	require.Equal(t, committed.Height, n.WaitForTx(res.TxHash, 10*time.Second).Height)
	require.NoFileExists(t, filepath.Join(n.Home, "data", "tx_index.db", "CURRENT"))
	require.FileExists(t, filepath.Join(n.Home, "data", "shiplog_tx_index.db", "CURRENT"))

	// The node keeps 10 recent state versions, pruned every 10 blocks: a
	// query at the record's height is refused once that version is gone,
	// saying why, while a recent height is served.
	recordedAt, err := strconv.ParseInt(committed.Height, 10, 64)
	require.NoError(t, err)
	n.WaitForHeight(max(n.heightOrZero(), recordedAt+30), 60*time.Second)
	require.Eventually(t, func() bool {
		_, stderr, err := n.CLI("q", "deployments", "list", "--height", committed.Height)
		return err != nil && strings.Contains(stderr, "has either been pruned")
	}, 30*time.Second, time.Second, "a query at height %d", recordedAt)
	out, stderr, err = n.CLI("q", "deployments", "list", "--height", strconv.FormatInt(n.heightOrZero()-1, 10))
	require.NoError(t, err, stderr)
	require.Contains(t, out, "ci-run-1")
}
