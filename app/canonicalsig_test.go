package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	sdkerrors "github.com/cosmos/cosmos-sdk/types/errors"
	txtypes "github.com/cosmos/cosmos-sdk/types/tx"
	"github.com/stretchr/testify/require"
)

// A signature whose r or s is not below secp256k1's group order is refused
// in CheckTx and in FinalizeBlock with an error that says so (not the
// generic verification failure), and the refused transaction changes
// nothing: no record, no sequence.
func TestNonCanonicalSignatureIsRefused(t *testing.T) {
	for half, name := range []string{"r", "s"} {
		t.Run(name, func(t *testing.T) {
			c := newChain(t, dbm.NewMemDB())
			c.initChain(c.genesis())
			_, seq := c.account(c.admin)

			var raw txtypes.TxRaw
			require.NoError(t, raw.Unmarshal(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "non-canonical"))))
			raw.Signatures[0] = append([]byte(nil), raw.Signatures[0]...)
			for i := half * 32; i < half*32+32; i++ {
				raw.Signatures[0][i] = 0xff
			}
			tx, err := raw.Marshal()
			require.NoError(t, err)

			want := name + " is not below the group order"
			res := c.checkTx(tx)
			require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), res.Code, res.Log)
			require.Contains(t, res.Log, want)
			require.Contains(t, res.Log, addr(c.admin))
			require.Zero(t, c.app.SignatureCache().Len())

			block := c.nextBlock(tx)
			require.Equal(t, sdkerrors.ErrUnauthorized.ABCICode(), block.TxResults[0].Code)
			require.Contains(t, block.TxResults[0].Log, want)
			_, err = c.app.DeploymentsKeeper.Deployments.Get(c.ctx(), 1)
			require.Error(t, err, "nothing recorded")
			_, after := c.account(c.admin)
			require.Equal(t, seq, after)
		})
	}
}
