package types

import (
	"github.com/cosmos/cosmos-sdk/codec"
	codectypes "github.com/cosmos/cosmos-sdk/codec/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"github.com/cosmos/cosmos-sdk/types/msgservice"

	// the messages' generated protobuf-v2 types, which the SDK's signer lookup decodes into
	_ "github.com/shiplog/shiplog/api/shiplog/attestations/v1"
)

// RegisterLegacyAminoCodec registers the module's messages for amino-json
// signing under the amino names declared in tx.proto.
func RegisterLegacyAminoCodec(cdc *codec.LegacyAmino) {
	cdc.RegisterConcrete(&MsgRegisterAttestorKey{}, "shiplog/attestations/MsgRegisterAttestorKey", nil)
	cdc.RegisterConcrete(&MsgRevokeAttestorKey{}, "shiplog/attestations/MsgRevokeAttestorKey", nil)
	cdc.RegisterConcrete(&MsgSubmitAttestation{}, "shiplog/attestations/MsgSubmitAttestation", nil)
	cdc.RegisterConcrete(&MsgRevokeAttestation{}, "shiplog/attestations/MsgRevokeAttestation", nil)
	cdc.RegisterConcrete(&MsgSetPolicy{}, "shiplog/attestations/MsgSetPolicy", nil)
}

// RegisterInterfaces registers the module's messages as sdk.Msg implementations.
func RegisterInterfaces(registry codectypes.InterfaceRegistry) {
	registry.RegisterImplementations((*sdk.Msg)(nil),
		&MsgRegisterAttestorKey{},
		&MsgRevokeAttestorKey{},
		&MsgSubmitAttestation{},
		&MsgRevokeAttestation{},
		&MsgSetPolicy{},
	)
	msgservice.RegisterMsgServiceDesc(registry, &_Msg_serviceDesc)
}
