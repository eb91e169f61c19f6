package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/keeper"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// gateCall is one CheckDeployment call seen by a fakeGate.
type gateCall struct {
	gate string
	d    types.Deployment
}

// fakeGate logs every call into a shared log (to check order across gates)
// and answers with check, or err when check is nil.
type fakeGate struct {
	name  string
	log   *[]gateCall
	err   error
	check func(ctx context.Context, d types.Deployment) error
}

func (g fakeGate) CheckDeployment(ctx context.Context, d types.Deployment) error {
	*g.log = append(*g.log, gateCall{g.name, d})
	if g.check != nil {
		return g.check(ctx, d)
	}
	return g.err
}

// withGates rebuilds the fixture's msg and query servers on a keeper that
// consults gates, as the app wires it.
func (f *fixture) withGates(gates ...types.DeployGate) {
	f.k = f.k.WithDeployGates(gates...)
	f.msgs = keeper.NewMsgServerImpl(f.k)
	f.queries = keeper.NewQueryServerImpl(f.k)
}

func gateNames(calls []gateCall) []string {
	out := make([]string, len(calls))
	for i, c := range calls {
		out[i] = c.gate
	}
	return out
}

// The gate sees the record exactly as it is then stored, id included, before
// anything of it is written.
func TestDeployGateSeesCompleteRecord(t *testing.T) {
	f := newFixture(t)
	target := f.record(t, validMsg(f.deployer))
	var log []gateCall
	f.withGates(fakeGate{name: "a", log: &log, check: func(ctx context.Context, d types.Deployment) error {
		has, err := f.k.Deployments.Has(ctx, d.Id)
		require.NoError(t, err)
		require.False(t, has, "the gate runs before the record is stored")
		return nil
	}})
	f.nextBlock()
	m := validMsg(f.deployer2)
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	m.RollbackOf = target
	m.ExternalId = "rb-1"
	m.FixesIncidents = []uint64{4}
	m.BreakGlass = "sev1"
	id := f.record(t, m)
	require.Equal(t, target+1, id)

	require.Len(t, log, 1)
	stored, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, stored, log[0].d)
	require.Equal(t, id, log[0].d.Id)
	require.Equal(t, f.deployer2, log[0].d.Deployer)
	require.Equal(t, "acme", log[0].d.OrganizationId)
	require.Equal(t, []uint64{4}, log[0].d.FixesIncidents)
	require.Equal(t, "sev1", log[0].d.BreakGlass)
	require.Equal(t, target, log[0].d.RollbackOf)
	require.Equal(t, f.ctx.BlockTime(), log[0].d.CreatedAt)
	require.Equal(t, f.ctx.BlockHeight(), log[0].d.CreatedHeight)
}

// A refusal comes back unchanged and leaves the store byte-identical: no
// record, index, external reference, current entry, success time or id.
func TestDeployGateRefusal(t *testing.T) {
	f := newFixture(t)
	first := f.record(t, validMsg(f.deployer))
	errFrozen := errors.New("api/prod is frozen by incident 7")
	refuse := true
	var log []gateCall
	f.withGates(fakeGate{name: "freeze", log: &log, check: func(context.Context, types.Deployment) error {
		if refuse {
			return errFrozen
		}
		return nil
	}})
	f.nextBlock()
	m := validMsg(f.deployer)
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED // would touch Current and SucceededAt
	m.ExternalId = "run-2"                       // would touch ExternalRefs

	f.requireNoEffect(t, func() {
		_, err := f.msgs.RecordDeployment(f.ctx, m)
		require.True(t, err == errFrozen, "the gate's error is returned as is, got %v", err)
	})
	require.Len(t, log, 1)
	require.Equal(t, first+1, log[0].d.Id)

	// The refusal stored no external reference: retrying under the same
	// external id with a justification is not a conflict but a new record,
	// and it gets the id the refused attempt was shown.
	refuse = false
	m.BreakGlass = "sev1 outage, approved by on-call"
	res, err := f.msgs.RecordDeployment(f.ctx, m)
	require.NoError(t, err)
	require.False(t, res.Existing)
	require.Equal(t, first+1, res.Id)
	d, err := f.k.GetDeployment(f.ctx, res.Id)
	require.NoError(t, err)
	require.Equal(t, m.BreakGlass, d.BreakGlass)
}

// The same refusal inside a message run as the SDK runs it: on a cache
// context whose writes are kept only on success.
func TestDeployGateRefusalOnCacheContext(t *testing.T) {
	f := newFixture(t)
	f.record(t, validMsg(f.deployer))
	var log []gateCall
	errFrozen := errors.New("frozen")
	f.withGates(fakeGate{name: "freeze", log: &log, err: errFrozen})
	before, events := f.dump(t), f.events()

	cacheCtx, write := f.ctx.CacheContext()
	_, err := f.msgs.RecordDeployment(cacheCtx, validMsg(f.deployer))
	require.ErrorIs(t, err, errFrozen)
	if err == nil {
		write()
	}
	require.Equal(t, before, f.dump(t))
	require.Equal(t, events, f.events())
	require.Empty(t, cacheCtx.EventManager().Events())
}

// Gates are not consulted when the message fails earlier or is a replay.
func TestDeployGateNotConsulted(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	f.withGates(fakeGate{name: "a", log: &log})
	m := validMsg(f.deployer)
	m.ExternalId = "run-1"
	id := f.record(t, m)
	require.Len(t, log, 1)

	res, err := f.msgs.RecordDeployment(f.ctx, m)
	require.NoError(t, err)
	require.True(t, res.Existing)
	require.Equal(t, id, res.Id)

	conflict := validMsg(f.deployer)
	conflict.ExternalId = "run-1"
	conflict.BreakGlass = "now with a justification"
	_, err = f.msgs.RecordDeployment(f.ctx, conflict)
	require.ErrorIs(t, err, types.ErrConflict)

	badRollback := validMsg(f.deployer)
	badRollback.RollbackOf = 99
	_, err = f.msgs.RecordDeployment(f.ctx, badRollback)
	require.ErrorIs(t, err, types.ErrNotFound)

	invalid := validMsg(f.deployer)
	invalid.FixesIncidents = []uint64{0}
	_, err = f.msgs.RecordDeployment(f.ctx, invalid)
	require.ErrorIs(t, err, types.ErrInvalidFixesIncidents)

	_, err = f.msgs.RecordDeployment(f.ctx, validMsg(f.attestor))
	require.Error(t, err)

	// Status updates are not new records.
	f.setStatus(t, f.deployer, id, types.DEPLOYMENT_STATUS_SUCCEEDED)

	require.Len(t, log, 1, "only the first record consulted the gate")
}

// Gates run in the order given, each on the same record; the first refusal
// ends the message and the later gates are not asked.
func TestDeployGatesInOrder(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	refuseB := false
	errB := fmt.Errorf("b says no")
	gate := func(name string) fakeGate {
		return fakeGate{name: name, log: &log, check: func(context.Context, types.Deployment) error {
			if name == "b" && refuseB {
				return errB
			}
			return nil
		}}
	}
	f.withGates(gate("a"), gate("b"), gate("c"))

	id := f.record(t, validMsg(f.deployer))
	require.Equal(t, []string{"a", "b", "c"}, gateNames(log))
	for _, c := range log {
		require.Equal(t, log[0].d, c.d)
		require.Equal(t, id, c.d.Id)
	}

	log = nil
	refuseB = true
	f.requireNoEffect(t, func() {
		_, err := f.msgs.RecordDeployment(f.ctx, validMsg(f.deployer))
		require.True(t, err == errB, "got %v", err)
	})
	require.Equal(t, []string{"a", "b"}, gateNames(log))
}

// Events a gate emits when it lets a record through (the incidents freeze
// reports overrides) come before the record's own event.
func TestDeployGateEventsKept(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	f.withGates(fakeGate{name: "a", log: &log, check: func(ctx context.Context, d types.Deployment) error {
		sdk.UnwrapSDKContext(ctx).EventManager().EmitEvent(sdk.NewEvent("gate_override", sdk.NewAttribute("deployment_id", fmt.Sprint(d.Id))))
		return nil
	}})
	f.record(t, validMsg(f.deployer))
	events := f.ctx.EventManager().Events()
	require.Len(t, events, 2)
	require.Equal(t, "gate_override", events[0].Type)
	require.Equal(t, "shiplog.deployments.v1.EventDeploymentRecorded", events[1].Type)
}

func TestWithDeployGates(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	base := f.k
	gated := base.WithDeployGates(fakeGate{name: "a", log: &log, err: errors.New("no")})

	// The receiver keeps no gates: it is a copy.
	_, err := keeper.NewMsgServerImpl(base).RecordDeployment(f.ctx, validMsg(f.deployer))
	require.NoError(t, err)
	require.Empty(t, log)
	_, err = keeper.NewMsgServerImpl(gated).RecordDeployment(f.ctx, validMsg(f.deployer))
	require.Error(t, err)
	require.Len(t, log, 1)

	// The copy holds exactly the gates given: none clears them.
	_, err = keeper.NewMsgServerImpl(gated.WithDeployGates()).RecordDeployment(f.ctx, validMsg(f.deployer))
	require.NoError(t, err)
	require.Len(t, log, 1)

	require.PanicsWithValue(t, "deployments: deploy gate 1 is nil", func() {
		base.WithDeployGates(fakeGate{name: "a", log: &log}, nil)
	})
}

// A gate that records a deployment itself would make the id it was shown
// stale; the keeper refuses rather than store two records under one id.
func TestDeployGateReentrant(t *testing.T) {
	f := newFixture(t)
	inner := f.k
	var log []gateCall
	f.withGates(fakeGate{name: "reentrant", log: &log, check: func(ctx context.Context, _ types.Deployment) error {
		_, _, err := inner.RecordDeployment(ctx, f.deployer, "acme", validMsg(f.deployer))
		return err
	}})
	_, err := f.msgs.RecordDeployment(f.ctx, validMsg(f.deployer))
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
	require.Contains(t, err.Error(), "deployment id 1 was taken")
}
