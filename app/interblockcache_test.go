package app_test

import (
	"testing"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/cosmos-sdk/baseapp"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// A node's inter-block cache wraps every store but x/deployments'; records
// are written and read through the unwrapped store, and the accounts
// through the cached one, across blocks.
func TestInterBlockCacheLeavesTheDeploymentsStoreOut(t *testing.T) {
	cache := app.NewInterBlockCache()
	c := newChainWithOptions(t, dbm.NewMemDB(), nil, baseapp.SetInterBlockCache(cache))
	c.initChain(c.genesis())
	require.NotNil(t, cache.Unwrap(c.app.GetKey(authtypes.StoreKey)), "the auth store is not cached")
	require.Nil(t, cache.Unwrap(c.app.GetKey(deploymentstypes.StoreKey)), "the deployments store is cached")

	for i, ext := range []string{"ci-1", "ci-2"} {
		res := c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), ext)))
		require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
		d, err := c.app.DeploymentsKeeper.GetDeployment(c.ctx(), uint64(i+1))
		require.NoError(t, err)
		require.Equal(t, ext, d.ExternalId)
	}
}
