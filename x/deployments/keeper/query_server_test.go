package keeper_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	storetypes "github.com/cosmos/cosmos-sdk/store/v2/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/shiplog/shiplog/x/deployments/types"
)

var (
	queryServices = []string{"api", "web", "api/internal", "api-gw"}
	queryEnvs     = []string{"dev", "staging", "prod"}
	queryDigests  = []string{"a", "b", "c", "d"}
)

// seed records n deployments spread over services, environments, deployers,
// statuses and artifacts, a few per block, and returns them by id.
func (f *fixture) seed(t testing.TB, n int) []types.Deployment {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	deployers := []string{f.deployer, f.deployer2, f.other}
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			f.nextBlock()
		}
		m := validMsg(deployers[rng.IntN(len(deployers))])
		m.Service = queryServices[rng.IntN(len(queryServices))]
		m.Environment = queryEnvs[rng.IntN(len(queryEnvs))]
		m.Version = fmt.Sprintf("1.0.%d", i)
		first := rng.IntN(len(queryDigests))
		m.Artifacts = []types.Artifact{{Name: "main", Digest: digest(queryDigests[first])}}
		if rng.IntN(2) == 0 {
			m.Artifacts = append(m.Artifacts, types.Artifact{Name: "side", Digest: digest(queryDigests[(first+1)%len(queryDigests)])})
		}
		if rng.IntN(4) == 0 {
			m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
		}
		id := f.record(t, m)
		if m.Status == types.DEPLOYMENT_STATUS_UNSPECIFIED && rng.IntN(2) == 0 {
			signer := m.Deployer
			f.setStatus(t, signer, id, types.FinalStatuses[rng.IntN(len(types.FinalStatuses))])
		}
	}
	f.reindex(t)
	all := make([]types.Deployment, 0, n)
	for id := uint64(1); id <= uint64(n); id++ {
		d, err := f.k.GetDeployment(f.ctx, id)
		require.NoError(t, err)
		all = append(all, d)
	}
	return all
}

// expected is the brute-force answer: every record matching req, newest first.
func expected(all []types.Deployment, req *types.QueryDeploymentsRequest) []uint64 {
	var out []uint64
	for _, d := range all {
		if req.Service != "" && d.Service != req.Service ||
			req.Environment != "" && d.Environment != req.Environment ||
			req.Status != 0 && d.Status != req.Status ||
			req.Deployer != "" && d.Deployer != req.Deployer {
			continue
		}
		if req.ArtifactDigest != "" && !slices.ContainsFunc(d.Artifacts, func(a types.Artifact) bool { return a.Digest == req.ArtifactDigest }) {
			continue
		}
		out = append(out, d.Id)
	}
	slices.Reverse(out)
	return out
}

// listAll pages through a query with the given page size.
func (f *fixture) listAll(t testing.TB, req types.QueryDeploymentsRequest, limit uint64) []uint64 {
	t.Helper()
	var out []uint64
	var key []byte
	for pages := 0; ; pages++ {
		require.Less(t, pages, 1000, "pagination does not end")
		req.Pagination = &query.PageRequest{Key: key, Limit: limit}
		res, err := f.queries.Deployments(f.ctx, &req)
		require.NoError(t, err)
		require.LessOrEqual(t, uint64(len(res.Deployments)), limit)
		got := ids(res.Deployments)
		out = append(out, got...)
		key = res.Pagination.NextKey
		if key == nil {
			return out
		}
		// A page that announces more is full.
		require.Equal(t, limit, uint64(len(res.Deployments)))
	}
}

func TestDeploymentsFilters(t *testing.T) {
	f := newFixture(t)
	all := f.seed(t, 90)
	for _, service := range []string{"", "api", "api/internal", "api-gw", "nosuch"} {
		for _, env := range []string{"", "prod", "dev"} {
			for _, st := range []types.DeploymentStatus{0, types.DEPLOYMENT_STATUS_SUCCEEDED, types.DEPLOYMENT_STATUS_IN_PROGRESS} {
				for _, deployer := range []string{"", f.deployer, f.other} {
					for _, dg := range []string{"", digest("a"), digest("zzz")} {
						req := types.QueryDeploymentsRequest{Service: service, Environment: env, Status: st, Deployer: deployer, ArtifactDigest: dg}
						want := expected(all, &req)
						name := fmt.Sprintf("service=%q env=%q status=%s deployer=%q digest=%q", service, env, st.ShortName(), deployer, dg)
						res, err := f.queries.Deployments(f.ctx, &req)
						require.NoError(t, err, name)
						require.Equal(t, want, nonNil(ids(res.Deployments)), name)
						require.Nil(t, res.Pagination.NextKey, name)
						require.Equal(t, want, nonNil(f.listAll(t, req, 4)), name+" (pages of 4)")
					}
				}
			}
		}
	}
}

// A keeper without the node-local record index answers the environment,
// status and deployer filters by walking the records.
func TestDeploymentsFiltersWithoutRecordIndex(t *testing.T) {
	f := newFixture(t)
	all := f.seed(t, 40)
	for _, req := range []types.QueryDeploymentsRequest{
		{Environment: "prod"},
		{Status: types.DEPLOYMENT_STATUS_SUCCEEDED},
		{Deployer: f.other},
		{Environment: "dev", Deployer: f.deployer, Status: types.DEPLOYMENT_STATUS_IN_PROGRESS},
	} {
		res, err := f.unindexed.Deployments(f.ctx, &req)
		require.NoError(t, err)
		require.Equal(t, expected(all, &req), nonNil(ids(res.Deployments)), "%+v", req)
	}
}

// The record index reflects the latest block: a query at an older height
// skips the ids it names that the height does not hold yet.
func TestDeploymentsAtAnOlderHeightSkipNewerIndexedRecords(t *testing.T) {
	f := newFixture(t)
	msg := validMsg(f.deployer)
	msg.Environment = "prod"
	oldID := f.record(t, msg)
	older := f.ctx
	f.ctx, _ = f.ctx.CacheContext()
	f.nextBlock()
	f.record(t, msg)
	f.reindex(t)

	res, err := f.queries.Deployments(older, &types.QueryDeploymentsRequest{Environment: "prod"})
	require.NoError(t, err)
	require.Equal(t, []uint64{oldID}, ids(res.Deployments))
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Environment: "prod"})
	require.NoError(t, err)
	require.Equal(t, []uint64{oldID + 1, oldID}, ids(res.Deployments))
}

func nonNil(s []uint64) []uint64 {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestDeploymentsNewestFirstAndPagination(t *testing.T) {
	f := newFixture(t)
	f.seed(t, 12)

	res, err := f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 5}})
	require.NoError(t, err)
	require.Equal(t, []uint64{12, 11, 10, 9, 8}, ids(res.Deployments))
	require.Equal(t, binary.BigEndian.AppendUint64(nil, 7), res.Pagination.NextKey)

	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 5}})
	require.NoError(t, err)
	require.Equal(t, []uint64{7, 6, 5, 4, 3}, ids(res.Deployments))

	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 5}})
	require.NoError(t, err)
	require.Equal(t, []uint64{2, 1}, ids(res.Deployments))
	require.Nil(t, res.Pagination.NextKey)

	// Exactly one page: no next key.
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 12}})
	require.NoError(t, err)
	require.Len(t, res.Deployments, 12)
	require.Nil(t, res.Pagination.NextKey)

	// A key past the newest id starts at the newest.
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Key: binary.BigEndian.AppendUint64(nil, 1000), Limit: 1}})
	require.NoError(t, err)
	require.Equal(t, []uint64{12}, ids(res.Deployments))

	// Records added between pages do not shift the next page.
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 3}})
	require.NoError(t, err)
	f.record(t, validMsg(f.deployer))
	res, err = f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Key: res.Pagination.NextKey, Limit: 3}})
	require.NoError(t, err)
	require.Equal(t, []uint64{9, 8, 7}, ids(res.Deployments))
}

func TestDeploymentsLimits(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 1001; i++ {
		f.record(t, validMsg(f.deployer))
	}
	for _, tc := range []struct {
		name  string
		page  *query.PageRequest
		count int
		next  uint64
	}{
		{"no pagination: default 100", nil, 100, 901},
		{"limit 0: default 100", &query.PageRequest{}, 100, 901},
		{"limit above max: 1000", &query.PageRequest{Limit: 5000}, 1000, 1},
		{"limit max", &query.PageRequest{Limit: 1000}, 1000, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := f.queries.Deployments(f.ctx, &types.QueryDeploymentsRequest{Pagination: tc.page})
			require.NoError(t, err)
			require.Len(t, res.Deployments, tc.count)
			require.Equal(t, binary.BigEndian.AppendUint64(nil, tc.next), res.Pagination.NextKey)
		})
	}
}

// A filtered query reads the index, not every record: its gas is a small
// fraction of a full listing.
func TestDeploymentsUseIndexes(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 200; i++ {
		m := validMsg(f.deployer)
		m.Service = "bulk"
		f.record(t, m)
	}
	rare := validMsg(f.other)
	rare.Service, rare.Environment = "rare", "edge"
	rare.Status = types.DEPLOYMENT_STATUS_HALTED
	rare.Artifacts = []types.Artifact{{Name: "x", Digest: digest("rare")}}
	rareID := f.record(t, rare)
	f.reindex(t)

	gas := func(req *types.QueryDeploymentsRequest) (uint64, []uint64) {
		ctx := f.ctx.WithGasMeter(storetypes.NewInfiniteGasMeter())
		res, err := f.queries.Deployments(ctx, req)
		require.NoError(t, err)
		return ctx.GasMeter().GasConsumed(), ids(res.Deployments)
	}
	full, got := gas(&types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Limit: 1000}})
	require.Len(t, got, 201)
	for name, req := range map[string]*types.QueryDeploymentsRequest{
		"digest":      {ArtifactDigest: digest("rare")},
		"service+env": {Service: "rare", Environment: "edge"},
		"deployer":    {Deployer: f.other},
		"service":     {Service: "rare"},
		"environment": {Environment: "edge"},
		"status":      {Status: types.DEPLOYMENT_STATUS_HALTED},
		"all filters": {Service: "rare", Environment: "edge", Status: types.DEPLOYMENT_STATUS_HALTED, Deployer: f.other, ArtifactDigest: digest("rare")},
	} {
		used, got := gas(req)
		require.Equal(t, []uint64{rareID}, got, name)
		t.Logf("%s: %d gas, full %d", name, used, full)
		require.Less(t, used*20, full, "%s: %d gas against %d for a full listing", name, used, full)
	}
}

func TestDeploymentsInvalidRequests(t *testing.T) {
	f := newFixture(t)
	f.seed(t, 3)
	cases := []struct {
		name string
		req  *types.QueryDeploymentsRequest
		err  error
	}{
		{"nil request", nil, types.ErrInvalidRequest},
		{"digest without algorithm", &types.QueryDeploymentsRequest{ArtifactDigest: "abc"}, types.ErrInvalidDigest},
		{"digest unknown algorithm", &types.QueryDeploymentsRequest{ArtifactDigest: "md5:0123"}, types.ErrInvalidDigest},
		{"digest short", &types.QueryDeploymentsRequest{ArtifactDigest: digest("a")[:70]}, types.ErrInvalidDigest},
		{"deployer garbage", &types.QueryDeploymentsRequest{Deployer: "nobody"}, types.ErrInvalidAddress},
		{"deployer other prefix", &types.QueryDeploymentsRequest{Deployer: mustString(t, cosmosCodec, addr(1))}, types.ErrInvalidAddress},
		{"unknown status", &types.QueryDeploymentsRequest{Status: 9}, types.ErrInvalidStatus},
		{"bad service", &types.QueryDeploymentsRequest{Service: "API"}, types.ErrInvalidService},
		{"bad environment", &types.QueryDeploymentsRequest{Environment: "Prod"}, types.ErrInvalidEnvironment},
		{"short page key", &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Key: []byte{1, 2}}}, types.ErrInvalidRequest},
		{"offset", &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Offset: 3}}, types.ErrInvalidRequest},
		{"count total", &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{CountTotal: true}}, types.ErrInvalidRequest},
		{"reverse", &types.QueryDeploymentsRequest{Pagination: &query.PageRequest{Reverse: true}}, types.ErrInvalidRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.queries.Deployments(f.ctx, tc.req)
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, codes.InvalidArgument, status.Code(err))
		})
	}
}

func TestDeploymentQuery(t *testing.T) {
	f := newFixture(t)
	id := f.record(t, validMsg(f.deployer))
	res, err := f.queries.Deployment(f.ctx, &types.QueryDeploymentRequest{Id: id})
	require.NoError(t, err)
	require.Equal(t, id, res.Deployment.Id)
	require.Equal(t, "api", res.Deployment.Service)

	for _, missing := range []uint64{0, 2, 1 << 40} {
		_, err = f.queries.Deployment(f.ctx, &types.QueryDeploymentRequest{Id: missing})
		require.ErrorIs(t, err, types.ErrNotFound)
		require.Contains(t, err.Error(), fmt.Sprintf("deployment %d", missing))
		require.Equal(t, codes.NotFound, status.Code(err))
	}
	_, err = f.queries.Deployment(f.ctx, nil)
	require.ErrorIs(t, err, types.ErrInvalidRequest)
}

func TestCurrentQuery(t *testing.T) {
	f := newFixture(t)
	_, err := f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "api", Environment: "prod"})
	require.ErrorIs(t, err, types.ErrNotFound)
	require.Equal(t, codes.NotFound, status.Code(err))

	m := validMsg(f.deployer)
	m.Service = "payments/api"
	m.Status = types.DEPLOYMENT_STATUS_SUCCEEDED
	first := f.record(t, m)
	require.Equal(t, first, f.current(t, "payments/api", "prod"))

	// A newer in-progress deployment does not replace it until it succeeds.
	f.nextBlock()
	m.Status = types.DEPLOYMENT_STATUS_UNSPECIFIED
	second := f.record(t, m)
	require.Equal(t, first, f.current(t, "payments/api", "prod"))
	f.nextBlock()
	f.setStatus(t, f.deployer, second, types.DEPLOYMENT_STATUS_SUCCEEDED)
	require.Equal(t, second, f.current(t, "payments/api", "prod"))

	// Other environments and services are separate.
	_, err = f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "payments/api", Environment: "staging"})
	require.ErrorIs(t, err, types.ErrNotFound)
	_, err = f.queries.Current(f.ctx, &types.QueryCurrentRequest{Service: "payments", Environment: "prod"})
	require.ErrorIs(t, err, types.ErrNotFound)

	for name, req := range map[string]*types.QueryCurrentRequest{
		"nil":             nil,
		"no service":      {Environment: "prod"},
		"no environment":  {Service: "api"},
		"bad service":     {Service: "API", Environment: "prod"},
		"bad environment": {Service: "api", Environment: "prod env"},
	} {
		_, err := f.queries.Current(f.ctx, req)
		require.Error(t, err, name)
		require.Equal(t, codes.InvalidArgument, status.Code(err), name)
	}
}

func TestDeploymentByExternalIDQuery(t *testing.T) {
	f := newFixture(t)
	m := validMsg(f.deployer)
	m.ExternalId = "gha-1"
	id := f.record(t, m)

	res, err := f.queries.DeploymentByExternalID(f.ctx, &types.QueryDeploymentByExternalIDRequest{OrganizationId: "acme", ExternalId: "gha-1"})
	require.NoError(t, err)
	require.Equal(t, id, res.Deployment.Id)

	for name, req := range map[string]*types.QueryDeploymentByExternalIDRequest{
		"unknown external id": {OrganizationId: "acme", ExternalId: "gha-2"},
		"other organisation":  {OrganizationId: "globex", ExternalId: "gha-1"},
	} {
		_, err := f.queries.DeploymentByExternalID(f.ctx, req)
		require.ErrorIs(t, err, types.ErrNotFound, name)
		require.Contains(t, err.Error(), req.ExternalId, name)
	}
	for name, tc := range map[string]struct {
		req *types.QueryDeploymentByExternalIDRequest
		err error
	}{
		"nil":                  {nil, types.ErrInvalidRequest},
		"no organisation":      {&types.QueryDeploymentByExternalIDRequest{ExternalId: "gha-1"}, types.ErrInvalidRequest},
		"no external id":       {&types.QueryDeploymentByExternalIDRequest{OrganizationId: "acme"}, types.ErrInvalidExternalID},
		"oversize external id": {&types.QueryDeploymentByExternalIDRequest{OrganizationId: "acme", ExternalId: string(make([]byte, 129))}, types.ErrInvalidExternalID},
	} {
		_, err := f.queries.DeploymentByExternalID(f.ctx, tc.req)
		require.ErrorIs(t, err, tc.err, name)
	}
}
