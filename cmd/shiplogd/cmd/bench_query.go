package cmd

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

const (
	flagBenchREST     = "rest-url"
	flagBenchRequests = "requests"
)

func benchQueryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Measure query latency: a point lookup and a filtered 100-record page, over REST and gRPC",
		Long: `Runs --requests sequential queries of each kind against a node and prints one JSON line per
kind with p50 and p99 in milliseconds: a deployment by id (random ids up to the newest), and the
newest 100 deployments of one service and environment (a filtered page through an index).
The chain should hold the records to measure against, e.g. filled with bench load.`,
		Args: cobra.NoArgs,
		RunE: runBenchQuery,
	}
	f := cmd.Flags()
	f.String(flagBenchGRPC, "127.0.0.1:9090", "gRPC address of the node")
	f.String(flagBenchREST, "http://127.0.0.1:1317", "REST address of the node")
	f.Int(flagBenchRequests, 1000, "queries of each kind")
	f.String(flagBenchLabel, "", "scenario name printed with the result")
	return cmd
}

type queryBenchResult struct {
	Label    string  `json:"label"`
	Kind     string  `json:"kind"`
	Records  uint64  `json:"records"`
	Requests int     `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
}

func runBenchQuery(cmd *cobra.Command, _ []string) error {
	fs := cmd.Flags()
	grpcAddr, _ := fs.GetString(flagBenchGRPC)
	restURL, _ := fs.GetString(flagBenchREST)
	n, _ := fs.GetInt(flagBenchRequests)
	label, _ := fs.GetString(flagBenchLabel)
	ctx := cmd.Context()
	conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer conn.Close()
	q := deploymentstypes.NewQueryClient(conn)
	newest, err := q.Deployments(ctx, &deploymentstypes.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 1}})
	if err != nil {
		return err
	}
	if len(newest.Deployments) == 0 {
		return fmt.Errorf("the chain holds no deployment")
	}
	top := newest.Deployments[0]
	// Seeded: every run asks for the same ids.
	rng := rand.New(rand.NewPCG(1, 2))
	client := &http.Client{Timeout: 10 * time.Second}
	rest := func(path string) error {
		resp, err := client.Get(restURL + path)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if _, err := io.Copy(io.Discard, resp.Body); err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return nil
	}
	page := &deploymentstypes.QueryDeploymentsRequest{Service: top.Service, Environment: top.Environment, Pagination: &query.PageRequest{Limit: 100}}
	kinds := []struct {
		name string
		run  func(ctx context.Context, id uint64) error
	}{
		{"point_grpc", func(ctx context.Context, id uint64) error {
			_, err := q.Deployment(ctx, &deploymentstypes.QueryDeploymentRequest{Id: id})
			return err
		}},
		{"point_rest", func(_ context.Context, id uint64) error {
			return rest(fmt.Sprintf("/shiplog/deployments/v1/deployments/%d", id))
		}},
		{"page100_grpc", func(ctx context.Context, _ uint64) error {
			res, err := q.Deployments(ctx, page)
			if err == nil && len(res.Deployments) == 0 {
				err = fmt.Errorf("empty page for %s/%s", top.Service, top.Environment)
			}
			return err
		}},
		{"page100_rest", func(_ context.Context, _ uint64) error {
			return rest(fmt.Sprintf("/shiplog/deployments/v1/deployments?service=%s&environment=%s&pagination.limit=100", top.Service, top.Environment))
		}},
	}
	for _, k := range kinds {
		lat := make([]time.Duration, 0, n)
		for range n {
			id := 1 + rng.Uint64N(top.Id)
			start := time.Now()
			if err := k.run(ctx, id); err != nil {
				return fmt.Errorf("%s: %w", k.name, err)
			}
			lat = append(lat, time.Since(start))
		}
		slices.Sort(lat)
		bz, err := json.Marshal(queryBenchResult{Label: label, Kind: k.name, Records: top.Id, Requests: n,
			P50ms: percentileMs(lat, 50), P99ms: percentileMs(lat, 99)})
		if err != nil {
			return err
		}
		fmt.Println(string(bz))
	}
	return nil
}
