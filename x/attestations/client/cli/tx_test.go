package cli_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/attestations/client/cli"
	"github.com/shiplog/shiplog/x/attestations/keeper"
	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
)

var signer = attestutil.NewP256("acme-ci")

// signed returns an envelope signed by the DSSE library, in message form,
// and its DSSE JSON form's parts.
func signed(t *testing.T) (types.Envelope, []byte, [][]byte) {
	t.Helper()
	st := attestutil.Statement(types.StatementTypeV01, types.PredicateSLSAProvenanceV1, map[string]any{"builder": map[string]any{"id": "https://b"}},
		attestutil.SHA256Subject("api.tar", "api"))
	env := attestutil.SignDSSE(types.PayloadTypeInToto, st, signer, attestutil.NewEd25519("second"))
	var sigs [][]byte
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.DecodeString(s.Sig)
		require.NoError(t, err)
		sigs = append(sigs, sig)
	}
	return attestutil.Envelope(env), st, sigs
}

// file renders an envelope file with enc for the payload and signatures.
func file(enc *base64.Encoding, payload []byte, sigs [][]byte, keyids ...string) []byte {
	type sig struct {
		KeyID string `json:"keyid"`
		Sig   string `json:"sig"`
	}
	out := struct {
		PayloadType string `json:"payloadType"`
		Payload     string `json:"payload"`
		Signatures  []sig  `json:"signatures"`
	}{PayloadType: types.PayloadTypeInToto, Payload: enc.EncodeToString(payload)}
	for i, s := range sigs {
		k := ""
		if i < len(keyids) {
			k = keyids[i]
		}
		out.Signatures = append(out.Signatures, sig{KeyID: k, Sig: enc.EncodeToString(s)})
	}
	bz, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		panic(err)
	}
	return append(bz, '\n')
}

func TestParseEnvelopeEncodings(t *testing.T) {
	want, payload, sigs := signed(t)
	wantDigest, err := keeper.EnvelopeDigest(want)
	require.NoError(t, err)
	for name, enc := range map[string]*base64.Encoding{
		"standard":          base64.StdEncoding,
		"standard unpadded": base64.RawStdEncoding,
		"URL-safe":          base64.URLEncoding,
		"URL-safe unpadded": base64.RawURLEncoding,
	} {
		t.Run(name, func(t *testing.T) {
			got, err := cli.ParseEnvelope(file(enc, payload, sigs, "acme-ci", "second"))
			require.NoError(t, err)
			require.Equal(t, want, got)
			d, err := keeper.EnvelopeDigest(got)
			require.NoError(t, err)
			require.Equal(t, wantDigest, d, "the digest does not depend on the file's encoding")
		})
	}
}

func TestParseEnvelopeAsTheLibraryWritesIt(t *testing.T) {
	st := attestutil.Statement(types.StatementTypeV1, types.PredicateSPDX, map[string]any{}, attestutil.SHA256Subject("a", "a"))
	env := attestutil.SignDSSE(types.PayloadTypeInToto, st, signer)
	bz, err := json.Marshal(env)
	require.NoError(t, err)
	got, err := cli.ParseEnvelope(bz)
	require.NoError(t, err)
	require.Equal(t, attestutil.Envelope(env), got)
	require.Equal(t, st, got.Payload)
	require.Equal(t, "acme-ci", got.Signatures[0].Keyid)
}

func TestParseEnvelopeCosignEmptyKeyID(t *testing.T) {
	_, payload, sigs := signed(t)
	got, err := cli.ParseEnvelope(file(base64.StdEncoding, payload, sigs[:1]))
	require.NoError(t, err)
	require.Equal(t, "", got.Signatures[0].Keyid)
	require.Equal(t, sigs[0], got.Signatures[0].Sig)
}

func TestParseEnvelopeRejected(t *testing.T) {
	_, payload, sigs := signed(t)
	good := base64.StdEncoding.EncodeToString(payload)
	goodSig := base64.StdEncoding.EncodeToString(sigs[0])
	for _, tc := range []struct {
		name string
		in   string
		msg  string
	}{
		{"empty", ``, "not a DSSE envelope"},
		{"not JSON", `payloadType: x`, "not a DSSE envelope"},
		{"truncated", `{"payloadType":"application/vnd.in-toto+json","payload":"`, "not a DSSE envelope"},
		{"array", `[]`, "not a DSSE envelope"},
		{"payload not a string", `{"payload":5}`, "not a DSSE envelope"},
		{"signatures not a list", fmt.Sprintf(`{"payload":%q,"signatures":{}}`, good), "not a DSSE envelope"},
		{"two envelopes", fmt.Sprintf(`{"payload":%q,"signatures":[]} {}`, good), "more than one JSON value"},
		{"payload not base64", fmt.Sprintf(`{"payload":"%s!","signatures":[{"sig":%q}]}`, good[:8], goodSig), "payload: not base64"},
		{"signature not base64", fmt.Sprintf(`{"payload":%q,"signatures":[{"sig":%q},{"sig":"***"}]}`, good, goodSig), "signature 1: not base64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := cli.ParseEnvelope([]byte(tc.in))
			require.ErrorIs(t, err, types.ErrInvalidEnvelope)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestTxCommands(t *testing.T) {
	cmd := cli.GetTxCmd(nil)
	var names []string
	for _, c := range cmd.Commands() {
		names = append(names, c.Name())
	}
	require.ElementsMatch(t, []string{"register-key", "submit"}, names)
	submit, _, err := cmd.Find([]string{"submit"})
	require.NoError(t, err)
	require.NotNil(t, submit.Flags().Lookup(cli.FlagKeyID))
	reg, _, err := cmd.Find([]string{"register-key"})
	require.NoError(t, err)
	for _, f := range []string{cli.FlagPublicKey, cli.FlagPredicateType, cli.FlagNotBefore, cli.FlagNotAfter} {
		require.NotNil(t, reg.Flags().Lookup(f), f)
	}
}
