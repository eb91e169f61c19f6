// Package params holds the chain-wide constants that packages below app/
// (modules, their tests, the CLI) need without importing the whole app.
package params

import sdk "github.com/cosmos/cosmos-sdk/types"

// AccountAddressPrefix makes account addresses read ship1...
const AccountAddressPrefix = "ship"

// SetAddressPrefixes installs the ship bech32 prefixes in the SDK's global
// config, which parts of the SDK still read. Idempotent.
func SetAddressPrefixes() {
	cfg := sdk.GetConfig()
	if cfg.GetBech32AccountAddrPrefix() == AccountAddressPrefix {
		return
	}
	cfg.SetBech32PrefixForAccount(AccountAddressPrefix, AccountAddressPrefix+"pub")
	cfg.SetBech32PrefixForValidator(AccountAddressPrefix+"valoper", AccountAddressPrefix+"valoperpub")
	cfg.SetBech32PrefixForConsensusNode(AccountAddressPrefix+"valcons", AccountAddressPrefix+"valconspub")
}
