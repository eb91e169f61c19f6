package validate_test

import (
	"strings"
	"testing"

	errorsmod "cosmossdk.io/errors"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/internal/validate"
)

var errBad = errorsmod.Register("validate_test", 2, "bad input")

func TestName(t *testing.T) {
	require.NoError(t, validate.Name(errBad, "service", "payments/api-v2.1_x", 128))
	for in, part := range map[string]string{
		"":                       "service is required",
		"Api":                    "must match",
		"-api":                   "must match",
		strings.Repeat("a", 129): "at most 128",
	} {
		err := validate.Name(errBad, "service", in, 128)
		require.ErrorIs(t, err, errBad, in)
		require.ErrorContains(t, err, part)
	}
}

func TestText(t *testing.T) {
	require.NoError(t, validate.Text(errBad, "note", "", 0, 10, false))
	require.NoError(t, validate.Text(errBad, "note", "a\n\tb", 0, 10, true))
	for _, tc := range []struct {
		in, part  string
		min       int
		multiline bool
	}{
		{"", "note is required", 1, false},
		{"a\nb", "non-printable character U+000A at byte 1", 0, false},
		{"a\rb", "non-printable", 0, true},
		{"\xff", "not valid UTF-8", 0, false},
		{strings.Repeat("x", 11), "at most 10", 0, false},
		{"ab", "at least 3 required", 3, false},
	} {
		err := validate.Text(errBad, "note", tc.in, tc.min, 10, tc.multiline)
		require.ErrorIs(t, err, errBad, tc.in)
		require.ErrorContains(t, err, tc.part)
	}
}

func TestDigest(t *testing.T) {
	hex64, hex128 := strings.Repeat("ab", 32), strings.Repeat("cd", 64)
	require.NoError(t, validate.Digest(errBad, "sha256:"+hex64, validate.SHA256))
	require.NoError(t, validate.Digest(errBad, "sha512:"+hex128, validate.SHA256, validate.SHA512))
	for _, tc := range []struct{ in, part string }{
		{hex64, "missing ':'"},
		{"sha512:" + hex128, `"sha512" is not supported (want sha256)`},
		{"md5:" + hex64, "not supported"},
		{"sha256:" + hex64[:63], "has 63 characters, want 64"},
		{"sha256:" + strings.ToUpper(hex64), "at position 0 (want lowercase hex)"},
	} {
		err := validate.Digest(errBad, tc.in, validate.SHA256)
		require.ErrorIs(t, err, errBad, tc.in)
		require.ErrorContains(t, err, tc.part)
	}
}
