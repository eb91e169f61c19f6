package keeper_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// HaltDeployment moves an in-progress deployment to halted for any valid
// actor (x/aiops decided on the evidence), keeps the reason in the
// transition and emits the usual status event.
func TestHaltDeployment(t *testing.T) {
	f := newFixture(t)
	id := f.record(t, validMsg(f.deployer))
	f.nextBlock()
	f.ctx = f.ctx.WithEventManager(newEventManager())
	require.NoError(t, f.k.HaltDeployment(f.ctx, id, f.other, "aiops verdict 7: canary FAIL"))

	d, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.DEPLOYMENT_STATUS_HALTED, d.Status)
	require.Equal(t, f.ctx.BlockHeight(), d.UpdatedHeight)
	last := d.Transitions[len(d.Transitions)-1]
	require.Equal(t, types.DEPLOYMENT_STATUS_IN_PROGRESS, last.From)
	require.Equal(t, types.DEPLOYMENT_STATUS_HALTED, last.To)
	require.Equal(t, f.other, last.Actor)
	require.Equal(t, "aiops verdict 7: canary FAIL", last.Reason)
	events := f.ctx.EventManager().Events()
	require.Len(t, events, 1)
	require.Equal(t, "shiplog.deployments.v1.EventDeploymentStatusChanged", events[0].Type)

	// The status index follows once the block is committed.
	f.reindex(t)
	res, err := f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Status: types.DEPLOYMENT_STATUS_HALTED})
	require.NoError(t, err)
	require.Len(t, res.Deployments, 1)
}

func TestHaltDeploymentRejections(t *testing.T) {
	f := newFixture(t)
	id := f.record(t, validMsg(f.deployer))
	done := f.record(t, validMsg(f.deployer))
	f.setStatus(t, f.deployer, done, types.DEPLOYMENT_STATUS_SUCCEEDED)
	cases := []struct {
		name   string
		id     uint64
		actor  string
		reason string
		class  error
		text   string
	}{
		{"unknown", 99, f.other, "r", types.ErrNotFound, "deployment 99"},
		{"final", done, f.other, "r", types.ErrIllegalTransition, "succeeded is final"},
		{"bad actor", id, "ship1nope", "r", types.ErrInvalidAddress, "is not an address"},
		{"non-canonical actor", id, strings.ToUpper(f.other), "r", types.ErrInvalidAddress, "canonical"},
		{"reason too long", id, f.other, strings.Repeat("x", types.MaxReasonLength+1), types.ErrInvalidReason, "reason"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				err := f.k.HaltDeployment(f.ctx, c.id, c.actor, c.reason)
				require.ErrorIs(t, err, c.class)
				require.ErrorContains(t, err, c.text)
			})
		})
	}
}

// WalkServiceEnvDeployments reads one pair, newest first, and stops on request.
func TestWalkServiceEnvDeployments(t *testing.T) {
	f := newFixture(t)
	a := f.record(t, validMsg(f.deployer))
	other := validMsg(f.deployer)
	other.Environment = "staging"
	f.record(t, other)
	b := f.record(t, validMsg(f.deployer))
	c := f.record(t, validMsg(f.deployer))

	var seen []uint64
	require.NoError(t, f.k.WalkServiceEnvDeployments(f.ctx, "api", "prod", func(d types.Deployment) (bool, error) {
		seen = append(seen, d.Id)
		return false, nil
	}))
	require.Equal(t, []uint64{c, b, a}, seen)

	seen = nil
	require.NoError(t, f.k.WalkServiceEnvDeployments(f.ctx, "api", "prod", func(d types.Deployment) (bool, error) {
		seen = append(seen, d.Id)
		return len(seen) == 2, nil
	}))
	require.Equal(t, []uint64{c, b}, seen)
	require.NoError(t, f.k.WalkServiceEnvDeployments(f.ctx, "api", "qa", func(types.Deployment) (bool, error) {
		t.Fatal("no deployment in api/qa")
		return true, nil
	}))
}
