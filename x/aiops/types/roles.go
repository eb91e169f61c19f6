package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// MsgRoles is the role every signer of each aiops message must hold; the
// ante membership gate reads it, and the msg server checks it again.
// MsgUpdateParams is absent on purpose: its signer is the consortium
// authority and it runs only inside an approved proposal.
func MsgRoles() consortiumtypes.MsgRoles {
	return consortiumtypes.MsgRoles{
		sdk.MsgTypeURL(&MsgRegisterDetector{}): consortiumtypes.ROLE_DETECTOR,
		sdk.MsgTypeURL(&MsgSubmitVerdict{}):    consortiumtypes.ROLE_DETECTOR,
		sdk.MsgTypeURL(&MsgReportAnomaly{}):    consortiumtypes.ROLE_DETECTOR,
	}
}
