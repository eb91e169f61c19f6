package keeper_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	authtypes "github.com/cosmos/cosmos-sdk/x/auth/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

func (f *fixture) withdraw(admin byte, id uint64) error {
	_, err := f.msgs.WithdrawProposal(f.ctx, &types.MsgWithdrawProposal{Admin: bech(f.t, admin), ProposalId: id})
	return err
}

func (f *fixture) expiryQueueLen() int {
	f.t.Helper()
	it, err := f.k.ExpiryQueue.Iterate(f.ctx, nil)
	require.NoError(f.t, err)
	keys, err := it.Keys()
	require.NoError(f.t, err)
	return len(keys)
}

func TestSingleOrgProposalExecutesOnSubmit(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	f.accounts.sets = nil
	height, now := f.ctx.BlockHeight(), f.ctx.BlockTime()

	res := f.mustSubmit(nAcmeAdmin,
		f.addOrg("globex", "Globex"),
		f.setMember(member(t, nGlobexAdmin, "globex", true, types.ROLE_ADMIN)),
	)
	require.EqualValues(t, 1, res.ProposalId)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status, "the response reports the final status")

	p := f.proposal(1)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, p.Status)
	require.Empty(t, p.FailureReason)
	require.Equal(t, height, p.FinalHeight)
	require.Equal(t, bech(t, nAcmeAdmin), p.Proposer)
	require.Equal(t, "acme", p.OrganizationId)
	require.Equal(t, []types.Approval{{OrganizationId: "acme", Approver: bech(t, nAcmeAdmin), Height: height}}, p.Approvals)
	require.Equal(t, now, p.SubmitTime)
	require.Equal(t, now.Add(types.DefaultProposalLifetime), p.ExpiryTime)
	require.Equal(t, height, p.SubmitHeight)
	require.Equal(t, 0, f.expiryQueueLen(), "an executed proposal leaves the expiry queue")

	// The messages' effects are visible.
	require.True(t, f.hasOrg("globex"))
	_, err := f.k.RequireRole(f.ctx, addr(nGlobexAdmin), types.ROLE_ADMIN)
	require.NoError(t, err)
	require.Equal(t, []sdk.AccAddress{addr(nGlobexAdmin)}, f.accounts.sets)

	require.Equal(t, []string{
		"shiplog.consortium.v1.EventProposalSubmitted",
		"shiplog.consortium.v1.EventProposalApproved",
		"shiplog.consortium.v1.EventOrganizationAdded",
		"shiplog.consortium.v1.EventMemberSet",
		"shiplog.consortium.v1.EventProposalFinalized",
	}, f.eventTypes())
}

func TestThreeOrgProposalNeedsTwoApprovals(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))

	res := f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
	require.EqualValues(t, 1, res.ProposalId)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, res.Status, "1 of 3 does not exceed 1/2")
	require.False(t, f.hasOrg("hooli"))
	require.Equal(t, 1, f.expiryQueueLen())

	f.nextBlock(time.Second)
	ares, err := f.approve(nGlobexAdmin, 1)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, ares.Status, "2 of 3 exceeds 1/2")
	require.True(t, f.hasOrg("hooli"))

	p := f.proposal(1)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, p.Status)
	require.Len(t, p.Approvals, 2)
	require.Equal(t, types.Approval{OrganizationId: "globex", Approver: bech(t, nGlobexAdmin), Height: f.ctx.BlockHeight()}, p.Approvals[1])
	require.Equal(t, f.ctx.BlockHeight(), p.FinalHeight)
	require.Equal(t, 0, f.expiryQueueLen())

	// Too late for initech: the proposal is closed.
	_, err = f.approve(nInitechAdmin, 1)
	require.ErrorIs(t, err, types.ErrProposalNotOpen)
	// The sequence moves on.
	require.EqualValues(t, 2, f.mustSubmit(nInitechAdmin, f.addOrg("umbrella", "Umbrella")).ProposalId)
}

func TestApproveRejections(t *testing.T) {
	tests := []struct {
		name string
		run  func(f *fixture) error
		err  error
	}{
		{"same admin twice", func(f *fixture) error { _, err := f.approve(nAcmeAdmin, 1); return err }, types.ErrAlreadyApproved},
		{"non-admin member", func(f *fixture) error { _, err := f.approve(nGlobexDeploy, 1); return err }, types.ErrMissingRole},
		{"operator is not enough", func(f *fixture) error { _, err := f.approve(nAcmeOperator, 1); return err }, types.ErrMissingRole},
		{"non-member", func(f *fixture) error { _, err := f.approve(nNonMember, 1); return err }, types.ErrNotMember},
		{"removed member", func(f *fixture) error { _, err := f.approve(nAcmeInactive, 1); return err }, types.ErrInactiveMember},
		{"invalid approver address", func(f *fixture) error {
			_, err := f.msgs.ApproveProposal(f.ctx, &types.MsgApproveProposal{Approver: badAddress, ProposalId: 1})
			return err
		}, types.ErrInvalidMember},
		{"unknown proposal", func(f *fixture) error { _, err := f.approve(nGlobexAdmin, 2); return err }, types.ErrUnknownProposal},
		{"proposal zero", func(f *fixture) error { _, err := f.approve(nGlobexAdmin, 0); return err }, types.ErrUnknownProposal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, threeOrgGenesis(t))
			f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
			f.nextBlock(time.Second)
			before := f.dump()
			require.ErrorIs(t, tc.run(f), tc.err)
			require.Equal(t, before, f.dump())
			require.Equal(t, types.PROPOSAL_STATUS_OPEN, f.proposal(1).Status)
			require.Len(t, f.proposal(1).Approvals, 1)
		})
	}
}

// Approvals are per organisation, not per admin.
func TestApproveBySecondAdminOfSameOrganization(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	_, err := f.msgs.SetMember(f.ctx, f.setMember(member(t, 30, "acme", true, types.ROLE_ADMIN)))
	require.NoError(t, err)
	f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
	before := f.dump()
	_, err = f.approve(30, 1)
	require.ErrorIs(t, err, types.ErrAlreadyApproved)
	require.ErrorContains(t, err, "acme already approved proposal 1")
	require.Equal(t, before, f.dump())
}

func TestApproveExecutedProposal(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	res := f.mustSubmit(nAcmeAdmin, f.addOrg("globex", "Globex"))
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, f.proposal(res.ProposalId).Status)
	_, err := f.approve(nAcmeAdmin, res.ProposalId)
	require.ErrorIs(t, err, types.ErrProposalNotOpen)
	require.ErrorIs(t, f.withdraw(nAcmeAdmin, res.ProposalId), types.ErrProposalNotOpen)
}

func TestWithdrawProposal(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))

	before := f.dump()
	require.ErrorIs(t, f.withdraw(nGlobexAdmin, 1), types.ErrOtherOrganization)
	require.ErrorIs(t, f.withdraw(nAcmeDeployer, 1), types.ErrMissingRole)
	require.ErrorIs(t, f.withdraw(nNonMember, 1), types.ErrNotMember)
	require.ErrorIs(t, f.withdraw(nAcmeAdmin, 7), types.ErrUnknownProposal)
	require.Equal(t, before, f.dump())

	// Any admin of the proposing organisation may withdraw.
	_, err := f.msgs.SetMember(f.ctx, f.setMember(member(t, 30, "acme", true, types.ROLE_ADMIN)))
	require.NoError(t, err)
	f.freshEvents()
	require.NoError(t, f.withdraw(30, 1))
	require.Equal(t, []string{"shiplog.consortium.v1.EventProposalFinalized"}, f.eventTypes())
	require.Equal(t, types.PROPOSAL_STATUS_WITHDRAWN, f.proposal(1).Status)
	require.Equal(t, 0, f.expiryQueueLen())

	_, err = f.approve(nGlobexAdmin, 1)
	require.ErrorIs(t, err, types.ErrProposalNotOpen)
	require.ErrorIs(t, f.withdraw(nAcmeAdmin, 1), types.ErrProposalNotOpen)

	// Its expiry later changes nothing.
	f.ctx = f.ctx.WithBlockTime(f.proposal(1).ExpiryTime)
	f.endBlock()
	require.Equal(t, types.PROPOSAL_STATUS_WITHDRAWN, f.proposal(1).Status)
	require.False(t, f.hasOrg("hooli"))
}

func TestFailedExecutionIsAtomic(t *testing.T) {
	t.Run("second message duplicates an organization", func(t *testing.T) {
		f := newFixture(t, singleOrgGenesis(t))
		res := f.mustSubmit(nAcmeAdmin, f.addOrg("globex", "Globex"), f.addOrg("acme", "Acme again"))
		require.Equal(t, types.PROPOSAL_STATUS_FAILED, res.Status)

		p := f.proposal(res.ProposalId)
		require.Equal(t, types.PROPOSAL_STATUS_FAILED, p.Status)
		require.Contains(t, p.FailureReason, "message 1 (/shiplog.consortium.v1.MsgAddOrganization)")
		require.Contains(t, p.FailureReason, types.ErrOrganizationExists.Error())
		require.False(t, f.hasOrg("globex"), "the first message's effect is discarded")
		require.NotContains(t, f.eventTypes(), "shiplog.consortium.v1.EventOrganizationAdded")
		require.Contains(t, f.eventTypes(), "shiplog.consortium.v1.EventProposalFinalized")
		require.Equal(t, 0, f.expiryQueueLen())
	})
	t.Run("second validator breaks the power guard", func(t *testing.T) {
		f := newFixture(t, threeOrgGenesis(t))
		f.mustSubmit(nAcmeAdmin,
			f.setValidator(validator(kNew1, "new-1", "acme", 10)),
			f.setValidator(validator(kNew2, "new-2", "globex", 10)),
		)
		f.nextBlock(time.Second)
		res, err := f.approve(nGlobexAdmin, 1)
		require.NoError(t, err, "a failed execution is not a failed transaction")
		require.Equal(t, types.PROPOSAL_STATUS_FAILED, res.Status)
		p := f.proposal(1)
		require.Contains(t, p.FailureReason, "message 1 (/shiplog.consortium.v1.MsgSetValidator)")
		require.Contains(t, p.FailureReason, types.ErrPowerChangeTooLarge.Error())

		_, err = f.k.Validators.Get(f.ctx, types.ConsensusAddress(valKey(kNew1)))
		require.Error(t, err, "the first validator was not added")
		require.Equal(t, 0, f.pendingCount())
		require.Empty(t, f.endBlock(), "no validator update leaks from the failed proposal")
	})
	t.Run("a later message fails on state of an earlier one", func(t *testing.T) {
		f := newFixture(t, singleOrgGenesis(t))
		res := f.mustSubmit(nAcmeAdmin,
			f.addOrg("globex", "Globex"),
			f.setMember(member(t, nGlobexAdmin, "globex", true, types.ROLE_ADMIN)),
			f.removeMember(nGlobexAdmin), // globex's last admin
		)
		require.Equal(t, types.PROPOSAL_STATUS_FAILED, f.proposal(res.ProposalId).Status)
		require.Contains(t, f.proposal(res.ProposalId).FailureReason, "message 2 (/shiplog.consortium.v1.MsgRemoveMember)")
		require.False(t, f.hasOrg("globex"))
		_, err := f.k.Members.Get(f.ctx, addr(nGlobexAdmin))
		require.Error(t, err, "the member added by message 1 is discarded")
	})
}

func TestSubmitValidation(t *testing.T) {
	tooMany := make([]sdk.Msg, types.MaxProposalMessages+1)
	for i := range tooMany {
		tooMany[i] = &types.MsgAddOrganization{Organization: types.Organization{Id: fmt.Sprintf("org-%d", i), Name: "x"}}
	}
	tests := []struct {
		name string
		msg  func(f *fixture) *types.MsgSubmitProposal
		err  error
	}{
		{"no message", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t"}
		}, types.ErrInvalidProposal},
		{"too many messages", func(f *fixture) *types.MsgSubmitProposal {
			msgs := make([]sdk.Msg, len(tooMany))
			for i, m := range tooMany {
				c := *m.(*types.MsgAddOrganization)
				c.Authority = f.authority
				msgs[i] = &c
			}
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(msgs...)}
		}, types.ErrInvalidProposal},
		{"message signed by a member", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(
				f.addOrg("hooli", "Hooli"),
				&types.MsgSetOrgMember{Admin: bech(f.t, nAcmeAdmin), Address: bech(f.t, 20), Roles: []types.Role{types.ROLE_DEPLOYER}},
			)}
		}, types.ErrInvalidProposal},
		{"nested proposal by a member", func(f *fixture) *types.MsgSubmitProposal {
			inner := &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "inner", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(inner)}
		}, types.ErrInvalidProposal},
		{"approval by a member", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t",
				Messages: f.packs(&types.MsgApproveProposal{Approver: bech(f.t, nGlobexAdmin), ProposalId: 1})}
		}, types.ErrInvalidProposal},
		{"authority message signed by someone else", func(f *fixture) *types.MsgSubmitProposal {
			m := f.addOrg("hooli", "Hooli")
			m.Authority = bech(f.t, nAcmeAdmin)
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(m)}
		}, types.ErrInvalidProposal},
		{"authority message with an invalid signer address", func(f *fixture) *types.MsgSubmitProposal {
			m := f.addOrg("hooli", "Hooli")
			m.Authority = "ship1garbage"
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(m)}
		}, types.ErrInvalidProposal},
		{"authority message without a handler", func(f *fixture) *types.MsgSubmitProposal {
			m := &authtypes.MsgUpdateParams{Authority: f.authority, Params: authtypes.DefaultParams()}
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Messages: f.packs(m)}
		}, types.ErrInvalidProposal},
		{"undecodable message", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t",
				Messages: []*codectypes.Any{{TypeUrl: "/unknown.v1.MsgNothing", Value: []byte{1}}}}
		}, types.ErrInvalidProposal},
		{"empty title", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrInvalidProposal},
		{"title too long", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: strings.Repeat("t", types.MaxTitleLength+1),
				Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrInvalidProposal},
		{"summary too long", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "t", Summary: strings.Repeat("s", types.MaxSummaryLength+1),
				Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrInvalidProposal},
		{"title not UTF-8", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeAdmin), Title: "\xff", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrInvalidProposal},
		{"proposer not an admin", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeDeployer), Title: "t", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrMissingRole},
		{"proposer not a member", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nNonMember), Title: "t", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrNotMember},
		{"proposer removed", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: bech(f.t, nAcmeInactive), Title: "t", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrInactiveMember},
		{"proposer is the authority", func(f *fixture) *types.MsgSubmitProposal {
			return &types.MsgSubmitProposal{Proposer: f.authority, Title: "t", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
		}, types.ErrNotMember},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, threeOrgGenesis(t))
			before := f.dump()
			_, err := f.msgs.SubmitProposal(f.ctx, tc.msg(f))
			require.ErrorIs(t, err, tc.err)
			require.Equal(t, before, f.dump(), "a refused proposal takes no id and stores nothing")
			require.Empty(t, f.ctx.EventManager().Events())
		})
	}
}

// Member-level consortium messages whose signer field is set to the
// authority pass the signer check at submission, but the authority is no
// member, so they fail at execution and the proposal records why.
func TestAuthoritySignedMemberMessageFailsAtExecution(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	inner := &types.MsgSubmitProposal{Proposer: f.authority, Title: "inner", Messages: f.packs(f.addOrg("hooli", "Hooli"))}
	res := f.mustSubmit(nAcmeAdmin, f.addOrg("globex", "Globex"), inner)
	require.Equal(t, types.PROPOSAL_STATUS_FAILED, res.Status)
	p := f.proposal(res.ProposalId)
	require.Contains(t, p.FailureReason, "message 1 (/shiplog.consortium.v1.MsgSubmitProposal)")
	require.Contains(t, p.FailureReason, types.ErrNotMember.Error())
	require.False(t, f.hasOrg("globex"))
	require.False(t, f.hasOrg("hooli"))
	_, err := f.k.Proposals.Get(f.ctx, res.ProposalId+1)
	require.Error(t, err, "no inner proposal was stored")
}

func TestSubmitMaxMessages(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	msgs := make([]sdk.Msg, types.MaxProposalMessages)
	for i := range msgs {
		msgs[i] = f.addOrg(fmt.Sprintf("org-%d", i), "Org")
	}
	res := f.mustSubmit(nAcmeAdmin, msgs...)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, res.Status)
	require.Len(t, f.proposal(res.ProposalId).Messages, types.MaxProposalMessages)
}

func TestThresholdFromParams(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	// Raise the threshold to 2/3: two of three is then not enough.
	f.mustSubmit(nAcmeAdmin, f.updateParams(types.Params{ThresholdNumerator: 2, ThresholdDenominator: 3, ProposalLifetime: time.Hour}))
	res, err := f.approve(nGlobexAdmin, 1)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status)

	f.nextBlock(time.Second)
	sub := f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli"))
	require.Equal(t, time.Hour, f.proposal(sub.ProposalId).ExpiryTime.Sub(f.proposal(sub.ProposalId).SubmitTime))
	res, err = f.approve(nGlobexAdmin, sub.ProposalId)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, res.Status, "2/3 is not more than 2/3")
	res, err = f.approve(nInitechAdmin, sub.ProposalId)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status)
	require.True(t, f.hasOrg("hooli"))
}

func TestTallyCountsOnlyExistingOrganizations(t *testing.T) {
	f := newFixture(t, threeOrgGenesis(t))
	// With a 2/3 threshold, two of three organisations are not enough.
	twoThirds := types.DefaultParams()
	twoThirds.ThresholdNumerator, twoThirds.ThresholdDenominator = 2, 3
	raise := f.mustSubmit(nAcmeAdmin, f.updateParams(twoThirds)).ProposalId
	_, err := f.approve(nGlobexAdmin, raise)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, f.proposal(raise).Status)

	// acme proposes and initech approves: 2 of 3, still open.
	pending := f.mustSubmit(nAcmeAdmin, f.addOrg("hooli", "Hooli")).ProposalId
	res, err := f.approve(nInitechAdmin, pending)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_OPEN, res.Status)
	// initech's own open proposal is withdrawn when initech is removed.
	orphan := f.mustSubmit(nInitechAdmin, f.addOrg("umbrella", "Umbrella")).ProposalId

	removal := f.mustSubmit(nAcmeAdmin, f.removeValidator(kInitech), f.removeOrg("initech")).ProposalId
	_, err = f.approve(nGlobexAdmin, removal)
	require.NoError(t, err)
	res, err = f.approve(nInitechAdmin, removal)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status, f.proposal(removal).FailureReason)
	require.False(t, f.hasOrg("initech"))
	require.Equal(t, []abciUpdate{{kInitech, 0}}, toUpdates(t, f.endBlock()))
	require.Equal(t, types.PROPOSAL_STATUS_WITHDRAWN, f.proposal(orphan).Status)
	require.Contains(t, f.proposal(orphan).FailureReason, "initech was removed")

	// initech's admin is gone and its approval no longer counts: acme alone
	// is 1 of 2; globex makes it 2 of 2.
	_, err = f.approve(nInitechAdmin, pending)
	require.ErrorIs(t, err, types.ErrInactiveMember)
	res, err = f.approve(nGlobexAdmin, pending)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status)
	require.True(t, f.hasOrg("hooli"))
}

// fakeAuthMsgServer stands in for another module's Msg service whose
// messages the consortium authority signs (as for x/upgrade or x/consensus).
type fakeAuthMsgServer struct {
	received *[]authtypes.Params
	panics   bool
}

func (s fakeAuthMsgServer) UpdateParams(_ context.Context, msg *authtypes.MsgUpdateParams) (*authtypes.MsgUpdateParamsResponse, error) {
	if s.panics {
		panic("boom")
	}
	*s.received = append(*s.received, msg.Params)
	return &authtypes.MsgUpdateParamsResponse{}, nil
}

func TestProposalExecutesAnotherModulesMessage(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	var received []authtypes.Params
	authtypes.RegisterMsgServer(f.router, fakeAuthMsgServer{received: &received})

	params := authtypes.DefaultParams()
	params.MaxMemoCharacters = 77
	res := f.mustSubmit(nAcmeAdmin, &authtypes.MsgUpdateParams{Authority: f.authority, Params: params})
	require.Equal(t, types.PROPOSAL_STATUS_EXECUTED, res.Status, f.proposal(res.ProposalId).FailureReason)
	require.Equal(t, []authtypes.Params{params}, received)
}

func TestPanickingMessageFailsTheProposal(t *testing.T) {
	f := newFixture(t, singleOrgGenesis(t))
	var received []authtypes.Params
	authtypes.RegisterMsgServer(f.router, fakeAuthMsgServer{received: &received, panics: true})

	res, err := f.submit(nAcmeAdmin, "panics", f.addOrg("globex", "Globex"),
		&authtypes.MsgUpdateParams{Authority: f.authority, Params: authtypes.DefaultParams()})
	require.NoError(t, err, "a panicking handler fails the proposal, not the transaction")
	require.Equal(t, types.PROPOSAL_STATUS_FAILED, res.Status)
	require.Contains(t, f.proposal(res.ProposalId).FailureReason, "message 1 (/cosmos.auth.v1beta1.MsgUpdateParams): panic: boom")
	require.False(t, f.hasOrg("globex"))
}

// A proposal stored while a handler existed (here: loaded from genesis) and
// executed after it disappeared fails instead of halting.
func TestProposalWithoutHandlerAtExecutionFails(t *testing.T) {
	f := newBareFixture(t)
	gs := threeOrgGenesis(t)
	a, err := codectypes.NewAnyWithValue(&authtypes.MsgUpdateParams{Authority: f.authority, Params: authtypes.DefaultParams()})
	require.NoError(t, err)
	gs.Proposals = []types.Proposal{{
		Id: 1, Proposer: bech(t, nAcmeAdmin), OrganizationId: "acme", Title: "t", Messages: []*codectypes.Any{a},
		Status: types.PROPOSAL_STATUS_OPEN, Approvals: []types.Approval{{OrganizationId: "acme", Approver: bech(t, nAcmeAdmin), Height: 1}},
		SubmitTime: genesisTime, ExpiryTime: genesisTime.Add(time.Hour),
	}}
	gs.NextProposalId = 2
	_, err = f.k.InitGenesis(f.ctx, gs)
	require.NoError(t, err)
	f.nextBlock(time.Second)

	res, err := f.approve(nGlobexAdmin, 1)
	require.NoError(t, err)
	require.Equal(t, types.PROPOSAL_STATUS_FAILED, res.Status)
	require.Equal(t, "message 0 (/cosmos.auth.v1beta1.MsgUpdateParams) has no handler", f.proposal(1).FailureReason)
}
