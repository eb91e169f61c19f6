package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// MsgRoles is the role every signer of each incidents message must hold; the
// ante membership gate reads it, and the msg server checks it again.
// MsgUpdateParams is absent on purpose: its signer is the consortium
// authority and it runs only inside an approved proposal.
func MsgRoles() consortiumtypes.MsgRoles {
	return consortiumtypes.MsgRoles{
		sdk.MsgTypeURL(&MsgOpenIncident{}):        consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgUpdateIncident{}):      consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgLinkCause{}):           consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgUnlinkCause{}):         consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgAddRemediation{}):      consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgCompleteRemediation{}): consortiumtypes.ROLE_RESPONDER,
		sdk.MsgTypeURL(&MsgCloseIncident{}):       consortiumtypes.ROLE_RESPONDER,
	}
}
