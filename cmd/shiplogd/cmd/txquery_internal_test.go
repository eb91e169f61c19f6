package cmd

import (
	"strings"
	"testing"

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

	for _, in := range []string{"", "not json", `{"code":0}`} {
		_, err = waitTxHash(nil, strings.NewReader(in))
		require.ErrorContains(t, err, "pipe a tx command's --output json into wait-tx", in)
	}
}
