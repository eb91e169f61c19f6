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
	// and membership are the only brakes on load.
	DefaultBlockMaxGas = 200_000_000
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
