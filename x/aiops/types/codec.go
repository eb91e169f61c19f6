package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"

	// the messages' generated protobuf-v2 types, which the SDK's signer lookup decodes into
	_ "github.com/shiplog/shiplog/api/shiplog/aiops/v1"
)

// RegisterLegacyAminoCodec registers the module's messages for amino-json
// signing under the amino names declared in tx.proto.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgRegisterDetector{}, "shiplog/aiops/MsgRegisterDetector", nil)
	cdc.RegisterConcrete(&MsgSubmitVerdict{}, "shiplog/aiops/MsgSubmitVerdict", nil)
	cdc.RegisterConcrete(&MsgReportAnomaly{}, "shiplog/aiops/MsgReportAnomaly", nil)
	cdc.RegisterConcrete(&MsgUpdateParams{}, "shiplog/aiops/MsgUpdateParams", nil)
}

// RegisterInterfaces registers the module's messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterDetector{},
		&MsgSubmitVerdict{},
		&MsgReportAnomaly{},
		&MsgUpdateParams{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
