package cmd

import (
	"slices"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	serverconfig "github.com/cosmos/cosmos-sdk/server/config"
	gogoproto "github.com/cosmos/gogoproto/proto"
	"google.golang.org/protobuf/reflect/protoreflect"

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
	// Transactions are indexed by hash and by the attributes appConfig
	// lists in index-events.
	cfg.TxIndex.Indexer = "kv"
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
	return serverconfig.DefaultConfigTemplate + shiplogConfigTemplate, AppTomlConfig{
		Config:  *cfg,
		Shiplog: ShiplogConfig{MaxPendingPerMember: app.DefaultMaxPendingPerMember},
	}
}

// IndexedEvents are the event attributes the node indexes for tx_search:
// every attribute of shiplog's typed events (what auditors and
// orchestrators search by) and the message's action and sender. The SDK's
// other per-transaction attributes (fee, sequence, signature, module) stay
// in the stored results but get no index entries of their own.
func IndexedEvents() []string {
	out := []string{"message.action", "message.sender"}
	gogoproto.HybridResolver.RangeFiles(func(fd protoreflect.FileDescriptor) bool {
		if !strings.HasPrefix(string(fd.Package()), "shiplog.") {
			return true
		}
		msgs := fd.Messages()
		for i := range msgs.Len() {
			m := msgs.Get(i)
			if !strings.HasPrefix(string(m.Name()), "Event") {
				continue
			}
			for j := range m.Fields().Len() {
				out = append(out, string(m.FullName())+"."+string(m.Fields().Get(j).Name()))
			}
		}
		return true
	})
	slices.Sort(out)
	return out
}
