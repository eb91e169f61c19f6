package types

import (
	sdk "github.com/cosmos/cosmos-sdk/types"

	consortiumtypes "github.com/shiplog/shiplog/x/consortium/types"
)

// MsgRoles is the role every signer of each deployments message must hold;
// the ante membership gate reads it, and the msg server checks it again.
func MsgRoles() consortiumtypes.MsgRoles {
	return consortiumtypes.MsgRoles{
		sdk.MsgTypeURL(&MsgRecordDeployment{}):       consortiumtypes.ROLE_DEPLOYER,
		sdk.MsgTypeURL(&MsgUpdateDeploymentStatus{}): consortiumtypes.ROLE_DEPLOYER,
		sdk.MsgTypeURL(&MsgRecordDeployments{}):      consortiumtypes.ROLE_DEPLOYER,
		sdk.MsgTypeURL(&MsgReviewBreakGlass{}):       consortiumtypes.ROLE_ADMIN,
	}
}
