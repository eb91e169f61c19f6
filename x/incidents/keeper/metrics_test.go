package keeper_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/incidents/types"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

var (
	metricsFrom = at("2025-03-01T00:00:00Z")
	metricsTo   = at("2025-03-08T00:00:00Z") // 7 days = 604800 s
)

// metricsHistory builds the history of the README's worked example.
//
// Deployments (id service/env: succeeded at, commit time):
//
//	10 api/prod:    03-01 00:00:00 (= from), commit 02-28 23:00:00  lead 3600
//	11 api/prod:    03-02 12:00:00, commit 03-02 10:00:00           lead 7200
//	12 api/prod:    03-03 08:00:00, no commit time                  (no lead)
//	13 web/prod:    03-04 00:00:00, commit 03-03 23:30:00           lead 1800
//	14 api/staging: 03-05 00:00:00, commit 03-05 00:00:30           (commit after success: no lead)
//	15 api/prod:    03-07 23:59:59.2, commit 03-06 23:59:58.7       lead 86400 (86400.5 rounded down)
//	16 api/prod:    03-08 00:00:00 (= to, outside)
//	17 api/prod:    02-28 23:59:59 (before from, outside)
//	18 web/prod:    never succeeded
//
// Incidents (opened, resolved; affected; causes):
//
//	E sev2 02-28 12:00, resolved 02-28 13:00; api/prod; causes 10   (opened before the window)
//	A sev1 03-02 13:00, resolved 03-02 15:30 (9000 s); api/prod; causes 11, 12
//	B sev2 03-04 01:00, resolved 03-04 01:45 (2700 s), closed; api/prod + web/prod; causes 11, 13
//	C sev3 03-05 00:00, open; web/staging + api/canary; no cause
//	D sev2 03-06 00:00, mitigated; api/staging; causes 16
//	F sev4 03-08 00:00 (= to, outside); api/prod
func metricsHistory(t *testing.T) *fixture {
	f := newFixture(t)
	d := f.deps
	d.add(10, "api", "prod", ptr(at("2025-03-01T00:00:00Z")), ptr(at("2025-02-28T23:00:00Z")))
	d.add(11, "api", "prod", ptr(at("2025-03-02T12:00:00Z")), ptr(at("2025-03-02T10:00:00Z")))
	d.add(12, "api", "prod", ptr(at("2025-03-03T08:00:00Z")), nil)
	d.add(13, "web", "prod", ptr(at("2025-03-04T00:00:00Z")), ptr(at("2025-03-03T23:30:00Z")))
	d.add(14, "api", "staging", ptr(at("2025-03-05T00:00:00Z")), ptr(at("2025-03-05T00:00:30Z")))
	d.add(15, "api", "prod", ptr(at("2025-03-07T23:59:59.2Z")), ptr(at("2025-03-06T23:59:58.7Z")))
	d.add(16, "api", "prod", ptr(at("2025-03-08T00:00:00Z")), ptr(at("2025-03-07T00:00:00Z")))
	d.add(17, "api", "prod", ptr(at("2025-02-28T23:59:59Z")), ptr(at("2025-02-28T00:00:00Z")))
	d.add(18, "web", "prod", nil, ptr(at("2025-03-02T00:00:00Z")))

	block := func(s string) { f.ctx = f.ctx.WithBlockTime(at(s)).WithBlockHeight(f.ctx.BlockHeight() + 1) }
	block("2025-02-28T12:00:00Z")
	e := f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"))
	block("2025-02-28T13:00:00Z")
	f.setStatus(t, e, types.INCIDENT_STATUS_RESOLVED)
	block("2025-03-02T13:00:00Z")
	a := f.openWith(t, types.SEVERITY_SEV1, pair("api", "prod"))
	block("2025-03-02T15:30:00Z")
	f.setStatus(t, a, types.INCIDENT_STATUS_RESOLVED)
	block("2025-03-04T01:00:00Z")
	b := f.openWith(t, types.SEVERITY_SEV2, pair("api", "prod"), pair("web", "prod"))
	block("2025-03-04T01:45:00Z")
	f.setStatus(t, b, types.INCIDENT_STATUS_RESOLVED)
	block("2025-03-05T00:00:00Z")
	c := f.openWith(t, types.SEVERITY_SEV3, pair("web", "staging"), pair("api", "canary"))
	block("2025-03-06T00:00:00Z")
	dd := f.openWith(t, types.SEVERITY_SEV2, pair("api", "staging"))
	f.setStatus(t, dd, types.INCIDENT_STATUS_MITIGATED)
	block("2025-03-08T00:00:00Z")
	f.openWith(t, types.SEVERITY_SEV4, pair("api", "prod"))

	block("2025-03-09T00:00:00Z")
	f.link(t, e, 10)
	f.link(t, a, 11)
	f.link(t, a, 12)
	f.link(t, b, 11)
	f.link(t, b, 13)
	f.link(t, dd, 16)
	f.close(t, b)
	_ = c
	return f
}

func (f *fixture) metrics(t *testing.T, service, env string, from, to time.Time) types.Metrics {
	t.Helper()
	res, err := f.queries.Metrics(f.ctx, &types.QueryMetricsRequest{Service: service, Environment: env, From: from, To: to})
	require.NoError(t, err)
	m := res.Metrics
	require.LessOrEqual(t, m.ChangeFailureRate.Numerator, m.ChangeFailureRate.Denominator, "never above 1")
	return m
}

func frac(n, d uint64, dec string) types.Fraction {
	return types.Fraction{Numerator: n, Denominator: d, Decimal: dec}
}

func stats(n uint64, median, p90 int64) types.DurationStats {
	return types.DurationStats{Count: n, MedianSeconds: median, P90Seconds: p90}
}

func TestMetricsWorkedExample(t *testing.T) {
	f := metricsHistory(t)
	cases := []struct {
		name         string
		service, env string
		want         types.Metrics
	}{
		{"all", "", "", types.Metrics{
			SuccessfulDeployments: 6,                     // 10 11 12 13 14 15
			DeploymentFrequency:   frac(6, 7, "0.8571"),  // 6*86400/604800
			LeadTime:              stats(4, 3600, 86400), // [1800 3600 7200 86400]
			FailedDeployments:     4,                     // 10 11 12 13 (11 linked twice, counted once)
			ChangeFailureRate:     frac(2, 3, "0.6666"),
			IncidentsOpened:       4, // A B C D
			TimeToRestore:         stats(2, 2700, 9000),
			UnresolvedIncidents:   2, // C D
		}},
		{"api/prod", "api", "prod", types.Metrics{
			SuccessfulDeployments: 4, // 10 11 12 15
			DeploymentFrequency:   frac(4, 7, "0.5714"),
			LeadTime:              stats(3, 7200, 86400), // [3600 7200 86400]
			FailedDeployments:     3,                     // 10 11 12
			ChangeFailureRate:     frac(3, 4, "0.7500"),
			IncidentsOpened:       2, // A B
			TimeToRestore:         stats(2, 2700, 9000),
		}},
		{"service api", "api", "", types.Metrics{
			SuccessfulDeployments: 5, // 10 11 12 14 15
			DeploymentFrequency:   frac(5, 7, "0.7142"),
			LeadTime:              stats(3, 7200, 86400),
			FailedDeployments:     3,
			ChangeFailureRate:     frac(3, 5, "0.6000"),
			IncidentsOpened:       4, // A B C (api/canary) D
			TimeToRestore:         stats(2, 2700, 9000),
			UnresolvedIncidents:   2,
		}},
		{"environment prod", "", "prod", types.Metrics{
			SuccessfulDeployments: 5, // 10 11 12 13 15
			DeploymentFrequency:   frac(5, 7, "0.7142"),
			LeadTime:              stats(4, 3600, 86400),
			FailedDeployments:     4,
			ChangeFailureRate:     frac(4, 5, "0.8000"),
			IncidentsOpened:       2,
			TimeToRestore:         stats(2, 2700, 9000),
		}},
		// Pairs match as pairs: C affects web/staging and api/canary, not api/staging.
		{"api/staging", "api", "staging", types.Metrics{
			SuccessfulDeployments: 1,                    // 14
			DeploymentFrequency:   frac(1, 7, "0.1428"), // 86400/604800
			LeadTime:              stats(0, 0, 0),       // commit after success
			ChangeFailureRate:     frac(0, 1, "0.0000"),
			IncidentsOpened:       1, // D
			UnresolvedIncidents:   1,
		}},
		// No deployment at all: 0/0 change failure rate.
		{"web/staging", "web", "staging", types.Metrics{
			DeploymentFrequency: frac(0, 1, "0.0000"),
			ChangeFailureRate:   frac(0, 0, "0.0000"),
			IncidentsOpened:     1, // C
			UnresolvedIncidents: 1,
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.want
			want.Service, want.Environment, want.From, want.To = tc.service, tc.env, metricsFrom, metricsTo
			require.Equal(t, want, f.metrics(t, tc.service, tc.env, metricsFrom, metricsTo))
		})
	}
}

func TestMetricsWindows(t *testing.T) {
	f := metricsHistory(t)

	// Empty window: zero counts, 0/1 frequency, 0/0 failure rate.
	empty := f.metrics(t, "", "", at("2025-06-01T00:00:00Z"), at("2025-06-02T00:00:00Z"))
	require.Equal(t, types.Metrics{
		From: at("2025-06-01T00:00:00Z"), To: at("2025-06-02T00:00:00Z"),
		DeploymentFrequency: frac(0, 1, "0.0000"),
		ChangeFailureRate:   frac(0, 0, "0.0000"),
	}, empty)

	// [to, to+1d) holds what [from, to) left out at its end: deployment 16
	// (linked to D) and incident F.
	next := f.metrics(t, "api", "prod", metricsTo, metricsTo.Add(24*time.Hour))
	require.Equal(t, uint64(1), next.SuccessfulDeployments)
	require.Equal(t, frac(1, 1, "1.0000"), next.DeploymentFrequency)
	require.Equal(t, stats(1, 86400, 86400), next.LeadTime)
	require.Equal(t, frac(1, 1, "1.0000"), next.ChangeFailureRate)
	require.Equal(t, uint64(1), next.IncidentsOpened)
	require.Equal(t, uint64(1), next.UnresolvedIncidents)

	// One second before from: deployment 17 only; E is opened 12 h before.
	prev := f.metrics(t, "", "", metricsFrom.Add(-time.Second), metricsFrom)
	require.Equal(t, uint64(1), prev.SuccessfulDeployments)
	require.Equal(t, frac(86400, 1, "86400.0000"), prev.DeploymentFrequency)
	require.Equal(t, uint64(0), prev.IncidentsOpened)

	// A whole-day window that starts at E: E resolved in an hour.
	day := f.metrics(t, "", "", at("2025-02-28T12:00:00Z"), at("2025-03-01T12:00:00Z"))
	require.Equal(t, uint64(2), day.SuccessfulDeployments) // 17, 10
	require.Equal(t, frac(2, 1, "2.0000"), day.DeploymentFrequency)
	require.Equal(t, stats(1, 3600, 3600), day.TimeToRestore)
	require.Equal(t, frac(1, 2, "0.5000"), day.ChangeFailureRate) // 10 is linked, 17 is not

	// The longest window allowed.
	_, err := f.queries.Metrics(f.ctx, &types.QueryMetricsRequest{From: metricsFrom, To: metricsFrom.Add(types.MaxMetricsWindow)})
	require.NoError(t, err)
}

func TestMetricsRequestErrors(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name string
		req  *types.QueryMetricsRequest
		err  error
		part string
	}{
		{"nil", nil, types.ErrInvalidRequest, ""},
		{"no from", &types.QueryMetricsRequest{To: metricsTo}, types.ErrInvalidRequest, "required"},
		{"no to", &types.QueryMetricsRequest{From: metricsFrom}, types.ErrInvalidRequest, "required"},
		{"empty window", &types.QueryMetricsRequest{From: metricsFrom, To: metricsFrom}, types.ErrInvalidRequest, "before"},
		{"reversed", &types.QueryMetricsRequest{From: metricsTo, To: metricsFrom}, types.ErrInvalidRequest, "before"},
		{"too long", &types.QueryMetricsRequest{From: metricsFrom, To: metricsFrom.Add(types.MaxMetricsWindow + time.Second)}, types.ErrInvalidRequest, "366 days"},
		{"fractional from", &types.QueryMetricsRequest{From: metricsFrom.Add(time.Millisecond), To: metricsTo}, types.ErrInvalidRequest, "whole second"},
		{"fractional to", &types.QueryMetricsRequest{From: metricsFrom, To: metricsTo.Add(time.Nanosecond)}, types.ErrInvalidRequest, "whole second"},
		{"before 1970", &types.QueryMetricsRequest{From: at("1969-12-31T00:00:00Z"), To: at("1970-01-02T00:00:00Z")}, types.ErrInvalidRequest, "1970"},
		{"bad service", &types.QueryMetricsRequest{Service: "API", From: metricsFrom, To: metricsTo}, types.ErrInvalidService, ""},
		{"bad environment", &types.QueryMetricsRequest{Environment: "pr od", From: metricsFrom, To: metricsTo}, types.ErrInvalidEnvironment, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.queries.Metrics(f.ctx, tc.req)
			require.ErrorIs(t, err, tc.err)
			require.ErrorContains(t, err, tc.part)
		})
	}
}
