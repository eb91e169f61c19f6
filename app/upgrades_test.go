package app_test

import (
	"testing"

	"cosmossdk.io/collections"
	"cosmossdk.io/core/header"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	dbm "github.com/cosmos/cosmos-db"
	upgradetypes "github.com/cosmos/cosmos-sdk/x/upgrade/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/app"
	incidentstypes "github.com/shiplog/shiplog/x/incidents/types"
)

// The upgrade v4-frozen-pairs takes x/incidents from version 1, whose state
// has freeze entries but no frozen pairs, to version 2: the pair of an open
// incident is frozen again, and a deployment to it is refused in the next
// block.
func TestUpgradeFrozenPairsKeepsTheFreeze(t *testing.T) {
	c := newChain(t, dbm.NewMemDB())
	c.initChain(c.genesis())
	res := c.nextBlock(c.signTx(c.watcher, nil, &incidentstypes.MsgOpenIncident{
		Responder: addr(c.watcher), Title: "checkout errors", Severity: incidentstypes.SEVERITY_SEV1,
		Affected: []incidentstypes.ServiceEnvironment{{Service: "checkout", Environment: "production"}},
		Source:   incidentstypes.Source{Kind: incidentstypes.SOURCE_KIND_ALERT, Reference: "checkout-5xx"},
	}))
	require.Zero(t, res.TxResults[0].Code, res.TxResults[0].Log)
	require.True(t, c.app.UpgradeKeeper.HasHandler(app.UpgradeFrozenPairs))

	ctx := c.app.NewUncachedContext(false, cmtproto.Header{Height: c.height + 1, Time: c.time})
	vm, err := c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, vm[incidentstypes.ModuleName])
	vm[incidentstypes.ModuleName] = 1
	require.NoError(t, c.app.UpgradeKeeper.SetModuleVersionMap(ctx, vm))
	pairs := c.app.IncidentsKeeper.FrozenPairs
	require.NoError(t, pairs.Clear(ctx, nil))

	require.NoError(t, c.app.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: app.UpgradeFrozenPairs, Height: c.height + 1}))

	vm, err = c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
	require.NoError(t, err)
	require.EqualValues(t, 2, vm[incidentstypes.ModuleName])
	frozen, err := pairs.Has(ctx, collections.Join("checkout", "production"))
	require.NoError(t, err)
	require.True(t, frozen)
	res = c.nextBlock(c.signTx(c.admin, nil, recordMsg(addr(c.admin), "ci-1")))
	require.Equal(t, incidentstypes.ErrDeployFrozen.ABCICode(), res.TxResults[0].Code, res.TxResults[0].Log)
	require.Equal(t, incidentstypes.ErrDeployFrozen.Codespace(), res.TxResults[0].Codespace)
}

// The upgrades v5-succeeded-record-gas (the gas of recording a succeeded
// deployment) and v6-canonical-signatures (which signatures are accepted)
// change rules, not state: each handler runs no migration, every module
// keeps its version, and the upgrade is recorded as done at its height.
func TestRuleOnlyUpgradesKeepState(t *testing.T) {
	for _, name := range []string{app.UpgradeSucceededRecordGas, app.UpgradeCanonicalSignatures} {
		t.Run(name, func(t *testing.T) {
			c := newChain(t, dbm.NewMemDB())
			c.initChain(c.genesis())
			c.nextBlock()
			require.True(t, c.app.UpgradeKeeper.HasHandler(name))

			ctx := c.app.NewUncachedContext(false, cmtproto.Header{Height: c.height + 1, Time: c.time}).
				WithHeaderInfo(header.Info{Height: c.height + 1, Time: c.time}) // where x/upgrade reads the done height
			before, err := c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
			require.NoError(t, err)
			require.NoError(t, c.app.UpgradeKeeper.ApplyUpgrade(ctx, upgradetypes.Plan{Name: name, Height: c.height + 1}))
			after, err := c.app.UpgradeKeeper.GetModuleVersionMap(ctx)
			require.NoError(t, err)
			require.Equal(t, before, after)
			done, err := c.app.UpgradeKeeper.GetDoneHeight(ctx, name)
			require.NoError(t, err)
			require.Equal(t, c.height+1, done)
		})
	}
}
