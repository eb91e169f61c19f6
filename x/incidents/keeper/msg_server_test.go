package keeper_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/incidents/types"
)

func TestOpenIncident(t *testing.T) {
	f := newFixture(t)
	msg := validOpen(f.responder)
	msg.Affected = append(msg.Affected, pair("web", "prod"))
	msg.DetectedAt = ptr(genesisTime.Add(-5 * time.Minute))
	msg.SuspectedDeployments = []uint64{2, 1}
	msg.Document = &types.Document{Digest: digest("doc"), Location: "https://wiki.example/inc/1"}
	id := f.open(t, msg)
	require.Equal(t, uint64(1), id)

	inc := f.incident(t, id)
	require.Equal(t, types.Incident{
		Id:                   1,
		Title:                msg.Title,
		Severity:             types.SEVERITY_SEV1,
		Status:               types.INCIDENT_STATUS_OPEN,
		Affected:             []types.ServiceEnvironment{pair("api", "prod"), pair("web", "prod")},
		Summary:              msg.Summary,
		DetectedAt:           genesisTime.Add(-5 * time.Minute),
		OpenedAt:             genesisTime,
		OpenedHeight:         10,
		SuspectedDeployments: []uint64{2, 1},
		Source:               msg.Source,
		Document:             msg.Document,
		OpenedBy:             f.responder,
		OrganizationId:       "acme",
		Timeline: []types.TimelineEntry{{
			Kind: types.TIMELINE_KIND_OPENED, ToStatus: types.INCIDENT_STATUS_OPEN, ToSeverity: types.SEVERITY_SEV1,
			Actor: f.responder, Time: genesisTime, Height: 10,
		}},
	}, inc)

	events := f.eventsOf("shiplog.incidents.v1.EventIncidentOpened")
	require.Len(t, events, 1)
	require.Equal(t, `"1"`, events[0]["id"])
	require.Equal(t, `"SEVERITY_SEV1"`, events[0]["severity"])
	require.Equal(t, `"acme"`, events[0]["organization_id"])
	require.Equal(t, `"SOURCE_KIND_ALERT"`, events[0]["source"])
	require.Equal(t, `[{"service":"api","environment":"prod"},{"service":"web","environment":"prod"}]`, events[0]["affected"])

	// Ids increase; detected_at defaults to the block time; the other
	// organisation's responder opens for globex.
	f.nextBlock()
	id2 := f.open(t, validOpen(f.other))
	require.Equal(t, uint64(2), id2)
	inc2 := f.incident(t, id2)
	require.Equal(t, f.ctx.BlockTime(), inc2.DetectedAt)
	require.Equal(t, "globex", inc2.OrganizationId)
	require.Nil(t, inc2.Document)
}

func TestOpenIncidentValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	pairs := func(n int) []types.ServiceEnvironment {
		out := make([]types.ServiceEnvironment, n)
		for i := range out {
			out[i] = pair(fmt.Sprintf("svc%d", i), "prod")
		}
		return out
	}
	ids := func(n int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = uint64(i%5 + 1)
		}
		return out
	}
	cases := []struct {
		name   string
		mutate func(m *types.MsgOpenIncident)
		err    error // nil: accepted
		part   string
	}{
		{"title empty", func(m *types.MsgOpenIncident) { m.Title = "" }, types.ErrInvalidTitle, "required"},
		{"title too long", func(m *types.MsgOpenIncident) { m.Title = long(257) }, types.ErrInvalidTitle, "at most 256"},
		{"title max", func(m *types.MsgOpenIncident) { m.Title = long(256) }, nil, ""},
		{"title newline", func(m *types.MsgOpenIncident) { m.Title = "a\nb" }, types.ErrInvalidTitle, "non-printable"},
		{"title invalid utf8", func(m *types.MsgOpenIncident) { m.Title = "a\xff" }, types.ErrInvalidTitle, "UTF-8"},

		{"severity unspecified", func(m *types.MsgOpenIncident) { m.Severity = types.SEVERITY_UNSPECIFIED }, types.ErrInvalidSeverity, "sev1"},
		{"severity unknown", func(m *types.MsgOpenIncident) { m.Severity = 9 }, types.ErrInvalidSeverity, "9"},
		{"severity sev4", func(m *types.MsgOpenIncident) { m.Severity = types.SEVERITY_SEV4 }, nil, ""},

		{"no affected", func(m *types.MsgOpenIncident) { m.Affected = nil }, types.ErrInvalidAffected, "0 affected"},
		{"17 affected", func(m *types.MsgOpenIncident) { m.Affected = pairs(17) }, types.ErrInvalidAffected, "17 affected"},
		{"16 affected", func(m *types.MsgOpenIncident) { m.Affected = pairs(16) }, nil, ""},
		{"affected repeated", func(m *types.MsgOpenIncident) { m.Affected = append(m.Affected, m.Affected[0]) }, types.ErrInvalidAffected, "repeats"},
		{"same service other env", func(m *types.MsgOpenIncident) { m.Affected = append(m.Affected, pair("api", "staging")) }, nil, ""},
		{"service empty", func(m *types.MsgOpenIncident) { m.Affected[0].Service = "" }, types.ErrInvalidService, "affected[0]"},
		{"service uppercase", func(m *types.MsgOpenIncident) { m.Affected[0].Service = "API" }, types.ErrInvalidService, "must match"},
		{"service too long", func(m *types.MsgOpenIncident) { m.Affected[0].Service = long(129) }, types.ErrInvalidService, "at most 128"},
		{"service with path", func(m *types.MsgOpenIncident) { m.Affected[0].Service = "payments/api-v2.1" }, nil, ""},
		{"environment empty", func(m *types.MsgOpenIncident) { m.Affected[0].Environment = "" }, types.ErrInvalidEnvironment, "required"},
		{"environment space", func(m *types.MsgOpenIncident) { m.Affected[0].Environment = "pro d" }, types.ErrInvalidEnvironment, ""},

		{"summary too long", func(m *types.MsgOpenIncident) { m.Summary = long(4097) }, types.ErrInvalidSummary, "at most 4096"},
		{"summary max", func(m *types.MsgOpenIncident) { m.Summary = long(4096) }, nil, ""},
		{"summary multiline", func(m *types.MsgOpenIncident) { m.Summary = "line 1\n\tline 2" }, nil, ""},
		{"summary control", func(m *types.MsgOpenIncident) { m.Summary = "a\x00" }, types.ErrInvalidSummary, "non-printable"},
		{"summary empty", func(m *types.MsgOpenIncident) { m.Summary = "" }, nil, ""},

		{"detected in the future", func(m *types.MsgOpenIncident) { m.DetectedAt = ptr(genesisTime.Add(time.Nanosecond)) }, types.ErrInvalidDetectedAt, "after the block time"},
		{"detected at block time", func(m *types.MsgOpenIncident) { m.DetectedAt = ptr(genesisTime) }, nil, ""},
		{"detected zero", func(m *types.MsgOpenIncident) { m.DetectedAt = &time.Time{} }, types.ErrInvalidDetectedAt, "zero"},

		{"17 suspects", func(m *types.MsgOpenIncident) { m.SuspectedDeployments = ids(17) }, types.ErrInvalidDeploymentID, "17 suspected"},
		{"suspect 0", func(m *types.MsgOpenIncident) { m.SuspectedDeployments = []uint64{1, 0} }, types.ErrInvalidDeploymentID, "suspected_deployments[1] is 0"},
		{"suspect repeated", func(m *types.MsgOpenIncident) { m.SuspectedDeployments = []uint64{3, 3} }, types.ErrInvalidDeploymentID, "repeats deployment 3"},
		{"suspect unknown", func(m *types.MsgOpenIncident) { m.SuspectedDeployments = []uint64{1, 99} }, types.ErrUnknownDeployment, "deployment 99"},
		{"5 suspects", func(m *types.MsgOpenIncident) { m.SuspectedDeployments = []uint64{1, 2, 3, 4, 5} }, nil, ""},

		{"source unspecified", func(m *types.MsgOpenIncident) { m.Source.Kind = types.SOURCE_KIND_UNSPECIFIED }, types.ErrInvalidSource, "kind"},
		{"source unknown kind", func(m *types.MsgOpenIncident) { m.Source.Kind = 7 }, types.ErrInvalidSource, "kind 7"},
		{"source reference empty", func(m *types.MsgOpenIncident) { m.Source.Reference = "" }, types.ErrInvalidSource, "required"},
		{"source reference too long", func(m *types.MsgOpenIncident) { m.Source.Reference = long(257) }, types.ErrInvalidSource, "at most 256"},
		{"source person", func(m *types.MsgOpenIncident) {
			m.Source = types.Source{Kind: types.SOURCE_KIND_PERSON, Reference: "alice"}
		}, nil, ""},
		{"source verdict", func(m *types.MsgOpenIncident) {
			m.Source = types.Source{Kind: types.SOURCE_KIND_AIOPS_VERDICT, Reference: "17"}
		}, nil, ""},
		{"source anomaly", func(m *types.MsgOpenIncident) {
			m.Source = types.Source{Kind: types.SOURCE_KIND_AIOPS_ANOMALY, Reference: "4"}
		}, nil, ""},

		{"document digest empty", func(m *types.MsgOpenIncident) { m.Document = &types.Document{Location: "x"} }, types.ErrInvalidDigest, "missing ':'"},
		{"document sha512", func(m *types.MsgOpenIncident) { m.Document = &types.Document{Digest: "sha512:" + long(128)} }, types.ErrInvalidDigest, ""},
		{"document digest short", func(m *types.MsgOpenIncident) { m.Document = &types.Document{Digest: digest("x")[:70]} }, types.ErrInvalidDigest, "63 characters"},
		{"document digest uppercase", func(m *types.MsgOpenIncident) {
			m.Document = &types.Document{Digest: "sha256:" + strings.ToUpper(digest("x")[7:])}
		}, types.ErrInvalidDigest, "lowercase"},
		{"document location too long", func(m *types.MsgOpenIncident) {
			m.Document = &types.Document{Digest: digest("x"), Location: long(2049)}
		}, types.ErrInvalidDocument, "at most 2048"},
		{"document without location", func(m *types.MsgOpenIncident) { m.Document = &types.Document{Digest: digest("x")} }, nil, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			m := validOpen(f.responder)
			tc.mutate(m)
			if tc.err == nil {
				require.NoError(t, f.send(m))
				return
			}
			f.requireRejected(t, m, tc.err, tc.part)
		})
	}
}

// Every message checks the signer: address, membership, role, organisation.
func TestSignerChecks(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	msgs := map[string]func(signer string) sdk.Msg{
		"open":     func(s string) sdk.Msg { return validOpen(s) },
		"update":   func(s string) sdk.Msg { return &types.MsgUpdateIncident{Responder: s, Id: id, Note: "n"} },
		"link":     func(s string) sdk.Msg { return &types.MsgLinkCause{Responder: s, IncidentId: id, DeploymentId: 1} },
		"unlink":   func(s string) sdk.Msg { return &types.MsgUnlinkCause{Responder: s, IncidentId: id, DeploymentId: 1} },
		"add":      func(s string) sdk.Msg { return addRemediation(s, id, genesisTime.Add(time.Hour)) },
		"complete": func(s string) sdk.Msg { return &types.MsgCompleteRemediation{Responder: s, RemediationId: 1} },
		"close":    func(s string) sdk.Msg { return &types.MsgCloseIncident{Responder: s, Id: id, Postmortem: postmortem()} },
	}
	signers := []struct {
		name   string
		signer string
		err    error
	}{
		{"empty", "", types.ErrInvalidAddress},
		{"garbage", "not-an-address", types.ErrInvalidAddress},
		{"other prefix", mustString(t, cosmosCodec, addr(1)), types.ErrInvalidAddress},
		{"non-member", f.nonMember, consortiumtypes.ErrNotMember},
		{"inactive", f.inactive, consortiumtypes.ErrInactiveMember},
		{"deployer only", f.deployer, consortiumtypes.ErrMissingRole},
		{"no organisation", f.noOrg, types.ErrUnauthorized},
	}
	for name, build := range msgs {
		for _, s := range signers {
			t.Run(name+"/"+s.name, func(t *testing.T) {
				f.requireRejected(t, build(s.signer), s.err)
			})
		}
	}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))

	f.advance(10 * time.Minute)
	t1 := f.ctx.BlockTime()
	_, err := f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder2, Id: id, Status: types.INCIDENT_STATUS_MITIGATED, Note: "traffic shifted"})
	require.NoError(t, err)
	inc := f.incident(t, id)
	require.Equal(t, types.INCIDENT_STATUS_MITIGATED, inc.Status)
	require.Equal(t, t1, *inc.MitigatedAt)
	require.Nil(t, inc.ResolvedAt)
	require.Equal(t, types.TimelineEntry{
		Kind: types.TIMELINE_KIND_STATUS_CHANGE, Note: "traffic shifted",
		FromStatus: types.INCIDENT_STATUS_OPEN, ToStatus: types.INCIDENT_STATUS_MITIGATED,
		Actor: f.responder2, Time: t1, Height: 11,
	}, inc.Timeline[1])
	ev := f.eventsOf("shiplog.incidents.v1.EventIncidentUpdated")
	require.Len(t, ev, 1)
	require.Equal(t, `"INCIDENT_STATUS_OPEN"`, ev[0]["from_status"])
	require.Equal(t, `"INCIDENT_STATUS_MITIGATED"`, ev[0]["to_status"])
	require.Equal(t, `"SEVERITY_SEV1"`, ev[0]["to_severity"])

	f.advance(time.Hour)
	t2 := f.ctx.BlockTime()
	f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
	inc = f.incident(t, id)
	require.Equal(t, types.INCIDENT_STATUS_RESOLVED, inc.Status)
	require.Equal(t, t1, *inc.MitigatedAt)
	require.Equal(t, t2, *inc.ResolvedAt)
	require.Nil(t, inc.ClosedAt)

	// A resolved incident still takes notes and severity changes.
	_, err = f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder, Id: id, Note: "watching"})
	require.NoError(t, err)
	require.Equal(t, types.TIMELINE_KIND_NOTE, f.incident(t, id).Timeline[3].Kind)

	f.advance(24 * time.Hour)
	t3 := f.ctx.BlockTime()
	f.link(t, id, 1)
	f.clearEvents()
	_, err = f.msgs.CloseIncident(f.ctx, &types.MsgCloseIncident{Responder: f.responder2, Id: id, Postmortem: postmortem(), Note: "reviewed"})
	require.NoError(t, err)
	inc = f.incident(t, id)
	require.Equal(t, types.INCIDENT_STATUS_CLOSED, inc.Status)
	require.Equal(t, t3, *inc.ClosedAt)
	want := postmortem()
	want.Author, want.Time = f.responder2, t3
	require.Equal(t, want, inc.Postmortem)
	n := len(inc.Timeline)
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_POSTMORTEM, Note: "reviewed", Actor: f.responder2, Time: t3, Height: f.ctx.BlockHeight()}, inc.Timeline[n-2])
	require.Equal(t, types.TimelineEntry{
		Kind: types.TIMELINE_KIND_STATUS_CHANGE, Note: "reviewed",
		FromStatus: types.INCIDENT_STATUS_RESOLVED, ToStatus: types.INCIDENT_STATUS_CLOSED,
		Actor: f.responder2, Time: t3, Height: f.ctx.BlockHeight(),
	}, inc.Timeline[n-1])
	ev = f.eventsOf("shiplog.incidents.v1.EventIncidentClosed")
	require.Len(t, ev, 1)
	require.Equal(t, map[string]string{"id": `"1"`, "postmortem": "true", "no_deployment_involved": "false", "actor": `"` + f.responder2 + `"`}, ev[0])

	// Closed is final.
	for _, m := range []sdk.Msg{
		&types.MsgUpdateIncident{Responder: f.responder, Id: id, Note: "late note"},
		&types.MsgUpdateIncident{Responder: f.responder, Id: id, Severity: types.SEVERITY_SEV3},
		&types.MsgLinkCause{Responder: f.responder, IncidentId: id, DeploymentId: 2},
		&types.MsgUnlinkCause{Responder: f.responder, IncidentId: id, DeploymentId: 1},
		addRemediation(f.responder, id, f.ctx.BlockTime().Add(time.Hour)),
		&types.MsgCloseIncident{Responder: f.responder, Id: id, Postmortem: postmortem()},
	} {
		f.requireRejected(t, m, types.ErrIncidentClosed)
	}
}

// mitigated may be skipped.
func TestOpenToResolved(t *testing.T) {
	f := newFixture(t)
	id := f.openWith(t, types.SEVERITY_SEV3)
	f.nextBlock()
	f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
	inc := f.incident(t, id)
	require.Nil(t, inc.MitigatedAt)
	require.Equal(t, f.ctx.BlockTime(), *inc.ResolvedAt)
	// A sev3 closes without postmortem.
	_, err := f.msgs.CloseIncident(f.ctx, &types.MsgCloseIncident{Responder: f.responder, Id: id})
	require.NoError(t, err)
	inc = f.incident(t, id)
	require.Nil(t, inc.Postmortem)
	require.Equal(t, types.TIMELINE_KIND_STATUS_CHANGE, inc.Timeline[len(inc.Timeline)-1].Kind)
	ev := f.eventsOf("shiplog.incidents.v1.EventIncidentClosed")
	require.Equal(t, "false", ev[0]["postmortem"])
}

func TestUpdateIncidentErrors(t *testing.T) {
	f := newFixture(t)
	open := f.open(t, validOpen(f.responder))
	mitigated := f.open(t, validOpen(f.responder))
	f.setStatus(t, mitigated, types.INCIDENT_STATUS_MITIGATED)
	resolved := f.open(t, validOpen(f.responder))
	f.setStatus(t, resolved, types.INCIDENT_STATUS_RESOLVED)

	upd := func(id uint64, st types.IncidentStatus, sev types.Severity, note string) *types.MsgUpdateIncident {
		return &types.MsgUpdateIncident{Responder: f.responder, Id: id, Status: st, Severity: sev, Note: note}
	}
	cases := []struct {
		name string
		msg  *types.MsgUpdateIncident
		err  error
		part string
	}{
		{"id 0", upd(0, 0, 0, "n"), types.ErrInvalidIncident, "id is required"},
		{"unknown incident", upd(99, 0, 0, "n"), types.ErrNotFound, "incident 99"},
		{"nothing to change", upd(open, 0, 0, ""), types.ErrEmptyUpdate, ""},
		{"note too long", upd(open, 0, 0, strings.Repeat("n", 2049)), types.ErrInvalidNote, "at most 2048"},
		{"note control char", upd(open, 0, 0, "a\x07"), types.ErrInvalidNote, "non-printable"},
		{"unknown status", upd(open, 9, 0, ""), types.ErrInvalidStatus, "9"},
		{"unknown severity", upd(open, 0, 9, ""), types.ErrInvalidSeverity, "9"},
		{"to open", upd(mitigated, types.INCIDENT_STATUS_OPEN, 0, ""), types.ErrIllegalTransition, "forward"},
		{"to closed", upd(resolved, types.INCIDENT_STATUS_CLOSED, 0, ""), types.ErrIllegalTransition, "MsgCloseIncident"},
		{"open to open", upd(open, types.INCIDENT_STATUS_OPEN, 0, ""), types.ErrIllegalTransition, ""},
		{"mitigated again", upd(mitigated, types.INCIDENT_STATUS_MITIGATED, 0, ""), types.ErrIllegalTransition, "from mitigated to mitigated"},
		{"resolved back to mitigated", upd(resolved, types.INCIDENT_STATUS_MITIGATED, 0, ""), types.ErrIllegalTransition, "from resolved to mitigated"},
		{"resolved again", upd(resolved, types.INCIDENT_STATUS_RESOLVED, 0, ""), types.ErrIllegalTransition, ""},
		{"same severity", upd(open, 0, types.SEVERITY_SEV1, ""), types.ErrInvalidSeverity, "already sev1"},
		{"bad status with good severity", upd(resolved, types.INCIDENT_STATUS_MITIGATED, types.SEVERITY_SEV3, ""), types.ErrIllegalTransition, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.err, tc.part)
		})
	}
}

func TestUpdateIncidentTimeline(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	f.nextBlock()
	_, err := f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder, Id: id, Note: "looking at the pool"})
	require.NoError(t, err)
	_, err = f.msgs.UpdateIncident(f.ctx, &types.MsgUpdateIncident{Responder: f.responder, Id: id, Status: types.INCIDENT_STATUS_MITIGATED, Severity: types.SEVERITY_SEV2, Note: "both"})
	require.NoError(t, err)
	inc := f.incident(t, id)
	require.Equal(t, types.SEVERITY_SEV2, inc.Severity)
	require.Len(t, inc.Timeline, 4)
	now := f.ctx.BlockTime()
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_NOTE, Note: "looking at the pool", Actor: f.responder, Time: now, Height: 11}, inc.Timeline[1])
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_STATUS_CHANGE, Note: "both", FromStatus: types.INCIDENT_STATUS_OPEN, ToStatus: types.INCIDENT_STATUS_MITIGATED, Actor: f.responder, Time: now, Height: 11}, inc.Timeline[2])
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_SEVERITY_CHANGE, Note: "both", FromSeverity: types.SEVERITY_SEV1, ToSeverity: types.SEVERITY_SEV2, Actor: f.responder, Time: now, Height: 11}, inc.Timeline[3])

	ev := f.eventsOf("shiplog.incidents.v1.EventIncidentUpdated")
	require.Len(t, ev, 2)
	require.Equal(t, `"INCIDENT_STATUS_OPEN"`, ev[0]["to_status"], "a note keeps the status")
	require.Equal(t, `"SEVERITY_SEV1"`, ev[1]["from_severity"])
	require.Equal(t, `"SEVERITY_SEV2"`, ev[1]["to_severity"])

	// The status and severity indexes follow the record.
	res, err := f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Status: types.INCIDENT_STATUS_MITIGATED, Severity: types.SEVERITY_SEV2})
	require.NoError(t, err)
	require.Len(t, res.Incidents, 1)
	res, err = f.queries.Incidents(f.ctx, &types.QueryIncidentsRequest{Severity: types.SEVERITY_SEV1})
	require.NoError(t, err)
	require.Empty(t, res.Incidents)
}

func TestLinkAndUnlinkCause(t *testing.T) {
	f := newFixture(t)
	a := f.open(t, validOpen(f.responder))
	b := f.open(t, validOpen(f.responder))
	f.nextBlock()
	_, err := f.msgs.LinkCause(f.ctx, &types.MsgLinkCause{Responder: f.responder2, IncidentId: a, DeploymentId: 2, Note: "pool size"})
	require.NoError(t, err)
	f.link(t, b, 2)
	f.link(t, a, 1)

	inc := f.incident(t, a)
	require.Equal(t, []types.CauseLink{
		{DeploymentId: 2, Note: "pool size", LinkedBy: f.responder2, LinkedAt: f.ctx.BlockTime(), Height: 11},
		{DeploymentId: 1, Note: "cause", LinkedBy: f.responder, LinkedAt: f.ctx.BlockTime(), Height: 11},
	}, inc.Causes)
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_CAUSE_LINKED, Note: "pool size", DeploymentId: 2, Actor: f.responder2, Time: f.ctx.BlockTime(), Height: 11}, inc.Timeline[1])
	ev := f.eventsOf("shiplog.incidents.v1.EventCauseLinked")
	require.Len(t, ev, 3)
	require.Equal(t, map[string]string{"incident_id": `"1"`, "deployment_id": `"2"`, "actor": `"` + f.responder2 + `"`}, ev[0])
	require.Equal(t, []uint64{a, b}, f.byDeployment(t, 2))

	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 2}, types.ErrCauseExists, "deployment 2 is already a cause of incident 1")
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 99}, types.ErrUnknownDeployment, "deployment 99")
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: 99, DeploymentId: 1}, types.ErrNotFound, "incident 99")
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: 0, DeploymentId: 1}, types.ErrInvalidIncident)
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 0}, types.ErrInvalidDeploymentID)
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 3, Note: strings.Repeat("n", 2049)}, types.ErrInvalidNote)
	f.requireRejected(t, &types.MsgUnlinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 3}, types.ErrCauseNotFound, "deployment 3 is not a cause of incident 1")
	f.requireRejected(t, &types.MsgUnlinkCause{Responder: f.responder, IncidentId: 99, DeploymentId: 3}, types.ErrNotFound)
	f.requireRejected(t, &types.MsgUnlinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 0}, types.ErrInvalidDeploymentID)

	f.nextBlock()
	_, err = f.msgs.UnlinkCause(f.ctx, &types.MsgUnlinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 2, Note: "red herring"})
	require.NoError(t, err)
	inc = f.incident(t, a)
	require.Len(t, inc.Causes, 1)
	require.Equal(t, uint64(1), inc.Causes[0].DeploymentId)
	last := inc.Timeline[len(inc.Timeline)-1]
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_CAUSE_UNLINKED, Note: "red herring", DeploymentId: 2, Actor: f.responder, Time: f.ctx.BlockTime(), Height: 12}, last)
	require.Equal(t, []uint64{b}, f.byDeployment(t, 2))
	require.Len(t, f.eventsOf("shiplog.incidents.v1.EventCauseUnlinked"), 1)
	f.requireRejected(t, &types.MsgUnlinkCause{Responder: f.responder, IncidentId: a, DeploymentId: 2}, types.ErrCauseNotFound)

	// A link removed can be made again.
	f.link(t, a, 2)
	require.Equal(t, []uint64{a, b}, f.byDeployment(t, 2))
}

func TestTooManyCauses(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	for i := uint64(1); i <= types.MaxCauseLinks+1; i++ {
		f.deps.add(100+i, "api", "prod", nil, nil)
	}
	for i := uint64(1); i <= types.MaxCauseLinks; i++ {
		f.link(t, id, 100+i)
	}
	f.requireRejected(t, &types.MsgLinkCause{Responder: f.responder, IncidentId: id, DeploymentId: 100 + types.MaxCauseLinks + 1}, types.ErrTooManyCauses)
}

func (f *fixture) byDeployment(t testing.TB, dep uint64) []uint64 {
	t.Helper()
	res, err := f.queries.IncidentsByDeployment(f.ctx, &types.QueryIncidentsByDeploymentRequest{DeploymentId: dep})
	require.NoError(t, err)
	ids := make([]uint64, len(res.Incidents))
	for i, inc := range res.Incidents {
		ids[i] = inc.Id
	}
	return ids
}

func addRemediation(responder string, incident uint64, due time.Time) *types.MsgAddRemediation {
	return &types.MsgAddRemediation{Responder: responder, IncidentId: incident, Title: "Alert on pool exhaustion", OwnerOrganizationId: "acme", DueTime: due}
}

func TestRemediation(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	due := genesisTime.Add(72 * time.Hour)
	res, err := f.msgs.AddRemediation(f.ctx, addRemediation(f.responder2, id, due))
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Id)

	r, err := f.k.GetRemediation(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, types.Remediation{
		Id: 1, IncidentId: id, Title: "Alert on pool exhaustion", OwnerOrganizationId: "acme",
		DueTime: due, CreatedBy: f.responder2, CreatedAt: genesisTime,
	}, r)
	inc := f.incident(t, id)
	require.Equal(t, []uint64{1}, inc.RemediationIds)
	require.Equal(t, types.TimelineEntry{Kind: types.TIMELINE_KIND_REMEDIATION_ADDED, Note: "Alert on pool exhaustion", RemediationId: 1, Actor: f.responder2, Time: genesisTime, Height: 10}, inc.Timeline[1])
	ev := f.eventsOf("shiplog.incidents.v1.EventRemediationAdded")
	require.Equal(t, map[string]string{"id": `"1"`, "incident_id": `"1"`, "owner_organization_id": `"acme"`, "due_time": `"2025-03-04T12:00:00Z"`}, ev[0])
	has, err := f.k.DueQueue.Has(f.ctx, joinTime(due, 1))
	require.NoError(t, err)
	require.True(t, has)

	// Another organisation's responder cannot complete acme's item.
	f.requireRejected(t, &types.MsgCompleteRemediation{Responder: f.other, RemediationId: 1}, types.ErrOtherOrganization, `owned by organization "acme"`, `"globex"`)
	f.requireRejected(t, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 9}, types.ErrNotFound, "remediation 9")
	f.requireRejected(t, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 0}, types.ErrInvalidRemediation)
	f.requireRejected(t, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 1, Note: strings.Repeat("n", 2049)}, types.ErrInvalidNote)

	// Closing the incident does not stop its follow-ups.
	f.close(t, id)
	f.nextBlock()
	_, err = f.msgs.CompleteRemediation(f.ctx, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 1, Note: "alert rule merged"})
	require.NoError(t, err)
	r, err = f.k.GetRemediation(f.ctx, 1)
	require.NoError(t, err)
	require.True(t, r.Completed)
	require.Equal(t, f.ctx.BlockTime(), *r.CompletedAt)
	require.Equal(t, f.responder, r.CompletedBy)
	require.Equal(t, "alert rule merged", r.CompletionNote)
	has, err = f.k.DueQueue.Has(f.ctx, joinTime(due, 1))
	require.NoError(t, err)
	require.False(t, has)
	has, err = f.k.IncompleteRemediations.Has(f.ctx, joinTime(due, 1))
	require.NoError(t, err)
	require.False(t, has)
	inc = f.incident(t, id)
	require.Equal(t, types.TIMELINE_KIND_REMEDIATION_COMPLETED, inc.Timeline[len(inc.Timeline)-1].Kind)
	require.Len(t, f.eventsOf("shiplog.incidents.v1.EventRemediationCompleted"), 1)

	f.requireRejected(t, &types.MsgCompleteRemediation{Responder: f.responder, RemediationId: 1}, types.ErrAlreadyCompleted, "remediation 1 was completed")
}

func TestAddRemediationErrors(t *testing.T) {
	f := newFixture(t)
	id := f.open(t, validOpen(f.responder))
	now := f.ctx.BlockTime()
	mut := func(fn func(m *types.MsgAddRemediation)) *types.MsgAddRemediation {
		m := addRemediation(f.responder, id, now.Add(time.Hour))
		fn(m)
		return m
	}
	cases := []struct {
		name string
		msg  *types.MsgAddRemediation
		err  error
		part string
	}{
		{"incident 0", mut(func(m *types.MsgAddRemediation) { m.IncidentId = 0 }), types.ErrInvalidIncident, ""},
		{"unknown incident", mut(func(m *types.MsgAddRemediation) { m.IncidentId = 9 }), types.ErrNotFound, "incident 9"},
		{"title empty", mut(func(m *types.MsgAddRemediation) { m.Title = "" }), types.ErrInvalidRemediation, "title is required"},
		{"title too long", mut(func(m *types.MsgAddRemediation) { m.Title = strings.Repeat("t", 257) }), types.ErrInvalidRemediation, "at most 256"},
		{"owner empty", mut(func(m *types.MsgAddRemediation) { m.OwnerOrganizationId = "" }), types.ErrInvalidRemediation, "owner_organization_id"},
		{"owner not a slug", mut(func(m *types.MsgAddRemediation) { m.OwnerOrganizationId = "Acme Corp" }), types.ErrInvalidRemediation, "owner_organization_id"},
		{"due zero", mut(func(m *types.MsgAddRemediation) { m.DueTime = time.Time{} }), types.ErrInvalidDueTime, "required"},
		{"due at block time", mut(func(m *types.MsgAddRemediation) { m.DueTime = now }), types.ErrInvalidDueTime, "not after the block time"},
		{"due in the past", mut(func(m *types.MsgAddRemediation) { m.DueTime = now.Add(-time.Hour) }), types.ErrInvalidDueTime, ""},
		{"due too far", mut(func(m *types.MsgAddRemediation) { m.DueTime = now.Add(types.MaxRemediationDueHorizon + time.Second) }), types.ErrInvalidDueTime, "more than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.err, tc.part)
		})
	}
	// The horizon itself and any other organisation slug are accepted.
	require.NoError(t, f.send(mut(func(m *types.MsgAddRemediation) { m.DueTime = now.Add(types.MaxRemediationDueHorizon) })))
	require.NoError(t, f.send(mut(func(m *types.MsgAddRemediation) { m.OwnerOrganizationId = "globex" })))

	for i := 2; i < types.MaxRemediationsPerIncident; i++ {
		require.NoError(t, f.send(mut(func(*types.MsgAddRemediation) {})))
	}
	f.requireRejected(t, mut(func(*types.MsgAddRemediation) {}), types.ErrTooManyRemediations)
}

func TestCloseIncidentErrors(t *testing.T) {
	f := newFixture(t)
	sev1 := f.open(t, validOpen(f.responder))
	sev2 := f.openWith(t, types.SEVERITY_SEV2)
	linked := f.open(t, validOpen(f.responder))
	f.link(t, linked, 1)
	openOne := f.open(t, validOpen(f.responder))
	mitigated := f.open(t, validOpen(f.responder))
	f.setStatus(t, mitigated, types.INCIDENT_STATUS_MITIGATED)
	for _, id := range []uint64{sev1, sev2, linked} {
		f.setStatus(t, id, types.INCIDENT_STATUS_RESOLVED)
	}
	pm := func(fn func(p *types.Postmortem)) *types.Postmortem {
		p := postmortem()
		fn(p)
		return p
	}
	closeMsg := func(id uint64, p *types.Postmortem) *types.MsgCloseIncident {
		return &types.MsgCloseIncident{Responder: f.responder, Id: id, Postmortem: p}
	}
	noDeploy := func(p *types.Postmortem) { p.NoDeploymentInvolved = true }
	cases := []struct {
		name string
		msg  *types.MsgCloseIncident
		err  error
		part string
	}{
		{"id 0", closeMsg(0, nil), types.ErrInvalidIncident, ""},
		{"unknown", closeMsg(99, nil), types.ErrNotFound, "incident 99"},
		{"open", closeMsg(openOne, pm(noDeploy)), types.ErrIllegalTransition, "is open; only a resolved incident"},
		{"mitigated", closeMsg(mitigated, pm(noDeploy)), types.ErrIllegalTransition, "is mitigated"},
		{"sev1 without postmortem", closeMsg(sev1, nil), types.ErrPostmortemRequired, "sev1"},
		{"sev2 without postmortem", closeMsg(sev2, nil), types.ErrPostmortemRequired, "sev2"},
		{"no cause and no flag", closeMsg(sev1, postmortem()), types.ErrInvalidPostmortem, "link the causing deployment"},
		{"flag with causes", closeMsg(linked, pm(noDeploy)), types.ErrInvalidPostmortem, "contradicts the 1 cause link"},
		{"digest missing", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Document.Digest = "" })), types.ErrInvalidDigest, ""},
		{"digest sha512", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Document.Digest = "sha512:" + strings.Repeat("a", 128) })), types.ErrInvalidDigest, ""},
		{"location missing", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Document.Location = "" })), types.ErrInvalidDocument, "location is required"},
		{"location too long", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Document.Location = strings.Repeat("l", 2049) })), types.ErrInvalidDocument, "at most 2048"},
		{"root cause missing", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.RootCause = "" })), types.ErrInvalidPostmortem, "root cause is required"},
		{"root cause too long", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.RootCause = strings.Repeat("r", 4097) })), types.ErrInvalidPostmortem, "at most 4096"},
		{"author set", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Author = f.responder })), types.ErrInvalidPostmortem, "set by the chain"},
		{"time set", closeMsg(sev1, pm(func(p *types.Postmortem) { noDeploy(p); p.Time = genesisTime })), types.ErrInvalidPostmortem, "set by the chain"},
		{"note too long", &types.MsgCloseIncident{Responder: f.responder, Id: sev1, Postmortem: pm(noDeploy), Note: strings.Repeat("n", 2049)}, types.ErrInvalidNote, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireRejected(t, tc.msg, tc.err, tc.part)
		})
	}
	// The valid forms.
	require.NoError(t, f.send(closeMsg(sev1, pm(noDeploy))))
	require.NoError(t, f.send(closeMsg(linked, postmortem())))
	inc := f.incident(t, sev1)
	require.True(t, inc.Postmortem.NoDeploymentInvolved)
	ev := f.eventsOf("shiplog.incidents.v1.EventIncidentClosed")
	require.Equal(t, "true", ev[0]["no_deployment_involved"])
	require.Equal(t, "false", ev[1]["no_deployment_involved"])

	// A sev3 may carry a postmortem; the cause rule still applies.
	sev3 := f.openWith(t, types.SEVERITY_SEV3)
	f.setStatus(t, sev3, types.INCIDENT_STATUS_RESOLVED)
	f.requireRejected(t, closeMsg(sev3, postmortem()), types.ErrInvalidPostmortem)
	require.NoError(t, f.send(closeMsg(sev3, pm(noDeploy))))
}

func TestUpdateParams(t *testing.T) {
	f := newFixture(t)
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.responder, Params: types.DefaultParams()}, types.ErrUnauthorized, "consortium authority")
	f.requireRejected(t, &types.MsgUpdateParams{Authority: "garbage", Params: types.DefaultParams()}, types.ErrUnauthorized)
	f.requireRejected(t, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{FreezeSeverity: 7}}, types.ErrInvalidParams, "7")

	_, err := f.msgs.UpdateParams(f.ctx, &types.MsgUpdateParams{Authority: f.authority, Params: types.Params{FreezeSeverity: types.SEVERITY_SEV3}})
	require.NoError(t, err)
	res, err := f.queries.Params(f.ctx, &types.QueryParamsRequest{})
	require.NoError(t, err)
	require.Equal(t, types.SEVERITY_SEV3, res.Params.FreezeSeverity)
}

func TestIDsStartAtOne(t *testing.T) {
	f := newFixture(t)
	for want := uint64(1); want <= 3; want++ {
		require.Equal(t, want, f.open(t, validOpen(f.responder)))
	}
	for want := uint64(1); want <= 3; want++ {
		res, err := f.msgs.AddRemediation(f.ctx, addRemediation(f.responder, 2, genesisTime.Add(time.Hour)))
		require.NoError(t, err)
		require.Equal(t, want, res.Id)
	}
}
