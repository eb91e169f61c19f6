package types

import (
	"encoding/json"
	"strings"

	errorsmod "cosmossdk.io/errors"
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

// Reference is the predicate of a PredicateReference statement.
type Reference struct {
	EnvelopeDigest string `json:"envelopeDigest"`
	Location       string `json:"location"`
	Size           uint64 `json:"size"`
	PredicateType  string `json:"predicateType"`
}

// ParseReference reads and checks a reference predicate.
func ParseReference(predicate json.RawMessage) (Reference, error) {
	var r Reference
	if err := json.Unmarshal(predicate, &r); err != nil {
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
		s.Provenance, err = summarizeSLSAv1(predicate)
	case predicateType == PredicateSLSAProvenanceV02:
		s.Provenance, err = summarizeSLSAv02(predicate)
	case predicateType == PredicateCosignVuln:
		s.Vulnerabilities, err = summarizeVuln(predicate)
	case isSPDX(predicateType):
		s.Sbom = &SBOMSummary{Format: "spdx"}
	case isCycloneDX(predicateType):
		s.Sbom = &SBOMSummary{Format: "cyclonedx"}
	case predicateType == PredicateTestResult:
		s.TestResult, err = summarizeTestResult(predicate)
	case predicateType == PredicateApproval:
		s.Approval, err = summarizeApproval(predicate)
	}
	if err != nil {
		return PredicateSummary{}, errorsmod.Wrapf(ErrInvalidPredicate, "%s predicate: %s", predicateType, err)
	}
	return s, nil
}

type resourceDescriptor struct {
	URI    string            `json:"uri"`
	Digest map[string]string `json:"digest"`
}

// commitOf picks the commit digest of a source descriptor.
func commitOf(d map[string]string) string {
	for _, algo := range []string{"gitCommit", "sha1", "sha256"} {
		if v := d[algo]; v != "" {
			return v
		}
	}
	return ""
}

// sourceRepository strips the "git+" scheme prefix and the "@ref" suffix
// SLSA generators put around a repository URI.
func sourceRepository(uri string) string {
	uri = strings.TrimPrefix(uri, "git+")
	scheme := strings.Index(uri, "://")
	if at := strings.LastIndex(uri, "@"); scheme >= 0 && at > scheme+3 {
		uri = uri[:at]
	}
	return uri
}

func summarizeSLSAv1(predicate json.RawMessage) (*ProvenanceSummary, error) {
	var p struct {
		BuildDefinition struct {
			BuildType            string               `json:"buildType"`
			ResolvedDependencies []resourceDescriptor `json:"resolvedDependencies"`
			ExternalParameters   struct {
				Workflow struct {
					Repository string `json:"repository"`
				} `json:"workflow"`
			} `json:"externalParameters"`
		} `json:"buildDefinition"`
		RunDetails struct {
			Builder struct {
				ID string `json:"id"`
			} `json:"builder"`
		} `json:"runDetails"`
	}
	if err := json.Unmarshal(predicate, &p); err != nil {
		return nil, err
	}
	s := &ProvenanceSummary{BuilderId: p.RunDetails.Builder.ID, BuildType: p.BuildDefinition.BuildType}
	if deps := p.BuildDefinition.ResolvedDependencies; len(deps) > 0 {
		s.SourceRepository = sourceRepository(deps[0].URI)
		s.SourceCommit = commitOf(deps[0].Digest)
	}
	if s.SourceRepository == "" {
		s.SourceRepository = p.BuildDefinition.ExternalParameters.Workflow.Repository
	}
	return s, nil
}

func summarizeSLSAv02(predicate json.RawMessage) (*ProvenanceSummary, error) {
	var p struct {
		Builder struct {
			ID string `json:"id"`
		} `json:"builder"`
		BuildType  string `json:"buildType"`
		Invocation struct {
			ConfigSource resourceDescriptor `json:"configSource"`
		} `json:"invocation"`
		Materials []resourceDescriptor `json:"materials"`
	}
	if err := json.Unmarshal(predicate, &p); err != nil {
		return nil, err
	}
	s := &ProvenanceSummary{BuilderId: p.Builder.ID, BuildType: p.BuildType}
	src := p.Invocation.ConfigSource
	if src.URI == "" && len(p.Materials) > 0 {
		src = p.Materials[0]
	}
	s.SourceRepository = sourceRepository(src.URI)
	s.SourceCommit = commitOf(src.Digest)
	return s, nil
}

// summarizeVuln counts the findings of cosign's vuln predicate. The scanner
// result is the scanner's own report; Trivy (Results[].Vulnerabilities[]),
// Grype (matches[].vulnerability) and a plain {"summary": {severity: n}} are
// read.
func summarizeVuln(predicate json.RawMessage) (*VulnerabilitySummary, error) {
	var p struct {
		Scanner struct {
			URI    string `json:"uri"`
			Result struct {
				Results []struct {
					Vulnerabilities []struct {
						Severity string `json:"Severity"`
					} `json:"Vulnerabilities"`
				} `json:"Results"`
				Matches []struct {
					Vulnerability struct {
						Severity string `json:"severity"`
					} `json:"vulnerability"`
				} `json:"matches"`
				Summary map[string]uint64 `json:"summary"`
			} `json:"result"`
		} `json:"scanner"`
	}
	if err := json.Unmarshal(predicate, &p); err != nil {
		return nil, err
	}
	s := &VulnerabilitySummary{Scanner: p.Scanner.URI}
	for _, r := range p.Scanner.Result.Results {
		for _, v := range r.Vulnerabilities {
			s.add(v.Severity, 1)
		}
	}
	for _, m := range p.Scanner.Result.Matches {
		s.add(m.Vulnerability.Severity, 1)
	}
	// Summary keys are visited in a fixed order: the counts do not depend on
	// it, but a map is never iterated for consensus output.
	for _, sev := range []string{"critical", "high", "medium", "moderate", "low", "negligible", "unknown"} {
		for key, n := range p.Scanner.Result.Summary {
			if strings.EqualFold(key, sev) {
				s.add(sev, n)
			}
		}
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

func summarizeTestResult(predicate json.RawMessage) (*TestResultSummary, error) {
	var p struct {
		Result      string   `json:"result"`
		PassedTests []string `json:"passedTests"`
		FailedTests []string `json:"failedTests"`
	}
	if err := json.Unmarshal(predicate, &p); err != nil {
		return nil, err
	}
	result := strings.ToUpper(p.Result)
	switch result {
	case "PASSED", "WARNED", "FAILED":
	default:
		return nil, errorsmod.Wrapf(ErrInvalidPredicate, "result %q is not PASSED, WARNED or FAILED", p.Result)
	}
	// WARNED is not a pass: a policy that asks for passing tests means it.
	return &TestResultSummary{
		Passed:      result == "PASSED",
		Result:      result,
		PassedTests: uint64(len(p.PassedTests)),
		FailedTests: uint64(len(p.FailedTests)),
	}, nil
}

func summarizeApproval(predicate json.RawMessage) (*ApprovalSummary, error) {
	var p struct {
		Approver    string `json:"approver"`
		Environment string `json:"environment"`
		Note        string `json:"note"`
	}
	if err := json.Unmarshal(predicate, &p); err != nil {
		return nil, err
	}
	if strings.TrimSpace(p.Approver) == "" {
		return nil, errorsmod.Wrap(ErrInvalidPredicate, "approver is required")
	}
	return &ApprovalSummary{Approver: p.Approver, Environment: p.Environment, Note: p.Note}, nil
}

func validateDigestAs(class *errorsmod.Error, what, d string) error {
	if err := ValidateDigest(d); err != nil {
		return errorsmod.Wrapf(class, "%s: %s", what, err)
	}
	return nil
}
