package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"

	// the messages' generated protobuf-v2 types, which the SDK's signer lookup decodes into
	_ "github.com/shiplog/shiplog/api/shiplog/incidents/v1"
)

// RegisterLegacyAminoCodec registers the module's messages for amino-json
// signing under the amino names declared in tx.proto.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgOpenIncident{}, "shiplog/incidents/MsgOpenIncident", nil)
	cdc.RegisterConcrete(&MsgUpdateIncident{}, "shiplog/incidents/MsgUpdateIncident", nil)
	cdc.RegisterConcrete(&MsgLinkCause{}, "shiplog/incidents/MsgLinkCause", nil)
	cdc.RegisterConcrete(&MsgUnlinkCause{}, "shiplog/incidents/MsgUnlinkCause", nil)
	cdc.RegisterConcrete(&MsgAddRemediation{}, "shiplog/incidents/MsgAddRemediation", nil)
	cdc.RegisterConcrete(&MsgCompleteRemediation{}, "shiplog/incidents/MsgCompleteRemediation", nil)
	cdc.RegisterConcrete(&MsgCloseIncident{}, "shiplog/incidents/MsgCloseIncident", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "shiplog/incidents/MsgUpdateParams", nil)
}

// RegisterInterfaces registers the module's messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgOpenIncident{},
		&MsgUpdateIncident{},
		&MsgLinkCause{},
		&MsgUnlinkCause{},
		&MsgAddRemediation{},
		&MsgCompleteRemediation{},
		&MsgCloseIncident{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
