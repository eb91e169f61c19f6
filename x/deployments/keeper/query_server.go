package keeper

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"slices"

	"cosmossdk.io/collections"
	"cosmossdk.io/collections/indexes"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"

	"github.com/shiplog/shiplog/x/deployments/types"
)

type queryServer struct {
	k Keeper
}

var _ types.QueryServer = queryServer{}

// NewQueryServerImpl returns the module's Query service.
func NewQueryServerImpl(k Keeper) types.QueryServer {
	return queryServer{k: k}
}

// Deployment returns one deployment by id.
func (q queryServer) Deployment(ctx context.Context, req *types.QueryDeploymentRequest) (*types.QueryDeploymentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	d, err := q.k.GetDeployment(ctx, req.Id)
	if err != nil {
		return nil, err
	}
	return &types.QueryDeploymentResponse{Deployment: d}, nil
}

// Current returns the latest succeeded deployment of a service in an environment.
func (q queryServer) Current(ctx context.Context, req *types.QueryCurrentRequest) (*types.QueryCurrentResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if err := types.ValidateService(req.Service); err != nil {
		return nil, err
	}
	if err := types.ValidateEnvironment(req.Environment); err != nil {
		return nil, err
	}
	id, err := q.k.Current.Get(ctx, collections.Join(req.Service, req.Environment))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotFound, "no succeeded deployment of %s in %s", req.Service, req.Environment)
	}
	if err != nil {
		return nil, err
	}
	d, err := q.k.GetDeployment(ctx, id)
	if err != nil {
		return nil, err
	}
	return &types.QueryCurrentResponse{Deployment: d}, nil
}

// DeploymentByExternalID resolves an organisation's idempotency key.
func (q queryServer) DeploymentByExternalID(ctx context.Context, req *types.QueryDeploymentByExternalIDRequest) (*types.QueryDeploymentByExternalIDResponse, error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	if req.OrganizationId == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "organization_id is required")
	}
	if req.ExternalId == "" {
		return nil, errorsmod.Wrap(types.ErrInvalidExternalID, "external_id is required")
	}
	if err := types.ValidateExternalID(req.ExternalId); err != nil {
		return nil, err
	}
	ref, err := q.k.ExternalRefs.Get(ctx, collections.Join(req.OrganizationId, req.ExternalId))
	if errors.Is(err, collections.ErrNotFound) {
		return nil, errorsmod.Wrapf(types.ErrNotFound, "external id %q of organization %q", req.ExternalId, req.OrganizationId)
	}
	if err != nil {
		return nil, err
	}
	d, err := q.k.GetDeployment(ctx, ref.DeploymentId)
	if err != nil {
		return nil, err
	}
	return &types.QueryDeploymentByExternalIDResponse{Deployment: d}, nil
}

// Deployments lists deployments newest first. It walks the most selective
// index the filters allow and checks the remaining filters on each record;
// without filters it walks the records themselves.
func (q queryServer) Deployments(ctx context.Context, req *types.QueryDeploymentsRequest) (_ *types.QueryDeploymentsResponse, err error) {
	if req == nil {
		return nil, errorsmod.Wrap(types.ErrInvalidRequest, "empty request")
	}
	f, err := q.k.parseFilter(req)
	if err != nil {
		return nil, err
	}
	start, limit, err := parsePage(req.Pagination)
	if err != nil {
		return nil, err
	}
	src, err := q.k.sourceFor(ctx, f, start)
	if err != nil {
		return nil, err
	}
	defer func() {
		if cerr := src.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()

	out := make([]types.Deployment, 0, min(limit, 16))
	resp := &types.QueryDeploymentsResponse{Pagination: &query.PageResponse{}}
	for {
		id, ok, err := src.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		d, err := q.k.Deployments.Get(ctx, id)
		if err != nil {
			return nil, errorsmod.Wrapf(err, "indexed deployment %d", id)
		}
		if !f.match(d) {
			continue
		}
		if uint64(len(out)) == limit {
			resp.Pagination.NextKey = encodePageKey(id)
			break
		}
		out = append(out, d)
	}
	resp.Deployments = out
	return resp, nil
}

// filter is a validated QueryDeploymentsRequest.
type filter struct {
	service, environment string
	status               types.DeploymentStatus
	deployer             sdk.AccAddress
	deployerString       string
	digest               string
}

func (k Keeper) parseFilter(req *types.QueryDeploymentsRequest) (filter, error) {
	f := filter{service: req.Service, environment: req.Environment, status: req.Status, digest: req.ArtifactDigest}
	if f.service != "" {
		if err := types.ValidateService(f.service); err != nil {
			return f, err
		}
	}
	if f.environment != "" {
		if err := types.ValidateEnvironment(f.environment); err != nil {
			return f, err
		}
	}
	if !f.status.IsKnown() {
		return f, errorsmod.Wrapf(types.ErrInvalidStatus, "unknown status %d", int32(f.status))
	}
	if req.Deployer != "" {
		addr, canonical, err := k.decodeAddress(req.Deployer)
		if err != nil {
			return f, errorsmod.Wrap(err, "deployer")
		}
		f.deployer, f.deployerString = addr, canonical
	}
	if f.digest != "" {
		if err := types.ValidateDigest(f.digest); err != nil {
			return f, err
		}
	}
	return f, nil
}

func (f filter) match(d types.Deployment) bool {
	switch {
	case f.service != "" && d.Service != f.service,
		f.environment != "" && d.Environment != f.environment,
		f.status != types.DEPLOYMENT_STATUS_UNSPECIFIED && d.Status != f.status,
		f.deployerString != "" && d.Deployer != f.deployerString:
		return false
	case f.digest != "":
		return slices.ContainsFunc(d.Artifacts, func(a types.Artifact) bool { return a.Digest == f.digest })
	}
	return true
}

// parsePage reads the id to continue from (inclusive, big-endian in key) and
// the page size. Offsets, totals and reverse order would need full scans or a
// second ordering, so they are refused rather than silently ignored.
func parsePage(p *query.PageRequest) (start, limit uint64, err error) {
	start, limit = math.MaxUint64, types.DefaultQueryLimit
	if p == nil {
		return start, limit, nil
	}
	switch {
	case p.Offset != 0:
		return 0, 0, errorsmod.Wrap(types.ErrInvalidRequest, "pagination.offset is not supported; use pagination.key")
	case p.CountTotal:
		return 0, 0, errorsmod.Wrap(types.ErrInvalidRequest, "pagination.count_total is not supported")
	case p.Reverse:
		return 0, 0, errorsmod.Wrap(types.ErrInvalidRequest, "pagination.reverse is not supported; results are newest first")
	}
	if len(p.Key) != 0 {
		if len(p.Key) != 8 {
			return 0, 0, errorsmod.Wrapf(types.ErrInvalidRequest, "pagination.key must be 8 bytes, got %d", len(p.Key))
		}
		start = binary.BigEndian.Uint64(p.Key)
	}
	if p.Limit != 0 {
		limit = min(p.Limit, types.MaxQueryLimit)
	}
	return start, limit, nil
}

func encodePageKey(id uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, id)
}

// sourceFor picks the most selective index the filter allows: artifact digest
// > service+environment > deployer > service > environment > status; with no
// filter it walks the records.
func (k Keeper) sourceFor(ctx context.Context, f filter, start uint64) (idSource, error) {
	idx := k.Deployments.Indexes
	switch {
	case f.digest != "":
		it, err := k.ArtifactDigests.Iterate(ctx, collections.NewPrefixedPairRange[string, uint64](f.digest).EndInclusive(start).Descending())
		if err != nil {
			return nil, err
		}
		return &iterSource{
			valid: it.Valid, advance: it.Next, closer: it.Close,
			key: func() (uint64, error) {
				kk, err := it.Key()
				return kk.K2(), err
			},
		}, nil
	case f.service != "" && f.environment != "":
		return multiSource(ctx, idx.ServiceEnv, collections.Join(f.service, f.environment), start)
	case f.deployer != nil:
		return multiSource(ctx, idx.Deployer, f.deployer, start)
	case f.service != "":
		return k.serviceSource(ctx, f.service, start)
	case f.environment != "":
		return multiSource(ctx, idx.Environment, f.environment, start)
	case f.status != types.DEPLOYMENT_STATUS_UNSPECIFIED:
		return multiSource(ctx, idx.Status, int32(f.status), start)
	}
	it, err := k.Deployments.Iterate(ctx, new(collections.Range[uint64]).EndInclusive(start).Descending())
	if err != nil {
		return nil, err
	}
	return &iterSource{valid: it.Valid, advance: it.Next, closer: it.Close, key: it.Key}, nil
}

// serviceSource merges the per-environment slices of the service+environment
// index: within one service the index is ordered by environment first, so a
// plain prefix walk would not be newest first.
func (k Keeper) serviceSource(ctx context.Context, service string, start uint64) (idSource, error) {
	envs, err := k.environmentsOf(ctx, service)
	if err != nil {
		return nil, err
	}
	srcs := make([]idSource, 0, len(envs))
	for _, env := range envs {
		src, err := multiSource(ctx, k.Deployments.Indexes.ServiceEnv, collections.Join(service, env), start)
		if err != nil {
			closeAll(srcs)
			return nil, err
		}
		srcs = append(srcs, src)
	}
	return newMergeSource(srcs)
}

// environmentsOf lists the environments a service was deployed to, seeking
// past each environment's entries instead of reading them.
func (k Keeper) environmentsOf(ctx context.Context, service string) ([]string, error) {
	type key = collections.Pair[collections.Pair[string, string], uint64]
	svcPrefix := collections.PairPrefix[collections.Pair[string, string], uint64](collections.PairPrefix[string, string](service))
	r := &keyRange[key]{start: collections.RangeKeyExact(svcPrefix), end: collections.RangeKeyPrefixEnd(svcPrefix)}
	var envs []string
	for {
		it, err := k.Deployments.Indexes.ServiceEnv.Iterate(ctx, r)
		if err != nil {
			return nil, err
		}
		if !it.Valid() {
			return envs, it.Close()
		}
		fk, err := it.FullKey()
		if cerr := it.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, err
		}
		env := fk.K1().K2()
		envs = append(envs, env)
		r.start = collections.RangeKeyPrefixEnd(collections.PairPrefix[collections.Pair[string, string], uint64](collections.Join(service, env)))
	}
}

// keyRange is a collections.Ranger with explicit bounds.
type keyRange[K any] struct {
	start, end *collections.RangeKey[K]
	order      collections.Order
}

func (r *keyRange[K]) RangeValues() (start, end *collections.RangeKey[K], order collections.Order, err error) {
	return r.start, r.end, r.order, nil
}

// idSource yields deployment ids in descending order.
type idSource interface {
	// next returns the next id, or ok=false when there is none left.
	next() (id uint64, ok bool, err error)
	close() error
}

// iterSource adapts a collections iterator.
type iterSource struct {
	valid   func() bool
	advance func()
	key     func() (uint64, error)
	closer  func() error
	started bool
}

func (s *iterSource) next() (uint64, bool, error) {
	if s.started {
		s.advance()
	}
	s.started = true
	if !s.valid() {
		return 0, false, nil
	}
	id, err := s.key()
	return id, err == nil, err
}

func (s *iterSource) close() error { return s.closer() }

// multiSource walks the ids under one reference key of a Multi index,
// newest first, starting at start.
func multiSource[R any](ctx context.Context, m *indexes.Multi[R, uint64, types.Deployment], ref R, start uint64) (idSource, error) {
	it, err := m.Iterate(ctx, collections.NewPrefixedPairRange[R, uint64](ref).EndInclusive(start).Descending())
	if err != nil {
		return nil, err
	}
	return &iterSource{valid: it.Valid, advance: it.Next, closer: it.Close, key: it.PrimaryKey}, nil
}

// mergeSource merges descending sources into one descending sequence.
type mergeSource struct {
	srcs  []idSource
	heads []uint64
	live  []bool
}

func newMergeSource(srcs []idSource) (*mergeSource, error) {
	m := &mergeSource{srcs: srcs, heads: make([]uint64, len(srcs)), live: make([]bool, len(srcs))}
	for i := range srcs {
		if err := m.pull(i); err != nil {
			closeAll(srcs)
			return nil, err
		}
	}
	return m, nil
}

func (m *mergeSource) pull(i int) error {
	id, ok, err := m.srcs[i].next()
	m.heads[i], m.live[i] = id, ok
	return err
}

func (m *mergeSource) next() (uint64, bool, error) {
	best := -1
	for i, ok := range m.live {
		if ok && (best < 0 || m.heads[i] > m.heads[best]) {
			best = i
		}
	}
	if best < 0 {
		return 0, false, nil
	}
	id := m.heads[best]
	return id, true, m.pull(best)
}

func (m *mergeSource) close() error { return closeAll(m.srcs) }

func closeAll(srcs []idSource) error {
	var first error
	for _, s := range srcs {
		if err := s.close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
