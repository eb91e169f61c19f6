package keeper_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/x/incidents/types"
)

var (
	queryServices = []string{"api", "web", "api-gw"}
	queryEnvs     = []string{"dev", "staging", "prod"}
)

// seed opens n incidents spread over pairs, severities and statuses, a few
// per block (so some share an opening time), and returns them by id.
func (f *fixture) seed(t testing.TB, n int) []types.Incident {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			f.advance(time.Duration(1+rng.IntN(600)) * time.Second)
		}
		m := validOpen(f.responder)
		m.Severity = types.Severities[rng.IntN(4)]
		m.Affected = nil
		for _, s := range queryServices {
			for _, e := range queryEnvs {
				if rng.IntN(5) == 0 {
					m.Affected = append(m.Affected, pair(s, e))
				}
			}
		}
		if len(m.Affected) == 0 {
			m.Affected = []types.ServiceEnvironment{pair(queryServices[rng.IntN(3)], queryEnvs[rng.IntN(3)])}
		}
		id := f.open(t, m)
		switch rng.IntN(4) {
		case 1:
			f.setStatus(t, id, types.INCIDENT_STATUS_MITIGATED)
		case 2:
			f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
		case 3:
			f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
			if m.Severity.RequiresPostmortem() {
				f.close(t, id)
			} else {
				_, err := f.msgs.CloseIncident(f.ctx, &types.MsgCloseIncident{Responder: f.responder, Id: id})
				require.NoError(t, err)
			}
		}
	}
	all := make([]types.Incident, 0, n)
	for id := uint64(1); id <= uint64(n); id++ {
		all = append(all, f.incident(t, id))
	}
	return all
}

// expectedIncidents is the brute-force answer, newest first.
func expectedIncidents(all []types.Incident, req *types.QueryIncidentsRequest) []uint64 {
	var out []uint64
	for _, inc := range all {
		if req.Status != 0 && inc.Status != req.Status ||
			req.Severity != 0 && inc.Severity != req.Severity ||
			req.OpenedFrom != nil && inc.OpenedAt.Before(*req.OpenedFrom) ||
			req.OpenedTo != nil && !inc.OpenedAt.Before(*req.OpenedTo) {
			continue
		}
		if (req.Service != "" || req.Environment != "") && !slices.ContainsFunc(inc.Affected, func(p types.ServiceEnvironment) bool {
			return (req.Service == "" || p.Service == req.Service) && (req.Environment == "" || p.Environment == req.Environment)
		}) {
			continue
		}
		out = append(out, inc.Id)
	}
	slices.Reverse(out)
	return out
}

// listAll pages through Incidents with page size limit.
func (f *fixture) listAll(t testing.TB, req *types.QueryIncidentsRequest, limit uint64) []uint64 {
	t.Helper()
	var ids []uint64
	var key []byte
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000)
		r := *req
		r.Pagination = &query.PageRequest{Key: key, Limit: limit}
		res, err := f.queries.Incidents(f.ctx, &r)
		require.NoError(t, err)
		require.LessOrEqual(t, uint64(len(res.Incidents)), limit)
		for _, inc := range res.Incidents {
			ids = append(ids, inc.Id)
		}
		if res.Pagination.NextKey == nil {
			return ids
		}
		require.Len(t, res.Incidents, int(limit), "a page before the last is full")
		key = res.Pagination.NextKey
	}
}

func TestIncidentsQueryMatchesBruteForce(t *testing.T) {
	f := newFixture(t)
	all := f.seed(t, 90)
	times := []*time.Time{nil, ptr(all[20].OpenedAt), ptr(all[50].OpenedAt), ptr(all[50].OpenedAt.Add(time.Nanosecond)), ptr(genesisTime.Add(-time.Hour)), ptr(all[89].OpenedAt.Add(time.Hour))}
	statuses := []types.IncidentStatus{0, types.INCIDENT_STATUS_OPEN, types.INCIDENT_STATUS_MITIGATED, types.INCIDENT_STATUS_RESOLVED, types.INCIDENT_STATUS_CLOSED}
	severities := []types.Severity{0, types.SEVERITY_SEV1, types.SEVERITY_SEV3}
	services := append([]string{""}, queryServices...)
	envs := append([]string{""}, queryEnvs...)

	checked := 0
	for _, st := range statuses {
		for _, sev := range severities {
			for _, svc := range services {
				for _, env := range envs {
					for fi, from := range times {
						for _, to := range times[fi:] {
							if from != nil && to != nil && !from.Before(*to) {
								continue
							}
							req := &types.QueryIncidentsRequest{Status: st, Severity: sev, Service: svc, Environment: env, OpenedFrom: from, OpenedTo: to}
							want := expectedIncidents(all, req)
							limit := uint64(7)
							if checked%5 == 0 {
								limit = 1000
							}
							got := f.listAll(t, req, limit)
							if want == nil {
								want = []uint64{}
							}
							if got == nil {
								got = []uint64{}
							}
							require.Equal(t, want, got, "%+v", req)
							checked++
						}
					}
				}
			}
		}
	}
	require.Greater(t, checked, 1000)
}

func TestIncidentsQueryDefaults(t *testing.T) {
	f := newFixture(t)
	f.seed(t, 120)
	res, err := f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{})
	require.NoError(t, err)
	require.Len(t, res.Incidents, int(types.DefaultQueryLimit))
	require.Equal(t, uint64(120), res.Incidents[0].Id, "newest first")
	require.Equal(t, binary.BigEndian.AppendUint64(nil, 20), res.Pagination.NextKey)

	res, err = f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Limit: 5000}})
	require.NoError(t, err)
	require.Len(t, res.Incidents, 120)
	require.Nil(t, res.Pagination.NextKey)

	// A page key past the newest id starts at the newest.
	res, err = f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Key: binary.BigEndian.AppendUint64(nil, 500), Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, uint64(120), res.Incidents[0].Id)

	// New incidents do not shift the next page.
	res, err = f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Limit: 10}})
	require.NoError(t, err)
	next := res.Pagination.NextKey
	f.open(t, validOpen(f.responder))
	res, err = f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Key: next, Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, uint64(110), res.Incidents[0].Id)
}

func TestIncidentsQueryErrors(t *testing.T) {
	f := newFixture(t)
	bad := []struct {
		name string
		req  *types.QueryIncidentsRequest
		err  error
	}{
		{"nil", nil, types.ErrInvalidRequest},
		{"status", &types.QueryIncidentsRequest{Status: 9}, types.ErrInvalidStatus},
		{"severity", &types.QueryIncidentsRequest{Severity: 9}, types.ErrInvalidSeverity},
		{"service", &types.QueryIncidentsRequest{Service: "API"}, types.ErrInvalidService},
		{"environment", &types.QueryIncidentsRequest{Environment: "-prod"}, types.ErrInvalidEnvironment},
		{"from after to", &types.QueryIncidentsRequest{OpenedFrom: ptr(genesisTime), OpenedTo: ptr(genesisTime)}, types.ErrInvalidRequest},
		{"year 10000", &types.QueryIncidentsRequest{OpenedTo: ptr(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC))}, types.ErrInvalidRequest},
		{"offset", &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Offset: 3}}, types.ErrInvalidRequest},
		{"count total", &types.QueryIncidentsRequest{Pagination: &query.PageRequest{CountTotal: true}}, types.ErrInvalidRequest},
		{"reverse", &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Reverse: true}}, types.ErrInvalidRequest},
		{"short key", &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Key: []byte{1, 2}}}, types.ErrInvalidRequest},
		{"zero key", &types.QueryIncidentsRequest{Pagination: &query.PageRequest{Key: make([]byte, 8)}}, types.ErrInvalidRequest},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.queries.Incidents(f.ctx, tc.req)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, codes.InvalidArgument, status.Code(toGRPC(err)))
		})
	}
}

// toGRPC converts a registered error the way baseapp does for queries.
func toGRPC(err error) error {
	type grpcStatus interface{ GRPCStatus() *status.Status }
	for e := err; e != nil; {
		if g, ok := e.(grpcStatus); ok {
			return g.GRPCStatus().Err()
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return err
}

func TestSingleRecordQueries(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	rid := f.addItem(t, id, genesisTime.Add(time.Hour))
	f.link(t, id, 3)

	res, err := f.queries.Incident(f.ctx, &types.QueryIncidentRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, f.incident(t, id), res.Incident)
	rres, err := f.queries.Remediation(f.ctx, &types.QueryRemediationRequest{Id: rid})
	require.NoError(t, err)
	require.Equal(t, "acme", rres.Remediation.OwnerOrganizationId)
	require.Equal(t, []uint64{id}, f.byDeployment(t, 3))
	require.Empty(t, f.byDeployment(t, 4))
	p, err := f.queries.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.DefaultParams(), p.Params)

	for name, call := range map[string]func() error{
		"incident nil":      func() error { _, err := f.queries.Incident(f.ctx, nil); return err },
		"incident 0":        func() error { _, err := f.queries.Incident(f.ctx, &types.QueryIncidentRequest{}); return err },
		"remediation nil":   func() error { _, err := f.queries.Remediation(f.ctx, nil); return err },
		"remediation 0":     func() error { _, err := f.queries.Remediation(f.ctx, &types.QueryRemediationRequest{}); return err },
		"by-deployment nil": func() error { _, err := f.queries.IncidentsByDeployment(f.ctx, nil); return err },
		"by-deployment 0": func() error {
			_, err := f.queries.IncidentsByDeployment(f.ctx, &types.QueryIncidentsByDeploymentRequest{})
			return err
		},
		"params nil": func() error { _, err := f.queries.Params(f.ctx, nil); return err },
	} {
		require.ErrorIs(t, call(), types.ErrInvalidRequest, name)
	}
	_, err = f.queries.Incident(f.ctx, &types.QueryIncidentRequest{Id: 9})
	require.ErrorIs(t, err, types.ErrNotFound)
	require.Equal(t, codes.NotFound, status.Code(toGRPC(err)))
	_, err = f.queries.Remediation(f.ctx, &types.QueryRemediationRequest{Id: 9})
	require.ErrorIs(t, err, types.ErrNotFound)
	require.ErrorContains(t, err, fmt.Sprintf("remediation %d", 9))
}
