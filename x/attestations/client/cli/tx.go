// Package cli holds the attestations module's hand-written tx commands.
package cli

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/client"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/shiplog/shiplog/x/attestations/types"
	"github.com/shiplog/shiplog/x/internal/txcli"
)

// Flags of the attestations tx commands.
const (
	FlagPublicKey     = "public-key"
	FlagPredicateType = "predicate-type"
	FlagNotBefore     = "not-before"
	FlagNotAfter      = "not-after"
	FlagKeyID         = "key-id"
)

// GetTxCmd returns the attestations tx command. ac prints the --from
// address; when nil the SDK's global bech32 configuration is used.
func GetTxCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:                        types.ModuleName,
		Short:                      "Attestations transaction subcommands",
		DisableFlagParsing:         true,
		SuggestionsMinimumDistance: 2,
		RunE:                       client.ValidateCmd,
	}
	cmd.AddCommand(NewRegisterKeyCmd(ac), NewSubmitCmd(ac))
	return cmd
}

// NewRegisterKeyCmd returns the register-key command.
func NewRegisterKeyCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "register-key [key-id]",
		Short: "Register an attestor key of your organization (role admin)",
		Long: `Register the public key CI jobs of your organization sign attestations with. --public-key is
a PEM file with a PKIX public key ("-----BEGIN PUBLIC KEY-----", as cosign generate-key-pair and
openssl write it): ECDSA P-256, Ed25519 or RSA 2048-4096. --predicate-type (repeatable, at least
one) lists what the key may attest. --not-before / --not-after (RFC3339) bound its validity.`,
		Example: `shiplogd tx attestations register-key acme-ci-2026 --public-key cosign.pub \
  --predicate-type https://slsa.dev/provenance/v1 \
  --predicate-type https://cosign.sigstore.dev/attestation/vuln/v1 \
  --not-after 2027-01-01T00:00:00Z --from acme-admin`,
		Args: cobra.ExactArgs(1),
	}
	f := cmd.Flags()
	f.String(FlagPublicKey, "", "PEM file of the public key (required)")
	f.StringArray(FlagPredicateType, nil, "predicate type the key may attest (repeatable, at least one)")
	f.String(FlagNotBefore, "", "start of validity (RFC3339)")
	f.String(FlagNotAfter, "", "end of validity (RFC3339)")
	return txcli.WireMsgCommand(ac, cmd, false, func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		path, _ := fs.GetString(FlagPublicKey)
		if path == "" {
			return nil, fmt.Errorf("--%s is required", FlagPublicKey)
		}
		pemText, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		msg := &types.MsgRegisterAttestorKey{Admin: signer, KeyId: args[0], PublicKey: string(pemText)}
		msg.PredicateTypes, _ = fs.GetStringArray(FlagPredicateType)
		if msg.NotBefore, err = timeFlag(fs, FlagNotBefore); err != nil {
			return nil, err
		}
		if msg.NotAfter, err = timeFlag(fs, FlagNotAfter); err != nil {
			return nil, err
		}
		return msg, nil
	})
}

func timeFlag(fs *pflag.FlagSet, name string) (*time.Time, error) {
	s, _ := fs.GetString(name)
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", name, err)
	}
	return &t, nil
}

// NewSubmitCmd returns the submit command.
func NewSubmitCmd(ac address.Codec) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "submit [envelope.json]",
		Short: "Submit a signed DSSE envelope with an in-toto statement (role attestor)",
		Long: fmt.Sprintf(`Submit a DSSE envelope as cosign attest-blob --key ... --tlog-upload=false (its standard
output) and the in-toto libraries write it: {"payloadType": "%s", "payload": BASE64, "signatures": [{"keyid": "...", "sig": BASE64}]}.
The chain verifies the signature against --key-id, or, without it, against your organization's
keys allowed for the statement's predicate type. Payloads above %d KiB are kept off chain: sign a
%s statement naming the envelope's digest and location instead. Submitting the same envelope again
returns the stored id.`, types.PayloadTypeInToto, types.MaxEnvelopePayload>>10, types.PredicateReference),
		Example: `cosign attest-blob --key cosign.key --tlog-upload=false --type slsaprovenance1 \
  --predicate provenance.json --yes api.tar > api.intoto.json
shiplogd tx attestations submit api.intoto.json --key-id acme-ci-2026 --from ci-bot`,
		Args: cobra.ExactArgs(1),
	}
	cmd.Flags().String(FlagKeyID, "", "attestor key to verify against (default: try your organization's keys)")
	return txcli.WireMsgCommand(ac, cmd, false, func(signer string, args []string, fs *pflag.FlagSet) (sdk.Msg, error) {
		bz, err := os.ReadFile(args[0])
		if err != nil {
			return nil, err
		}
		env, err := ParseEnvelope(bz)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "%s", args[0])
		}
		keyID, _ := fs.GetString(FlagKeyID)
		return &types.MsgSubmitAttestation{Submitter: signer, Envelope: env, KeyId: keyID}, nil
	})
}

// ParseEnvelope reads a DSSE envelope in its JSON form (base64 payload and
// signatures; standard or URL-safe alphabet, padded or not).
func ParseEnvelope(bz []byte) (types.Envelope, error) {
	var raw struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []struct {
			KeyID string `json:"keyid"`
			Sig   string `json:"sig"`
		} `json:"signatures"`
	}
	dec := json.NewDecoder(strings.NewReader(string(bz)))
	if err := dec.Decode(&raw); err != nil {
		return types.Envelope{}, errorsmod.Wrapf(types.ErrInvalidEnvelope, "not a DSSE envelope: %s", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return types.Envelope{}, errorsmod.Wrap(types.ErrInvalidEnvelope, "the file holds more than one JSON value; submit one envelope per file")
	}
	payload, err := decodeBase64(raw.Payload)
	if err != nil {
		return types.Envelope{}, errorsmod.Wrapf(types.ErrInvalidEnvelope, "payload: %s", err)
	}
	env := types.Envelope{PayloadType: raw.PayloadType, Payload: payload}
	for i, s := range raw.Signatures {
		sig, err := decodeBase64(s.Sig)
		if err != nil {
			return types.Envelope{}, errorsmod.Wrapf(types.ErrInvalidEnvelope, "signature %d: %s", i, err)
		}
		env.Signatures = append(env.Signatures, types.Signature{Keyid: s.KeyID, Sig: sig})
	}
	return env, nil
}

func decodeBase64(s string) ([]byte, error) {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if bz, err := enc.DecodeString(s); err == nil {
			return bz, nil
		}
	}
	return nil, fmt.Errorf("not base64")
}
