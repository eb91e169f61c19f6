package types

import "cosmossdk.io/collections"

const (
	// ModuleName is the deployments module's name and store key.
	ModuleName = "deployments"
	StoreKey   = ModuleName
)

// Store prefixes. The primary key is the sequential deployment id (cheap IAVL
// inserts); every lookup by content goes through one of the indexes below.
var (
	// DeploymentSeqKey holds the number of deployment ids issued so far; the
	// next id is that number plus one, so ids start at 1.
	DeploymentSeqKey = collections.NewPrefix(0)
	// DeploymentsKey: id -> Deployment.
	DeploymentsKey = collections.NewPrefix(1)
	// DeploymentsByServiceEnvKey: (service, environment, id).
	DeploymentsByServiceEnvKey = collections.NewPrefix(2)
	// Prefixes 3, 4 and 5 held the (environment, id), (status, id) and
	// (deployer, id) indexes up to consensus version 1, prefix 6 the
	// (artifact digest, id) index up to version 2. They moved to the
	// node-local index (x/deployments/localindex); Migrate1to2 and
	// Migrate2to3 delete them. Never reuse these prefixes.
	// ExternalRefsKey: (organization id, external id) -> ExternalRef.
	ExternalRefsKey = collections.NewPrefix(7)
	// CurrentKey: (service, environment) -> id of the current deployment.
	CurrentKey = collections.NewPrefix(8)
	// Prefix 9 held (time the deployment became succeeded, id) up to
	// consensus version 2; it moved to the node-local index too. Never
	// reuse it.
	// BreakGlassPendingKey: (review due time, id) of every break-glass
	// deployment not yet reviewed, for the BreakGlassReviews query.
	BreakGlassPendingKey = collections.NewPrefix(10)
	// BreakGlassDueQueueKey: (review due time, id) of unreviewed break-glass
	// deployments whose overdue event is still to come; EndBlock consumes it.
	BreakGlassDueQueueKey = collections.NewPrefix(11)
)

// RetiredIndexPrefixesV2 are the prefixes of the indexes consensus version 2
// moved out of state (see Migrate1to2).
var RetiredIndexPrefixesV2 = []collections.Prefix{collections.NewPrefix(3), collections.NewPrefix(4), collections.NewPrefix(5)}

// RetiredIndexPrefixesV3 are those consensus version 3 moved out: the
// artifact digest and success-time indexes (see Migrate2to3).
var RetiredIndexPrefixesV3 = []collections.Prefix{collections.NewPrefix(6), collections.NewPrefix(9)}
