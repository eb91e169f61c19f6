package types_test

import (
	"os"
	"testing"

	addresscodec "github.com/cosmos/cosmos-sdk/codec/address"

	shiplogparams "github.com/shiplog/shiplog/app/params"
)

// Member.Validate reads the SDK's global bech32 config; the app installs the
// ship prefixes at init, the tests do it here.
func TestMain(m *testing.M) {
	shiplogparams.SetAddressPrefixes()
	os.Exit(m.Run())
}

func bechWith(prefix string, bz []byte) string {
	s, err := addresscodec.NewBech32Codec(prefix).BytesToString(bz)
	if err != nil {
		panic(err)
	}
	return s
}

func mustBech(bz []byte) string { return bechWith("ship", bz) }
