package types

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"

	errorsmod "cosmossdk.io/errors"
	intoto "github.com/in-toto/attestation/go/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// Envelope payload and in-toto statement types the module reads.
const (
	PayloadTypeInToto = "application/vnd.in-toto+json"
	StatementTypeV1   = "https://in-toto.io/Statement/v1"
	StatementTypeV01  = "https://in-toto.io/Statement/v0.1"
)

// Bounds of a stored statement.
const (
	// MaxEnvelopePayload is the largest payload stored on chain; larger
	// envelopes are submitted as a signed reference (PredicateReference).
	MaxEnvelopePayload = 64 << 10
	MaxSignatures      = 8
	MaxSignatureLength = 1024
	MaxSubjects        = 64
	MaxSubjectName     = 512
	MaxPredicateType   = 256
)

// Statement is the part of an in-toto statement the chain keeps.
type Statement struct {
	Type          string
	PredicateType string
	// Subjects carry only their sha256/sha512 digests, as "algo:hex", sorted;
	// subjects without one are dropped.
	Subjects  []Subject
	Predicate json.RawMessage
}

// ParseStatement reads an in-toto Statement (v1 or v0.1) with the in-toto
// attestation library and keeps the subjects' sha256 and sha512 digests. At
// least one subject must have one.
func ParseStatement(payload []byte) (Statement, error) {
	var st intoto.Statement
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(payload, &st); err != nil {
		return Statement{}, errorsmod.Wrapf(ErrInvalidStatement, "payload is not an in-toto statement: %s", err)
	}
	if t := st.GetType(); t != StatementTypeV1 && t != StatementTypeV01 {
		return Statement{}, errorsmod.Wrapf(ErrInvalidStatement, "statement _type %q is not %s or %s", t, StatementTypeV1, StatementTypeV01)
	}
	if len(st.GetSubject()) == 0 {
		return Statement{}, errorsmod.Wrap(ErrInvalidSubject, "the statement has no subject")
	}
	if len(st.GetSubject()) > MaxSubjects {
		return Statement{}, errorsmod.Wrapf(ErrInvalidSubject, "the statement has %d subjects, at most %d allowed", len(st.GetSubject()), MaxSubjects)
	}
	out := Statement{Type: st.GetType(), PredicateType: st.GetPredicateType()}
	for i, rd := range st.GetSubject() {
		if len(rd.GetName()) > MaxSubjectName {
			return Statement{}, errorsmod.Wrapf(ErrInvalidSubject, "subject %d name is %d bytes, at most %d allowed", i, len(rd.GetName()), MaxSubjectName)
		}
		algos := make([]string, 0, len(rd.GetDigest()))
		for algo := range rd.GetDigest() {
			algos = append(algos, algo)
		}
		slices.Sort(algos)
		var digests []string
		for _, algo := range algos {
			if algo != "sha256" && algo != "sha512" {
				continue
			}
			d := algo + ":" + strings.ToLower(rd.GetDigest()[algo])
			if err := ValidateDigest(d); err != nil {
				return Statement{}, errorsmod.Wrapf(ErrInvalidSubject, "subject %d (%q): %s", i, rd.GetName(), err)
			}
			digests = append(digests, d)
		}
		if len(digests) > 0 {
			out.Subjects = append(out.Subjects, Subject{Name: rd.GetName(), Digests: digests})
		}
	}
	if err := st.Validate(); err != nil {
		class := ErrInvalidStatement
		if errors.Is(err, intoto.ErrSubjectRequired) || errors.Is(err, intoto.ErrDigestRequired) ||
			errors.Is(err, intoto.ErrIncorrectDigestLength) || errors.Is(err, intoto.ErrInvalidDigestEncoding) {
			class = ErrInvalidSubject
		}
		return Statement{}, errorsmod.Wrapf(class, "in-toto statement: %s", err)
	}
	if len(out.Subjects) == 0 {
		return Statement{}, errorsmod.Wrap(ErrInvalidSubject, "no subject has a sha256 or sha512 digest")
	}
	if err := ValidatePredicateType(out.PredicateType); err != nil {
		return Statement{}, err
	}
	// The predicate is taken from what the in-toto library parsed (field
	// names matched exactly, repeated keys refused), never re-read from the
	// payload with a more lenient decoder.
	predicate, err := protojson.Marshal(st.GetPredicate())
	if err != nil {
		return Statement{}, errorsmod.Wrapf(ErrInvalidStatement, "predicate: %s", err)
	}
	out.Predicate = predicate
	return out, nil
}

// SubjectDigests lists every digest of every subject, sorted, without repeats.
func SubjectDigests(subjects []Subject) []string {
	var out []string
	for _, s := range subjects {
		out = append(out, s.Digests...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
