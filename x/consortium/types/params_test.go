package types_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func TestParamsValidate(t *testing.T) {
	tests := []struct {
		name string
		p    types.Params
		ok   bool
	}{
		{"default", types.DefaultParams(), true},
		{"zero threshold (any approval passes)", types.Params{ThresholdNumerator: 0, ThresholdDenominator: 1, ProposalLifetime: time.Hour}, true},
		{"two thirds", types.Params{ThresholdNumerator: 2, ThresholdDenominator: 3, ProposalLifetime: time.Hour}, true},
		{"denominator zero", types.Params{ThresholdNumerator: 0, ThresholdDenominator: 0, ProposalLifetime: time.Hour}, false},
		{"numerator equals denominator", types.Params{ThresholdNumerator: 3, ThresholdDenominator: 3, ProposalLifetime: time.Hour}, false},
		{"numerator above denominator", types.Params{ThresholdNumerator: 3, ThresholdDenominator: 2, ProposalLifetime: time.Hour}, false},
		{"lifetime one minute", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: time.Minute}, true},
		{"lifetime under a minute", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: time.Minute - time.Nanosecond}, false},
		{"lifetime zero", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2}, false},
		{"lifetime negative", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: -time.Hour}, false},
		{"lifetime at max", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: types.MaxProposalLifetime}, true},
		{"lifetime over max", types.Params{ThresholdNumerator: 1, ThresholdDenominator: 2, ProposalLifetime: types.MaxProposalLifetime + 1}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Validate()
			if tc.ok {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, types.ErrInvalidParams)
		})
	}
}

func TestParamsPasses(t *testing.T) {
	half := types.DefaultParams()
	twoThirds := types.Params{ThresholdNumerator: 2, ThresholdDenominator: 3, ProposalLifetime: time.Hour}
	zero := types.Params{ThresholdNumerator: 0, ThresholdDenominator: 1, ProposalLifetime: time.Hour}
	tests := []struct {
		name            string
		p               types.Params
		approvals, orgs uint64
		want            bool
	}{
		{"1 of 1 with 1/2", half, 1, 1, true},
		{"1 of 2 with 1/2 (exactly half)", half, 1, 2, false},
		{"2 of 2 with 1/2", half, 2, 2, true},
		{"1 of 3 with 1/2", half, 1, 3, false},
		{"2 of 3 with 1/2", half, 2, 3, true},
		{"2 of 4 with 1/2", half, 2, 4, false},
		{"3 of 4 with 1/2", half, 3, 4, true},
		{"0 of 1 with 1/2", half, 0, 1, false},
		{"no organizations", half, 0, 0, false},
		{"approvals without organizations", half, 1, 0, false},
		{"2 of 3 with 2/3 (exactly the threshold)", twoThirds, 2, 3, false},
		{"3 of 3 with 2/3", twoThirds, 3, 3, true},
		{"4 of 6 with 2/3", twoThirds, 4, 6, false},
		{"5 of 6 with 2/3", twoThirds, 5, 6, true},
		{"1 of 1 with 2/3", twoThirds, 1, 1, true},
		{"1 of 2 with 2/3", twoThirds, 1, 2, false},
		{"1 of 100 with 0", zero, 1, 100, true},
		{"0 of 100 with 0", zero, 0, 100, false},
		{"large counts", twoThirds, 1<<31 + 1, 3 << 30, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tc.p.Passes(tc.approvals, tc.orgs))
		})
	}
}
