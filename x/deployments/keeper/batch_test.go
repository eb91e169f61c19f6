package keeper_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments/types"
)

// rec returns the content of validMsg as a batch record.
func rec(version string) types.DeploymentRecord {
	m := validMsg("")
	m.Version = version
	return types.DeploymentRecord{
		Service: m.Service, Environment: m.Environment, Version: m.Version, Artifacts: m.Artifacts,
		Source: m.Source, Pipeline: m.Pipeline, Strategy: m.Strategy, Labels: m.Labels, Reason: m.Reason,
	}
}

// batch delivers MsgRecordDeployments signed by the fixture's deployer on a
// cached context and keeps its writes and events only on success, as the SDK
// does for a message.
func (f *fixture) batch(t testing.TB, records ...types.DeploymentRecord) (*types.MsgRecordDeploymentsResponse, error) {
	t.Helper()
	return f.batchAs(f.deployer, records...)
}

func (f *fixture) batchAs(signer string, records ...types.DeploymentRecord) (*types.MsgRecordDeploymentsResponse, error) {
	cc, write := f.ctx.CacheContext()
	res, err := f.msgs.RecordDeployments(cc, &types.MsgRecordDeployments{Deployer: signer, Records: records})
	if err == nil {
		write()
	}
	return res, err
}

// batchFails checks that the batch fails with class, naming the record index,
// and leaves no trace.
func (f *fixture) batchFails(t testing.TB, class error, index int, records ...types.DeploymentRecord) error {
	t.Helper()
	var err error
	f.requireNoEffect(t, func() {
		var res *types.MsgRecordDeploymentsResponse
		res, err = f.batch(t, records...)
		require.Nil(t, res)
	})
	require.ErrorIs(t, err, class)
	if index >= 0 {
		require.Contains(t, err.Error(), fmt.Sprintf("record %d: ", index))
	}
	return err
}

func recordedEventIDs(f *fixture) []string {
	var ids []string
	for _, e := range f.ctx.EventManager().Events() {
		if e.Type != "shiplog.deployments.v1.EventDeploymentRecorded" {
			continue
		}
		for _, a := range e.Attributes {
			if a.Key == "id" {
				ids = append(ids, a.Value)
			}
		}
	}
	return ids
}

func TestRecordDeploymentsBatch(t *testing.T) {
	f := newFixture(t)
	f.record(t, validMsg(f.deployer)) // id 1
	f.ctx = f.ctx.WithEventManager(newEventManager())

	c := rec("1.5.0")
	c.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	c.ExternalId = "gha-900"
	c.FixesIncidents = []uint64{4}
	c.BreakGlass = "approved"
	res, err := f.batch(t, rec("1.4.3"), rec("1.4.4"), c)
	require.NoError(t, err)
	require.Equal(t, []uint64{2, 3, 4}, res.Ids)
	require.Equal(t, []bool{false, false, false}, res.Existing)
	require.Equal(t, []string{`"2"`, `"3"`, `"4"`}, recordedEventIDs(f), "one event per record, in order")

	// Each record is stored exactly as the equivalent MsgRecordDeployment.
	for i, version := range []string{"1.4.3", "1.4.4", "1.5.0"} {
		d, err := f.k.GetDeployment(f.ctx, uint64(i+2))
		require.NoError(t, err)
		require.Equal(t, version, d.Version)
		require.Equal(t, f.deployer, d.Deployer)
		require.Equal(t, "acme", d.OrganizationId)
	}
	d, err := f.k.GetDeployment(f.ctx, 4)
	require.NoError(t, err)
	require.Equal(t, types.DEPLOYMENT_STATUS_SUCCEEDED, d.Status)
	require.Equal(t, []uint64{4}, d.FixesIncidents)
	require.Equal(t, "approved", d.BreakGlass)
	require.Equal(t, uint64(4), f.current(t, "api", "prod"))
	ref, err := f.k.ExternalRefs.Get(f.ctx, joinPair("acme", "gha-900"))
	require.NoError(t, err)
	want, err := c.Msg(f.deployer).ContentDigest()
	require.NoError(t, err)
	require.Equal(t, want, ref.ContentDigest)
	require.Equal(t, uint64(5), f.record(t, validMsg(f.deployer)), "ids continue after the batch")
}

func TestRecordDeploymentsBounds(t *testing.T) {
	f := newFixture(t)
	many := make([]types.DeploymentRecord, types.MaxBatchRecords+1)
	for i := range many {
		many[i] = rec(fmt.Sprintf("1.0.%d", i))
	}
	err := f.batchFails(t, types.ErrInvalidDeployment, -1, many...)
	require.Contains(t, err.Error(), "101 records; at most 100")
	err = f.batchFails(t, types.ErrInvalidDeployment, -1)
	require.Contains(t, err.Error(), "at least one record")

	res, err := f.batch(t, many[:types.MaxBatchRecords]...)
	require.NoError(t, err)
	require.Len(t, res.Ids, types.MaxBatchRecords)
	for i, id := range res.Ids {
		require.Equal(t, uint64(i+1), id)
	}
	require.Len(t, recordedEventIDs(f), types.MaxBatchRecords)
}

func TestRecordDeploymentsSignerChecks(t *testing.T) {
	f := newFixture(t)
	f.requireNoEffect(t, func() {
		_, err := f.batchAs(f.attestor, rec("1"))
		require.ErrorIs(t, err, consortiumtypes.ErrMissingRole)
		_, err = f.batchAs(f.nonMember, rec("1"))
		require.ErrorIs(t, err, consortiumtypes.ErrNotMember)
		_, err = f.batchAs("", rec("1"))
		require.ErrorIs(t, err, types.ErrInvalidAddress)
		_, err = f.msgs.RecordDeployments(f.ctx, nil)
		require.ErrorIs(t, err, types.ErrInvalidDeployment)
	})
}

// A record failing a stateless check fails the batch before anything is
// recorded; a record failing a stateful check fails it after the earlier
// records were written to the message's cached store, which is discarded.
func TestRecordDeploymentsInvalidRecord(t *testing.T) {
	f := newFixture(t)
	f.record(t, validMsg(f.deployer))

	bad := rec("1.5.0")
	bad.Artifacts = []types.Artifact{{Name: "api", Digest: "sha256:abc"}}
	err := f.batchFails(t, types.ErrInvalidDigest, 2, rec("1.4.3"), rec("1.4.4"), bad, rec("1.4.5"))
	require.Contains(t, err.Error(), `artifact 0 ("api"): sha256 digest hex part has 3 characters`, "the original message is kept")

	bad = rec("1.5.0")
	bad.Status = types.DeploymentStatus(99)
	f.batchFails(t, types.ErrInvalidStatus, 0, bad)

	bad = rec("1.5.0")
	bad.RollbackOf = 42
	err = f.batchFails(t, types.ErrNotFound, 2, rec("1.4.3"), rec("1.4.4"), bad)
	require.Contains(t, err.Error(), "deployment 42")
	require.Equal(t, uint64(2), f.record(t, validMsg(f.deployer)), "the failed batch issued no id")
}

func TestRecordDeploymentsRollbackWithinBatch(t *testing.T) {
	f := newFixture(t)
	first := rec("1.5.0")
	first.Status = types.DEPLOYMENT_STATUS_FAILED
	back := rec("1.4.2")
	back.RollbackOf = 1 // the id the first record gets
	back.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	res, err := f.batch(t, first, back)
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, res.Ids)
	d, err := f.k.GetDeployment(f.ctx, 2)
	require.NoError(t, err)
	require.Equal(t, uint64(1), d.RollbackOf)

	// A rollback of a later record of the batch does not exist yet.
	early := rec("1.4.1")
	early.RollbackOf = 4
	f.batchFails(t, types.ErrNotFound, 0, early, rec("1.6.0"))

	// The same-service rule applies within the batch too.
	web := rec("2.0.0")
	web.Service = "web"
	wrong := rec("1.4.1")
	wrong.RollbackOf = 3
	f.batchFails(t, types.ErrInvalidRollback, 1, web, wrong)
}

func TestRecordDeploymentsIdempotency(t *testing.T) {
	f := newFixture(t)
	single := validMsg(f.deployer)
	single.ExternalId = "gha-1"
	f.record(t, single) // id 1

	// Against an earlier record: the identical content is a replay (the
	// digest of a batch record equals that of the single message); any other
	// content conflicts.
	replay := rec(single.Version)
	replay.ExternalId = "gha-1"
	f.ctx = f.ctx.WithEventManager(newEventManager())
	res, err := f.batch(t, rec("1.5.0"), replay)
	require.NoError(t, err)
	require.Equal(t, []uint64{2, 1}, res.Ids)
	require.Equal(t, []bool{false, true}, res.Existing)
	require.Equal(t, []string{`"2"`}, recordedEventIDs(f), "no event for the replay")

	changed := replay
	changed.Reason = "other"
	err = f.batchFails(t, types.ErrConflict, 1, rec("1.5.1"), changed)
	require.Contains(t, err.Error(), "already recorded as deployment 1")

	// Inside one batch: the second use of an external id is a replay of the
	// first when identical, else a conflict naming the id the first got.
	a := rec("1.6.0")
	a.ExternalId = "gha-2"
	res, err = f.batch(t, a, rec("1.6.1"), a)
	require.NoError(t, err)
	require.Equal(t, []uint64{3, 4, 3}, res.Ids)
	require.Equal(t, []bool{false, false, true}, res.Existing)

	b := rec("1.7.0")
	b.ExternalId = "gha-3"
	b2 := b
	b2.BreakGlass = "now"
	err = f.batchFails(t, types.ErrConflict, 2, rec("1.7.1"), b, b2)
	require.Contains(t, err.Error(), "already recorded as deployment 6")
	_, err = f.k.ExternalRefs.Get(f.ctx, joinPair("acme", "gha-3"))
	require.Error(t, err, "the failed batch kept no external id")
}

func TestRecordDeploymentsGateRefusal(t *testing.T) {
	f := newFixture(t)
	var log []gateCall
	errFrozen := errors.New("api/prod is frozen")
	f.withGates(fakeGate{name: "freeze", log: &log, check: func(_ context.Context, d types.Deployment) error {
		if d.Version == "bad" {
			return errFrozen
		}
		return nil
	}})
	err := f.batchFails(t, errFrozen, 3, rec("1"), rec("2"), rec("3"), rec("bad"), rec("5"))
	require.Contains(t, err.Error(), "record 3: api/prod is frozen")
	require.Equal(t, []string{"freeze", "freeze", "freeze", "freeze"}, gateNames(log), "later records are not checked")
	require.Equal(t, uint64(4), log[3].d.Id, "the gate saw the id the record would get")

	log = nil
	res, err := f.batch(t, rec("1"), rec("2"))
	require.NoError(t, err)
	require.Equal(t, []uint64{1, 2}, res.Ids, "the refused batch issued no id")
	require.Len(t, log, 2)
}
