// Package params holds the chain-wide constants that packages below app/
// (modules, their tests, the CLI) need without importing the whole app.
package params

import (
	"os"

	sdk "github.com/cosmos/cosmos-sdk/types"
)

// AccountAddressPrefix makes account addresses read ship1...
const AccountAddressPrefix = "ship"

// configScope names the SDK's global config for this process. Without it
// every sdk.GetConfig call (one per bech32 address decoded, several per
// transaction) derives the scope from os.Executable and os.Hostname, two
// system calls that cost about 90 us per delivered record.
const configScope = "shiplog"

// SetAddressPrefixes installs the ship bech32 prefixes in the SDK's global
// config, which parts of the SDK still read. Idempotent. It fixes the
// config's scope first, so the prefixes land in the config later calls read.
func SetAddressPrefixes() {
	if os.Getenv(sdk.EnvConfigScope) == "" {
		_ = os.Setenv(sdk.EnvConfigScope, configScope)
	}
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == AccountAddressPrefix {
		return
	}
	cfg.SetBech32PrefixForAccount(AccountAddressPrefix, AccountAddressPrefix+"pub")
	cfg.SetBech32PrefixForValidator(AccountAddressPrefix+"valoper", AccountAddressPrefix+"valoperpub")
	cfg.SetBech32PrefixForConsensusNode(AccountAddressPrefix+"valcons", AccountAddressPrefix+"valconspub")
}
