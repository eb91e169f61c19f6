// Package validate holds the input rules several modules share, so that a
// service name, a digest or a free-text field is checked the same way
// wherever it appears. Every check takes the calling module's registered
// error class, so errors keep their module's codespace.
package validate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"cosmossdk.io/core/address"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// NamePattern is the shape of service names, environment names and label keys.
const NamePattern = `^[a-z0-9][a-z0-9._/-]*$`

var nameRegexp = regexp.MustCompile(NamePattern)

// Name checks a required name of at most maxLen bytes matching NamePattern.
func Name(class *errorsmod.Error, what, s string, maxLen int) error {
	switch {
	case s == "":
		return errorsmod.Wrapf(class, "%s is required", what)
	case len(s) > maxLen:
		return errorsmod.Wrapf(class, "%s is %d bytes, at most %d allowed", what, len(s), maxLen)
	case !nameRegexp.MatchString(s):
		return errorsmod.Wrapf(class, "%s %q must match %s", what, s, NamePattern)
	}
	return nil
}

// Text checks a free-text field: valid UTF-8, printable characters only
// (unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the
// ASCII space; with multiline also newline and tab), length within
// [minLen, maxLen] bytes.
func Text(class *errorsmod.Error, what, s string, minLen, maxLen int, multiline bool) error {
	if len(s) < minLen {
		if minLen == 1 {
			return errorsmod.Wrapf(class, "%s is required", what)
		}
		return errorsmod.Wrapf(class, "%s is %d bytes, at least %d required", what, len(s), minLen)
	}
	if len(s) > maxLen {
		return errorsmod.Wrapf(class, "%s is %d bytes, at most %d allowed", what, len(s), maxLen)
	}
	if !utf8.ValidString(s) {
		return errorsmod.Wrapf(class, "%s is not valid UTF-8", what)
	}
	for i, c := range s {
		if multiline && (c == '\n' || c == '\t') {
			continue
		}
		if !unicode.IsPrint(c) {
			return errorsmod.Wrapf(class, "%s has non-printable character %U at byte %d", what, c, i)
		}
	}
	return nil
}

// Digest algorithms and the hex length of their digests.
const (
	SHA256 = "sha256"
	SHA512 = "sha512"
)

var hexLength = map[string]int{SHA256: 64, SHA512: 128}

// Digest checks "<algorithm>:<lowercase hex>" for one of the allowed
// algorithms and says which part is wrong.
func Digest(class *errorsmod.Error, d string, allowed ...string) error {
	algo, hexPart, ok := strings.Cut(d, ":")
	if !ok {
		return errorsmod.Wrapf(class, "digest %q is not <algorithm>:<hex> (missing ':')", d)
	}
	want, known := hexLength[algo]
	if !known || !contains(allowed, algo) {
		return errorsmod.Wrapf(class, "digest algorithm %q is not supported (want %s)", algo, strings.Join(allowed, " or "))
	}
	if len(hexPart) != want {
		return errorsmod.Wrapf(class, "%s digest hex part has %d characters, want %d", algo, len(hexPart), want)
	}
	for i := 0; i < len(hexPart); i++ {
		c := hexPart[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return errorsmod.Wrapf(class, "%s digest hex part has %q at position %d (want lowercase hex)", algo, c, i)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Address decodes a bech32 account address and returns its bytes and
// canonical form, so records and indexes never hold two spellings of one
// account.
func Address(codec address.Codec, class *errorsmod.Error, s string) (sdk.AccAddress, string, error) {
	if s == "" {
		return nil, "", errorsmod.Wrap(class, "address is required")
	}
	bz, err := codec.StringToBytes(s)
	if err != nil {
		return nil, "", errorsmod.Wrapf(class, "%q: %s", s, err)
	}
	if len(bz) == 0 {
		return nil, "", errorsmod.Wrapf(class, "%q is empty", s)
	}
	canonical, err := codec.BytesToString(bz)
	if err != nil {
		return nil, "", errorsmod.Wrapf(class, "%q: %s", s, err)
	}
	return bz, canonical, nil
}
