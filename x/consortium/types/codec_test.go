package types_test

import (
	"testing"
	"time"

	errorsmod "cosmossdk.io/errors"
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/stretchr/testify/require"

	"github.com/shiplog/shiplog/x/consortium/types"
)

var allMsgs = []sdk.Msg{
	&types.MsgSubmitProposal{}, &types.MsgApproveProposal{}, &types.MsgWithdrawProposal{},
	&types.MsgSetOrgMember{}, &types.MsgRemoveOrgMember{},
	&types.MsgAddOrganization{}, &types.MsgRemoveOrganization{}, &types.MsgSetMember{}, &types.MsgRemoveMember{},
	&types.MsgSetValidator{}, &types.MsgRemoveValidator{}, &types.MsgUpdateParams{},
}

func TestRegisterInterfaces(t *testing.T) {
	registry := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(registry)
	for _, m := range allMsgs {
		got, err := registry.Resolve(sdk.MsgTypeURL(m))
		require.NoError(t, err, sdk.MsgTypeURL(m))
		require.IsType(t, m, got)
	}
	require.Len(t, types.Msg_serviceDesc.Methods, len(allMsgs), "every Msg of the service is listed here")
}

func TestRegisterLegacyAminoCodec(t *testing.T) {
	cdc := codec.NewLegacyAmino()
	types.RegisterLegacyAminoCodec(cdc)
	bz, err := cdc.MarshalJSON(&types.MsgApproveProposal{Approver: shipAddr(1), ProposalId: 4})
	require.NoError(t, err)
	require.Contains(t, string(bz), `"type":"shiplog/consortium/MsgApproveProposal"`)
}

// Proposal messages decode back to concrete messages wherever a proposal is
// read: genesis, the submit message and query responses.
func TestUnpackInterfaces(t *testing.T) {
	registry := codectypes.NewInterfaceRegistry()
	types.RegisterInterfaces(registry)
	cdc := codec.NewProtoCodec(registry)

	inner := &types.MsgAddOrganization{Authority: shipAddr(9), Organization: types.Organization{Id: "hooli", Name: "Hooli"}}
	a, err := codectypes.NewAnyWithValue(inner)
	require.NoError(t, err)
	now := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	p := types.Proposal{Id: 1, Status: types.PROPOSAL_STATUS_OPEN, Messages: []*codectypes.Any{a}, SubmitTime: now, ExpiryTime: now}

	check := func(anys []*codectypes.Any) {
		t.Helper()
		require.Len(t, anys, 1)
		require.Equal(t, inner, anys[0].GetCachedValue())
	}

	gs := types.GenesisState{Params: types.DefaultParams(), Proposals: []types.Proposal{p}, NextProposalId: 2}
	var gotGS types.GenesisState
	require.NoError(t, cdc.UnmarshalJSON(cdc.MustMarshalJSON(&gs), &gotGS))
	check(gotGS.Proposals[0].Messages)

	var gotP types.Proposal
	require.NoError(t, cdc.Unmarshal(cdc.MustMarshal(&p), &gotP))
	check(gotP.Messages)

	submit := types.MsgSubmitProposal{Proposer: shipAddr(1), Title: "t", Messages: []*codectypes.Any{a}}
	var gotSubmit types.MsgSubmitProposal
	require.NoError(t, cdc.Unmarshal(cdc.MustMarshal(&submit), &gotSubmit))
	check(gotSubmit.Messages)

	one := types.QueryProposalResponse{Proposal: p}
	var gotOne types.QueryProposalResponse
	require.NoError(t, cdc.Unmarshal(cdc.MustMarshal(&one), &gotOne))
	check(gotOne.Proposal.Messages)

	list := types.QueryProposalsResponse{Proposals: []types.Proposal{p}}
	var gotList types.QueryProposalsResponse
	require.NoError(t, cdc.Unmarshal(cdc.MustMarshal(&list), &gotList))
	check(gotList.Proposals[0].Messages)

	// An unregistered type is refused.
	unknown := types.Proposal{Id: 1, Messages: []*codectypes.Any{{TypeUrl: "/unknown.v1.Msg", Value: []byte{}}}}
	var gotUnknown types.Proposal
	require.Error(t, cdc.Unmarshal(cdc.MustMarshal(&unknown), &gotUnknown))
}

func TestErrorCodes(t *testing.T) {
	errs := []error{
		types.ErrInvalidOrganization, types.ErrOrganizationExists, types.ErrUnknownOrganization, types.ErrInvalidMember,
		types.ErrNotMember, types.ErrInactiveMember, types.ErrMissingRole, types.ErrOtherOrganization, types.ErrReservedRole,
		types.ErrInvalidValidator, types.ErrUnknownValidator, types.ErrPowerChangeTooLarge, types.ErrEmptyValidatorSet,
		types.ErrInvalidParams, types.ErrInvalidProposal, types.ErrUnknownProposal, types.ErrProposalNotOpen,
		types.ErrAlreadyApproved, types.ErrUnauthorized, types.ErrMessageNotAllowed, types.ErrOrganizationInUse,
		types.ErrInvalidGenesis,
	}
	for i, err := range errs {
		var e *errorsmod.Error
		require.ErrorAs(t, err, &e)
		require.Equal(t, types.ModuleName, e.Codespace())
		require.EqualValues(t, i+2, e.ABCICode(), "codes start at 2 and are consecutive: %s", err)
		for j, other := range errs {
			if i != j {
				require.NotErrorIs(t, err, other)
			}
		}
	}
}
