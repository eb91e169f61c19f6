package types

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// Predicate types the module summarises for policies.
const (
	PredicateSLSAProvenanceV1  = "https://slsa.dev/provenance/v1"
	PredicateSLSAProvenanceV02 = "https://slsa.dev/provenance/v0.2"
	// PredicateCosignVuln is cosign's vulnerability scan predicate
	// (cosign attest --type vuln).
	PredicateCosignVuln = "https://cosign.sigstore.dev/attestation/vuln/v1"
	PredicateSPDX       = "https://spdx.dev/Document"
	PredicateCycloneDX  = "https://cyclonedx.org/bom"
	// PredicateTestResult is in-toto's test-result predicate.
	PredicateTestResult = "https://in-toto.io/attestation/test-result/v0.1"
	// PredicateApproval is shiplog's approval: {approver, environment, note}.
	PredicateApproval = "https://shiplog.dev/attestation/approval/v1"
	// PredicateReference is shiplog's reference to an envelope kept off
	// chain: {envelopeDigest, location, size, predicateType}. The chain
	// stores it as an attestation of the referenced predicate type.
	PredicateReference = "https://shiplog.dev/attestation/reference/v1"
)

// isSPDX / isCycloneDX accept the versioned forms too
// ("https://spdx.dev/Document/v2.3", "https://cyclonedx.org/bom/v1.5").
func isSPDX(t string) bool { return t == PredicateSPDX || strings.HasPrefix(t, PredicateSPDX+"/") }
func isCycloneDX(t string) bool {
	return t == PredicateCycloneDX || strings.HasPrefix(t, PredicateCycloneDX+"/")
}

// Predicates are read from the JSON the in-toto library parsed: a
// protobuf Struct, whose field names match exactly (encoding/json would
// also take "Result" for "result", and the chain would then record
// something else than the envelope says) and which refuses repeated keys.

// object is one JSON object of a predicate, read field by exact name.
type object map[string]any

// parseObject reads a predicate that must be a JSON object.
func parseObject(raw json.RawMessage) (object, error) {
	var st structpb.Struct
	if err := protojson.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	return st.AsMap(), nil
}

// obj returns the object field key (nil when absent).
func (o object) obj(key string) (object, error) {
	switch v := o[key].(type) {
	case nil:
		return nil, nil
	case map[string]any:
		return v, nil
	default:
		return nil, fmt.Errorf("%s is not an object", key)
	}
}

// list returns the array field key (nil when absent).
func (o object) list(key string) ([]any, error) {
	switch v := o[key].(type) {
	case nil:
		return nil, nil
	case []any:
		return v, nil
	default:
		return nil, fmt.Errorf("%s is not an array", key)
	}
}

// str returns the string field key ("" when absent).
func (o object) str(key string) (string, error) {
	switch v := o[key].(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("%s is not a string", key)
	}
}

// count returns the non-negative integer field key (0 when absent).
func (o object) count(key string) (uint64, error) {
	switch v := o[key].(type) {
	case nil:
		return 0, nil
	case float64:
		// JSON numbers arrive as float64; counts must be exact integers.
		if v < 0 || v > 1<<53 || v != float64(uint64(v)) {
			return 0, fmt.Errorf("%s is %v, not a count", key, v)
		}
		return uint64(v), nil
	default:
		return 0, fmt.Errorf("%s is not a number", key)
	}
}

// path follows nested objects, then reads a string.
func (o object) path(keys ...string) (string, error) {
	cur := o
	for _, k := range keys[:len(keys)-1] {
		next, err := cur.obj(k)
		if err != nil || next == nil {
			return "", err
		}
		cur = next
	}
	return cur.str(keys[len(keys)-1])
}

// Reference is the predicate of a PredicateReference statement.
type Reference struct {
	EnvelopeDigest string
	Location       string
	Size           uint64
	PredicateType  string
}

// ParseReference reads and checks a reference predicate.
func ParseReference(predicate json.RawMessage) (Reference, error) {
	var r Reference
	o, err := parseObject(predicate)
	if err == nil {
		r.EnvelopeDigest, err = o.str("envelopeDigest")
	}
	if err == nil {
		r.Location, err = o.str("location")
	}
	if err == nil {
		r.Size, err = o.count("size")
	}
	if err == nil {
		r.PredicateType, err = o.str("predicateType")
	}
	if err != nil {
		return r, errorsmod.Wrapf(ErrInvalidPredicate, "reference predicate: %s", err)
	}
	if err := validateDigestAs(ErrInvalidPredicate, "reference envelopeDigest", r.EnvelopeDigest); err != nil {
		return r, err
	}
	if r.Location == "" || len(r.Location) > MaxLocationLength {
		return r, errorsmod.Wrapf(ErrInvalidPredicate, "reference location must be 1 to %d bytes", MaxLocationLength)
	}
	if err := ValidatePredicateType(r.PredicateType); err != nil {
		return r, errorsmod.Wrap(err, "reference predicateType")
	}
	if r.PredicateType == PredicateReference {
		return r, errorsmod.Wrap(ErrInvalidPredicate, "a reference cannot reference another reference")
	}
	return r, nil
}

// Summarize reads the typed summary of a predicate of a kind policies
// constrain; other kinds give an empty summary. A predicate of a known kind
// that is not the JSON object its specification describes is an error.
func Summarize(predicateType string, predicate json.RawMessage) (PredicateSummary, error) {
	var s PredicateSummary
	var err error
	switch {
	case predicateType == PredicateSLSAProvenanceV1:
		s.Provenance, err = withObject(predicate, summarizeSLSAv1)
	case predicateType == PredicateSLSAProvenanceV02:
		s.Provenance, err = withObject(predicate, summarizeSLSAv02)
	case predicateType == PredicateCosignVuln:
		s.Vulnerabilities, err = withObject(predicate, summarizeVuln)
	case isSPDX(predicateType):
		s.Sbom = &SBOMSummary{Format: "spdx"}
	case isCycloneDX(predicateType):
		s.Sbom = &SBOMSummary{Format: "cyclonedx"}
	case predicateType == PredicateTestResult:
		s.TestResult, err = withObject(predicate, summarizeTestResult)
	case predicateType == PredicateApproval:
		s.Approval, err = withObject(predicate, summarizeApproval)
	}
	if err != nil {
		return PredicateSummary{}, errorsmod.Wrapf(ErrInvalidPredicate, "%s predicate: %s", predicateType, err)
	}
	return s, nil
}

func withObject[T any](raw json.RawMessage, read func(object) (*T, error)) (*T, error) {
	o, err := parseObject(raw)
	if err != nil {
		return nil, err
	}
	return read(o)
}

// commitOf picks the commit digest of a source descriptor.
func commitOf(d object) (string, error) {
	for _, algo := range []string{"gitCommit", "sha1", "sha256"} {
		v, err := d.str(algo)
		if err != nil || v != "" {
			return v, err
		}
	}
	return "", nil
}

// sourceRepository strips the "git+" scheme prefix and the "@ref" suffix
// SLSA generators put around a repository URI. Only an '@' in the path is
// a ref: "https://user@host/repo" keeps its user.
func sourceRepository(uri string) string {
	uri = strings.TrimPrefix(uri, "git+")
	scheme := strings.Index(uri, "://")
	if scheme < 0 {
		return uri
	}
	path := strings.Index(uri[scheme+3:], "/")
	if path < 0 {
		return uri
	}
	if at := strings.LastIndex(uri, "@"); at > scheme+3+path {
		uri = uri[:at]
	}
	return uri
}

// sourceOf reads a resource descriptor {uri, digest} into (repository, commit).
func sourceOf(v any) (string, string, error) {
	d, ok := v.(map[string]any)
	if !ok {
		return "", "", fmt.Errorf("resource descriptor is not an object")
	}
	uri, err := object(d).str("uri")
	if err != nil {
		return "", "", err
	}
	digest, err := object(d).obj("digest")
	if err != nil {
		return "", "", err
	}
	commit, err := commitOf(digest)
	return sourceRepository(uri), commit, err
}

func summarizeSLSAv1(p object) (*ProvenanceSummary, error) {
	s := &ProvenanceSummary{}
	var err error
	if s.BuilderId, err = p.path("runDetails", "builder", "id"); err != nil {
		return nil, err
	}
	if s.BuildType, err = p.path("buildDefinition", "buildType"); err != nil {
		return nil, err
	}
	def, err := p.obj("buildDefinition")
	if err != nil || def == nil {
		return s, err
	}
	deps, err := def.list("resolvedDependencies")
	if err != nil {
		return nil, err
	}
	if len(deps) > 0 {
		if s.SourceRepository, s.SourceCommit, err = sourceOf(deps[0]); err != nil {
			return nil, err
		}
	}
	if s.SourceRepository == "" {
		if s.SourceRepository, err = def.path("externalParameters", "workflow", "repository"); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func summarizeSLSAv02(p object) (*ProvenanceSummary, error) {
	s := &ProvenanceSummary{}
	var err error
	if s.BuilderId, err = p.path("builder", "id"); err != nil {
		return nil, err
	}
	if s.BuildType, err = p.str("buildType"); err != nil {
		return nil, err
	}
	materials, err := p.list("materials")
	if err != nil {
		return nil, err
	}
	inv, err := p.obj("invocation")
	if err != nil {
		return nil, err
	}
	var src any
	if inv != nil {
		if cs, err := inv.obj("configSource"); err != nil {
			return nil, err
		} else if cs != nil {
			if uri, _ := cs.str("uri"); uri != "" {
				src = map[string]any(cs)
			}
		}
	}
	if src == nil && len(materials) > 0 {
		src = materials[0]
	}
	if src != nil {
		if s.SourceRepository, s.SourceCommit, err = sourceOf(src); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// summarizeVuln counts the findings of cosign's vuln predicate. The scanner
// result is the scanner's own report; Trivy (Results[].Vulnerabilities[]),
// Grype (matches[].vulnerability) and a plain {"summary": {severity: n}} are
// read. Severity names outside Severities (and "moderate" for medium) count
// as unknown.
func summarizeVuln(p object) (*VulnerabilitySummary, error) {
	scanner, err := p.obj("scanner")
	if err != nil {
		return nil, err
	}
	s := &VulnerabilitySummary{}
	if scanner == nil {
		return s, nil
	}
	if s.Scanner, err = scanner.str("uri"); err != nil {
		return nil, err
	}
	result, err := scanner.obj("result")
	if err != nil || result == nil {
		return s, err
	}
	results, err := result.list("Results")
	if err != nil {
		return nil, err
	}
	for _, r := range results {
		ro, ok := r.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("Results entry is not an object")
		}
		vulns, err := object(ro).list("Vulnerabilities")
		if err != nil {
			return nil, err
		}
		for _, v := range vulns {
			vo, ok := v.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("Vulnerabilities entry is not an object")
			}
			sev, err := object(vo).str("Severity")
			if err != nil {
				return nil, err
			}
			s.add(sev, 1)
		}
	}
	matches, err := result.list("matches")
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		mo, ok := m.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("matches entry is not an object")
		}
		sev, err := object(mo).path("vulnerability", "severity")
		if err != nil {
			return nil, err
		}
		s.add(sev, 1)
	}
	summary, err := result.obj("summary")
	if err != nil {
		return nil, err
	}
	// Keys in sorted order: a map is never iterated for consensus output.
	keys := make([]string, 0, len(summary))
	for k := range summary {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		n, err := summary.count(k)
		if err != nil {
			return nil, fmt.Errorf("summary: %w", err)
		}
		s.add(k, n)
	}
	return s, nil
}

// Severities are the severity names a SeverityLimit may use.
var Severities = []string{"critical", "high", "medium", "low", "negligible", "unknown"}

func (s *VulnerabilitySummary) add(severity string, n uint64) {
	switch strings.ToLower(severity) {
	case "critical":
		s.Critical += n
	case "high":
		s.High += n
	case "medium", "moderate":
		s.Medium += n
	case "low":
		s.Low += n
	case "negligible":
		s.Negligible += n
	default:
		s.Unknown += n
	}
}

// Count returns the number of findings of a severity (one of Severities).
func (s *VulnerabilitySummary) Count(severity string) uint64 {
	switch severity {
	case "critical":
		return s.Critical
	case "high":
		return s.High
	case "medium":
		return s.Medium
	case "low":
		return s.Low
	case "negligible":
		return s.Negligible
	default:
		return s.Unknown
	}
}

func summarizeTestResult(p object) (*TestResultSummary, error) {
	raw, err := p.str("result")
	if err != nil {
		return nil, err
	}
	passed, err := p.list("passedTests")
	if err != nil {
		return nil, err
	}
	failed, err := p.list("failedTests")
	if err != nil {
		return nil, err
	}
	result := strings.ToUpper(raw)
	switch result {
	case "PASSED", "WARNED", "FAILED":
	default:
		return nil, errorsmod.Wrapf(ErrInvalidPredicate, "result %q is not PASSED, WARNED or FAILED", raw)
	}
	// WARNED is not a pass: a policy that asks for passing tests means it.
	return &TestResultSummary{
		Passed:      result == "PASSED",
		Result:      result,
		PassedTests: uint64(len(passed)),
		FailedTests: uint64(len(failed)),
	}, nil
}

func summarizeApproval(p object) (*ApprovalSummary, error) {
	a := &ApprovalSummary{}
	var err error
	if a.Approver, err = p.str("approver"); err != nil {
		return nil, err
	}
	if a.Environment, err = p.str("environment"); err != nil {
		return nil, err
	}
	if a.Note, err = p.str("note"); err != nil {
		return nil, err
	}
	if strings.TrimSpace(a.Approver) == "" {
		return nil, errorsmod.Wrap(ErrInvalidPredicate, "approver is required")
	}
	return a, nil
}

func validateDigestAs(class *errorsmod.Error, what, d string) error {
	if err := ValidateDigest(d); err != nil {
		return errorsmod.Wrapf(class, "%s: %s", what, err)
	}
	return nil
}
