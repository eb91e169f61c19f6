package cli

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/privval"
	"github.com/cosmos/cosmos-sdk/client"
	"github.com/cosmos/cosmos-sdk/client/flags"
	"github.com/cosmos/cosmos-sdk/crypto/keyring"
	sdk "github.com/cosmos/cosmos-sdk/types"
	genutiltypes "github.com/cosmos/cosmos-sdk/x/genutil/types"
	"github.com/spf13/cobra"

	"github.com/shiplog/shiplog/x/consortium/types"
)

const (
	flagPower  = "power"
	flagPubKey = "pubkey"
)

// GenesisCommands are the `genesis` subcommands that build a consortium.
func GenesisCommands(defaultNodeHome string) []*cobra.Command {
	return []*cobra.Command{AddOrgCmd(defaultNodeHome), AddMemberCmd(defaultNodeHome), AddValidatorCmd(defaultNodeHome)}
}

// AddOrgCmd adds an organisation to genesis.json.
func AddOrgCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-org ID NAME",
		Short: "Add an organization to genesis.json",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return updateGenesis(cmd, func(gs *types.GenesisState) error {
				gs.Organizations = append(gs.Organizations, types.Organization{Id: args[0], Name: args[1]})
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "node's home directory")
	return cmd
}

// AddMemberCmd adds a member (address or key name) to genesis.json.
func AddMemberCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-member ADDRESS_OR_KEY ORG_ID ROLE[,ROLE...]",
		Short: "Add a member with roles (admin, operator, deployer, attestor, responder, detector) to genesis.json",
		Args:  cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			addr, err := resolveAddress(cmd, args[0])
			if err != nil {
				return err
			}
			roles, err := ParseRoles(args[2])
			if err != nil {
				return err
			}
			return updateGenesis(cmd, func(gs *types.GenesisState) error {
				gs.Members = append(gs.Members, types.Member{Address: addr, OrganizationId: args[1], Roles: roles, Active: true})
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "node's home directory")
	cmd.Flags().String(flags.FlagKeyringBackend, flags.DefaultKeyringBackend, "keyring backend (os|file|test)")
	return cmd
}

// AddValidatorCmd adds a validator to genesis.json, by default with this
// node's consensus key from config/priv_validator_key.json.
func AddValidatorCmd(defaultNodeHome string) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-validator MONIKER ORG_ID",
		Short: "Add a validator to genesis.json (this node's key, or --pubkey BASE64)",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			home, _ := cmd.Flags().GetString(flags.FlagHome)
			power, _ := cmd.Flags().GetInt64(flagPower)
			pubKeyB64, _ := cmd.Flags().GetString(flagPubKey)
			var pubKey []byte
			if pubKeyB64 != "" {
				var err error
				if pubKey, err = base64.StdEncoding.DecodeString(pubKeyB64); err != nil {
					return fmt.Errorf("--%s must be base64: %w", flagPubKey, err)
				}
			} else {
				keyFile := filepath.Join(home, "config", "priv_validator_key.json")
				stateFile := filepath.Join(home, "data", "priv_validator_state.json")
				if _, err := os.Stat(keyFile); err != nil {
					return fmt.Errorf("no --%s given and %s is unreadable: %w", flagPubKey, keyFile, err)
				}
				pv := privval.LoadFilePVEmptyState(keyFile, stateFile)
				pk, err := pv.GetPubKey()
				if err != nil {
					return err
				}
				if _, ok := pk.(ed25519.PubKey); !ok {
					return fmt.Errorf("%s holds a %s key; validators need ed25519", keyFile, pk.Type())
				}
				pubKey = pk.Bytes()
			}
			return updateGenesis(cmd, func(gs *types.GenesisState) error {
				v := types.Validator{Moniker: args[0], OrganizationId: args[1], PubKey: pubKey, Power: power}
				if err := v.Validate(); err != nil {
					return err
				}
				gs.Validators = append(gs.Validators, v)
				return nil
			})
		},
	}
	cmd.Flags().String(flags.FlagHome, defaultNodeHome, "node's home directory")
	cmd.Flags().Int64(flagPower, 10, "voting power")
	cmd.Flags().String(flagPubKey, "", "base64 ed25519 consensus public key (default: this node's)")
	return cmd
}

// updateGenesis edits the consortium section of genesis.json and refuses to
// write a state that fails validation.
func updateGenesis(cmd *cobra.Command, edit func(*types.GenesisState) error) error {
	clientCtx := client.GetClientContextFromCmd(cmd)
	home, _ := cmd.Flags().GetString(flags.FlagHome)
	genFile := filepath.Join(home, "config", "genesis.json")
	appGenesis, err := genutiltypes.AppGenesisFromFile(genFile)
	if err != nil {
		return fmt.Errorf("read %s: %w", genFile, err)
	}
	var appState map[string]json.RawMessage
	if err := json.Unmarshal(appGenesis.AppState, &appState); err != nil {
		return err
	}
	gs := types.DefaultGenesis()
	if raw, ok := appState[types.ModuleName]; ok {
		if err := clientCtx.Codec.UnmarshalJSON(raw, gs); err != nil {
			return err
		}
	}
	if err := edit(gs); err != nil {
		return err
	}
	if err := gs.Validate(); err != nil {
		return err
	}
	if appState[types.ModuleName], err = clientCtx.Codec.MarshalJSON(gs); err != nil {
		return err
	}
	if appGenesis.AppState, err = json.MarshalIndent(appState, "", "  "); err != nil {
		return err
	}
	return appGenesis.SaveAs(genFile)
}

func resolveAddress(cmd *cobra.Command, nameOrAddr string) (string, error) {
	if _, err := sdk.AccAddressFromBech32(nameOrAddr); err == nil {
		return nameOrAddr, nil
	}
	clientCtx := client.GetClientContextFromCmd(cmd)
	home, _ := cmd.Flags().GetString(flags.FlagHome)
	backend, _ := cmd.Flags().GetString(flags.FlagKeyringBackend)
	kr, err := keyring.New(sdk.KeyringServiceName(), backend, home, bufio.NewReader(cmd.InOrStdin()), clientCtx.Codec)
	if err != nil {
		return "", err
	}
	rec, err := kr.Key(nameOrAddr)
	if err != nil {
		return "", fmt.Errorf("%q is neither an address nor a key in the %s keyring: %w", nameOrAddr, backend, err)
	}
	addr, err := rec.GetAddress()
	if err != nil {
		return "", err
	}
	return addr.String(), nil
}
