// Package txcli holds what the modules' hand-written tx commands share.
package txcli

import (
	"fmt"

	"cosmossdk.io/core/address"
	"github.com/cosmos/cosmos-sdk/client/flags"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"
)

// FromAddress prints the --from account with the module's address codec
// (client.Context has none in v0.54).
func FromAddress(ac address.Codec, addr sdk.AccAddress) (string, error) {
	if addr.Empty() {
		return "", fmt.Errorf("--%s is required", flags.FlagFrom)
	}
	if ac == nil {
		return addr.String(), nil
	}
	return ac.BytesToString(addr)
}

// DefaultGasAuto makes a command simulate its gas by default (--gas still
// overrides it): records grow with their content (artifacts, labels, an
// incident's timeline), and a fixed default would run large ones out of gas.
func DefaultGasAuto(cmd *cobra.Command) {
	gas := cmd.Flags().Lookup(flags.FlagGas)
	gas.DefValue = flags.GasFlagAuto
	_ = gas.Value.Set(flags.GasFlagAuto)
	adj := cmd.Flags().Lookup(flags.FlagGasAdjustment)
	adj.DefValue = "1.3"
	_ = adj.Value.Set("1.3")
}
