package keeper_test

import (
	"testing"
	"time"

	"cosmossdk.io/core/comet"
	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/query"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

// Stand-ins for the comet block info baseapp puts on the FinalizeBlock context.
type fakeValidator struct {
	addr  []byte
	power int64
}

func (v fakeValidator) Address() []byte { return v.addr }
func (v fakeValidator) Power() int64    { return v.power }

type fakeEvidence struct {
	kind   comet.MisbehaviorType
	val    fakeValidator
	height int64
	time   time.Time
	total  int64
}

func (e fakeEvidence) Type() comet.MisbehaviorType { return e.kind }
func (e fakeEvidence) Validator() comet.Validator  { return e.val }
func (e fakeEvidence) Height() int64               { return e.height }
func (e fakeEvidence) Time() time.Time             { return e.time }
func (e fakeEvidence) TotalVotingPower() int64     { return e.total }

type fakeEvidenceList []comet.Evidence

func (l fakeEvidenceList) Len() int                 { return len(l) }
func (l fakeEvidenceList) Get(i int) comet.Evidence { return l[i] }

type fakeBlockInfo struct{ evidence fakeEvidenceList }

func (b fakeBlockInfo) GetEvidence() comet.EvidenceList { return b.evidence }
func (fakeBlockInfo) GetValidatorsHash() []byte         { return nil }
func (fakeBlockInfo) GetProposerAddress() []byte        { return nil }
func (fakeBlockInfo) GetLastCommit() comet.CommitInfo   { return nil }

var infractionTime = genesisTime.Add(-time.Minute)

// doubleVote is duplicate-vote evidence against key k at height h.
func doubleVote(k byte, h int64) fakeEvidence {
	return fakeEvidence{kind: comet.DuplicateVote, val: fakeValidator{types.ConsensusAddress(valKey(k)), 10}, height: h, time: infractionTime, total: 40}
}

// beginBlock runs BeginBlocker with the given evidence in the block.
func (f *fixture) beginBlock(evidence ...comet.Evidence) {
	f.t.Helper()
	f.ctx = f.ctx.WithCometInfo(fakeBlockInfo{evidence: evidence})
	require.NoError(f.t, f.k.BeginBlocker(f.ctx))
}

func (f *fixture) misbehaviours(validator string) *types.QueryMisbehavioursResponse {
	f.t.Helper()
	res, err := f.queries.Misbehaviours(f.ctx, &types.QueryMisbehavioursRequest{Validator: validator})
	require.NoError(f.t, err)
	return res
}

func (f *fixture) hasValidator(k byte) bool {
	f.t.Helper()
	ok, err := f.k.Validators.Has(f.ctx, types.ConsensusAddress(valKey(k)))
	require.NoError(f.t, err)
	return ok
}

func TestMisbehaviourRecordsAndRemovesValidator(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.freshEvents()
	f.beginBlock(doubleVote(kGlobex, 1))

	consAddr := types.ConsensusAddress(valKey(kGlobex))
	res := f.misbehaviours("")
	require.Equal(t, []types.Misbehaviour{{
		Id: 1, ConsensusAddress: consAddr.String(), Moniker: "globex-1", OrganizationId: "globex",
		PubKey: valKey(kGlobex), Kind: types.MISBEHAVIOUR_KIND_DUPLICATE_VOTE,
		InfractionHeight: 1, InfractionTime: infractionTime, ValidatorPower: 10, TotalVotingPower: 40,
		Height: f.ctx.BlockHeight(), Time: f.ctx.BlockTime(), Outcome: types.MISBEHAVIOUR_OUTCOME_REMOVED,
	}}, res.Misbehaviours)
	require.Equal(t, []types.RemovedValidator{{
		Validator: validator(kGlobex, "globex-1", "globex", 10), MisbehaviourId: 1, Height: f.ctx.BlockHeight(),
	}}, res.RemovedValidators)
	require.Equal(t, []string{"shiplog.consortium.v1.EventValidatorMisbehaved", "shiplog.consortium.v1.EventValidatorRemoved"}, f.eventTypes())
	ev, err := sdk.ParseTypedEvent(abci.Event(f.ctx.EventManager().Events()[0]))
	require.NoError(t, err)
	require.Equal(t, &types.EventValidatorMisbehaved{
		MisbehaviourId: 1, ConsensusAddress: consAddr.String(), Moniker: "globex-1", OrganizationId: "globex",
		Kind: types.MISBEHAVIOUR_KIND_DUPLICATE_VOTE, InfractionHeight: 1, Outcome: types.MISBEHAVIOUR_OUTCOME_REMOVED,
	}, ev)

	// Out of the stored set at once, and out of CometBFT's through EndBlock.
	require.False(t, f.hasValidator(kGlobex))
	vals, err := f.queries.Validators(f.ctx, &types.QueryValidatorsRequest{})
	require.NoError(t, err)
	require.Len(t, vals.Validators, 3)
	require.EqualValues(t, 30, vals.TotalPower)
	require.Equal(t, []abciUpdate{{kGlobex, 0}}, toUpdates(t, f.endBlock()))
	require.Empty(t, f.endBlock())

	// Light-client-attack evidence is recorded under its own kind.
	lca := doubleVote(kAcme1, 3)
	lca.kind = comet.LightClientAttack
	f.beginBlock(lca)
	got := f.misbehaviours(types.ConsensusAddress(valKey(kAcme1)).String()).Misbehaviours
	require.Len(t, got, 1)
	require.Equal(t, types.MISBEHAVIOUR_KIND_LIGHT_CLIENT_ATTACK, got[0].Kind)
	require.Equal(t, []abciUpdate{{kAcme1, 0}}, toUpdates(t, f.endBlock()))
}

func TestMisbehaviourDeduplicated(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	// The same evidence twice in one block and again in the next: one record.
	f.beginBlock(doubleVote(kGlobex, 1), doubleVote(kGlobex, 1))
	require.Equal(t, []abciUpdate{{kGlobex, 0}}, toUpdates(t, f.endBlock()))
	before := f.dump()
	f.freshEvents()
	f.beginBlock(doubleVote(kGlobex, 1))
	require.Equal(t, before, f.dump())
	require.Empty(t, f.eventTypes())

	// The validator keeps double signing until CometBFT applies its removal:
	// later heights and other kinds are new records against a validator that
	// is already out.
	lca := doubleVote(kGlobex, 1)
	lca.kind = comet.LightClientAttack
	f.beginBlock(doubleVote(kGlobex, 2), lca)
	require.Empty(t, f.endBlock())
	res := f.misbehaviours("")
	require.Len(t, res.Misbehaviours, 3)
	// Newest first.
	require.Equal(t, []uint64{3, 2, 1}, []uint64{res.Misbehaviours[0].Id, res.Misbehaviours[1].Id, res.Misbehaviours[2].Id})
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_ALREADY_REMOVED, res.Misbehaviours[0].Outcome)
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_ALREADY_REMOVED, res.Misbehaviours[1].Outcome)
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_REMOVED, res.Misbehaviours[2].Outcome)
	require.Len(t, res.RemovedValidators, 1)
	require.EqualValues(t, 1, res.RemovedValidators[0].MisbehaviourId)

	// Oldest first on request.
	page, err := f.queries.Misbehaviours(f.ctx, &types.QueryMisbehavioursRequest{Pagination: &query.PageRequest{Reverse: true, Limit: 1}})
	require.NoError(t, err)
	require.EqualValues(t, 1, page.Misbehaviours[0].Id)
}

func TestMisbehaviourBypassesPowerGuard(t *testing.T) {
	gs := threeOrgGenesis(t)
	gs.Validators[0].Power = 30 // acme-1 holds 30 of 60: a proposal could not remove it in one block
	f := newFixture(t, gs)
	require.ErrorIs(t, f.removeVal(kAcme1), types.ErrPowerChangeTooLarge)
	f.nextBlock(time.Second)

	f.beginBlock(doubleVote(kAcme1, 1))
	require.False(t, f.hasValidator(kAcme1))
	// A proposal in the same block still sees the forced move: the guard
	// counts it against what else may change in this block.
	require.ErrorIs(t, f.removeVal(kInitech), types.ErrPowerChangeTooLarge)
	require.Equal(t, []abciUpdate{{kAcme1, 0}}, toUpdates(t, f.endBlock()))
}

func TestMisbehaviourKeepsLastValidator(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	f.freshEvents()
	f.beginBlock(doubleVote(kAcme1, 1))
	require.True(t, f.hasValidator(kAcme1))
	require.Empty(t, f.endBlock())
	res := f.misbehaviours("")
	require.Len(t, res.Misbehaviours, 1)
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_KEPT_LAST_VALIDATOR, res.Misbehaviours[0].Outcome)
	require.Empty(t, res.RemovedValidators)

	// Two of two misbehave in one block: the first goes, the second stays.
	gs := singleOrgGenesis(t)
	gs.Validators = append(gs.Validators, validator(kAcme2, "acme-2", "acme", 10))
	f = newFixture(t, gs)
	f.freshEvents()
	f.beginBlock(doubleVote(kAcme1, 1), doubleVote(kAcme2, 1))
	require.Equal(t, []string{
		"shiplog.consortium.v1.EventValidatorMisbehaved", "shiplog.consortium.v1.EventValidatorRemoved",
		"shiplog.consortium.v1.EventValidatorMisbehaved",
	}, f.eventTypes())
	require.False(t, f.hasValidator(kAcme1))
	require.True(t, f.hasValidator(kAcme2))
	res = f.misbehaviours("")
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_KEPT_LAST_VALIDATOR, res.Misbehaviours[0].Outcome)
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_REMOVED, res.Misbehaviours[1].Outcome)
	require.Equal(t, []abciUpdate{{kAcme1, 0}}, toUpdates(t, f.endBlock()))
}

func TestMisbehaviourIgnored(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	before := f.dump()
	f.freshEvents()

	// No comet info (genesis, queries, simulations).
	require.NoError(t, f.k.BeginBlocker(f.ctx))
	f.beginBlock()
	// A validator the consortium never had.
	f.beginBlock(doubleVote(kNew1, 1))
	// An unknown evidence type.
	unknown := doubleVote(kGlobex, 1)
	unknown.kind = comet.Unknown
	f.beginBlock(unknown)
	// A validator removed by proposal earlier is not known either.
	require.Equal(t, before, f.dump())
	require.NoError(t, f.removeVal(kInitech))
	f.endBlock()
	f.freshEvents()
	before = f.dump()
	f.beginBlock(doubleVote(kInitech, 1))
	require.Equal(t, before, f.dump())
	require.Empty(t, f.eventTypes())
	require.Empty(t, f.misbehaviours("").Misbehaviours)
}

func TestMisbehaviourRemovedValidatorReturnsOnlyByProposal(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.beginBlock(doubleVote(kGlobex, 1))
	f.endBlock()
	f.nextBlock(time.Second)

	// Nothing brings it back by itself; a proposal sets it again explicitly.
	require.False(t, f.hasValidator(kGlobex))
	res := f.mustSubmit(nGlobexAdmin, f.setValidator(validator(kGlobex, "globex-1", "globex", 10)))
	_, err := f.approve(nAcmeAdmin, res.ProposalId)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, f.proposal(res.ProposalId).Status)
	require.True(t, f.hasValidator(kGlobex))
	require.Empty(t, f.misbehaviours("").RemovedValidators)
	require.Len(t, f.misbehaviours("").Misbehaviours, 1, "the record stays")
	require.Equal(t, []abciUpdate{{kGlobex, 10}}, toUpdates(t, f.endBlock()))
}

func TestMisbehavioursQueryFilter(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.beginBlock(doubleVote(kGlobex, 1), doubleVote(kAcme1, 1))
	f.endBlock()
	f.beginBlock(doubleVote(kGlobex, 2))

	globex := types.ConsensusAddress(valKey(kGlobex)).String()
	res := f.misbehaviours(globex)
	require.Len(t, res.Misbehaviours, 2)
	require.EqualValues(t, 3, res.Misbehaviours[0].Id)
	require.EqualValues(t, 1, res.Misbehaviours[1].Id)
	require.Len(t, res.RemovedValidators, 1)
	require.Equal(t, "globex-1", res.RemovedValidators[0].Validator.Moniker)
	require.Len(t, f.misbehaviours("").Misbehaviours, 3)
	require.Empty(t, f.misbehaviours(types.ConsensusAddress(valKey(kInitech)).String()).Misbehaviours)

	_, err := f.queries.Misbehaviours(f.ctx, &types.QueryMisbehavioursRequest{Validator: bech(t, nAcmeAdmin)})
	require.ErrorIs(t, err, types.ErrInvalidValidator)
	_, err = f.queries.Misbehaviours(f.ctx, nil)
	require.Error(t, err)
}

func TestMisbehaviourGenesisRoundTrip(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.beginBlock(doubleVote(kGlobex, 1))
	f.endBlock()
	f.beginBlock(doubleVote(kGlobex, 2))
	f.endBlock()

	exported, err := f.k.ExportGenesis(f.ctx)
	require.NoError(t, err)
	require.NoError(t, exported.Validate())
	require.Len(t, exported.Misbehaviours, 2)
	require.EqualValues(t, 3, exported.NextMisbehaviourId)
	require.Len(t, exported.RemovedValidators, 1)
	require.Len(t, exported.Validators, 3)

	g := newBareFixture(t)
	_, err = g.k.InitGenesis(g.ctx, exported)
	require.NoError(t, err)
	again, err := g.k.ExportGenesis(g.ctx)
	require.NoError(t, err)
	require.Equal(t, exported, again)

	// The indexes are rebuilt: recorded evidence stays deduplicated, the
	// removed validator is still known and ids continue.
	before := g.dump()
	g.beginBlock(doubleVote(kGlobex, 2))
	require.Equal(t, before, g.dump())
	g.beginBlock(doubleVote(kGlobex, 3))
	res := g.misbehaviours(types.ConsensusAddress(valKey(kGlobex)).String())
	require.Len(t, res.Misbehaviours, 3)
	require.EqualValues(t, 3, res.Misbehaviours[0].Id)
	require.Equal(t, types.MISBEHAVIOUR_OUTCOME_ALREADY_REMOVED, res.Misbehaviours[0].Outcome)

	// A genesis written before these records existed (next id 0) starts at 1.
	old := threeOrgGenesis(t)
	old.NextMisbehaviourId = 0
	h := newFixture(t, old)
	h.beginBlock(doubleVote(kGlobex, 1))
	require.EqualValues(t, 1, h.misbehaviours("").Misbehaviours[0].Id)
}

func TestMisbehaviourGenesisValidate(t *testing.T) {
	record := func(id uint64, k byte, h int64) types.Misbehaviour {
		return types.Misbehaviour{Id: id, ConsensusAddress: types.ConsensusAddress(valKey(k)).String(), Moniker: "x", OrganizationId: "acme",
			PubKey: valKey(k), Kind: types.MISBEHAVIOUR_KIND_DUPLICATE_VOTE, InfractionHeight: h, Outcome: types.MISBEHAVIOUR_OUTCOME_REMOVED}
	}
	removed := func(k byte) types.RemovedValidator {
		return types.RemovedValidator{Validator: validator(k, "gone", "acme", 10), MisbehaviourId: 1}
	}
	tests := []struct {
		name   string
		mutate func(*types.GenesisState)
	}{
		{"id zero", func(gs *types.GenesisState) { gs.Misbehaviours = []types.Misbehaviour{record(0, kNew1, 1)} }},
		{"id not below next", func(gs *types.GenesisState) {
			gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{record(2, kNew1, 1)}, 2
		}},
		{"duplicate id", func(gs *types.GenesisState) {
			gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{record(1, kNew1, 1), record(1, kNew1, 2)}, 3
		}},
		{"duplicate evidence", func(gs *types.GenesisState) {
			gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{record(1, kNew1, 1), record(2, kNew1, 1)}, 3
		}},
		{"bad key", func(gs *types.GenesisState) {
			m := record(1, kNew1, 1)
			m.PubKey = m.PubKey[:31]
			gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{m}, 2
		}},
		{"no kind", func(gs *types.GenesisState) {
			m := record(1, kNew1, 1)
			m.Kind = types.MISBEHAVIOUR_KIND_UNSPECIFIED
			gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{m}, 2
		}},
		{"removed and active", func(gs *types.GenesisState) { gs.RemovedValidators = []types.RemovedValidator{removed(kGlobex)} }},
		{"removed twice", func(gs *types.GenesisState) {
			gs.RemovedValidators = []types.RemovedValidator{removed(kNew1), removed(kNew1)}
		}},
		{"removed invalid", func(gs *types.GenesisState) {
			r := removed(kNew1)
			r.Validator.Moniker = ""
			gs.RemovedValidators = []types.RemovedValidator{r}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gs := threeOrgGenesis(t)
			tc.mutate(gs)
			require.ErrorIs(t, gs.Validate(), types.ErrInvalidGenesis)
		})
	}
	gs := threeOrgGenesis(t)
	gs.Misbehaviours, gs.NextMisbehaviourId = []types.Misbehaviour{record(1, kNew1, 1), record(2, kNew1, 2)}, 3
	gs.RemovedValidators = []types.RemovedValidator{removed(kNew1)}
	require.NoError(t, gs.Validate())
}
