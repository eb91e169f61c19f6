package keeper_test

import (
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

const overdueEvent = "shiplog.incidents.v1.EventRemediationOverdue"

func (f *fixture) addItem(t testing.TB, incident uint64, due time.Time) uint64 {
	t.Helper()
	res, err := f.msgs.AddRemediation(f.ctx, addRemediation(f.responder, incident, due))
	require.NoError(t, err)
	return res.Id
}

// endBlock runs EndBlock in a fresh event manager and returns the ids of the
// overdue events it emitted.
func (f *fixture) endBlock(t testing.TB) []string {
	t.Helper()
	f.clearEvents()
	require.NoError(t, f.k.EndBlocker(f.ctx))
	var ids []string
	for _, e := range f.eventsOf(overdueEvent) {
		ids = append(ids, e["id"])
	}
	return ids
}

func (f *fixture) overdue(t testing.TB, p *query.PageRequest) ([]uint64, []byte) {
	t.Helper()
	res, err := f.queries.Overdue(f.ctx, &types.QueryOverdueRequest{Pagination: p})
	require.NoError(t, err)
	ids := make([]uint64, len(res.Remediations))
	for i, r := range res.Remediations {
		ids[i] = r.Id
	}
	return ids, res.Pagination.NextKey
}

func TestOverdueEmittedOnce(t *testing.T) {
	f := newFixture(t)
	inc := f.open(t, validOpen(f.responder))
	dueA := genesisTime.Add(time.Hour)
	dueB := genesisTime.Add(2 * time.Hour)
	a := f.addItem(t, inc, dueA)
	b := f.addItem(t, inc, dueB)
	c := f.addItem(t, inc, dueA.Add(30*time.Minute))

	require.Empty(t, f.endBlock(t), "nothing due yet")
	ids, _ := f.overdue(t, nil)
	require.Empty(t, ids)

	// A block one nanosecond early emits nothing; the block at the due time
	// emits a, with its attributes.
	f.ctx = f.ctx.WithBlockTime(dueA.Add(-time.Nanosecond))
	require.Empty(t, f.endBlock(t))
	f.ctx = f.ctx.WithBlockTime(dueA)
	require.Equal(t, []string{`"1"`}, f.endBlock(t))
	ev := f.eventsOf(overdueEvent)[0]
	require.Equal(t, map[string]string{"id": `"1"`, "incident_id": `"1"`, "owner_organization_id": `"acme"`, "due_time": `"2025-03-01T13:00:00Z"`}, ev)
	ids, _ = f.overdue(t, nil)
	require.Equal(t, []uint64{a}, ids)

	// Later blocks do not emit it again; c is completed before its due time
	// and never emits.
	f.advance(time.Minute)
	require.Empty(t, f.endBlock(t))
	_, err := f.msgs.CompleteRemediation(f.ctx, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: c})
	require.NoError(t, err)
	f.ctx = f.ctx.WithBlockTime(dueB.Add(time.Hour))
	require.Equal(t, []string{`"2"`}, f.endBlock(t))
	require.Empty(t, f.endBlock(t))

	// Overdue lists incomplete overdue items, earliest due first; completing
	// one removes it.
	ids, _ = f.overdue(t, nil)
	require.Equal(t, []uint64{a, b}, ids)
	_, err = f.msgs.CompleteRemediation(f.ctx, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: a})
	require.NoError(t, err)
	ids, _ = f.overdue(t, nil)
	require.Equal(t, []uint64{b}, ids)
	require.Empty(t, f.endBlock(t))
}

// A long pause (or a mass of items due at once) is worked off
// MaxOverduePerBlock at a time, earliest first, each item once.
func TestOverduePerBlockCap(t *testing.T) {
	f := newFixture(t)
	n := types.MaxOverduePerBlock + 5
	due := genesisTime.Add(time.Hour)
	var inc uint64
	for i := 0; i < n; i++ {
		if i%types.MaxRemediationsPerIncident == 0 {
			inc = f.open(t, validOpen(f.responder))
		}
		f.addItem(t, inc, due.Add(time.Duration(i)*time.Second))
	}
	f.ctx = f.ctx.WithBlockTime(due.Add(24 * time.Hour))
	first := f.endBlock(t)
	require.Len(t, first, types.MaxOverduePerBlock)
	require.Equal(t, `"1"`, first[0])
	second := f.endBlock(t)
	require.Equal(t, []string{`"1001"`, `"1002"`, `"1003"`, `"1004"`, `"1005"`}, second)
	require.Empty(t, f.endBlock(t))

	// The Overdue query pages through all of them in due order.
	var all []uint64
	var key []byte
	for {
		ids, next := f.overdue(t, &query.PageRequest{Key: key, Limit: 400})
		all = append(all, ids...)
		if next == nil {
			break
		}
		key = next
	}
	require.Len(t, all, n)
	for i, id := range all {
		require.Equal(t, uint64(i+1), id)
	}
}

func TestOverdueQueryErrors(t *testing.T) {
	f := newFixture(t)
	_, err := f.queries.Overdue(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
	for _, p := range []*query.PageRequest{
		{Offset: 1}, {CountTotal: true}, {Reverse: true}, {Key: []byte{1}}, {Key: make([]byte, 8)},
		{Key: []byte{0, 0, 0, 0, 0, 0, 0, 9}}, // unknown remediation
	} {
		_, err := f.queries.Overdue(f.ctx, &types.QueryOverdueRequest{Pagination: p})
		require.ErrorIs(t, err, types.ErrInvalidRequest, "%v", p)
	}
}
