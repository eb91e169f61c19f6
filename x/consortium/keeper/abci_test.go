package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestEndBlockerIdle(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	before := f.dump()
	require.Empty(t, f.endBlock())
	require.Equal(t, before, f.dump())
}

func TestEndBlockerValidatorUpdates(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	require.NoError(t, f.setVal(validator(kNew1, "new-1", "globex", 3)))
	require.NoError(t, f.removeVal(kInitech))
	require.Equal(t, 2, f.pendingCount())

	updates := f.endBlock()
	require.ElementsMatch(t, []abciUpdate{{kNew1, 3}, {kInitech, 0}}, toUpdates(t, updates))
	for _, u := range updates {
		require.Len(t, u.PubKey.GetEd25519(), 32, "updates carry the ed25519 key")
	}
	require.Equal(t, 0, f.pendingCount(), "EndBlocker clears the pending changes")
	require.Empty(t, f.endBlock(), "nothing changed in the next block")

	total, err := f.k.TotalPower(f.ctx)
	require.NoError(t, err)
	require.EqualValues(t, 33, total)
	_, err = f.k.Validators.Get(f.ctx, types.ConsensusAddress(valKey(kInitech)))
	require.Error(t, err)
}

func TestEndBlockerSkipsNetZeroChanges(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	// Up and back down in one block: CometBFT sees nothing.
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 12)))
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 10)))
	// Added and removed in one block: nothing either.
	require.NoError(t, f.setVal(validator(kNew1, "new-1", "acme", 3)))
	require.NoError(t, f.removeVal(kNew1))
	// A rename moves no power.
	require.NoError(t, f.setVal(validator(kGlobex, "globex-renamed", "globex", 10)))

	require.Empty(t, f.endBlock())
	require.Equal(t, 0, f.pendingCount())

	// Only the distance from the start-of-block power counts, since CometBFT
	// sees the net change: 10 -> 12 -> 10 spends nothing and 13 still fits.
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 12)))
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 10)))
	require.NoError(t, f.setVal(validator(kNew1, "new-1", "acme", 13)))
	require.Equal(t, []abciUpdate{{kNew1, 13}}, toUpdates(t, f.endBlock()))
}

func TestProposalExpiry(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	submitted := f.ctx.BlockTime()
	f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
	f.nextBlock(time.Hour)
	f.mustSubmit(nGlobexAdmin, f.addOrg("umbrella", "Umbrella"))
	expiry := submitted.Add(types.DefaultProposalLifetime)
	require.Equal(t, expiry, f.proposal(1).ExpiryTime)

	// Just before expiry: still open, still approvable in principle.
	f.ctx = f.ctx.WithBlockTime(expiry.Add(-time.Nanosecond))
	f.endBlock()
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, f.proposal(1).Status)

	// At the expiry time, before EndBlocker runs, approvals are refused.
	f.ctx = f.ctx.WithBlockTime(expiry)
	_, err := f.approve(nGlobexAdmin, 1)
	require.ErrorIs(t, err, types.ErrProposalNotOpen)
	require.ErrorContains(t, err, "expired")
	require.ErrorIs(t, f.withdraw(nAcmeAdmin, 1), types.ErrProposalNotOpen)

	// EndBlocker at the expiry time closes it; the later proposal stays open.
	f.freshEvents()
	_, err = f.k.EndBlocker(f.ctx)
	require.NoError(t, err)
	require.Equal(t, []string{"shiplog.consortium.v1.EventProposalFinalized"}, f.eventTypes())
	p := f.proposal(1)
	require.Equal(t, types.PROPOSAL_STATUS_EXPIRED, p.Status)
	require.Equal(t, f.ctx.BlockHeight(), p.FinalHeight)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, f.proposal(2).Status)
	require.Equal(t, 1, f.expiryQueueLen())
	require.False(t, f.hasOrg("hooli"))

	f.nextBlock(time.Second)
	_, err = f.approve(nGlobexAdmin, 1)
	require.ErrorIs(t, err, types.ErrProposalNotOpen)
	require.ErrorContains(t, err, "PROPOSAL_STATUS_EXPIRED")

	// A block far in the future expires everything that is due at once.
	f.ctx = f.ctx.WithBlockTime(expiry.Add(365 * 24 * time.Hour))
	f.endBlock()
	require.Equal(t, types.PROPOSAL_STATUS_EXPIRED, f.proposal(2).Status)
	require.Equal(t, 0, f.expiryQueueLen())
	require.Equal(t, types.PROPOSAL_STATUS_EXPIRED, f.proposal(1).Status)
}
