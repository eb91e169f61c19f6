package types

import (
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cosmos/gogoproto/jsonpb"
	"github.com/stretchr/testify/require"
)

// gatewayMarshaler has the settings of the SDK's REST gateway and CLI.
var gatewayMarshaler = &jsonpb.Marshaler{OrigName: true, EmitDefaults: true}

// fill sets every field of v (a pointer) to random values, reaching into
// nested messages, lists and optional fields, so a field added to the proto
// is covered without touching this test.
func fill(r *rand.Rand, v reflect.Value) {
	switch v.Interface().(type) {
	case time.Time:
		// Years 1-9999, with 0, 3, 6 or 9 significant fractional digits.
		nanos := []int64{0, 123_000_000, 123_456_000, 123_456_789}[r.Intn(4)]
		v.Set(reflect.ValueOf(time.Unix(r.Int63n(253402300799+62135596800)-62135596800, nanos).In(time.FixedZone("x", 3600))))
		return
	case time.Duration:
		v.SetInt(r.Int63() - r.Int63())
		if r.Intn(3) == 0 {
			v.SetInt(int64(r.Intn(2_000_000_000)) - 1_000_000_000) // under a second either way
		}
		return
	}
	switch v.Kind() {
	case reflect.Ptr:
		if r.Intn(4) == 0 {
			return // nil
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(r, v.Elem())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if !strings.HasPrefix(v.Type().Field(i).Name, "XXX_") {
				fill(r, v.Field(i))
			}
		}
	case reflect.Slice:
		n := r.Intn(4)
		if n == 0 && r.Intn(2) == 0 {
			return // nil, not empty
		}
		v.Set(reflect.MakeSlice(v.Type(), n, n))
		for i := 0; i < n; i++ {
			fill(r, v.Index(i))
		}
	case reflect.String:
		pieces := []string{"", "checkout", `q"uote`, `back\slash`, "<html>&", "tab\t", "nl\n", "\x01", "\u2028", "ünï ✓", "\xff"}
		v.SetString(pieces[r.Intn(len(pieces))] + pieces[r.Intn(len(pieces))])
	case reflect.Uint64:
		v.SetUint(r.Uint64() >> r.Intn(64))
	case reflect.Int64:
		v.SetInt((r.Int63() >> r.Intn(63)) * int64(1-2*r.Intn(2)))
	case reflect.Int32: // enums: named values and unnamed ones
		v.SetInt(int64(r.Intn(12) - 2))
	case reflect.Bool:
		v.SetBool(r.Intn(2) == 0)
	default:
		panic("fill: unhandled kind " + v.Kind().String() + " of " + v.Type().String())
	}
}

func TestDeploymentJSONMatchesJSONPB(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	for i := 0; i < 2000; i++ {
		var d Deployment
		if i > 0 { // the first is all zero values
			fill(r, reflect.ValueOf(&d).Elem())
		}
		want, wantErr := gatewayMarshaler.MarshalToString((*deploymentFields)(&d))
		got, gotErr := gatewayMarshaler.MarshalToString(&d)
		require.Equal(t, wantErr == nil, gotErr == nil, "record %d: %v / %v", i, wantErr, gotErr)
		require.Equal(t, want, got, "record %d", i)
	}
}

// Inside a response, and with other settings (which defer to jsonpb).
func TestDeploymentJSONInResponsesAndOtherSettings(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	var a, b Deployment
	fill(r, reflect.ValueOf(&a).Elem())
	fill(r, reflect.ValueOf(&b).Elem())
	a.Source.CommitTime, b.PolicyDecision = nil, nil

	res := &QueryDeploymentsResponse{Deployments: []Deployment{a, b}}
	got, err := gatewayMarshaler.MarshalToString(res)
	require.NoError(t, err)
	wantA, err := gatewayMarshaler.MarshalToString((*deploymentFields)(&a))
	require.NoError(t, err)
	wantB, err := gatewayMarshaler.MarshalToString((*deploymentFields)(&b))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(got, `{"deployments":[`+wantA+","+wantB+"]"), got)

	for _, m := range []*jsonpb.Marshaler{
		{OrigName: true, EmitDefaults: true, Indent: "  "},
		{OrigName: false, EmitDefaults: true},
		{OrigName: true, EmitDefaults: false},
		{OrigName: true, EmitDefaults: true, EnumsAsInts: true},
	} {
		want, err := m.MarshalToString((*deploymentFields)(&a))
		require.NoError(t, err)
		got, err := m.MarshalToString(&a)
		require.NoError(t, err)
		require.Equal(t, want, got, "%+v", m)
	}
}

func TestDeploymentJSONRejectsTimesWithoutAProtoTimestamp(t *testing.T) {
	d := Deployment{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, err := gatewayMarshaler.MarshalToString((*deploymentFields)(&d))
	require.Error(t, err)
	_, err = gatewayMarshaler.MarshalToString(&d)
	require.ErrorContains(t, err, "outside the range of google.protobuf.Timestamp")
}
