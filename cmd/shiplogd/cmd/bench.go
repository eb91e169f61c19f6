package cmd

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdkcrypto "github.com/cosmos/cosmos-sdk/crypto"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	"github.com/cosmos/cosmos-sdk/crypto/keys/secp256k1"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/cosmos/cosmos-sdk/types/tx/signing"
	authsign "github.com/cosmos/cosmos-sdk/x/auth/signing"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/spf13/cobra"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/shiplog/shiplog/cmd/shiplogd/agent"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// Flags of `shiplogd bench load`.
const (
	flagBenchGRPC    = "grpc-endpoint"
	flagBenchRPC     = "rpc-url"
	flagBenchSigner  = "signer"
	flagBenchCount   = "count"
	flagBenchBatch   = "batch"
	flagBenchRate    = "rate"
	flagBenchWorkers = "workers"
	flagBenchEngine  = "engine"
	flagBenchDrain   = "drain"
	flagBenchTxSize  = "tx-size"
	flagBenchLabel   = "label"
	flagBenchTrace   = "trace"
)

func benchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Load generator: measure committed records per second and submit-to-commit latency",
	}
	cmd.AddCommand(benchLoadCmd(), benchQueryCmd())
	return cmd
}

func benchLoadCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "load",
		Short: "Pre-sign N record transactions, submit them over gRPC, and report throughput and latency",
		Long: `Pre-signs --count transactions from the --signer keys (unordered transactions, so one key
submits in parallel), each a MsgRecordDeployment or, with --batch B > 1, a MsgRecordDeployments
of B records. Then submits them over gRPC (BroadcastTx, sync) with --workers connections at
--rate transactions per second (0: as fast as possible), and follows the committed blocks over
CometBFT RPC to time every transaction from submission to the block that holds it. A
transaction counts once the application has executed its block; the records the chain gained
are compared with those the blocks carried, and block results are read only if they differ.

--engine kvstore sends --tx-size byte key=value transactions to a CometBFT node running the
built-in kvstore application over CometBFT RPC instead, as the consensus engine's own ceiling.

Prints one JSON line: transactions and records committed, committed records per second (first
submission to last commit) and records committed in each 30 s of the run, latency p50/p95/p99
in milliseconds and p50/p99 of its parts (latency_parts_ms: waiting for a free submitter, the
node's answer to BroadcastTx, and from that answer to the commit), CheckTx rejections,
results_read when block results had to be read, and the CPU seconds the generator itself used
while it submitted and followed (generator_cpu_s; signing and the trace excluded), which it
takes from the node when both run on one machine. --trace writes every committed
transaction's timings to a CSV file, to see when in a run the latency grew.`,
		Example: `shiplogd bench load --count 20000 --signer .shiplog-dev:dev --chain-id shiplog-dev-1
shiplogd bench load --count 2000 --batch 100 --signer .shiplog-dev:dev --chain-id shiplog-dev-1
shiplogd bench load --engine kvstore --rpc-url http://127.0.0.1:26657 --count 20000`,
		Args: cobra.NoArgs,
		RunE: runBenchLoad,
	}
	f := cmd.Flags()
	f.String(flagBenchGRPC, "127.0.0.1:9090", "gRPC address of the node to submit to")
	f.String(flagBenchRPC, "http://127.0.0.1:26657", "CometBFT RPC address to follow blocks on")
	f.StringArray(flagBenchSigner, nil, "HOME:KEY of a deployer key in a test keyring (repeatable)")
	f.Int(flagBenchCount, 10000, "transactions to submit")
	f.Int(flagBenchBatch, 1, "records per transaction (1: MsgRecordDeployment; up to 100: MsgRecordDeployments)")
	f.Float64(flagBenchRate, 0, "transactions per second (0: as fast as possible)")
	f.Int(flagBenchWorkers, 16, "concurrent submitters")
	f.String(flagBenchEngine, "shiplog", "shiplog or kvstore")
	f.Duration(flagBenchDrain, 60*time.Second, "how long to wait for commits after the last submission")
	f.Int(flagBenchTxSize, 400, "kvstore: bytes per transaction")
	f.String(flagBenchLabel, "", "scenario name printed with the result")
	f.String(flagBenchTrace, "", "write every committed transaction's timings to this CSV file")
	f.String(flags.FlagChainID, "", "chain id (shiplog engine)")
	return cmd
}

// benchResult is what one run reports.
type benchResult struct {
	Label         string  `json:"label"`
	Engine        string  `json:"engine"`
	Batch         int     `json:"batch"`
	Submitted     int     `json:"submitted"`
	Rejected      int64   `json:"rejected"`
	Committed     int     `json:"committed_txs"`
	Failed        int     `json:"failed_txs"`
	Records       int     `json:"committed_records"`
	Seconds       float64 `json:"seconds"`
	RecordsPerSec float64 `json:"records_per_second"`
	P50ms         float64 `json:"p50_ms"`
	P95ms         float64 `json:"p95_ms"`
	P99ms         float64 `json:"p99_ms"`
	FirstRejected string  `json:"first_rejection,omitempty"`
	// Parts says where the latency went: p50 and p99 of each part of it
	// (see includedTx), in ms. The parts' percentiles do not add up to the
	// whole's; they tell whether a slow transaction waited to be sent, for
	// the node to admit it, or for a block.
	Parts *latencyParts `json:"latency_parts_ms,omitempty"`
	// RecordsBy30s are the records committed in each 30 s since the first
	// submission (the last span may be shorter): how the rate holds up
	// over a long run.
	RecordsBy30s []int `json:"committed_records_by_30s,omitempty"`
	// ResultsRead says the records the chain gained differed from those
	// the run's blocks carried, so block results were read to tell which
	// transactions succeeded (see runLoad).
	ResultsRead bool `json:"results_read,omitempty"`
	// GeneratorCPUSeconds is the CPU time this process used while it
	// submitted and followed (signing before the run excluded). On one
	// machine the generator takes it from the nodes being measured.
	GeneratorCPUSeconds float64 `json:"generator_cpu_s"`

	committed []includedTx
}

// writeTrace writes one CSV line per committed transaction, in the order
// they were due: when it was due (seconds since the first was), the parts
// of its latency in ms (see includedTx) and its block's height.
func writeTrace(path string, committed []includedTx) error {
	due := func(c includedTx) time.Time { return c.seen.Add(-c.latency) }
	sorted := slices.Clone(committed)
	slices.SortFunc(sorted, func(a, b includedTx) int { return due(a).Compare(due(b)) })
	var b strings.Builder
	b.WriteString("due_s,wait_for_submitter_ms,broadcast_ms,to_commit_ms,height\n")
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, c := range sorted {
		fmt.Fprintf(&b, "%.3f,%.3f,%.3f,%.3f,%d\n", due(c).Sub(due(sorted[0])).Seconds(), ms(c.queued), ms(c.broadcast), ms(c.toCommit), c.height)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func runBenchLoad(cmd *cobra.Command, _ []string) error {
	fs := cmd.Flags()
	engine, _ := fs.GetString(flagBenchEngine)
	count, _ := fs.GetInt(flagBenchCount)
	batch, _ := fs.GetInt(flagBenchBatch)
	rate, _ := fs.GetFloat64(flagBenchRate)
	workers, _ := fs.GetInt(flagBenchWorkers)
	drain, _ := fs.GetDuration(flagBenchDrain)
	rpcAddr, _ := fs.GetString(flagBenchRPC)
	label, _ := fs.GetString(flagBenchLabel)
	if count <= 0 || workers <= 0 || batch <= 0 || batch > deploymentstypes.MaxBatchRecords {
		return fmt.Errorf("--count and --workers must be positive and --batch in 1..%d", deploymentstypes.MaxBatchRecords)
	}
	rpc, err := rpchttp.New(rpcAddr, "/websocket")
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	status, err := rpc.Status(ctx)
	if err != nil {
		return fmt.Errorf("CometBFT RPC %s: %w", rpcAddr, err)
	}

	var txs [][]byte
	target := loadTarget{recordsPerTx: batch}
	switch engine {
	case "kvstore":
		size, _ := fs.GetInt(flagBenchTxSize)
		txs = kvstoreTxs(count, size)
		target.recordsPerTx = 1
		target.submit = func(ctx context.Context, tx []byte) (string, error) {
			res, err := rpc.BroadcastTxSync(ctx, tx)
			if err != nil {
				return "", err
			}
			if res.Code != 0 {
				return res.Log, nil
			}
			return "", nil
		}
		target.stored = func(ctx context.Context) (uint64, error) { return kvstoreSize(ctx, rpc) }
	case "shiplog":
		clientCtx := client.GetClientContextFromCmd(cmd)
		chainID, _ := fs.GetString(flags.FlagChainID)
		if chainID == "" {
			chainID = status.NodeInfo.Network
		}
		grpcAddr, _ := fs.GetString(flagBenchGRPC)
		conn, err := grpc.NewClient(grpcAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return err
		}
		defer conn.Close()
		specs, _ := fs.GetStringArray(flagBenchSigner)
		signers, err := loadBenchSigners(ctx, clientCtx, conn, specs)
		if err != nil {
			return err
		}
		start := time.Now()
		txs, err = signRecordTxs(ctx, clientCtx, conn, chainID, signers, count, batch, rate)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "signed %d transactions (%d records each, gas limit %d) in %s\n", len(txs), batch, txGasLimit(txs[0], clientCtx), time.Since(start).Round(time.Millisecond))
		svc := txtypes.NewServiceClient(conn)
		target.submit = func(ctx context.Context, tx []byte) (string, error) {
			res, err := svc.BroadcastTx(ctx, &txtypes.BroadcastTxRequest{TxBytes: tx, Mode: txtypes.BroadcastMode_BROADCAST_MODE_SYNC})
			if err != nil {
				return "", err
			}
			if res.TxResponse.Code != 0 {
				return res.TxResponse.RawLog, nil
			}
			return "", nil
		}
		deployments := deploymentstypes.NewQueryClient(conn)
		target.stored = func(ctx context.Context) (uint64, error) { return lastDeploymentID(ctx, deployments) }
	default:
		return fmt.Errorf("--%s must be shiplog or kvstore, not %q", flagBenchEngine, engine)
	}

	cpuBefore, err := processCPU()
	if err != nil {
		return err
	}
	res, err := runLoad(ctx, rpc, target, txs, rate, workers, drain)
	if err != nil {
		return err
	}
	cpuAfter, err := processCPU()
	if err != nil {
		return err
	}
	if path, _ := fs.GetString(flagBenchTrace); path != "" {
		if err := writeTrace(path, res.committed); err != nil {
			return err
		}
	}
	res.GeneratorCPUSeconds = (cpuAfter - cpuBefore).Seconds()
	res.Label, res.Engine, res.Batch = label, engine, target.recordsPerTx
	res.Records = res.Committed * target.recordsPerTx
	for i := range res.RecordsBy30s {
		res.RecordsBy30s[i] *= target.recordsPerTx
	}
	if res.Seconds > 0 {
		res.RecordsPerSec = float64(res.Records) / res.Seconds
	}
	bz, err := json.Marshal(res)
	if err != nil {
		return err
	}
	fmt.Println(string(bz))
	return nil
}

// processCPU is the user and system CPU time this process has used.
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("CPU time of the generator: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

// benchArmorPassphrase only protects the key between export and import in
// this process.
const benchArmorPassphrase = "shiplog-bench"

// benchSigner is one deployer key with its account number.
type benchSigner struct {
	key    *secp256k1.PrivKey
	addr   string
	accNum uint64
}

// loadBenchSigners reads HOME:KEY entries from test keyrings and looks the
// accounts up over gRPC.
func loadBenchSigners(ctx context.Context, clientCtx client.Context, conn *grpc.ClientConn, specs []string) ([]benchSigner, error) {
	if len(specs) == 0 {
		return nil, fmt.Errorf("--%s HOME:KEY is required at least once", flagBenchSigner)
	}
	auth := authtypes.NewQueryClient(conn)
	out := make([]benchSigner, 0, len(specs))
	for _, spec := range specs {
		home, name, ok := strings.Cut(spec, ":")
		if !ok {
			return nil, fmt.Errorf("--%s %q: want HOME:KEY", flagBenchSigner, spec)
		}
		kr, err := keyring.New(sdk.KeyringServiceName(), keyring.BackendTest, home, nil, clientCtx.Codec)
		if err != nil {
			return nil, err
		}
		// The test keyring would decode the key file for every signature;
		// the generator signs thousands, so it takes the key out once.
		armor, err := kr.ExportPrivKeyArmor(name, benchArmorPassphrase)
		if err != nil {
			return nil, fmt.Errorf("key %s in %s: %w", name, home, err)
		}
		priv, _, err := sdkcrypto.UnarmorDecryptPrivKey(armor, benchArmorPassphrase)
		if err != nil {
			return nil, err
		}
		key, ok := priv.(*secp256k1.PrivKey)
		if !ok {
			return nil, fmt.Errorf("key %s is %s, the generator signs with secp256k1 keys", name, priv.Type())
		}
		addr := sdk.AccAddress(key.PubKey().Address()).String()
		info, err := auth.AccountInfo(ctx, &authtypes.QueryAccountInfoRequest{Address: addr})
		if err != nil {
			return nil, fmt.Errorf("account of %s (%s): %w", name, addr, err)
		}
		out = append(out, benchSigner{key: key, addr: addr, accNum: info.Info.AccountNumber})
	}
	return out, nil
}

// signRecordTxs pre-signs count unordered transactions, round robin over the
// signers. Each record ships a distinct artifact digest. The gas limit is
// the simulated gas of the first transaction plus a third.
func signRecordTxs(ctx context.Context, clientCtx client.Context, conn *grpc.ClientConn, chainID string, signers []benchSigner, count, batch int, rate float64) ([][]byte, error) {
	txCfg := clientCtx.TxConfig
	timeoutBase := time.Now().Add(unorderedTimeoutAhead).Truncate(time.Second)
	build := func(i int, gas uint64, timeout time.Time) ([]byte, error) {
		s := signers[i%len(signers)]
		records := make([]deploymentstypes.DeploymentRecord, batch)
		for j := range records {
			n := i*batch + j
			sum := sha256.Sum256(fmt.Appendf(nil, "bench-%d-%d", time.Now().UnixNano(), n))
			records[j] = deploymentstypes.DeploymentRecord{
				Service: fmt.Sprintf("svc-%d", n%64), Environment: "bench", Version: fmt.Sprintf("1.0.%d", n),
				Artifacts: []deploymentstypes.Artifact{{Name: "app", Digest: "sha256:" + hex.EncodeToString(sum[:])}},
				Strategy:  deploymentstypes.STRATEGY_ROLLING,
				Status:    deploymentstypes.DEPLOYMENT_STATUS_SUCCEEDED,
			}
		}
		var msg sdk.Msg = &deploymentstypes.MsgRecordDeployments{Deployer: s.addr, Records: records}
		if batch == 1 {
			msg = records[0].Msg(s.addr)
		}
		b := txCfg.NewTxBuilder()
		if err := b.SetMsgs(msg); err != nil {
			return nil, err
		}
		b.SetGasLimit(gas)
		b.SetUnordered(true)
		b.SetTimeoutTimestamp(timeout)
		sig := signing.SignatureV2{PubKey: s.key.PubKey(), Data: &signing.SingleSignatureData{SignMode: signing.SignMode_SIGN_MODE_DIRECT}}
		if err := b.SetSignatures(sig); err != nil {
			return nil, err
		}
		signBytes, err := authsign.GetSignBytesAdapter(ctx, txCfg.SignModeHandler(), signing.SignMode_SIGN_MODE_DIRECT,
			authsign.SignerData{Address: s.addr, ChainID: chainID, AccountNumber: s.accNum, PubKey: s.key.PubKey()}, b.GetTx())
		if err != nil {
			return nil, err
		}
		if sig.Data.(*signing.SingleSignatureData).Signature, err = s.key.Sign(signBytes); err != nil {
			return nil, err
		}
		if err := b.SetSignatures(sig); err != nil {
			return nil, err
		}
		return txCfg.TxEncoder()(b.GetTx())
	}
	// The probe's nonce (one past the run's) is only simulated, never stored.
	probe, err := build(count, 50_000_000, unorderedTimeout(timeoutBase, count, 0))
	if err != nil {
		return nil, err
	}
	sim, err := txtypes.NewServiceClient(conn).Simulate(ctx, &txtypes.SimulateRequest{TxBytes: probe})
	if err != nil {
		return nil, fmt.Errorf("simulate a record transaction: %w", err)
	}
	gas := sim.GasInfo.GasUsed * 4 / 3
	txs := make([][]byte, count)
	for i := range txs {
		if txs[i], err = build(i, gas, unorderedTimeout(timeoutBase, i, rate)); err != nil {
			return nil, err
		}
	}
	return txs, nil
}

// unorderedTimeoutAhead is how far after signing begins the generator's
// unordered transactions time out; x/auth refuses a timeout more than 10
// minutes after the latest block's time, and one already passed.
const unorderedTimeoutAhead = 9 * time.Minute

// unorderedTimeout is the timeout of transaction i of a run signed from
// base (signing start + unorderedTimeoutAhead) for submission at rate
// transactions per second (0: flat out). Unordered transactions are told
// apart by (signer, timeout), so every transaction gets its own nanosecond.
// At a fixed rate transaction i is never submitted before its slot, i/rate
// after signing began, so its timeout moves with the slot: a long run on a
// slow node delays its late transactions instead of letting them expire
// before they are sent (450,000 at 1,500/s took 2 minutes to sign and 7 to
// submit on a slow day).
func unorderedTimeout(base time.Time, i int, rate float64) time.Time {
	t := base.Add(time.Duration(i))
	if rate > 0 {
		t = t.Add(time.Duration(float64(i) / rate * float64(time.Second)))
	}
	return t
}

// lastDeploymentID is the id of the newest record, which is how many
// records the chain holds: ids are issued in sequence from 1 and a record is
// never deleted.
func lastDeploymentID(ctx context.Context, q deploymentstypes.QueryClient) (uint64, error) {
	res, err := q.Deployments(ctx, &deploymentstypes.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 1}})
	if err != nil {
		return 0, fmt.Errorf("newest deployment: %w", err)
	}
	if len(res.Deployments) == 0 {
		return 0, nil
	}
	return res.Deployments[0].Id, nil
}

// kvstoreSize is how many keys CometBFT's kvstore application holds: its
// ABCI Info reports {"size":N}.
func kvstoreSize(ctx context.Context, rpc *rpchttp.HTTP) (uint64, error) {
	info, err := rpc.ABCIInfo(ctx)
	if err != nil {
		return 0, err
	}
	var data struct {
		Size uint64 `json:"size"`
	}
	if err := json.Unmarshal([]byte(info.Response.Data), &data); err != nil {
		return 0, fmt.Errorf("kvstore info %q: %w", info.Response.Data, err)
	}
	return data.Size, nil
}

// kvstoreTxs makes count distinct key=value transactions of size bytes.
func kvstoreTxs(count, size int) [][]byte {
	txs := make([][]byte, count)
	stamp := time.Now().UnixNano()
	for i := range txs {
		kv := fmt.Appendf(nil, "bench-%d-%d=", stamp, i)
		for len(kv) < size {
			kv = append(kv, 'v')
		}
		txs[i] = kv
	}
	return txs
}

// loadTarget is the node a run loads: how a transaction is submitted, and
// how many records its application holds. The count is read before and
// after the run, to check that every transaction seen in a block succeeded
// without reading every block's results while the node is under load.
type loadTarget struct {
	submit       func(ctx context.Context, tx []byte) (rejection string, err error)
	stored       func(ctx context.Context) (uint64, error)
	recordsPerTx int
}

// submission is when a transaction was due, when a submitter sent it and
// when the node answered (CheckTx done, BroadcastTx returned).
type submission struct {
	due, sent, answered time.Time
}

// includedTx is a submitted transaction found in a committed block, with
// its submit-to-commit latency and the parts of it: waiting for a free
// submitter, the node's answer to BroadcastTx, and from that answer to the
// commit of the block that holds it.
type includedTx struct {
	height                      int64
	index                       int
	seen                        time.Time
	latency                     time.Duration
	queued, broadcast, toCommit time.Duration
}

// newIncludedTx times s, found in block height at index, seen at seen.
// A block can be seen before the submitter has taken the node's answer;
// then the answer counts as given when the block was seen.
func newIncludedTx(height int64, index int, seen time.Time, s submission) includedTx {
	answered := s.answered
	if answered.IsZero() || answered.After(seen) {
		answered = seen
	}
	return includedTx{height: height, index: index, seen: seen, latency: seen.Sub(s.due),
		queued: s.sent.Sub(s.due), broadcast: answered.Sub(s.sent), toCommit: seen.Sub(answered)}
}

// runLoad submits txs and follows the chain until every accepted transaction
// is in a block the application has committed, or drain has passed since the
// last submission.
//
// The follower asks the application for the height it has committed (ABCI
// Info: a block counts once executed, not once decided) and reads the
// transactions of each new block. Block results are read only when the
// records the application gained differ from those the blocks carried: then
// a transaction failed in its block, or someone else wrote records too.
// Reading them for every block would load the node being measured: serving
// block results as JSON took a fifth of a validator's CPU.
func runLoad(ctx context.Context, rpc *rpchttp.HTTP, target loadTarget, txs [][]byte, rate float64, workers int, drain time.Duration) (benchResult, error) {
	info, err := rpc.ABCIInfo(ctx)
	if err != nil {
		return benchResult{}, err
	}
	storedBefore, err := target.stored(ctx)
	if err != nil {
		return benchResult{}, err
	}

	hashOf := func(tx []byte) [32]byte { return sha256.Sum256(tx) }
	var mu sync.Mutex
	submittedAt := make(map[[32]byte]*submission, len(txs))
	var rejected atomic.Int64
	var firstRejection atomic.Value

	// A job carries the time the transaction is due: now when flat out, its
	// slot in the schedule at a fixed rate, so latency counts any wait for
	// a free submitter too.
	type job struct {
		tx  []byte
		due time.Time
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				tx := j.tx
				h := hashOf(tx)
				s := &submission{due: j.due, sent: time.Now()}
				mu.Lock()
				submittedAt[h] = s
				mu.Unlock()
				reason, err := target.submit(ctx, tx)
				if err != nil {
					reason = err.Error()
				}
				mu.Lock()
				s.answered = time.Now()
				mu.Unlock()
				if reason != "" {
					rejected.Add(1)
					firstRejection.CompareAndSwap(nil, reason)
					mu.Lock()
					delete(submittedAt, h)
					mu.Unlock()
				}
			}
		}()
	}

	var included []includedTx
	followerDone := make(chan error, 1)
	stop := make(chan struct{})
	go func() {
		height := info.Response.LastBlockHeight
		for {
			select {
			case <-stop:
				followerDone <- nil
				return
			default:
			}
			var info *coretypes.ResultABCIInfo
			err := rpcBackoff.Retry(ctx, func(ctx context.Context) (err error) {
				info, err = rpc.ABCIInfo(ctx)
				return err
			})
			if err != nil {
				followerDone <- fmt.Errorf("latest height: %w", err)
				return
			}
			for height < info.Response.LastBlockHeight {
				h := height + 1
				var block *coretypes.ResultBlock
				err := rpcBackoff.Retry(ctx, func(ctx context.Context) (err error) {
					block, err = rpc.Block(ctx, &h)
					return err
				})
				if err != nil {
					followerDone <- fmt.Errorf("block %d: %w", h, err)
					return
				}
				height = h
				seen := time.Now()
				mu.Lock()
				for i, tx := range block.Block.Txs {
					key := hashOf(tx)
					s, ok := submittedAt[key]
					if !ok {
						continue
					}
					delete(submittedAt, key)
					included = append(included, newIncludedTx(h, i, seen, *s))
				}
				mu.Unlock()
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()

	first := time.Now()
	for i, tx := range txs {
		// At a fixed rate, transaction i is due at first + i/rate: a late
		// submission is made up at once rather than dropped, so a slow node
		// cannot lower the offered load (no coordinated omission).
		due := time.Now()
		if rate > 0 {
			due = first.Add(time.Duration(float64(i) * float64(time.Second) / rate))
			if wait := time.Until(due); wait > 0 {
				time.Sleep(wait)
			}
		}
		jobs <- job{tx: tx, due: due}
	}
	close(jobs)
	wg.Wait()
	deadline := time.Now().Add(drain)
	for time.Now().Before(deadline) {
		mu.Lock()
		pending := len(submittedAt)
		mu.Unlock()
		if pending == 0 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	close(stop)
	if err := <-followerDone; err != nil {
		return benchResult{}, err
	}

	storedAfter, err := target.stored(ctx)
	if err != nil {
		return benchResult{}, err
	}
	committed := included
	resultsRead := storedAfter-storedBefore != uint64(len(included)*target.recordsPerTx)
	if resultsRead {
		if committed, err = succeeded(ctx, rpc, included); err != nil {
			return benchResult{}, err
		}
	}

	res := benchResult{Submitted: len(txs), Rejected: rejected.Load(), Committed: len(committed), Failed: len(included) - len(committed), ResultsRead: resultsRead, committed: committed}
	if r, ok := firstRejection.Load().(string); ok {
		res.FirstRejected = r
	}
	if len(committed) > 0 {
		latencies := make([]time.Duration, len(committed))
		var last time.Time
		for i, c := range committed {
			latencies[i] = c.latency
			if c.seen.After(last) {
				last = c.seen
			}
		}
		res.Seconds = last.Sub(first).Seconds()
		res.RecordsBy30s = countBySpan(committed, first, rateSpan)
		slices.Sort(latencies)
		res.P50ms, res.P95ms, res.P99ms = percentileMs(latencies, 50), percentileMs(latencies, 95), percentileMs(latencies, 99)
		res.Parts = newLatencyParts(committed)
	}
	return res, nil
}

// latencyParts are the p50 and p99, in ms, of each part of the committed
// transactions' latency.
type latencyParts struct {
	Queued    [2]float64 `json:"wait_for_submitter"`
	Broadcast [2]float64 `json:"broadcast"`
	ToCommit  [2]float64 `json:"to_commit"`
}

func newLatencyParts(committed []includedTx) *latencyParts {
	p50p99 := func(part func(includedTx) time.Duration) [2]float64 {
		sorted := make([]time.Duration, len(committed))
		for i, c := range committed {
			sorted[i] = part(c)
		}
		slices.Sort(sorted)
		return [2]float64{percentileMs(sorted, 50), percentileMs(sorted, 99)}
	}
	return &latencyParts{
		Queued:    p50p99(func(c includedTx) time.Duration { return c.queued }),
		Broadcast: p50p99(func(c includedTx) time.Duration { return c.broadcast }),
		ToCommit:  p50p99(func(c includedTx) time.Duration { return c.toCommit }),
	}
}

// rateSpan is the span benchResult.RecordsBy30s counts over.
const rateSpan = 30 * time.Second

// countBySpan counts the transactions committed in each span since first,
// up to the last one's.
func countBySpan(committed []includedTx, first time.Time, span time.Duration) []int {
	var counts []int
	for _, c := range committed {
		i := max(0, int(c.seen.Sub(first)/span))
		for len(counts) <= i {
			counts = append(counts, 0)
		}
		counts[i]++
	}
	return counts
}

// succeeded keeps the included transactions whose result code is 0, reading
// the results of each block that holds one.
func succeeded(ctx context.Context, rpc *rpchttp.HTTP, included []includedTx) ([]includedTx, error) {
	var ok []includedTx
	var codes []uint32
	var codesOf int64
	for _, tx := range included {
		if tx.height != codesOf {
			var results *coretypes.ResultBlockResults
			err := rpcBackoff.Retry(ctx, func(ctx context.Context) (err error) {
				results, err = rpc.BlockResults(ctx, &tx.height)
				return err
			})
			if err != nil {
				return nil, fmt.Errorf("results of block %d: %w", tx.height, err)
			}
			codes = codes[:0]
			for _, r := range results.TxsResults {
				codes = append(codes, r.Code)
			}
			codesOf = tx.height
		}
		if tx.index < len(codes) && codes[tx.index] == 0 {
			ok = append(ok, tx)
		}
	}
	return ok, nil
}

// rpcBackoff retries a failed CometBFT RPC call of the generator: 5
// attempts, 0.2 s before the first retry and doubling (3 s of waiting in
// all). A ten-minute run was lost when, near its end, the loaded node's RPC
// server closed the follower's connection (the client saw EOF); one such
// failure is no reason to lose the run, a node that stays away is.
var rpcBackoff = agent.Backoff{Initial: 200 * time.Millisecond, Max: 2 * time.Second, Attempts: 5}

// percentileMs is the nearest-rank p-th percentile of sorted, in ms.
func percentileMs(sorted []time.Duration, p int) float64 {
	i := (len(sorted)*p + 99) / 100
	return float64(sorted[max(0, i-1)].Microseconds()) / 1000
}

// txGasLimit reads the gas limit a signed transaction carries (0 if it
// cannot be decoded).
func txGasLimit(bz []byte, clientCtx client.Context) uint64 {
	tx, err := clientCtx.TxConfig.TxDecoder()(bz)
	if err != nil {
		return 0
	}
	feeTx, ok := tx.(sdk.FeeTx)
	if !ok {
		return 0
	}
	return feeTx.GetGas()
}
