package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"

	// the messages' generated protobuf-v2 types, which the SDK's signer lookup decodes into
	_ "github.com/shiplog/shiplog/api/shiplog/deployments/v1"
)

// RegisterLegacyAminoCodec registers the module's messages for amino-json
// signing under the amino names declared in tx.proto.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgRecordDeployment{}, "shiplog/deployments/MsgRecordDeployment", nil)
	cdc.RegisterConcrete(&MsgUpdateDeploymentStatus{}, "shiplog/deployments/MsgUpdateDeploymentStatus", nil)
	cdc.RegisterConcrete(&MsgRecordDeployments{}, "shiplog/deployments/MsgRecordDeployments", nil)
	cdc.RegisterConcrete(&MsgReviewBreakGlass{}, "shiplog/deployments/MsgReviewBreakGlass", nil)
}

// RegisterInterfaces registers the module's messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRecordDeployment{},
		&MsgUpdateDeploymentStatus{},
		&MsgRecordDeployments{},
		&MsgReviewBreakGlass{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
