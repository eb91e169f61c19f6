package app

import (
	"os"
	"path/filepath"

	"github.com/shiplog/shiplog/app/params"
)

const (
	// Name is the application name reported over ABCI.
	Name = "shiplog"
	// AccountAddressPrefix makes account addresses read ship1...
	AccountAddressPrefix = params.AccountAddressPrefix
	// DefaultChainID is the chain id of the single-node dev chain.
	DefaultChainID = "shiplog-dev-1"
	// NoFeeDenom only satisfies the SDK's coin syntax where a denom is
	// mandatory (minimum-gas-prices); shiplog has no token and no fees.
	NoFeeDenom = "ship"
	// DefaultBlockMaxGas bounds the gas of one block: without fees, gas limits
	// and membership are the only brakes on load. 500,000,000 holds about
	// 146 transactions of 100 records (14,600 records) or 9,000 single
	// records at the benchmark's gas limits (3.4 million and 56,000). Once
	// records left three state indexes, 200,000,000 (then 37 batches) capped
	// a validator flat out: blocks came full every half second plus
	// execution, and the node used 0.7 of its 2 cores. Raised, one validator
	// committed 4,333-5,374 records/s in 100-record batches instead of
	// 3,415-4,220.
	DefaultBlockMaxGas = 500_000_000
)

// DefaultNodeHome is where shiplogd keeps its data unless --home is given.
var DefaultNodeHome = func() string {
	home, err := os.UserHomeDir()
	if err != nil {
		home = "."
	}
	return filepath.Join(home, ".shiplog")
}()

func init() {
	SetAddressPrefixes()
}

// SetAddressPrefixes installs the ship bech32 prefixes in the SDK's global
// config. It is idempotent and runs before any address is printed.
func SetAddressPrefixes() { params.SetAddressPrefixes() }
