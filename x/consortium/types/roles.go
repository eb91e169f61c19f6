package types

import (
	"fmt"

	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"
	"slices"
	"strings"
)

// AllRoles lists every assignable role in declaration order.
var AllRoles = []Role{ROLE_ADMIN, ROLE_OPERATOR, ROLE_DEPLOYER, ROLE_ATTESTOR, ROLE_RESPONDER, ROLE_DETECTOR}

// ShortName is the role's lowercase name as used on the command line ("deployer").
func (r Role) ShortName() string {
	return strings.ToLower(strings.TrimPrefix(r.String(), "ROLE_"))
}

// ParseRole accepts "deployer", "DEPLOYER" or "ROLE_DEPLOYER".
func ParseRole(s string) (Role, error) {
	name := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(name, "ROLE_") {
		name = "ROLE_" + name
	}
	v, ok := Role_value[name]
	if !ok || Role(v) == ROLE_UNSPECIFIED {
		return ROLE_UNSPECIFIED, fmt.Errorf("unknown role %q (want one of %s)", s, RoleNames())
	}
	return Role(v), nil
}

// RoleNames is the comma-separated list of short role names for messages.
func RoleNames() string {
	names := make([]string, len(AllRoles))
	for i, r := range AllRoles {
		names[i] = r.ShortName()
	}
	return strings.Join(names, ", ")
}

// IsReserved reports whether granting the role needs a consortium proposal.
func (r Role) IsReserved() bool { return r == ROLE_ADMIN || r == ROLE_OPERATOR }

// HasRole reports whether the member holds the role.
func (m Member) HasRole(r Role) bool { return slices.Contains(m.Roles, r) }

// HasReservedRole reports whether the member holds admin or operator.
func (m Member) HasReservedRole() bool {
	return slices.ContainsFunc(m.Roles, Role.IsReserved)
}

// ValidateRoles checks a role list: at least one role, no unspecified or
// unknown value, no duplicate.
func ValidateRoles(roles []Role) error {
	if len(roles) == 0 {
		return errorsmod.Wrap(ErrInvalidMember, "at least one role is required")
	}
	seen := make([]Role, 0, len(roles))
	for _, r := range roles {
		if _, ok := Role_name[int32(r)]; !ok || r == ROLE_UNSPECIFIED {
			return errorsmod.Wrapf(ErrInvalidMember, "unknown role %d", r)
		}
		if slices.Contains(seen, r) {
			return errorsmod.Wrapf(ErrInvalidMember, "duplicate role %s", r.ShortName())
		}
		seen = append(seen, r)
	}
	return nil
}

// MsgRoles maps a message type URL to the role every signer of that message
// must hold. Each module declares its table by implementing HasMsgRoles; the
// ante membership gate reads the union. A message missing from every table is
// refused in transactions (deny by default): messages whose signer is the
// consortium authority reach the chain only inside approved proposals.
type MsgRoles map[string]Role

// HasMsgRoles is implemented by modules whose messages may be sent in
// transactions.
type HasMsgRoles interface {
	MsgRoles() MsgRoles
}

// ModuleMsgRoles is the consortium module's own table: only admins propose,
// vote and manage their organisation's keys.
func ModuleMsgRoles() MsgRoles {
	return MsgRoles{
		sdk.MsgTypeURL(&MsgSubmitProposal{}):   ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgApproveProposal{}):  ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgWithdrawProposal{}): ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgSetOrgMember{}):     ROLE_ADMIN,
		sdk.MsgTypeURL(&MsgRemoveOrgMember{}):  ROLE_ADMIN,
	}
}
