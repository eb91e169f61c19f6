package keeper_test

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// fakePolicy answers every deployment with decide.
type fakePolicy struct {
	decide func(d types.Deployment) (types.PolicyDecision, error)
}

func (p fakePolicy) EvaluateDeployment(_ context.Context, d types.Deployment) (types.PolicyDecision, error) {
	return p.decide(d)
}

// breakGlassPolicy lets a deployment with a justification through on
// break-glass with a one-hour review, and allows the others.
var breakGlassPolicy = fakePolicy{decide: func(d types.Deployment) (types.PolicyDecision, error) {
	dec := types.PolicyDecision{Outcome: types.POLICY_OUTCOME_ALLOWED, Environment: d.Environment, PolicyVersion: 2, Enforced: true}
	if d.BreakGlass != "" {
		dec.Outcome = types.POLICY_OUTCOME_BREAK_GLASS
		dec.BreakGlassReviewPeriod = time.Hour
		dec.Unmet = []types.UnmetRequirement{{ArtifactDigest: d.Artifacts[0].Digest, Requirement: "slsa", Reason: "no provenance"}}
	}
	return dec, nil
}}

func (f *fixture) withPolicy(p types.DeployPolicy) {
	f.k = f.k.WithDeployPolicy(p)
	f.withGates()
}

func (f *fixture) breakGlass(t *testing.T) uint64 {
	t.Helper()
	m := validMsg(f.deployer)
	m.BreakGlass = "payments down, hotfix"
	return f.record(t, m)
}

func TestPolicyDecisionStoredWithRecord(t *testing.T) {
	f := newFixture(t)
	f.withPolicy(breakGlassPolicy)
	id := f.record(t, validMsg(f.deployer))
	d, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.NotNil(t, d.PolicyDecision)
	require.Equal(t, types.POLICY_OUTCOME_ALLOWED, d.PolicyDecision.Outcome)
	require.Equal(t, uint64(2), d.PolicyDecision.PolicyVersion)
	require.Nil(t, d.BreakGlassReview, "an allowed deployment needs no review")
}

func TestPolicyErrorRejectsAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	denied := errorsmod.Wrap(types.ErrUnauthorized, "requirement slsa: no provenance")
	f.withPolicy(fakePolicy{decide: func(types.Deployment) (types.PolicyDecision, error) {
		return types.PolicyDecision{}, denied
	}})
	f.requireNoEffect(t, func() {
		_, err := f.msgs.RecordDeployment(f.ctx, validMsg(f.deployer))
		require.ErrorIs(t, err, denied)
	})
}

// The policy runs after the gates: a gate refusal never reaches it.
func TestPolicyRunsAfterGates(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	asked := false
	f.k = f.k.WithDeployPolicy(fakePolicy{decide: func(types.Deployment) (types.PolicyDecision, error) {
		asked = true
		return types.PolicyDecision{Outcome: types.POLICY_OUTCOME_ALLOWED}, nil
	}})
	f.withGates(fakeGate{name: "freeze", log: &log, err: errorsmod.Wrap(types.ErrUnauthorized, "frozen")})
	_, err := f.msgs.RecordDeployment(f.ctx, validMsg(f.deployer))
	require.ErrorIs(t, err, types.ErrUnauthorized)
	require.False(t, asked)
}

func TestBreakGlassReviewLifecycle(t *testing.T) {
	f := newFixture(t)
	f.withPolicy(breakGlassPolicy)
	recorded := f.ctx.BlockTime()
	id := f.breakGlass(t)
	plain := f.record(t, validMsg(f.deployer))

	d, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, types.POLICY_OUTCOME_BREAK_GLASS, d.PolicyDecision.Outcome)
	require.Equal(t, recorded.Add(time.Hour), d.BreakGlassReview.Due)
	require.Empty(t, d.BreakGlassReview.Reviewer)

	pending := f.reviews(t, false)
	require.Equal(t, []uint64{id}, pending)
	require.Empty(t, f.reviews(t, true), "not overdue yet")

	// Before the due time: no overdue event.
	f.ctx = f.ctx.WithBlockTime(recorded.Add(59 * time.Minute)).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Empty(t, f.ctx.EventManager().Events())

	// At the due time: one overdue event, once.
	f.ctx = f.ctx.WithBlockTime(recorded.Add(time.Hour)).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Len(t, f.ctx.EventManager().Events(), 1)
	require.Equal(t, "shiplog.deployments.v1.EventBreakGlassReviewOverdue", f.ctx.EventManager().Events()[0].Type)
	f.ctx = f.ctx.WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Empty(t, f.ctx.EventManager().Events())
	require.Equal(t, []uint64{id}, f.reviews(t, true))

	// Rejections: nothing changes.
	for _, c := range []struct {
		name     string
		reviewer string
		id       uint64
		err      error
		contains string
	}{
		{"same organization", f.adminAcme, id, types.ErrUnauthorized, "another organization"},
		{"not an admin", f.other, id, consortiumtypes.ErrMissingRole, "may not review break-glass"},
		{"non-member", f.nonMember, id, consortiumtypes.ErrNotMember, ""},
		{"no break-glass", f.adminGlobex, plain, types.ErrNoReviewPending, "not let through on a break-glass"},
		{"unknown deployment", f.adminGlobex, 999, types.ErrNotFound, "999"},
		{"id 0", f.adminGlobex, 0, types.ErrInvalidDeployment, "id is required"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				_, err := f.msgs.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: c.reviewer, Id: c.id, Note: "ok"})
				require.ErrorIs(t, err, c.err)
				require.Contains(t, err.Error(), c.contains)
			})
		})
	}
	_, err = f.msgs.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.adminGlobex, Id: id, Note: "bad\x00note"})
	require.ErrorIs(t, err, types.ErrInvalidNote)

	// Another organisation's admin reviews it, late.
	_, err = f.msgs.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.adminGlobex, Id: id, Note: "hotfix checked"})
	require.NoError(t, err)
	d, err = f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, f.adminGlobex, d.BreakGlassReview.Reviewer)
	require.Equal(t, "globex", d.BreakGlassReview.ReviewerOrganizationId)
	require.Equal(t, "hotfix checked", d.BreakGlassReview.Note)
	require.Equal(t, f.ctx.BlockHeight(), d.BreakGlassReview.ReviewedHeight)
	require.Empty(t, f.reviews(t, false))
	ev := f.ctx.EventManager().Events()
	require.Equal(t, "shiplog.deployments.v1.EventBreakGlassReviewed", ev[len(ev)-1].Type)

	_, err = f.msgs.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.adminGlobex, Id: id})
	require.ErrorIs(t, err, types.ErrNoReviewPending)
	require.Contains(t, err.Error(), "already reviewed")
}

// A review in time removes the deployment from the overdue queue: no event
// comes later.
func TestBreakGlassReviewInTimeCancelsOverdueEvent(t *testing.T) {
	f := newFixture(t)
	f.withPolicy(breakGlassPolicy)
	id := f.breakGlass(t)
	_, err := f.msgs.ReviewBreakGlass(f.ctx, &types.MsgReviewBreakGlass{Reviewer: f.adminGlobex, Id: id})
	require.NoError(t, err)
	f.ctx = f.ctx.WithBlockTime(f.ctx.BlockTime().Add(2 * time.Hour)).WithEventManager(sdk.NewEventManager())
	require.NoError(t, f.k.EndBlocker(f.ctx))
	require.Empty(t, f.ctx.EventManager().Events())
}

func TestBreakGlassReviewsSurviveGenesis(t *testing.T) {
	f := newFixture(t)
	f.withPolicy(breakGlassPolicy)
	early := f.breakGlass(t)
	f.ctx = f.ctx.WithBlockTime(f.ctx.BlockTime().Add(30 * time.Minute))
	late := f.breakGlass(t)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)

	// Imported when the first review is already overdue: both are pending,
	// only the second still gets its overdue event.
	g := newFixture(t)
	g.ctx = g.ctx.WithBlockTime(f.ctx.BlockTime().Add(45 * time.Minute))
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	require.Equal(t, []uint64{early, late}, g.reviews(t, false))
	g.ctx = g.ctx.WithBlockTime(g.ctx.BlockTime().Add(time.Hour)).WithEventManager(sdk.NewEventManager())
	require.NoError(t, g.k.EndBlocker(g.ctx))
	require.Len(t, g.ctx.EventManager().Events(), 1)
}

func TestBreakGlassReviewsPagination(t *testing.T) {
	f := newFixture(t)
	f.withPolicy(breakGlassPolicy)
	var ids []uint64
	for range 3 {
		ids = append(ids, f.breakGlass(t))
		f.nextBlock()
	}
	res, err := f.queries.BreakGlassReviews(f.ctx, &types.QueryBreakGlassReviewsRequest{Pagination: &query.PageRequest{Limit: 2}})
	require.NoError(t, err)
	require.Len(t, res.Deployments, 2)
	require.NotNil(t, res.Pagination.NextKey)
	res, err = f.queries.BreakGlassReviews(f.ctx, &types.QueryBreakGlassReviewsRequest{Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 2}})
	require.NoError(t, err)
	require.Len(t, res.Deployments, 1)
	require.Equal(t, ids[2], res.Deployments[0].Id)

	plain := f.record(t, validMsg(f.deployer))
	_, err = f.queries.BreakGlassReviews(f.ctx, &types.QueryBreakGlassReviewsRequest{Pagination: &query.PageRequest{Key: binary.BigEndian.AppendUint64(nil, plain), Limit: 2}})
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	_, err = f.queries.BreakGlassReviews(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

// reviews lists the ids of the pending (or overdue) break-glass reviews.
func (f *fixture) reviews(t *testing.T, overdue bool) []uint64 {
	t.Helper()
	res, err := f.queries.BreakGlassReviews(f.ctx, &types.QueryBreakGlassReviewsRequest{Overdue: overdue})
	require.NoError(t, err)
	var ids []uint64
	for _, d := range res.Deployments {
		ids = append(ids, d.Id)
	}
	return ids
}
