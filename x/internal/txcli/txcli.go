// Package txcli holds what the modules' hand-written tx commands share.
package txcli

import (
	"fmt"

	"cosmossdk.io/core/address"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/client/tx"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
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

// MsgBuilder turns the signer address, the arguments and the flags into a
// message.
type MsgBuilder func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error)

// WireMsgCommand gives cmd the common body of a hand-written tx command:
// signer from --from, build, the message's stateless Validate, then sign and
// broadcast (or --generate-only); tx flags with simulated gas by default.
// With noMemo the transaction carries no memo (for commands that take the
// SDK's --note flag over for a message field).
func WireMsgCommand(ac address.Codec, cmd *cobra.Command, noMemo bool, build MsgBuilder) *cobra.Command {
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		clientCtx, err := client.GetClientTxContext(cmd)
		if err != nil {
			return err
		}
		signer, err := FromAddress(ac, clientCtx.GetFromAddress())
		if err != nil {
			return err
		}
		msg, err := build(signer, args, cmd.Flags())
		if err != nil {
			return err
		}
		if v, ok := msg.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return err
			}
		}
		if !noMemo {
			return tx.GenerateOrBroadcastTxCLI(clientCtx, cmd.Flags(), msg)
		}
		txf, err := tx.NewFactoryCLI(clientCtx, cmd.Flags())
		if err != nil {
			return err
		}
		return tx.GenerateOrBroadcastTxWithFactory(clientCtx, txf.WithMemo(""), msg)
	}
	flags.AddTxFlagsToCmd(cmd)
	DefaultGasAuto(cmd)
	return cmd
}
