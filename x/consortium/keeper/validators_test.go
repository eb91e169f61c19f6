package keeper_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func (f *fixture) setVal(v types.Validator) error {
	_, err := f.msgs.SetValidator(f.ctx, f.setValidator(v))
	return err
}

func (f *fixture) removeVal(k byte) error {
	_, err := f.msgs.RemoveValidator(f.ctx, f.removeValidator(k))
	return err
}

func (f *fixture) pendingCount() int {
	f.t.Helper()
	n := 0
	require.NoError(f.t, f.k.PendingPower.Walk(f.ctx, nil, func([]byte, types.Validator) (bool, error) {
		n++
		return false, nil
	}))
	return n
}

// The standard consortium has four validators of power 10: at most a third
// of 40 may move in one block, so 13 fits (39 <= 40) and 14 does not (42).
func TestPowerGuardSingleChange(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *fixture) error
		err    error
	}{
		{"add power 13", func(f *fixture) error { return f.setVal(validator(kNew1, "new", "globex", 13)) }, nil},
		{"add power 14", func(f *fixture) error { return f.setVal(validator(kNew1, "new", "globex", 14)) }, types.ErrPowerChangeTooLarge},
		{"raise 10 to 23", func(f *fixture) error { return f.setVal(validator(kAcme1, "acme-1", "acme", 23)) }, nil},
		{"raise 10 to 24", func(f *fixture) error { return f.setVal(validator(kAcme1, "acme-1", "acme", 24)) }, types.ErrPowerChangeTooLarge},
		{"lower 10 to 1", func(f *fixture) error { return f.setVal(validator(kAcme1, "acme-1", "acme", 1)) }, nil},
		{"remove one of four", func(f *fixture) error { return f.removeVal(kGlobex) }, nil},
		{"rename only", func(f *fixture) error { return f.setVal(validator(kAcme1, "acme-one", "acme", 10)) }, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, threeOrgGenesis(t))
			before := f.dump()
			err := tc.change(f)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				require.ErrorContains(t, err, "of 40 power")
				require.Equal(t, before, f.dump(), "a refused change records nothing")
				require.Empty(t, f.endBlock())
				return
			}
			require.NoError(t, err)
		})
	}
}

func TestPowerGuardAccumulatesWithinBlock(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	require.NoError(t, f.setVal(validator(kNew1, "new-1", "globex", 10)))
	// 10 already moved this block: +4 more makes 14 of 40.
	err := f.setVal(validator(kNew2, "new-2", "initech", 4))
	require.ErrorIs(t, err, types.ErrPowerChangeTooLarge)
	require.ErrorContains(t, err, "moves 14 of 40")
	// Moving the same validator again counts from its start-of-block power.
	require.NoError(t, f.setVal(validator(kNew1, "new-1", "globex", 13)))
	require.ErrorIs(t, f.setVal(validator(kNew1, "new-1", "globex", 14)), types.ErrPowerChangeTooLarge)
	// Lowering another validator also moves power: 13 + 1 > 40/3.
	require.ErrorIs(t, f.setVal(validator(kAcme1, "acme-1", "acme", 9)), types.ErrPowerChangeTooLarge)

	require.Equal(t, []abciUpdate{{kNew1, 13}}, toUpdates(t, f.endBlock()))

	// New block, new budget: the set is now 53, a third is 17.
	require.NoError(t, f.setVal(validator(kNew2, "new-2", "initech", 4)))
	require.NoError(t, f.setVal(validator(kNew3, "new-3", "initech", 13)))
	require.ErrorIs(t, f.removeVal(kAcme1), types.ErrPowerChangeTooLarge)
	require.ElementsMatch(t, []abciUpdate{{kNew2, 4}, {kNew3, 13}}, toUpdates(t, f.endBlock()))
}

func TestPowerGuardUsesStartOfBlockTotal(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	// Adding 10 raises the current total to 50 but the budget stays a third
	// of the 40 the block started with: 10 + 2 + 1 = 13 fits, 14 does not.
	require.NoError(t, f.setVal(validator(kNew1, "new-1", "globex", 10)))
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 12)))
	require.NoError(t, f.setVal(validator(kAcme2, "acme-2", "acme", 11)))
	err := f.setVal(validator(kGlobex, "globex-1", "globex", 11))
	require.ErrorIs(t, err, types.ErrPowerChangeTooLarge)
	require.ErrorContains(t, err, "moves 14 of 40")
}

func TestRemoveValidatorRejections(t *testing.T) {
	t.Run("only validator", func(t *testing.T) {
		f := newFixture(t, singleOrgGenesis(t))
		err := f.removeVal(kAcme1)
		require.ErrorIs(t, err, types.ErrEmptyValidatorSet)
		require.Equal(t, 0, f.pendingCount())
	})
	t.Run("unknown validator", func(t *testing.T) {
		f := newFixture(t, threeOrgGenesis(t))
		before := f.dump()
		require.ErrorIs(t, f.removeVal(kNew1), types.ErrUnknownValidator)
		require.Equal(t, before, f.dump())
	})
	t.Run("removed twice", func(t *testing.T) {
		f := newFixture(t, threeOrgGenesis(t))
		require.NoError(t, f.removeVal(kAcme1))
		require.ErrorIs(t, f.removeVal(kAcme1), types.ErrUnknownValidator)
	})
	t.Run("empty key", func(t *testing.T) {
		f := newFixture(t, threeOrgGenesis(t))
		_, err := f.msgs.RemoveValidator(f.ctx, &types.MsgRemoveValidator{Authority: f.authority})
		require.ErrorIs(t, err, types.ErrUnknownValidator)
	})
}

func TestSetValidatorRejections(t *testing.T) {
	tests := []struct {
		name string
		v    types.Validator
		err  error
	}{
		{"moniker taken", validator(kNew1, "acme-2", "acme", 1), types.ErrInvalidValidator},
		{"rename to a taken moniker", validator(kAcme1, "globex-1", "acme", 10), types.ErrInvalidValidator},
		{"move to another organization", validator(kAcme1, "acme-1", "globex", 10), types.ErrInvalidValidator},
		{"unknown organization", validator(kNew1, "new", "hooli", 1), types.ErrUnknownOrganization},
		{"invalid organization", validator(kNew1, "new", "Hooli", 1), types.ErrInvalidOrganization},
		{"power zero", validator(kAcme1, "acme-1", "acme", 0), types.ErrInvalidValidator},
		{"negative power", validator(kNew1, "new", "acme", -1), types.ErrInvalidValidator},
		{"power over max", validator(kNew1, "new", "acme", types.MaxValidatorPower+1), types.ErrInvalidValidator},
		{"short key", types.Validator{Moniker: "new", OrganizationId: "acme", PubKey: valKey(kNew1)[:31], Power: 1}, types.ErrInvalidValidator},
		{"long key", types.Validator{Moniker: "new", OrganizationId: "acme", PubKey: append(valKey(kNew1), 0), Power: 1}, types.ErrInvalidValidator},
		{"empty moniker", validator(kNew1, "", "acme", 1), types.ErrInvalidValidator},
		{"moniker too long", validator(kNew1, strings.Repeat("m", types.MaxMonikerLength+1), "acme", 1), types.ErrInvalidValidator},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, threeOrgGenesis(t))
			before := f.dump()
			require.ErrorIs(t, f.setVal(tc.v), tc.err)
			require.Equal(t, before, f.dump())
			require.Empty(t, f.endBlock())
		})
	}
}

func TestSetValidatorEvents(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	require.NoError(t, f.setVal(validator(kAcme1, "acme-1", "acme", 12)))
	require.NoError(t, f.removeVal(kGlobex))
	require.Equal(t, []string{"shiplog.consortium.v1.EventValidatorSet", "shiplog.consortium.v1.EventValidatorRemoved"}, f.eventTypes())
	require.EqualValues(t, 12, f.validatorPower(kAcme1))
}

// abciUpdate is a validator update reduced to the key number and power.
type abciUpdate struct {
	key   byte
	power int64
}
