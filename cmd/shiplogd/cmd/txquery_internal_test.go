package cmd

import (
	"strings"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"
)

func TestWaitTxHash(t *testing.T) {
	hash, err := waitTxHash([]string{"ABCD"}, strings.NewReader(""))
	require.NoError(t, err)
	require.Equal(t, "ABCD", hash)

	piped := "gas estimate: 81234\n{\"height\":\"0\",\"txhash\":\"6D1A\",\"code\":0}\n"
	hash, err = waitTxHash(nil, strings.NewReader(piped))
	require.NoError(t, err)
	require.Equal(t, "6D1A", hash)

	refused := `{"height":"0","txhash":"6D1A","codespace":"consortium","code":3,"raw_log":"ship1... is not a member"}`
	_, err = waitTxHash(nil, strings.NewReader(refused))
	require.EqualError(t, err, "transaction 6D1A was refused (codespace consortium, code 3): ship1... is not a member")

	for _, in := range []string{"", "not json", `{"code":0}`} {
		_, err = waitTxHash(nil, strings.NewReader(in))
		require.ErrorContains(t, err, "pipe a tx command's --output json into wait-tx", in)
	}
}

// wait-tx exits non-zero for a transaction that failed in its block,
// naming the failure.
func TestCommittedTxError(t *testing.T) {
	require.NoError(t, committedTxError(&sdk.TxResponse{TxHash: "6D1A", Height: 9}))
	err := committedTxError(&sdk.TxResponse{TxHash: "6D1A", Height: 9, Codespace: "deployments", Code: 12, RawLog: "deployment 1 is final"})
	require.EqualError(t, err, "transaction 6D1A failed in block 9 (codespace deployments, code 12): deployment 1 is final")
}
