package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the consortium module's name, store key and authority account name.
	ModuleName = "consortium"
	StoreKey   = ModuleName
)

// Store prefixes. Primary keys are sequential or short slugs; lookups go
// through the indexes below.
var (
	ParamsKey              = collections.NewPrefix(0)
	OrganizationsKey       = collections.NewPrefix(1)
	MembersKey             = collections.NewPrefix(2)
	MembersByOrgKey        = collections.NewPrefix(3)
	ValidatorsKey          = collections.NewPrefix(4)
	ProposalsKey           = collections.NewPrefix(5)
	ProposalsByStatusKey   = collections.NewPrefix(6)
	ProposalSeqKey         = collections.NewPrefix(7)
	ProposalExpiryQueueKey = collections.NewPrefix(8)
	PendingPowerKey        = collections.NewPrefix(9)
	MisbehavioursKey       = collections.NewPrefix(10)
	MisbehavioursByValKey  = collections.NewPrefix(11)
	MisbehavioursByEvidKey = collections.NewPrefix(12)
	MisbehaviourSeqKey     = collections.NewPrefix(13)
	RemovedValidatorsKey   = collections.NewPrefix(14)
)
