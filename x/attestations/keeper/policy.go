package keeper

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cosmossdk.io/collections"
	errorsmod "cosmossdk.io/errors"
	sdk "github.com/cosmos/cosmos-sdk/types"

	"github.com/shiplog/shiplog/x/attestations/types"
	deploymentstypes "github.com/shiplog/shiplog/x/deployments/types"
)

// maxEvidencePerOrganization bounds the attestations of one kind for one
// artifact a decision reads from each organisation (newest first), and
// maxEvidenceOrganizations the organisations it reads, so a deployment's cost
// does not grow with history.
const (
	maxEvidencePerOrganization = 32
	maxEvidenceOrganizations   = 64
)

var _ deploymentstypes.DeployPolicy = Keeper{}

// SetPolicy stores a validated msg as the next version of its environment's
// policy and makes it current. The organisations and keys it names must exist.
func (k Keeper) SetPolicy(ctx context.Context, msg *types.MsgSetPolicy) (uint64, error) {
	for _, r := range msg.Requirements {
		for _, org := range r.AttestorOrganizations {
			ok, err := k.consortium.HasOrganization(ctx, org)
			if err != nil {
				return 0, err
			}
			if !ok {
				return 0, errorsmod.Wrapf(types.ErrUnknownOrganization, "requirement %q accepts organization %q, which is not a consortium member", r.Name, org)
			}
		}
		for _, id := range r.AttestorKeys {
			if _, err := k.GetKey(ctx, id); err != nil {
				return 0, errorsmod.Wrapf(err, "requirement %q", r.Name)
			}
		}
	}
	version := uint64(1)
	cur, err := k.CurrentPolicy.Get(ctx, msg.Environment)
	switch {
	case err == nil:
		version = cur + 1
	case !errors.Is(err, collections.ErrNotFound):
		return 0, err
	}
	sdkCtx := sdk.UnwrapSDKContext(ctx)
	p := types.Policy{
		Environment:            msg.Environment,
		Version:                version,
		Mode:                   msg.Mode,
		Requirements:           msg.Requirements,
		BreakGlassAllowed:      msg.BreakGlassAllowed,
		BreakGlassReviewPeriod: msg.BreakGlassReviewPeriod,
		SetAt:                  sdkCtx.BlockTime().UTC(),
		SetHeight:              sdkCtx.BlockHeight(),
	}
	if err := k.Policies.Set(ctx, collections.Join(p.Environment, version), p); err != nil {
		return 0, err
	}
	if err := k.CurrentPolicy.Set(ctx, p.Environment, version); err != nil {
		return 0, err
	}
	return version, sdkCtx.EventManager().EmitTypedEvent(&types.EventPolicySet{Environment: p.Environment, Version: version, Mode: p.Mode.ModeName()})
}

// EvaluateDeployment implements the deployments module's DeployPolicy: the
// environment's current policy decides on d's artifacts. A denial by an
// enforcing policy is an error listing every unmet requirement; otherwise
// the decision is returned to be stored with the record.
func (k Keeper) EvaluateDeployment(ctx context.Context, d deploymentstypes.Deployment) (deploymentstypes.PolicyDecision, error) {
	digests := make([]string, len(d.Artifacts))
	for i, a := range d.Artifacts {
		digests[i] = a.Digest
	}
	dec, err := k.Evaluate(ctx, d.Environment, d.OrganizationId, digests, d.BreakGlass != "")
	if err != nil {
		return dec, err
	}
	if !Admits(dec) {
		class := types.ErrPolicyDenied
		if d.BreakGlass != "" {
			class = types.ErrBreakGlassNotAllowed
		}
		return dec, errorsmod.Wrap(class, DecisionMessage(dec, d.BreakGlass != ""))
	}
	if dec.Outcome == deploymentstypes.POLICY_OUTCOME_NO_POLICY {
		return dec, nil
	}
	return dec, sdk.UnwrapSDKContext(ctx).EventManager().EmitTypedEvent(&types.EventPolicyDecision{
		DeploymentId:  d.Id,
		Environment:   d.Environment,
		PolicyVersion: dec.PolicyVersion,
		Outcome:       OutcomeName(dec.Outcome),
		Enforced:      dec.Enforced,
		Unmet:         uint32(len(dec.Unmet)),
	})
}

// Admits reports whether a deployment with this decision is accepted.
func Admits(dec deploymentstypes.PolicyDecision) bool {
	return dec.Outcome != deploymentstypes.POLICY_OUTCOME_DENIED || !dec.Enforced
}

// OutcomeName is the short name of an outcome ("allowed", "break_glass").
func OutcomeName(o deploymentstypes.PolicyOutcome) string {
	return strings.ToLower(strings.TrimPrefix(o.String(), "POLICY_OUTCOME_"))
}

// DecisionMessage explains a decision in a release engineer's words, every
// unmet requirement included.
func DecisionMessage(dec deploymentstypes.PolicyDecision, breakGlass bool) string {
	var b strings.Builder
	switch dec.Outcome {
	case deploymentstypes.POLICY_OUTCOME_NO_POLICY:
		return fmt.Sprintf("environment %q has no policy: any deployment is allowed", dec.Environment)
	case deploymentstypes.POLICY_OUTCOME_ALLOWED:
		return fmt.Sprintf("allowed by policy version %d of %q (attestations %v)", dec.PolicyVersion, dec.Environment, dec.AttestationIds)
	case deploymentstypes.POLICY_OUTCOME_BREAK_GLASS:
		fmt.Fprintf(&b, "allowed on break-glass by policy version %d of %q; an admin of another organization must review it within %s; unmet: ",
			dec.PolicyVersion, dec.Environment, dec.BreakGlassReviewPeriod)
	default:
		mode := "denied"
		if !dec.Enforced {
			mode = "would be denied (dry run, recorded only)"
		}
		fmt.Fprintf(&b, "deployment to %q %s by policy version %d: ", dec.Environment, mode, dec.PolicyVersion)
	}
	for i, u := range dec.Unmet {
		if i > 0 {
			b.WriteString("; ")
		}
		if u.ArtifactDigest != "" {
			fmt.Fprintf(&b, "artifact %s: ", u.ArtifactDigest)
		}
		fmt.Fprintf(&b, "requirement %q: %s", u.Requirement, u.Reason)
	}
	if breakGlass && dec.Outcome == deploymentstypes.POLICY_OUTCOME_DENIED {
		fmt.Fprintf(&b, "; break-glass is not allowed in environment %q", dec.Environment)
	}
	return b.String()
}

// Evaluate decides whether artifacts with digests may be deployed to
// environment now by organization orgID (may be empty: then approvals from
// any organisation count), optionally on a break-glass justification. It
// writes nothing.
func (k Keeper) Evaluate(ctx context.Context, environment, orgID string, digests []string, breakGlass bool) (deploymentstypes.PolicyDecision, error) {
	dec := deploymentstypes.PolicyDecision{Environment: environment, Outcome: deploymentstypes.POLICY_OUTCOME_NO_POLICY}
	// Most environments of a young consortium have no policy, and every
	// record asks: read the current version directly rather than build a
	// not-found error (errorsmod captures a stack trace) to discard.
	version, err := k.CurrentPolicy.Get(ctx, environment)
	if errors.Is(err, collections.ErrNotFound) {
		return dec, nil
	}
	if err != nil {
		return dec, err
	}
	policy, err := k.GetPolicy(ctx, environment, version)
	if err != nil {
		return dec, err
	}
	dec.PolicyVersion = policy.Version
	dec.Enforced = policy.Mode == types.POLICY_MODE_ENFORCE
	now := sdk.UnwrapSDKContext(ctx).BlockTime()
	keys := keyCache{k: k, keys: map[string]types.AttestorKey{}}
	var satisfied []uint64
	if len(digests) == 0 && len(policy.Requirements) > 0 {
		for _, r := range policy.Requirements {
			dec.Unmet = append(dec.Unmet, deploymentstypes.UnmetRequirement{Requirement: r.Name, Reason: "the deployment names no artifact to check"})
		}
	}
	for i, digest := range digests {
		if slices.Contains(digests[:i], digest) {
			continue
		}
		for _, r := range policy.Requirements {
			ids, reason, err := k.checkRequirement(ctx, digest, r, orgID, environment, now, &keys)
			if err != nil {
				return dec, err
			}
			if reason != "" {
				dec.Unmet = append(dec.Unmet, deploymentstypes.UnmetRequirement{ArtifactDigest: digest, Requirement: r.Name, Reason: reason})
				continue
			}
			satisfied = append(satisfied, ids...)
		}
	}
	slices.Sort(satisfied)
	dec.AttestationIds = slices.Compact(satisfied)
	switch {
	case len(dec.Unmet) == 0:
		dec.Outcome = deploymentstypes.POLICY_OUTCOME_ALLOWED
	case breakGlass && policy.BreakGlassAllowed:
		dec.Outcome = deploymentstypes.POLICY_OUTCOME_BREAK_GLASS
		dec.BreakGlassReviewPeriod = policy.BreakGlassReviewPeriod
	default:
		dec.Outcome = deploymentstypes.POLICY_OUTCOME_DENIED
	}
	return dec, nil
}

// keyCache reads each attestor key once per decision.
type keyCache struct {
	k    Keeper
	keys map[string]types.AttestorKey
}

func (c *keyCache) get(ctx context.Context, id string) (types.AttestorKey, error) {
	if key, ok := c.keys[id]; ok {
		return key, nil
	}
	key, err := c.k.GetKey(ctx, id)
	if err != nil {
		return key, err
	}
	c.keys[id] = key
	return key, nil
}

// walkEvidence visits the attestations of r's predicate type about digest
// that still count (not revoked, key not revoked at their height),
// organisation by organisation — those r accepts in its order, or, when it
// names none, every one that attested, in id order — each organisation's
// newest first, at most maxEvidencePerOrganization of them. visit says
// whether to skip the rest of this organisation's and whether to stop.
func (k Keeper) walkEvidence(ctx context.Context, digest string, r types.Requirement, keys *keyCache,
	visit func(a types.Attestation) (nextOrg, stop bool),
) error {
	subject := types.EvidenceSubject(digest, r.PredicateType)
	orgs := r.AttestorOrganizations
	if len(orgs) == 0 {
		it, err := k.EvidenceOrganizations.Iterate(ctx, collections.NewPrefixedPairRange[string, string](subject))
		if err != nil {
			return err
		}
		for ; it.Valid() && len(orgs) < maxEvidenceOrganizations; it.Next() {
			key, err := it.Key()
			if err != nil {
				it.Close()
				return err
			}
			orgs = append(orgs, key.K2())
		}
		if err := it.Close(); err != nil {
			return err
		}
	}
	for _, org := range orgs {
		stop, err := k.walkOrganizationEvidence(ctx, subject, org, keys, visit)
		if err != nil || stop {
			return err
		}
	}
	return nil
}

func (k Keeper) walkOrganizationEvidence(ctx context.Context, subject, org string, keys *keyCache,
	visit func(a types.Attestation) (nextOrg, stop bool),
) (bool, error) {
	it, err := k.Evidence.Iterate(ctx, collections.NewSuperPrefixedTripleRangeReversed[string, string, uint64](subject, org))
	if err != nil {
		return false, err
	}
	defer it.Close()
	for read := 0; it.Valid() && read < maxEvidencePerOrganization; it.Next() {
		read++
		key, err := it.Key()
		if err != nil {
			return false, err
		}
		a, err := k.Attestations.Get(ctx, key.K3())
		if err != nil {
			return false, errorsmod.Wrapf(err, "indexed attestation %d", key.K3())
		}
		if a.Revoked {
			continue
		}
		signer, err := keys.get(ctx, a.KeyId)
		if err != nil {
			return false, err
		}
		if !countsAt(signer, a.CreatedHeight) {
			continue
		}
		nextOrg, stop := visit(a)
		if stop || nextOrg {
			return stop, nil
		}
	}
	return false, nil
}

// checkRequirement returns the attestations that satisfy r for digest —
// each accepted organisation's newest one that passes every constraint,
// until min_organizations of them are found — or a reason why r is unmet.
func (k Keeper) checkRequirement(ctx context.Context, digest string, r types.Requirement, orgID, environment string, now time.Time, keys *keyCache) ([]uint64, string, error) {
	need := r.MinOrgs()
	var ids []uint64
	var orgs []string
	var firstRejection string
	seen := false
	err := k.walkEvidence(ctx, digest, r, keys, func(a types.Attestation) (bool, bool) {
		seen = true
		if why := rejection(r, a, orgID, environment, now); why != "" {
			if firstRejection == "" {
				firstRejection = fmt.Sprintf("attestation %d %s", a.Id, why)
			}
			return false, false
		}
		ids = append(ids, a.Id)
		orgs = append(orgs, a.OrganizationId)
		return true, len(orgs) >= need
	})
	if err != nil {
		return nil, "", err
	}
	switch {
	case len(orgs) >= need:
		return ids, "", nil
	case !seen && len(r.AttestorOrganizations) > 0:
		return nil, fmt.Sprintf("no valid %s attestation from %s", r.PredicateType, strings.Join(r.AttestorOrganizations, ", ")), nil
	case !seen:
		return nil, fmt.Sprintf("no valid %s attestation", r.PredicateType), nil
	case len(orgs) == 0:
		return nil, firstRejection, nil
	}
	slices.Sort(orgs)
	reason := fmt.Sprintf("needs %s attestations from %d distinct organizations, found %d (%s)", r.PredicateType, need, len(orgs), strings.Join(orgs, ", "))
	if firstRejection != "" {
		reason += "; " + firstRejection
	}
	return nil, reason, nil
}

// rejection says why attestation a does not satisfy r, or "" if it does.
func rejection(r types.Requirement, a types.Attestation, orgID, environment string, now time.Time) string {
	s := a.Summary
	switch {
	case len(r.AttestorOrganizations) > 0 && !slices.Contains(r.AttestorOrganizations, a.OrganizationId):
		return fmt.Sprintf("is from organization %q, not one of %s", a.OrganizationId, strings.Join(r.AttestorOrganizations, ", "))
	case len(r.AttestorKeys) > 0 && !slices.Contains(r.AttestorKeys, a.KeyId):
		return fmt.Sprintf("is signed with key %q, not one of %s", a.KeyId, strings.Join(r.AttestorKeys, ", "))
	case r.MaxAge > 0 && now.Sub(a.CreatedAt) > r.MaxAge:
		return fmt.Sprintf("is older than %s (made %s)", r.MaxAge, a.CreatedAt.Format(time.RFC3339))
	}
	if len(r.BuilderIds) > 0 || r.SourceRepositoryPattern != "" {
		p := s.Provenance
		switch {
		case p == nil:
			return "has no SLSA provenance to check the builder and source against"
		case len(r.BuilderIds) > 0 && !slices.Contains(r.BuilderIds, p.BuilderId):
			return fmt.Sprintf("was built by %q, which is not an allowed builder (%s)", p.BuilderId, strings.Join(r.BuilderIds, ", "))
		case r.SourceRepositoryPattern != "" && !globMatch(r.SourceRepositoryPattern, p.SourceRepository):
			return fmt.Sprintf("was built from %q, which does not match %q", p.SourceRepository, r.SourceRepositoryPattern)
		}
	}
	if len(r.MaxVulnerabilities) > 0 {
		if s.Vulnerabilities == nil {
			return "has no vulnerability counts"
		}
		for _, l := range r.MaxVulnerabilities {
			if n := s.Vulnerabilities.Count(l.Severity); n > l.Max {
				return fmt.Sprintf("reports %d %s vulnerabilities, at most %d allowed", n, l.Severity, l.Max)
			}
		}
	}
	if r.TestsPassed {
		switch {
		case s.TestResult == nil:
			return "has no test result"
		case !s.TestResult.Passed:
			return fmt.Sprintf("reports tests %s (%d failed)", s.TestResult.Result, s.TestResult.FailedTests)
		}
	}
	if r.PredicateType == types.PredicateApproval {
		// An approval counts for the environment it names; one whose content
		// is kept off chain (a reference) cannot be checked and never counts.
		switch {
		case s.Approval == nil:
			return "is an approval whose content is not on chain"
		case s.Approval.Environment != "" && s.Approval.Environment != environment:
			return fmt.Sprintf("approves environment %q, not %q", s.Approval.Environment, environment)
		}
	}
	if r.ApprovalFromOtherOrganization && orgID != "" && a.OrganizationId == orgID {
		return fmt.Sprintf("comes from the deploying organization %q; an approval must come from another organization", orgID)
	}
	return ""
}

// globMatch matches s against pattern, where '*' matches any run of
// characters, '/' included, and everything else matches itself. It keeps one
// backtrack point, so it runs in O(len(pattern)*len(s)) at worst.
func globMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
