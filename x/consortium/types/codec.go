package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"

	// the messages' generated protobuf-v2 types, which the SDK's signer lookup decodes into
	_ "github.com/shiplog/shiplog/api/shiplog/consortium/v1"
)

// RegisterLegacyAminoCodec registers the module's messages for amino-json signing.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgSubmitProposal{}, "shiplog/consortium/MsgSubmitProposal", nil)
	cdc.RegisterConcrete(&MsgApproveProposal{}, "shiplog/consortium/MsgApproveProposal", nil)
	cdc.RegisterConcrete(&MsgWithdrawProposal{}, "shiplog/consortium/MsgWithdrawProposal", nil)
	cdc.RegisterConcrete(&MsgSetOrgMember{}, "shiplog/consortium/MsgSetOrgMember", nil)
	cdc.RegisterConcrete(&MsgRemoveOrgMember{}, "shiplog/consortium/MsgRemoveOrgMember", nil)
	cdc.RegisterConcrete(&MsgAddOrganization{}, "shiplog/consortium/MsgAddOrganization", nil)
	cdc.RegisterConcrete(&MsgRemoveOrganization{}, "shiplog/consortium/MsgRemoveOrganization", nil)
	cdc.RegisterConcrete(&MsgSetMember{}, "shiplog/consortium/MsgSetMember", nil)
	cdc.RegisterConcrete(&MsgRemoveMember{}, "shiplog/consortium/MsgRemoveMember", nil)
	cdc.RegisterConcrete(&MsgSetValidator{}, "shiplog/consortium/MsgSetValidator", nil)
	cdc.RegisterConcrete(&MsgRemoveValidator{}, "shiplog/consortium/MsgRemoveValidator", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "shiplog/consortium/MsgUpdateParams", nil)
	cdc.RegisterConcrete(&Params{}, "shiplog/x/consortium/Params", nil)
}

// RegisterInterfaces registers the module's messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgSubmitProposal{},
		&MsgApproveProposal{},
		&MsgWithdrawProposal{},
		&MsgSetOrgMember{},
		&MsgRemoveOrgMember{},
		&MsgAddOrganization{},
		&MsgRemoveOrganization{},
		&MsgSetMember{},
		&MsgRemoveMember{},
		&MsgSetValidator{},
		&MsgRemoveValidator{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
