package keeper_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
	"github.com/shiplog/shiplog/x/deployments/types"
)

func TestRecordDeployment(t *testing.T) {
	f := newFixture(t)
	msg := validMsg(f.deployer)
	msg.ExternalId = "gha-812-1"
	msg.FixesIncidents = []uint64{7, 3}
	msg.BreakGlass = "sev1 checkout outage;\npaged by on-call"
	res, err := f.msgs.RecordDeployment(f.ctx, msg)
	require.NoError(t, err)
	require.Equal(t, uint64(1), res.Id)
	require.False(t, res.Existing)

	d, err := f.k.GetDeployment(f.ctx, 1)
	require.NoError(t, err)
	require.Equal(t, "api", d.Service)
	require.Equal(t, "prod", d.Environment)
	require.Equal(t, "1.4.2", d.Version)
	require.Equal(t, msg.Artifacts, d.Artifacts)
	require.Equal(t, msg.Source.Repository, d.Source.Repository)
	require.True(t, msg.Source.CommitTime.Equal(*d.Source.CommitTime))
	require.Equal(t, msg.Pipeline, d.Pipeline)
	require.Equal(t, types.STRATEGY_CANARY, d.Strategy)
	require.Equal(t, types.DEPLOYMENT_STATUS_IN_PROGRESS, d.Status)
	require.Equal(t, f.deployer, d.Deployer)
	require.Equal(t, "acme", d.OrganizationId)
	require.Equal(t, msg.Labels, d.Labels)
	require.Equal(t, "gha-812-1", d.ExternalId)
	require.Equal(t, []uint64{7, 3}, d.FixesIncidents, "kept as given, in order")
	require.Equal(t, msg.BreakGlass, d.BreakGlass)
	require.Equal(t, genesisTime, d.CreatedAt)
	require.Equal(t, genesisTime, d.UpdatedAt)
	require.Equal(t, int64(10), d.CreatedHeight)
	require.Equal(t, int64(10), d.UpdatedHeight)
	require.Equal(t, []types.StatusTransition{{
		From: types.DEPLOYMENT_STATUS_UNSPECIFIED, To: types.DEPLOYMENT_STATUS_IN_PROGRESS,
		Actor: f.deployer, Reason: "release train 12", Time: genesisTime, Height: 10,
	}}, d.Transitions)

	ref, err := f.k.ExternalRefs.Get(f.ctx, joinPair("acme", "gha-812-1"))
	require.NoError(t, err)
	require.Equal(t, uint64(1), ref.DeploymentId)
	want, err := msg.ContentDigest()
	require.NoError(t, err)
	require.Equal(t, want, ref.ContentDigest)

	// In progress: not current yet.
	_, err = f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "api", Environment: "prod"})
	require.ErrorIs(t, err, types.ErrNotFound)

	events := f.ctx.EventManager().Events()
	require.Len(t, events, 1)
	require.Equal(t, "shiplog.deployments.v1.EventDeploymentRecorded", events[0].Type)
	attrs := map[string]string{}
	for _, a := range events[0].Attributes {
		attrs[a.Key] = a.Value
	}
	require.Equal(t, `"1"`, attrs["id"])
	require.Equal(t, `"api"`, attrs["service"])
	require.Equal(t, `"DEPLOYMENT_STATUS_IN_PROGRESS"`, attrs["status"])
	require.Equal(t, fmt.Sprintf(`[%q,%q]`, digest("api"), digest("web")), attrs["artifact_digests"])
}

func TestRecordDeploymentInitialStatus(t *testing.T) {
	for _, st := range []types.DeploymentStatus{
		types.DEPLOYMENT_STATUS_UNSPECIFIED, types.DEPLOYMENT_STATUS_IN_PROGRESS,
		types.DEPLOYMENT_STATUS_SUCCEEDED, types.DEPLOYMENT_STATUS_FAILED,
		types.DEPLOYMENT_STATUS_ROLLED_BACK, types.DEPLOYMENT_STATUS_HALTED,
	} {
		t.Run(st.String(), func(t *testing.T) {
			f := newFixture(t)
			m := validMsg(f.deployer)
			m.Status = st
			id := f.record(t, m)
			d, err := f.k.GetDeployment(f.ctx, id)
			require.NoError(t, err)
			want := st
			if st == types.DEPLOYMENT_STATUS_UNSPECIFIED {
				want = types.DEPLOYMENT_STATUS_IN_PROGRESS
			}
			require.Equal(t, want, d.Status)
			require.Len(t, d.Transitions, 1)
			require.Equal(t, types.DEPLOYMENT_STATUS_UNSPECIFIED, d.Transitions[0].From)
			require.Equal(t, want, d.Transitions[0].To)

			_, err = f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "api", Environment: "prod"})
			if want == types.DEPLOYMENT_STATUS_SUCCEEDED {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, types.ErrNotFound)
			}
		})
	}
}

func TestRecordDeploymentValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	arts := func(n int) []types.Artifact {
		out := make([]types.Artifact, n)
		for i := range out {
			out[i] = types.Artifact{Name: fmt.Sprintf("a%d", i), Digest: digest(fmt.Sprint(i))}
		}
		return out
	}
	incidents := func(n int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = uint64(i + 1)
		}
		return out
	}
	labels := func(n int) []types.Label {
		out := make([]types.Label, n)
		for i := range out {
			out[i] = types.Label{Key: fmt.Sprintf("k%d", i)}
		}
		return out
	}
	hex64 := strings.Repeat("ab", 32)
	hex128 := strings.Repeat("cd", 64)

	cases := []struct {
		name    string
		mutate  func(m *types.MsgRecordDeployment)
		err     error  // nil: accepted
		message string // substring of the error
	}{
		{"deployer empty", func(m *types.MsgRecordDeployment) { m.Deployer = "" }, types.ErrInvalidAddress, "required"},
		{"deployer garbage", func(m *types.MsgRecordDeployment) { m.Deployer = "not-an-address" }, types.ErrInvalidAddress, "not-an-address"},
		{"deployer other prefix", func(m *types.MsgRecordDeployment) { m.Deployer = mustString(t, cosmosCodec, addr(1)) }, types.ErrInvalidAddress, ""},

		{"service empty", func(m *types.MsgRecordDeployment) { m.Service = "" }, types.ErrInvalidService, "required"},
		{"service uppercase", func(m *types.MsgRecordDeployment) { m.Service = "Api" }, types.ErrInvalidService, "must match"},
		{"service leading dash", func(m *types.MsgRecordDeployment) { m.Service = "-api" }, types.ErrInvalidService, ""},
		{"service leading dot", func(m *types.MsgRecordDeployment) { m.Service = ".api" }, types.ErrInvalidService, ""},
		{"service leading slash", func(m *types.MsgRecordDeployment) { m.Service = "/api" }, types.ErrInvalidService, ""},
		{"service space", func(m *types.MsgRecordDeployment) { m.Service = "my api" }, types.ErrInvalidService, ""},
		{"service underscore", func(m *types.MsgRecordDeployment) { m.Service = "my_api" }, nil, ""},
		{"service colon", func(m *types.MsgRecordDeployment) { m.Service = "api:v2" }, types.ErrInvalidService, ""},
		{"service unicode", func(m *types.MsgRecordDeployment) { m.Service = "apé" }, types.ErrInvalidService, ""},
		{"service too long", func(m *types.MsgRecordDeployment) { m.Service = long(129) }, types.ErrInvalidService, "at most 128"},
		{"service max length", func(m *types.MsgRecordDeployment) { m.Service = long(128) }, nil, ""},
		{"service with path", func(m *types.MsgRecordDeployment) { m.Service = "payments/api-v2.1" }, nil, ""},

		{"environment empty", func(m *types.MsgRecordDeployment) { m.Environment = "" }, types.ErrInvalidEnvironment, "required"},
		{"environment uppercase", func(m *types.MsgRecordDeployment) { m.Environment = "PROD" }, types.ErrInvalidEnvironment, ""},
		{"environment too long", func(m *types.MsgRecordDeployment) { m.Environment = long(129) }, types.ErrInvalidEnvironment, ""},
		{"environment max length", func(m *types.MsgRecordDeployment) { m.Environment = long(128) }, nil, ""},

		{"version empty", func(m *types.MsgRecordDeployment) { m.Version = "" }, types.ErrInvalidVersion, "required"},
		{"version too long", func(m *types.MsgRecordDeployment) { m.Version = long(129) }, types.ErrInvalidVersion, ""},
		{"version max length", func(m *types.MsgRecordDeployment) { m.Version = long(128) }, nil, ""},
		{"version control char", func(m *types.MsgRecordDeployment) { m.Version = "1.0\n" }, types.ErrInvalidVersion, "non-printable"},
		{"version invalid utf8", func(m *types.MsgRecordDeployment) { m.Version = "1.0\xff" }, types.ErrInvalidVersion, "UTF-8"},

		{"no artifacts", func(m *types.MsgRecordDeployment) { m.Artifacts = nil }, types.ErrInvalidArtifact, "0 artifacts"},
		{"33 artifacts", func(m *types.MsgRecordDeployment) { m.Artifacts = arts(33) }, types.ErrInvalidArtifact, "33 artifacts"},
		{"32 artifacts", func(m *types.MsgRecordDeployment) { m.Artifacts = arts(32) }, nil, ""},
		{"artifact name empty", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Name = "" }, types.ErrInvalidArtifact, "artifact 1"},
		{"artifact name too long", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Name = long(257) }, types.ErrInvalidArtifact, ""},
		{"artifact name max", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Name = long(256) }, nil, ""},
		{"artifact name control", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Name = "a\tb" }, types.ErrInvalidArtifact, ""},
		{"artifact uri too long", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Uri = long(2049) }, types.ErrInvalidArtifact, "uri"},
		{"artifact uri max", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Uri = long(2048) }, nil, ""},
		{"artifact uri invalid utf8", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Uri = "\xc3" }, types.ErrInvalidArtifact, "UTF-8"},
		{"artifact repeated", func(m *types.MsgRecordDeployment) { m.Artifacts[1] = m.Artifacts[0] }, types.ErrInvalidArtifact, "repeats"},
		{"same name other digest", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Name = "api" }, nil, ""},

		{"digest empty", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "" }, types.ErrInvalidDigest, `artifact 1 ("web")`},
		{"digest no separator", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = hex64 }, types.ErrInvalidDigest, "missing ':'"},
		{"digest unknown algorithm", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "md5:" + hex64[:32] }, types.ErrInvalidDigest, `algorithm "md5"`},
		{"digest uppercase algorithm", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "SHA256:" + hex64 }, types.ErrInvalidDigest, "algorithm"},
		{"sha256 short", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha256:" + hex64[:63] }, types.ErrInvalidDigest, "hex part has 63 characters, want 64"},
		{"sha256 long", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha256:" + hex64 + "a" }, types.ErrInvalidDigest, "hex part has 65"},
		{"sha256 uppercase hex", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha256:" + strings.ToUpper(hex64) }, types.ErrInvalidDigest, "lowercase hex"},
		{"sha256 non hex", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha256:" + "g" + hex64[1:] }, types.ErrInvalidDigest, "position 0"},
		{"sha512 with sha256 length", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha512:" + hex64 }, types.ErrInvalidDigest, "want 128"},
		{"sha512 ok", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha512:" + hex128 }, nil, ""},
		{"sha256 with sha512 length", func(m *types.MsgRecordDeployment) { m.Artifacts[1].Digest = "sha256:" + hex128 }, types.ErrInvalidDigest, "want 64"},

		{"repository too long", func(m *types.MsgRecordDeployment) { m.Source.Repository = long(513) }, types.ErrInvalidSource, "repository"},
		{"repository max", func(m *types.MsgRecordDeployment) { m.Source.Repository = long(512) }, nil, ""},
		{"commit too short", func(m *types.MsgRecordDeployment) { m.Source.Commit = "abcdef1"[:6] }, types.ErrInvalidSource, "7 to 64"},
		{"commit min", func(m *types.MsgRecordDeployment) { m.Source.Commit = "abcdef1" }, nil, ""},
		{"commit too long", func(m *types.MsgRecordDeployment) { m.Source.Commit = hex64 + "a" }, types.ErrInvalidSource, ""},
		{"commit max", func(m *types.MsgRecordDeployment) { m.Source.Commit = hex64 }, nil, ""},
		{"commit uppercase", func(m *types.MsgRecordDeployment) { m.Source.Commit = "ABCDEF1" }, types.ErrInvalidSource, "lowercase hex"},
		{"commit not hex", func(m *types.MsgRecordDeployment) { m.Source.Commit = "main-branch" }, types.ErrInvalidSource, ""},
		{"source empty", func(m *types.MsgRecordDeployment) { m.Source = types.Source{} }, nil, ""},

		{"pipeline system too long", func(m *types.MsgRecordDeployment) { m.Pipeline.System = long(129) }, types.ErrInvalidPipeline, "system"},
		{"pipeline run id too long", func(m *types.MsgRecordDeployment) { m.Pipeline.RunId = long(129) }, types.ErrInvalidPipeline, "run_id"},
		{"pipeline run url too long", func(m *types.MsgRecordDeployment) { m.Pipeline.RunUrl = long(2049) }, types.ErrInvalidPipeline, "run_url"},
		{"pipeline system control", func(m *types.MsgRecordDeployment) { m.Pipeline.System = "gh\x00" }, types.ErrInvalidPipeline, ""},
		{"pipeline empty", func(m *types.MsgRecordDeployment) { m.Pipeline = types.Pipeline{} }, nil, ""},

		{"strategy unknown", func(m *types.MsgRecordDeployment) { m.Strategy = 99 }, types.ErrInvalidStrategy, "99"},
		{"strategy unspecified", func(m *types.MsgRecordDeployment) { m.Strategy = types.STRATEGY_UNSPECIFIED }, nil, ""},
		{"status unknown", func(m *types.MsgRecordDeployment) { m.Status = 42 }, types.ErrInvalidStatus, "42"},

		{"17 labels", func(m *types.MsgRecordDeployment) { m.Labels = labels(17) }, types.ErrInvalidLabel, "17 labels"},
		{"16 labels", func(m *types.MsgRecordDeployment) { m.Labels = labels(16) }, nil, ""},
		{"label key empty", func(m *types.MsgRecordDeployment) { m.Labels[0].Key = "" }, types.ErrInvalidLabel, ""},
		{"label key uppercase", func(m *types.MsgRecordDeployment) { m.Labels[0].Key = "Team" }, types.ErrInvalidLabel, ""},
		{"label key too long", func(m *types.MsgRecordDeployment) { m.Labels[0].Key = long(65) }, types.ErrInvalidLabel, ""},
		{"label key max", func(m *types.MsgRecordDeployment) { m.Labels[0].Key = long(64) }, nil, ""},
		{"label key repeated", func(m *types.MsgRecordDeployment) {
			m.Labels = []types.Label{{Key: "team", Value: "a"}, {Key: "team", Value: "b"}}
		}, types.ErrInvalidLabel, "repeated"},
		{"label value too long", func(m *types.MsgRecordDeployment) { m.Labels[0].Value = long(257) }, types.ErrInvalidLabel, ""},
		{"label value max", func(m *types.MsgRecordDeployment) { m.Labels[0].Value = long(256) }, nil, ""},
		{"label value control", func(m *types.MsgRecordDeployment) { m.Labels[0].Value = "a\nb" }, types.ErrInvalidLabel, ""},

		{"external id too long", func(m *types.MsgRecordDeployment) { m.ExternalId = long(129) }, types.ErrInvalidExternalID, ""},
		{"external id max", func(m *types.MsgRecordDeployment) { m.ExternalId = long(128) }, nil, ""},
		{"external id control", func(m *types.MsgRecordDeployment) { m.ExternalId = "a\x7f" }, types.ErrInvalidExternalID, ""},

		{"reason too long", func(m *types.MsgRecordDeployment) { m.Reason = long(1025) }, types.ErrInvalidReason, "1025"},
		{"reason max", func(m *types.MsgRecordDeployment) { m.Reason = long(1024) }, nil, ""},
		{"reason multi-line", func(m *types.MsgRecordDeployment) { m.Reason = "line 1\n\tline 2" }, nil, ""},
		{"reason control", func(m *types.MsgRecordDeployment) { m.Reason = "bell\a" }, types.ErrInvalidReason, ""},
		{"reason invalid utf8", func(m *types.MsgRecordDeployment) { m.Reason = "\xff" }, types.ErrInvalidReason, "UTF-8"},

		{"17 fixed incidents", func(m *types.MsgRecordDeployment) { m.FixesIncidents = incidents(17) }, types.ErrInvalidFixesIncidents, "17 incident ids, at most 16"},
		{"16 fixed incidents", func(m *types.MsgRecordDeployment) { m.FixesIncidents = incidents(16) }, nil, ""},
		{"one fixed incident", func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{42} }, nil, ""},
		{"fixed incident 0", func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{4, 0} }, types.ErrInvalidFixesIncidents, "fixes_incidents[1] is 0"},
		{"fixed incident repeated", func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{4, 9, 4} }, types.ErrInvalidFixesIncidents, "incident 4 repeated (fixes_incidents[0] and [2])"},
		{"fixed incident max id", func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{^uint64(0)} }, nil, ""},

		{"break glass too long", func(m *types.MsgRecordDeployment) { m.BreakGlass = long(1025) }, types.ErrInvalidBreakGlass, "break_glass is 1025 bytes, at most 1024"},
		{"break glass max", func(m *types.MsgRecordDeployment) { m.BreakGlass = long(1024) }, nil, ""},
		{"break glass multi-line", func(m *types.MsgRecordDeployment) { m.BreakGlass = "sev1 outage\n\tCTO approved" }, nil, ""},
		{"break glass unicode", func(m *types.MsgRecordDeployment) { m.BreakGlass = "Störung — freigegeben ✅" }, nil, ""},
		{"break glass control", func(m *types.MsgRecordDeployment) { m.BreakGlass = "esc\x1b[31m" }, types.ErrInvalidBreakGlass, "non-printable character U+001B at byte 3"},
		{"break glass carriage return", func(m *types.MsgRecordDeployment) { m.BreakGlass = "a\rb" }, types.ErrInvalidBreakGlass, "non-printable"},
		{"break glass invalid utf8", func(m *types.MsgRecordDeployment) { m.BreakGlass = "\xff" }, types.ErrInvalidBreakGlass, "UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			msg := validMsg(f.deployer)
			tc.mutate(msg)
			if tc.err == nil {
				f.record(t, msg)
				return
			}
			f.requireNoEffect(t, func() {
				_, err := f.msgs.RecordDeployment(f.ctx, msg)
				require.ErrorIs(t, err, tc.err)
				require.Contains(t, err.Error(), tc.message)
			})
		})
	}
}

func TestRecordDeploymentAuthorization(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name   string
		signer string
		err    error
	}{
		{"non-member", f.nonMember, consortiumtypes.ErrNotMember},
		{"wrong role", f.attestor, consortiumtypes.ErrMissingRole},
		{"inactive member", f.inactive, consortiumtypes.ErrInactiveMember},
		{"member without organisation", f.noOrg, types.ErrUnauthorized},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				_, err := f.msgs.RecordDeployment(f.ctx, validMsg(tc.signer))
				require.ErrorIs(t, err, tc.err)
				_, err = f.msgs.UpdateDeploymentStatus(f.ctx, &types.MsgUpdateDeploymentStatus{Deployer: tc.signer, Id: 1, Status: types.DEPLOYMENT_STATUS_SUCCEEDED})
				require.ErrorIs(t, err, tc.err)
			})
		})
	}
}

func TestRecordDeploymentIdempotency(t *testing.T) {
	f := newFixture(t)
	first := validMsg(f.deployer)
	first.ExternalId = "run-1"
	id := f.record(t, first)

	t.Run("identical replay returns the existing id and writes nothing", func(t *testing.T) {
		f.requireNoEffect(t, func() {
			replay := validMsg(f.deployer)
			replay.ExternalId = "run-1"
			res, err := f.msgs.RecordDeployment(f.ctx, replay)
			require.NoError(t, err)
			require.Equal(t, id, res.Id)
			require.True(t, res.Existing)
		})
	})
	t.Run("another deployer of the same organisation is a replay too", func(t *testing.T) {
		f.requireNoEffect(t, func() {
			replay := validMsg(f.deployer2)
			replay.ExternalId = "run-1"
			res, err := f.msgs.RecordDeployment(f.ctx, replay)
			require.NoError(t, err)
			require.Equal(t, id, res.Id)
			require.True(t, res.Existing)
		})
	})
	t.Run("replay after a status change is still a replay", func(t *testing.T) {
		f.nextBlock()
		f.setStatus(t, f.deployer, id, types.DEPLOYMENT_STATUS_SUCCEEDED)
		f.requireNoEffect(t, func() {
			replay := validMsg(f.deployer)
			replay.ExternalId = "run-1"
			res, err := f.msgs.RecordDeployment(f.ctx, replay)
			require.NoError(t, err)
			require.Equal(t, id, res.Id)
			require.True(t, res.Existing)
		})
	})
	t.Run("different content conflicts and names the existing id", func(t *testing.T) {
		for name, mutate := range map[string]func(m *types.MsgRecordDeployment){
			"version": func(m *types.MsgRecordDeployment) { m.Version = "1.4.3" },
			"status":  func(m *types.MsgRecordDeployment) { m.Status = types.DEPLOYMENT_STATUS_IN_PROGRESS },
			"reason":  func(m *types.MsgRecordDeployment) { m.Reason = "" },
			"label":   func(m *types.MsgRecordDeployment) { m.Labels = nil },
			// A retry that adds a justification or a fix declaration is a new
			// request: it must not silently return the unjustified record.
			"break_glass":     func(m *types.MsgRecordDeployment) { m.BreakGlass = "sev1 outage" },
			"fixes_incidents": func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{3} },
		} {
			t.Run(name, func(t *testing.T) {
				f.requireNoEffect(t, func() {
					m := validMsg(f.deployer)
					m.ExternalId = "run-1"
					mutate(m)
					_, err := f.msgs.RecordDeployment(f.ctx, m)
					require.ErrorIs(t, err, types.ErrConflict)
					require.Contains(t, err.Error(), fmt.Sprintf("deployment %d", id))
				})
			})
		}
	})
	t.Run("another organisation may use the same external id", func(t *testing.T) {
		m := validMsg(f.other)
		m.ExternalId = "run-1"
		other := f.record(t, m)
		require.NotEqual(t, id, other)
		res, err := f.queries.DeploymentByExternalID(f.ctx, &types.QueryDeploymentByExternalIDRequest{OrganizationId: "globex", ExternalId: "run-1"})
		require.NoError(t, err)
		require.Equal(t, other, res.Deployment.Id)
	})
	t.Run("without external id every request is a new record", func(t *testing.T) {
		a := f.record(t, validMsg(f.deployer))
		b := f.record(t, validMsg(f.deployer))
		require.NotEqual(t, a, b)
	})
}

func TestRecordDeploymentRollback(t *testing.T) {
	f := newFixture(t)
	target := f.record(t, validMsg(f.deployer))
	other := validMsg(f.deployer)
	other.Service = "web"
	otherID := f.record(t, other)
	staging := validMsg(f.deployer)
	staging.Environment = "staging"
	stagingID := f.record(t, staging)

	cases := []struct {
		name       string
		rollbackOf uint64
		err        error
		message    string
	}{
		{"unknown id", 99, types.ErrNotFound, "deployment 99"},
		{"other service", otherID, types.ErrInvalidRollback, "web/prod"},
		{"other environment", stagingID, types.ErrInvalidRollback, "api/staging"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				m := validMsg(f.deployer)
				m.RollbackOf = tc.rollbackOf
				_, err := f.msgs.RecordDeployment(f.ctx, m)
				require.ErrorIs(t, err, tc.err)
				require.Contains(t, err.Error(), tc.message)
			})
		})
	}

	m := validMsg(f.deployer)
	m.RollbackOf = target
	m.Version = "1.4.1"
	id := f.record(t, m)
	d, err := f.k.GetDeployment(f.ctx, id)
	require.NoError(t, err)
	require.Equal(t, target, d.RollbackOf)
}

func TestRecordDeploymentNilMessage(t *testing.T) {
	f := newFixture(t)
	_, err := f.msgs.RecordDeployment(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
	_, err = f.msgs.UpdateDeploymentStatus(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidDeployment)
}

func TestUpdateDeploymentStatus(t *testing.T) {
	for _, to := range types.FinalStatuses {
		t.Run(to.ShortName(), func(t *testing.T) {
			f := newFixture(t)
			id := f.record(t, validMsg(f.deployer))
			f.nextBlock()
			f.ctx = f.ctx.WithEventManager(newEventManager())
			// Any deployer of the recording organisation may finish it.
			_, err := f.msgs.UpdateDeploymentStatus(f.ctx, &types.MsgUpdateDeploymentStatus{Deployer: f.deployer2, Id: id, Status: to, Reason: "done"})
			require.NoError(t, err)

			d, err := f.k.GetDeployment(f.ctx, id)
			require.NoError(t, err)
			require.Equal(t, to, d.Status)
			require.Equal(t, f.ctx.BlockTime(), d.UpdatedAt)
			require.Equal(t, f.ctx.BlockHeight(), d.UpdatedHeight)
			require.Equal(t, genesisTime, d.CreatedAt)
			require.Len(t, d.Transitions, 2)
			require.Equal(t, types.StatusTransition{
				From: types.DEPLOYMENT_STATUS_IN_PROGRESS, To: to, Actor: f.deployer2, Reason: "done",
				Time: f.ctx.BlockTime(), Height: f.ctx.BlockHeight(),
			}, d.Transitions[1])

			// The status index follows the update once it is committed.
			f.reindex(t)
			res, err := f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Status: to})
			require.NoError(t, err)
			require.Equal(t, []uint64{id}, ids(res.Deployments))
			res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Status: types.DEPLOYMENT_STATUS_IN_PROGRESS})
			require.NoError(t, err)
			require.Empty(t, res.Deployments)

			_, err = f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "api", Environment: "prod"})
			if to == types.DEPLOYMENT_STATUS_SUCCEEDED {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, types.ErrNotFound)
			}

			events := f.ctx.EventManager().Events()
			require.Len(t, events, 1)
			require.Equal(t, "shiplog.deployments.v1.EventDeploymentStatusChanged", events[0].Type)
			attrs := map[string]string{}
			for _, a := range events[0].Attributes {
				attrs[a.Key] = a.Value
			}
			require.Equal(t, `"DEPLOYMENT_STATUS_IN_PROGRESS"`, attrs["from"])
			require.Equal(t, fmt.Sprintf("%q", to.String()), attrs["to"])
			require.Equal(t, fmt.Sprintf("%q", f.deployer2), attrs["actor"])
		})
	}
}

func TestUpdateDeploymentStatusIllegalTransitions(t *testing.T) {
	all := []types.DeploymentStatus{
		types.DEPLOYMENT_STATUS_UNSPECIFIED, types.DEPLOYMENT_STATUS_IN_PROGRESS,
		types.DEPLOYMENT_STATUS_SUCCEEDED, types.DEPLOYMENT_STATUS_FAILED,
		types.DEPLOYMENT_STATUS_ROLLED_BACK, types.DEPLOYMENT_STATUS_HALTED,
	}
	type tc struct{ from, to types.DeploymentStatus }
	var cases []tc
	for _, from := range types.FinalStatuses {
		for _, to := range all {
			cases = append(cases, tc{from, to})
		}
	}
	cases = append(cases,
		tc{types.DEPLOYMENT_STATUS_IN_PROGRESS, types.DEPLOYMENT_STATUS_IN_PROGRESS},
		tc{types.DEPLOYMENT_STATUS_IN_PROGRESS, types.DEPLOYMENT_STATUS_UNSPECIFIED},
	)
	for _, c := range cases {
		t.Run(c.from.ShortName()+"->"+c.to.ShortName(), func(t *testing.T) {
			f := newFixture(t)
			m := validMsg(f.deployer)
			m.Status = c.from
			id := f.record(t, m)
			f.requireNoEffect(t, func() {
				_, err := f.msgs.UpdateDeploymentStatus(f.ctx, &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Id: id, Status: c.to})
				require.ErrorIs(t, err, types.ErrIllegalTransition)
				require.Contains(t, err.Error(), fmt.Sprintf("from %s to %s", c.from.ShortName(), c.to.ShortName()))
			})
		})
	}
}

func TestUpdateDeploymentStatusErrors(t *testing.T) {
	f := newFixture(t)
	id := f.record(t, validMsg(f.deployer))
	cases := []struct {
		name    string
		msg     *types.MsgUpdateDeploymentStatus
		err     error
		message string
	}{
		{"other organisation", &types.MsgUpdateDeploymentStatus{Deployer: f.other, Id: id, Status: types.DEPLOYMENT_STATUS_SUCCEEDED},
			types.ErrOtherOrganization, `organization "acme"; ` + f.other + ` belongs to "globex"`},
		{"unknown id", &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Id: 99, Status: types.DEPLOYMENT_STATUS_SUCCEEDED},
			types.ErrNotFound, "deployment 99"},
		{"zero id", &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Status: types.DEPLOYMENT_STATUS_SUCCEEDED},
			types.ErrInvalidDeployment, "id is required"},
		{"unknown status", &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Id: id, Status: 17},
			types.ErrInvalidStatus, "17"},
		{"reason too long", &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Id: id, Status: types.DEPLOYMENT_STATUS_FAILED, Reason: strings.Repeat("x", 1025)},
			types.ErrInvalidReason, ""},
		{"reason invalid utf8", &types.MsgUpdateDeploymentStatus{Deployer: f.deployer, Id: id, Status: types.DEPLOYMENT_STATUS_FAILED, Reason: "\xfe"},
			types.ErrInvalidReason, ""},
		{"bad address", &types.MsgUpdateDeploymentStatus{Deployer: "ship1xyz", Id: id, Status: types.DEPLOYMENT_STATUS_FAILED},
			types.ErrInvalidAddress, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				_, err := f.msgs.UpdateDeploymentStatus(f.ctx, tc.msg)
				require.ErrorIs(t, err, tc.err)
				require.Contains(t, err.Error(), tc.message)
			})
		})
	}
}

func ids(ds []types.Deployment) []uint64 {
	out := make([]uint64, len(ds))
	for i, d := range ds {
		out[i] = d.Id
	}
	return out
}

// fixes_incidents and break_glass are content: they take part in the digest
// that decides between a replay and a conflict.
func TestRecordDeploymentIdempotencyFreezeFields(t *testing.T) {
	f := newFixture(t)
	msg := func() *types.MsgRecordDeployment {
		m := validMsg(f.deployer)
		m.ExternalId = "hotfix-1"
		m.FixesIncidents = []uint64{3, 5}
		m.BreakGlass = "sev1 checkout outage"
		return m
	}
	id := f.record(t, msg())

	f.requireNoEffect(t, func() {
		res, err := f.msgs.RecordDeployment(f.ctx, msg())
		require.NoError(t, err)
		require.Equal(t, id, res.Id)
		require.True(t, res.Existing)
	})
	for name, mutate := range map[string]func(m *types.MsgRecordDeployment){
		"other break_glass":            func(m *types.MsgRecordDeployment) { m.BreakGlass = "sev1 checkout outage!" },
		"no break_glass":               func(m *types.MsgRecordDeployment) { m.BreakGlass = "" },
		"other fixes_incidents":        func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{3} },
		"fixes_incidents in new order": func(m *types.MsgRecordDeployment) { m.FixesIncidents = []uint64{5, 3} },
		"no fixes_incidents":           func(m *types.MsgRecordDeployment) { m.FixesIncidents = nil },
	} {
		t.Run(name, func(t *testing.T) {
			f.requireNoEffect(t, func() {
				m := msg()
				mutate(m)
				_, err := f.msgs.RecordDeployment(f.ctx, m)
				require.ErrorIs(t, err, types.ErrConflict)
				require.Contains(t, err.Error(), fmt.Sprintf("deployment %d", id))
			})
		})
	}
	// An empty list and no list encode the same: same content.
	t.Run("empty list equals no list", func(t *testing.T) {
		a, b := validMsg(f.deployer), validMsg(f.deployer)
		a.FixesIncidents = []uint64{}
		da, err := a.ContentDigest()
		require.NoError(t, err)
		db, err := b.ContentDigest()
		require.NoError(t, err)
		require.Equal(t, da, db)
	})
}
