package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/shiplog/shiplog/app"
)

// CommitPause is how long a validator waits after each commit before the
// next height starts (CometBFT's timeout_commit), and EmptyBlockWait how
// long it then waits for a transaction before it proposes an empty block
// anyway (create_empty_blocks_interval). CometBFT v0.39 has no consensus
// parameter for either, so `shiplogd init` and `shiplogd testnet
// init-files` write them into config.toml.
//
// A CI job waits for its record's block, and below saturation that wait is
// mostly the pause. Idle, a block still comes every half second (pause plus
// wait), as with the earlier single 500 ms pause: an empty block keeps
// about 2.2 KB, 380 MB a day. With work waiting, the next block starts
// 250 ms after a commit instead of 500. Alternating with the 500 ms pause,
// one run each: one validator at 500 records/s offered, p50 / p99
// submit-to-commit 0.24 / 0.41 s instead of 0.41 / 0.69 s for 7% more CPU;
// flat out, 1,320 records/s against 1,300 (p50 0.39 s against 0.61); four
// validators at 600 records/s, p50 0.37 s against 0.54 and p99 2.2 s
// against 1.9 (a tail that varies more between runs than that), for 10%
// more CPU. A 100 ms pause halved p50 again but cost one validator 7-14% of
// its flat-out rate and four validators 20-30% more CPU, and at 20
// transactions/s made 9 blocks a second; skipping the pause once every
// precommit is in (skip_timeout_commit) made two blocks per transaction.
const (
	CommitPause    = 250 * time.Millisecond
	EmptyBlockWait = 250 * time.Millisecond
)

// PeerGossipSleep is how long the consensus reactor's loops that send a
// peer block parts and votes sleep when they find nothing new to send
// (CometBFT's peer_gossip_sleep_duration, 100 ms by default). A proposal,
// the prevotes and the precommits each wait for one of those loops to wake,
// so each step of a height took up to that long to reach the other
// validators. Four validators on one 2-core machine, 600 records/s offered,
// alternating runs: blocks every 0.64-0.66 s instead of 0.78-0.82 and p50
// submit-to-commit 0.76-0.77 s instead of 0.96-1.05, for 7% more CPU (the
// loops wake ten times as often, and there are more blocks); flat out,
// where the four nodes wanted more than the two cores, they committed about
// 13% fewer records/s (263 and 278 against 328 and 295). A node without
// peers is unaffected.
const PeerGossipSleep = 10 * time.Millisecond

// applyConsensusTiming writes shiplog's consensus timing into cfg.
func applyConsensusTiming(cfg *cmtcfg.Config) {
	cfg.Consensus.TimeoutCommit = CommitPause
	cfg.Consensus.CreateEmptyBlocks = true
	cfg.Consensus.CreateEmptyBlocksInterval = EmptyBlockWait
	cfg.Consensus.PeerGossipSleepDuration = PeerGossipSleep
}

// cometConfig is CometBFT's default with shiplog's choices.
func cometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	applyConsensusTiming(cfg)
	// Transactions are indexed by shiplog's own index (app/txindex), by
	// hash and by the attributes appConfig lists in index-events, and served
	// by the SDK's transaction service (REST /cosmos/tx/v1beta1/txs, gRPC,
	// shiplogd q tx|txs). CometBFT's kv indexer kept each transaction and
	// its result a second time under its random hash; its goleveldb
	// compactions took a growing share of a loaded node's CPU (5% a minute
	// into a run at 1,500 transactions/s, 15% three minutes in). An operator
	// who wants CometBFT's /tx and /tx_search on the RPC port sets "kv".
	cfg.TxIndex.Indexer = "null"
	return cfg
}

// ShiplogConfig is the [shiplog] section of app.toml.
type ShiplogConfig struct {
	MaxPendingPerMember int `mapstructure:"max-pending-per-member"`
}

// AppTomlConfig is app.toml: the SDK's sections and shiplog's own.
type AppTomlConfig struct {
	serverconfig.Config `mapstructure:",squash"`
	Shiplog             ShiplogConfig `mapstructure:"shiplog"`
}

const shiplogConfigTemplate = `
###############################################################################
###                                shiplog                                  ###
###############################################################################

[shiplog]

# max-pending-per-member is how many transactions of one member this node's
# mempool admits between two blocks (a batch counts as one); more are refused
# in CheckTx until the next block, so a member flooding the node cannot
# starve the others. 0 disables the bound.
max-pending-per-member = {{ .Shiplog.MaxPendingPerMember }}
`

// appConfig is the SDK's app.toml with shiplog's defaults and section.
func appConfig() (string, any) {
	cfg := serverconfig.DefaultConfig()
	// Required by the SDK's syntax, meaningless without fees.
	cfg.MinGasPrices = "0" + app.NoFeeDenom
	// goleveldb loses empty IAVL roots (cosmos/iavl#939); pebble does not.
	cfg.AppDBBackend = "pebbledb"
	cfg.API.Enable = true
	cfg.API.Address = "tcp://127.0.0.1:1317"
	cfg.GRPC.Address = "127.0.0.1:9090"
	cfg.IndexEvents = IndexedEvents()
	// Records are append-only and carry their own history (transitions,
	// decisions), so old state versions add nothing an auditor reads; the
	// orphaned tree nodes of every past version would otherwise stay on
	// disk for days (the SDK's default keeps 362,880 versions). Every
	// version lives 11 to 20 blocks: seconds for a query in flight (the
	// SDK keeps state-sync snapshots' versions apart from this). Kept that
	// briefly, the tree nodes a block replaces are deleted while pebble
	// still holds them in its memtable or upper levels: at 1,500 records/s
	// offered its flushes and compactions wrote 2.9 KB per record, against
	// 3.4-3.5 KB with 100 versions kept (see docs/performance.md). An
	// archive node sets pruning = "nothing".
	cfg.Pruning = "custom"
	cfg.PruningKeepRecent = "10"
	cfg.PruningInterval = "10"
	// IAVL's node cache is per store tree, and at the SDK's 781,250 nodes
	// the deployments and auth trees' caches were most of a busy node's
	// live heap: about 1.2 GB after 5 minutes at 1,500 records/s. Every
	// garbage collection marks the live heap, on two cores in 2.5-4.6 s
	// of wall time, and CheckTx admitted about half as many transactions
	// while it did, so p99 submit-to-commit was 3.3-3.8 s. At 100,000
	// nodes the live heap stays under 400 MB, marks take under 1.2 s and
	// p99 was 1.1-1.5 s in three runs, at 8-9% less CPU per record. The
	// cost is slower queries in the first seconds after a burst of about
	// a million records; at rest they are as fast. Writes land on a few hot
	// paths of each tree (ids, times and nonce timeouts grow), which a
	// small cache holds, and queries read leaves through the fast-node
	// index (see docs/performance.md for queries after a fill).
	cfg.IAVLCacheSize = 100_000
	// The IAVL fast-node index stays on (the SDK's default): it is a second
	// copy of every leaf, about 550 bytes per record, but without it every
	// read walks the tree from disk. Measured with it off: 13% more
	// records/s on a fresh chain, but at 570,000 records a point query took
	// 26 ms at p99 instead of under 5 and filling slowed to 500 records/s.
	return serverconfig.DefaultConfigTemplate + shiplogConfigTemplate, AppTomlConfig{
		Config:  *cfg,
		Shiplog: ShiplogConfig{MaxPendingPerMember: app.DefaultMaxPendingPerMember},
	}
}

// IndexedEvents are the event attributes a new node indexes for
// transaction searches (shiplogd q txs, GetTxsEvent), besides tx.hash and
// tx.height, which are always indexed: the message's action and sender. Records are found through the modules' own
// state indexes (service, environment, status, deployer, artifact digest,
// external id) over REST and gRPC; indexing every attribute of shiplog's
// typed events as well doubled CometBFT's transaction index (about 620
// bytes per record). An operator who wants to search transactions by other
// event attributes adds them to index-events in app.toml (see the README).
func IndexedEvents() []string {
	return []string{"message.action", "message.sender"}
}
