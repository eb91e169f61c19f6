package cmd

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"

	"github.com/shiplog/shiplog/app"
)

// BlockInterval is the pause after each commit (CometBFT's timeout_commit).
// CometBFT v0.39 has no consensus parameter for it, so it is written into
// config.toml by `shiplogd init`.
const BlockInterval = time.Second

// cometConfig is CometBFT's default with shiplog's choices.
func cometConfig() *cmtcfg.Config {
	cfg := cmtcfg.DefaultConfig()
	cfg.Consensus.TimeoutCommit = BlockInterval
	// Index only what auditors and orchestrators search by: tx hashes and
	// the typed events, not every attribute of every message.
	cfg.TxIndex.Indexer = "kv"
	return cfg
}

// appConfig is the SDK's app.toml with shiplog's defaults.
func appConfig() (string, any) {
	cfg := serverconfig.DefaultConfig()
	// Required by the SDK's syntax, meaningless without fees.
	cfg.MinGasPrices = "0" + app.NoFeeDenom
	// goleveldb loses empty IAVL roots (cosmos/iavl#939); pebble does not.
	cfg.AppDBBackend = "pebbledb"
	cfg.API.Enable = true
	cfg.API.Address = "tcp://127.0.0.1:1317"
	cfg.GRPC.Address = "127.0.0.1:9090"
	return serverconfig.DefaultConfigTemplate, cfg
}
