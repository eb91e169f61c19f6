package app_test

import (
	"fmt"
	"testing"
	"time"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	cryptotypes "github.com/cosmos/cosmos-sdk/crypto/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	"github.com/shiplog/shiplog/app/appdb"
	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	deploymentskeeper "github.com/shiplog/shiplog/x/deployments/keeper"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
	incidentskeeper "github.com/shiplog/shiplog/x/incidents/keeper"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// benchChain is a chain on pebble (the production app database) with
// `signers` deployer keys, so a block can carry many ordered transactions.
func benchChain(b *testing.B, signers int) (*chain, []cryptotypes.PrivKey) {
	return benchChainWithOptions(b, signers, nil)
}

// benchChainWithOptions is benchChain with app.toml options set.
func benchChainWithOptions(b *testing.B, signers int, opts map[string]any) (*chain, []cryptotypes.PrivKey) {
	b.Helper()
	t := &testing.T{}
	db, err := appdb.Open(b.TempDir(), dbm.PebbleDBBackend)
	require.NoError(b, err)
	c := newChainWithOptions(t, db, opts)
	c.t = t
	gen := c.genesis()
	cs := consortiumtypes.GenesisState{}
	c.app.AppCodec().MustUnmarshalJSON(gen[consortiumtypes.ModuleName], &cs)
	keys := make([]cryptotypes.PrivKey, signers)
	for i := range keys {
		keys[i] = secp256k1.GenPrivKeyFromSecret([]byte(fmt.Sprintf("ci-%d", i)))
		cs.Members = append(cs.Members, consortiumtypes.Member{Address: addr(keys[i]), OrganizationId: "acme",
			Roles: []consortiumtypes.Role{consortiumtypes.ROLE_DEPLOYER}, Active: true})
	}
	gen[consortiumtypes.ModuleName] = c.app.AppCodec().MustMarshalJSON(&cs)
	c.initChain(gen)
	b.Cleanup(func() { _ = c.app.Close() })
	return c, keys
}

// presign signs n record transactions round-robin over keys, with the
// sequences they will have when delivered in order.
func presign(c *chain, keys []cryptotypes.PrivKey, n int, tag string, mutate ...func(*deploymentstypes.MsgRecordDeployment)) [][]byte {
	txs := make([][]byte, n)
	seqs := make(map[string]uint64, len(keys))
	for i := range txs {
		k := keys[i%len(keys)]
		msg := recordMsg(addr(k), fmt.Sprintf("%s-%d", tag, i))
		msg.Service = fmt.Sprintf("svc-%d", i%50)
		for _, m := range mutate {
			m(msg)
		}
		txs[i] = c.signTxSeq(k, seqs[addr(k)], msg)
		seqs[addr(k)]++
	}
	return txs
}

// BenchmarkRecordDeployment measures FinalizeBlock+Commit of blocks of 100
// signed MsgRecordDeployment transactions (signature checks, membership gate,
// validation, indexes, pebble commit): the single-node ceiling of the state
// machine, without consensus or networking.
func BenchmarkRecordDeployment(b *testing.B) {
	const perBlock = 100
	c, keys := benchChain(b, perBlock)
	blocks := (b.N + perBlock - 1) / perBlock
	txs := presign(c, keys, blocks*perBlock, "bench")
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < blocks; i++ {
		res := c.nextBlock(txs[i*perBlock : (i+1)*perBlock]...)
		if res.TxResults[0].Code != 0 {
			b.Fatal(res.TxResults[0].Log)
		}
	}
	elapsed := time.Since(start)
	b.ReportMetric(float64(blocks*perBlock)/elapsed.Seconds(), "records/s")
}

// BenchmarkRecordDeploymentsBatched measures the same path with 100 records
// per MsgRecordDeployments and 10 such transactions per block: one signature
// check per 100 records.
func BenchmarkRecordDeploymentsBatched(b *testing.B) {
	const perTx, txsPerBlock = 100, 10
	c, keys := benchChain(b, txsPerBlock)
	blocks := (b.N + perTx*txsPerBlock - 1) / (perTx * txsPerBlock)
	txs := presignBatches(c, keys, blocks*txsPerBlock, perTx)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < blocks; i++ {
		res := c.nextBlock(txs[i*txsPerBlock : (i+1)*txsPerBlock]...)
		if res.TxResults[0].Code != 0 {
			b.Fatal(res.TxResults[0].Log)
		}
	}
	b.ReportMetric(float64(blocks*txsPerBlock*perTx)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkCheckTx measures mempool admission of one signed record. No
// block is committed in between, so the per-member bound is lifted.
func BenchmarkCheckTx(b *testing.B) {
	c, keys := benchChainWithOptions(b, 1, map[string]any{app.AppOptMaxPendingPerMember: 0})
	txs := presign(c, keys, b.N, "check")
	b.ResetTimer()
	for _, tx := range txs {
		if res := c.checkTx(tx); res.Code != 0 {
			b.Fatal(res.Log)
		}
	}
}

// BenchmarkCheckTxBatched measures mempool admission of one signed
// MsgRecordDeployments of 100 records: decoding, finding the signers (which
// the SDK does through the protobuf-v2 API) and the ante chain.
func BenchmarkCheckTxBatched(b *testing.B) {
	c, keys := benchChainWithOptions(b, 1, map[string]any{app.AppOptMaxPendingPerMember: 0})
	txs := presignBatches(c, keys, b.N, 100)
	b.ReportAllocs()
	b.ResetTimer()
	for _, tx := range txs {
		if res := c.checkTx(tx); res.Code != 0 {
			b.Fatal(res.Log)
		}
	}
}

// presignBatches signs n MsgRecordDeployments of perTx records each,
// round-robin over keys, with the sequences they will have in order.
func presignBatches(c *chain, keys []cryptotypes.PrivKey, n, perTx int) [][]byte {
	txs := make([][]byte, 0, n)
	seqs := make(map[string]uint64, len(keys))
	for i := 0; i < n; i++ {
		k := keys[i%len(keys)]
		msg := &deploymentstypes.MsgRecordDeployments{Deployer: addr(k)}
		for j := 0; j < perTx; j++ {
			one := recordMsg(addr(k), fmt.Sprintf("batch-%d-%d", i, j))
			one.Service = fmt.Sprintf("svc-%d", j%50)
			msg.Records = append(msg.Records, deploymentstypes.DeploymentRecord{
				Service: one.Service, Environment: one.Environment, Version: one.Version,
				Artifacts: one.Artifacts, Source: one.Source, Strategy: one.Strategy, ExternalId: one.ExternalId,
			})
		}
		txs = append(txs, c.signBig(k, seqs[addr(k)], msg))
		seqs[addr(k)]++
	}
	return txs
}

// BenchmarkListByService measures a filtered, newest-first page of 100 over
// 10,000 stored records.
func BenchmarkListByService(b *testing.B) {
	c, keys := benchChain(b, 100)
	txs := presign(c, keys, 10_000, "list")
	for i := 0; i < len(txs); i += 100 {
		c.nextBlock(txs[i : i+100]...)
	}
	q := c.app.DeploymentsKeeper
	req := &deploymentstypes.QueryDeploymentsRequest{Service: "svc-7", Environment: "production"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := queryDeployments(c, q, req)
		if err != nil || len(res) != 100 {
			b.Fatal(err, len(res))
		}
	}
}

// BenchmarkDORAMetrics computes the four metrics over a window holding 10,000
// successful deployments with commit times (all services, no filter): the
// cost grows with the window, read through the success-time index.
func BenchmarkDORAMetrics(b *testing.B) {
	c, keys := benchChain(b, 100)
	commit := c.time.Add(-time.Hour)
	txs := presign(c, keys, 10_000, "dora", func(m *deploymentstypes.MsgRecordDeployment) {
		m.Status = deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED
		m.Source.CommitTime = &commit
	})
	from := c.time.Truncate(time.Second)
	for i := 0; i < len(txs); i += 100 {
		c.nextBlock(txs[i : i+100]...)
	}
	req := &incidentstypes.QueryMetricsRequest{From: from, To: c.time.Add(time.Hour).Truncate(time.Second)}
	q := incidentskeeper.NewQueryServerImpl(c.app.IncidentsKeeper)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := q.Metrics(c.ctx(), req)
		if err != nil || res.Metrics.SuccessfulDeployments != 10_000 {
			b.Fatal(err, res)
		}
	}
}

func queryDeployments(c *chain, k deploymentskeeper.Keeper, req *deploymentstypes.QueryDeploymentsRequest) ([]deploymentstypes.Deployment, error) {
	res, err := deploymentskeeper.NewQueryServerImpl(k).Deployments(c.ctx(), req)
	if err != nil {
		return nil, err
	}
	return res.Deployments, nil
}
