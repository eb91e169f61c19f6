package keeper_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/deployments/types"
)

// populate builds a state that exercises every part of genesis: external
// ids, final statuses, rollbacks and current entries.
func (f *fixture) populate(t testing.TB) {
	t.Helper()
	f.seed(t, 40)
	m := validMsg(f.deployer)
	m.ExternalId = "ext-1"
	id := f.record(t, m)
	f.nextBlock()
	f.setStatus(t, f.deployer, id, types.DEPLOYMENT_STATUS_SUCCEEDED)
	rb := validMsg(f.other)
	rb.ExternalId = "ext-1"
	rb.RollbackOf = id
	rb.Status = types.DEPLOYMENT_STATUS_ROLLED_BACK
	f.record(t, rb)
}

func TestGenesisRoundTrip(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Equal(t, uint64(43), exported.NextDeploymentId)
	require.Len(t, exported.Deployments, 42)

	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight()).WithBlockTime(f.ctx.BlockTime())
	require.NoError(t, g.k.InitGenesis(g.ctx, *exported))
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)

	// The raw stores are identical: indexes, external refs, current map and
	// sequence were all rebuilt.
	require.Equal(t, f.dump(t), g.dump(t))

	// And the imported chain keeps going: ids continue, replays are still
	// recognised.
	require.Equal(t, uint64(43), g.record(t, validMsg(g.deployer)))
	replay := validMsg(g.deployer)
	replay.ExternalId = "ext-1"
	res, err := g.msgs.RecordDeployment(g.ctx, replay)
	require.NoError(t, err)
	require.True(t, res.Existing)
}

func TestGenesisDefault(t *testing.T) {
	f := newFixture(t)
	gs := types.DefaultGenesis()
	require.NoError(t, gs.Validate())
	require.NoError(t, f.k.InitGenesis(f.ctx, *gs))
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.Equal(t, gs, exported)
	require.Equal(t, uint64(1), f.record(t, validMsg(f.deployer)))
}

// Genesis order does not matter: records are stored by id and current is
// derived in id order.
func TestGenesisUnsortedInput(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	shuffled := *exported
	shuffled.Deployments = append([]types.GenesisDeployment(nil), exported.Deployments...)
	for i, j := 0, len(shuffled.Deployments)-1; i < j; i, j = i+1, j-1 {
		shuffled.Deployments[i], shuffled.Deployments[j] = shuffled.Deployments[j], shuffled.Deployments[i]
	}
	g := importingFixture(t, f)
	require.NoError(t, g.k.InitGenesis(g.ctx, shuffled))
	require.Equal(t, f.dump(t), g.dump(t))
}

func TestGenesisValidate(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	base, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	// withExt is the index of a record that has an external id; rb rolls back.
	withExt, rb := -1, -1
	for i, gd := range base.Deployments {
		if gd.Deployment.ExternalId != "" && withExt < 0 {
			withExt = i
		}
		if gd.Deployment.RollbackOf != 0 {
			rb = i
		}
	}
	require.GreaterOrEqual(t, withExt, 0)
	require.GreaterOrEqual(t, rb, 0)

	cases := []struct {
		name   string
		mutate func(gs *types.GenesisState)
	}{
		{"next id zero", func(gs *types.GenesisState) { gs.NextDeploymentId = 0 }},
		{"id equal to next id", func(gs *types.GenesisState) {
			gs.NextDeploymentId = gs.Deployments[len(gs.Deployments)-1].Deployment.Id
		}},
		{"id zero", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Id = 0 }},
		{"duplicate id", func(gs *types.GenesisState) { gs.Deployments[1].Deployment.Id = gs.Deployments[0].Deployment.Id }},
		{"invalid service", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Service = "Bad Service" }},
		{"invalid digest", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Artifacts[0].Digest = "sha256:xyz" }},
		{"unspecified status", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Status = 0 }},
		{"status differs from transitions", func(gs *types.GenesisState) {
			d := &gs.Deployments[0].Deployment
			if d.Status == types.DEPLOYMENT_STATUS_HALTED {
				d.Status = types.DEPLOYMENT_STATUS_FAILED
			} else {
				d.Status = types.DEPLOYMENT_STATUS_HALTED
			}
		}},
		{"no transitions", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Transitions = nil }},
		{"first transition not from unspecified", func(gs *types.GenesisState) {
			gs.Deployments[0].Deployment.Transitions[0].From = types.DEPLOYMENT_STATUS_IN_PROGRESS
		}},
		{"created height differs", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.CreatedHeight++ }},
		{"no deployer", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.Deployer = "" }},
		{"no organisation", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.OrganizationId = "" }},
		{"fixes_incidents with 0", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.FixesIncidents = []uint64{0} }},
		{"fixes_incidents repeated", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.FixesIncidents = []uint64{2, 2} }},
		{"break_glass not printable", func(gs *types.GenesisState) { gs.Deployments[0].Deployment.BreakGlass = "\x00" }},
		{"duplicate external id", func(gs *types.GenesisState) {
			dup := gs.Deployments[withExt]
			for i := range gs.Deployments {
				if i != withExt && gs.Deployments[i].Deployment.ExternalId == "" {
					gs.Deployments[i].Deployment.ExternalId = dup.Deployment.ExternalId
					gs.Deployments[i].Deployment.OrganizationId = dup.Deployment.OrganizationId
					gs.Deployments[i].ContentDigest = dup.ContentDigest
					return
				}
			}
		}},
		{"external id without digest", func(gs *types.GenesisState) { gs.Deployments[withExt].ContentDigest = nil }},
		{"digest without external id", func(gs *types.GenesisState) {
			for i := range gs.Deployments {
				if gs.Deployments[i].Deployment.ExternalId == "" {
					gs.Deployments[i].ContentDigest = make([]byte, 32)
					return
				}
			}
		}},
		{"rollback target missing", func(gs *types.GenesisState) { gs.Deployments[rb].Deployment.RollbackOf = 999 }},
		{"rollback target other service", func(gs *types.GenesisState) {
			target := gs.Deployments[rb].Deployment.RollbackOf
			for i := range gs.Deployments {
				if gs.Deployments[i].Deployment.Id == target {
					gs.Deployments[i].Deployment.Service = "elsewhere"
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gs := cloneGenesis(t, f, base)
			tc.mutate(gs)
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis)
			g := importingFixture(t, f)
			require.ErrorIs(t, g.k.InitGenesis(g.ctx, *gs), types.ErrInvalidGenesis)
		})
	}

	t.Run("deployer address not decodable", func(t *testing.T) {
		gs := cloneGenesis(t, f, base)
		gs.Deployments[0].Deployment.Deployer = mustString(t, cosmosCodec, addr(1))
		require.NoError(t, gs.Validate()) // needs the address codec: caught by InitGenesis
		g := importingFixture(t, f)
		require.ErrorIs(t, g.k.InitGenesis(g.ctx, *gs), types.ErrInvalidGenesis)
		require.ErrorContains(t, g.k.InitGenesis(g.ctx, *gs), "deployer")
	})
}

// TestGenesisRecordsPrecedeTheChain: a record updated after the importing
// chain's first block is refused (Current would not survive another
// export), whether the chain starts at 1 or higher; one updated in that
// very block is accepted, as new records of the block rank after it anyway.
func TestGenesisRecordsPrecedeTheChain(t *testing.T) {
	f := newFixture(t)
	f.populate(t)
	gs, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	last := f.ctx.BlockHeight() // the newest record's updated_height
	require.NoError(t, gs.Validate())

	for _, first := range []int64{0, 1, last - 1} {
		g := newFixture(t)
		g.ctx = g.ctx.WithBlockHeight(first)
		err := g.k.InitGenesis(g.ctx, *gs)
		require.ErrorIs(t, err, types.ErrInvalidGenesis, "first block %d", first)
		require.ErrorContains(t, err, fmt.Sprintf("is after the chain's first block %d", max(first, 1)))
		seq, err := g.k.DeploymentSeq.Peek(g.ctx)
		require.NoError(t, err)
		require.Zero(t, seq, "nothing is written")
	}

	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(last)
	require.NoError(t, g.k.InitGenesis(g.ctx, *gs))
}

// importingFixture is a fresh chain that imports f's export: it starts one
// block after f's height, as an exported genesis's initial_height does.
func importingFixture(t testing.TB, f *fixture) *fixture {
	t.Helper()
	g := newFixture(t)
	g.ctx = g.ctx.WithBlockHeight(f.ctx.BlockHeight() + 1).WithBlockTime(f.ctx.BlockTime().Add(time.Second))
	return g
}

// cloneGenesis deep-copies a genesis state through its codec.
func cloneGenesis(t testing.TB, f *fixture, gs *types.GenesisState) *types.GenesisState {
	t.Helper()
	bz, err := f.cdc.MarshalJSON(gs)
	require.NoError(t, err)
	var out types.GenesisState
	require.NoError(t, f.cdc.UnmarshalJSON(bz, &out))
	return &out
}
