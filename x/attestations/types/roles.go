package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// MsgRoles is the role every signer of each attestations message must hold;
// the ante membership gate reads it, and the msg server checks it again.
// MsgSetPolicy is absent on purpose: its signer is the consortium authority
// and it runs only inside an approved proposal.
func MsgRoles() consortiumtypes.MsgRoles {
	return consortiumtypes.MsgRoles{
		sdk.MsgTypeURL(&MsgRegisterAttestorKey{}): consortiumtypes.ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgRevokeAttestorKey{}):   consortiumtypes.ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgSubmitAttestation{}):   consortiumtypes.ROLE_ATTESTOR,
		sdk.MsgTypeURL(&MsgRevokeAttestation{}):   consortiumtypes.ROLE_ADMIN,
	}
}
