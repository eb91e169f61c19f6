package types_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	attestutil "github.com/shiplog/shiplog/x/attestations/testutil"
	"github.com/shiplog/shiplog/x/attestations/types"
)

var (
	api    = attestutil.SHA256Subject("api.tar", "api")
	web    = attestutil.SHA256Subject("web.tar", "web")
	hex256 = strings.Repeat("0a", 32)
	hex512 = strings.Repeat("0b", 64)
)

func statement(statementType string, subjects ...attestutil.Subject) []byte {
	return attestutil.Statement(statementType, types.PredicateSLSAProvenanceV1, map[string]any{"buildDefinition": map[string]any{}}, subjects...)
}

func TestParseStatement(t *testing.T) {
	for _, st := range []string{types.StatementTypeV1, types.StatementTypeV01} {
		t.Run(st, func(t *testing.T) {
			got, err := types.ParseStatement(statement(st, api, attestutil.Subject{Name: "both", Digest: map[string]string{"sha512": hex512, "sha256": hex256, "sha1": strings.Repeat("1", 40)}}))
			require.NoError(t, err)
			require.Equal(t, st, got.Type)
			require.Equal(t, types.PredicateSLSAProvenanceV1, got.PredicateType)
			require.Equal(t, []types.Subject{
				{Name: "api.tar", Digests: []string{api.Digest256()}},
				{Name: "both", Digests: []string{"sha256:" + hex256, "sha512:" + hex512}},
			}, got.Subjects)
			require.JSONEq(t, `{"buildDefinition":{}}`, string(got.Predicate))
		})
	}
}

func TestParseStatementIgnoresUnknownFields(t *testing.T) {
	payload := fmt.Sprintf(`{"_type":%q,"subject":[{"name":"a","digest":{"sha256":%q},"annotations":{"x":1}}],"predicateType":%q,"predicate":{"k":1},"extra":true}`,
		types.StatementTypeV1, hex256, types.PredicateSPDX)
	got, err := types.ParseStatement([]byte(payload))
	require.NoError(t, err)
	require.Equal(t, []string{"sha256:" + hex256}, got.Subjects[0].Digests)
}

func TestParseStatementSubjects(t *testing.T) {
	got, err := types.ParseStatement(statement(types.StatementTypeV1,
		attestutil.Subject{Name: "upper", Digest: map[string]string{"sha256": strings.ToUpper(hex256)}},
		attestutil.Subject{Name: "sha1 only", Digest: map[string]string{"sha1": strings.Repeat("a", 40)}},
		attestutil.Subject{Name: "custom algorithm only", Digest: map[string]string{"gitCommit": strings.Repeat("c", 40), "custom": "anything"}},
	))
	require.NoError(t, err)
	require.Equal(t, []types.Subject{{Name: "upper", Digests: []string{"sha256:" + hex256}}}, got.Subjects, "digests are lower-cased; subjects without sha256/sha512 dropped")
}

func TestParseStatementRejected(t *testing.T) {
	many := make([]attestutil.Subject, 65)
	for i := range many {
		many[i] = attestutil.SHA256Subject(fmt.Sprint(i), fmt.Sprint(i))
	}
	raw := func(format string, args ...any) []byte { return []byte(fmt.Sprintf(format, args...)) }
	for _, tc := range []struct {
		name    string
		payload []byte
		class   error
		msg     string
	}{
		{"not JSON", []byte("{"), types.ErrInvalidStatement, "payload is not an in-toto statement"},
		{"JSON array", []byte("[]"), types.ErrInvalidStatement, "not an in-toto statement"},
		{"wrong statement type", statement("https://in-toto.io/Statement/v0.2", api), types.ErrInvalidStatement, `statement _type "https://in-toto.io/Statement/v0.2" is not`},
		{"no statement type", statement("", api), types.ErrInvalidStatement, `statement _type ""`},
		{"no subjects", statement(types.StatementTypeV1), types.ErrInvalidSubject, "the statement has no subject"},
		{"too many subjects", statement(types.StatementTypeV1, many...), types.ErrInvalidSubject, "65 subjects, at most 64"},
		{"subject name too long", statement(types.StatementTypeV1, attestutil.Subject{Name: strings.Repeat("n", 513), Digest: api.Digest}), types.ErrInvalidSubject, "subject 0 name is 513 bytes"},
		{"sha256 not hex", statement(types.StatementTypeV1, api, attestutil.Subject{Name: "b", Digest: map[string]string{"sha256": strings.Repeat("g", 64)}}), types.ErrInvalidSubject, `subject 1 ("b")`},
		{"sha256 too short", statement(types.StatementTypeV1, attestutil.Subject{Name: "b", Digest: map[string]string{"sha256": "abc"}}), types.ErrInvalidSubject, "3 characters, want 64"},
		{"sha512 of sha256 length", statement(types.StatementTypeV1, attestutil.Subject{Name: "b", Digest: map[string]string{"sha512": hex256}}), types.ErrInvalidSubject, "want 128"},
		{"sha1 not hex", statement(types.StatementTypeV1, api, attestutil.Subject{Name: "b", Digest: map[string]string{"sha1": strings.Repeat("z", 40)}}), types.ErrInvalidSubject, "in-toto statement"},
		{"subject without digest", statement(types.StatementTypeV1, api, attestutil.Subject{Name: "b"}), types.ErrInvalidSubject, "digest required"},
		{"only sha1", statement(types.StatementTypeV1, attestutil.Subject{Name: "b", Digest: map[string]string{"sha1": strings.Repeat("a", 40)}}), types.ErrInvalidSubject, "no subject has a sha256 or sha512 digest"},
		{"no predicate type", raw(`{"_type":%q,"subject":[{"name":"a","digest":{"sha256":%q}}],"predicate":{}}`, types.StatementTypeV1, hex256), types.ErrInvalidStatement, "predicate type required"},
		{"no predicate", raw(`{"_type":%q,"subject":[{"name":"a","digest":{"sha256":%q}}],"predicateType":%q}`, types.StatementTypeV1, hex256, types.PredicateSPDX), types.ErrInvalidStatement, "predicate object required"},
		{"predicate not an object", raw(`{"_type":%q,"subject":[{"name":"a","digest":{"sha256":%q}}],"predicateType":%q,"predicate":"x"}`, types.StatementTypeV1, hex256, types.PredicateSPDX), types.ErrInvalidStatement, ""},
		{"predicate type not a URI", attestutil.Statement(types.StatementTypeV1, "slsa", map[string]any{}, api), types.ErrInvalidPredicate, `predicate type "slsa" is not an absolute URI`},
		{"predicate type too long", attestutil.Statement(types.StatementTypeV1, "https://x/"+strings.Repeat("p", 300), map[string]any{}, api), types.ErrInvalidPredicate, "at most 256"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := types.ParseStatement(tc.payload)
			require.ErrorIs(t, err, tc.class)
			require.ErrorContains(t, err, tc.msg)
		})
	}
}

func TestSubjectDigests(t *testing.T) {
	got := types.SubjectDigests([]types.Subject{
		{Name: "b", Digests: []string{"sha512:" + hex512, "sha256:" + hex256}},
		{Name: "a", Digests: []string{"sha256:" + hex256}},
		{Name: "c", Digests: []string{api.Digest256()}},
	})
	want := []string{"sha256:" + hex256, api.Digest256(), "sha512:" + hex512}
	slices.Sort(want)
	require.Equal(t, want, got, "sorted, repeats removed")
	require.Nil(t, types.SubjectDigests(nil))
}

func TestValidateDigestAndPredicateType(t *testing.T) {
	require.NoError(t, types.ValidateDigest("sha256:"+hex256))
	require.NoError(t, types.ValidateDigest("sha512:"+hex512))
	for _, d := range []string{"", hex256, "sha1:" + strings.Repeat("a", 40), "sha256:" + strings.ToUpper(hex256), "sha256:" + hex256 + "00", "md5:" + hex256} {
		require.ErrorIs(t, types.ValidateDigest(d), types.ErrInvalidSubject, d)
	}
	require.NoError(t, types.ValidatePredicateType("https://slsa.dev/provenance/v1"))
	require.NoError(t, types.ValidatePredicateType("urn:example:predicate"))
	for _, p := range []string{"", "slsa", "/relative/path", "https://x/\n", "https://x/" + strings.Repeat("p", 256)} {
		require.ErrorIs(t, types.ValidatePredicateType(p), types.ErrInvalidPredicate, p)
	}
}

// JSON keys are case-sensitive for in-toto: the in-toto library (and every
// verifier reading "predicate") sees the FAILED result below, and so should
// the chain's summary.
func TestParseStatementPredicateKeyIsCaseSensitive(t *testing.T) {
	t.Skip(`BUG: types/statement.go ParseStatement re-reads "predicate" with encoding/json, whose keys match case-insensitively (last wins): a payload with "predicate":{FAILED} and "Predicate":{PASSED} is validated by the in-toto library on the first and summarised by the chain from the second`)
	payload := fmt.Sprintf(`{"_type":%q,"subject":[{"name":"a","digest":{"sha256":%q}}],"predicateType":%q,"predicate":{"result":"FAILED"},"Predicate":{"result":"PASSED"}}`,
		types.StatementTypeV1, hex256, types.PredicateTestResult)
	st, err := types.ParseStatement([]byte(payload))
	require.NoError(t, err)
	s, err := types.Summarize(st.PredicateType, st.Predicate)
	require.NoError(t, err)
	require.False(t, s.TestResult.Passed)
}
