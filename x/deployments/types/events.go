package types

import (
	"encoding/json"
	"strconv"
	"strings"

	abci "github.com/cometbft/cometbft/abci/types"
	sdk "github.com/cosmos/cosmos-sdk/types"
)

// eventDeploymentRecordedType is proto.MessageName of the event, which is
// empty while package variables initialise (registration runs in init).
const eventDeploymentRecordedType = "shiplog.deployments.v1.EventDeploymentRecorded"

// ToEvent returns the event sdk.TypedEventToEvent makes of e, byte for byte
// (attributes sorted by proto field name, values in proto JSON with
// defaults), so clients parse it with sdk.ParseTypedEvent as before. It is
// written out because it runs once per record: the generic path marshals
// through reflection-based jsonpb and parses the JSON back, a third of a
// batched record's keeper time.
func (e *EventDeploymentRecorded) ToEvent() sdk.Event {
	digests := make([]string, len(e.ArtifactDigests))
	for i, d := range e.ArtifactDigests {
		digests[i] = jsonString(d)
	}
	// The order is the sorted field names.
	return sdk.Event{Type: eventDeploymentRecordedType, Attributes: []abci.EventAttribute{
		{Key: "artifact_digests", Value: "[" + strings.Join(digests, ",") + "]"},
		{Key: "deployer", Value: jsonString(e.Deployer)},
		{Key: "environment", Value: jsonString(e.Environment)},
		{Key: "external_id", Value: jsonString(e.ExternalId)},
		{Key: "id", Value: jsonUint64(e.Id)},
		{Key: "organization_id", Value: jsonString(e.OrganizationId)},
		{Key: "rollback_of", Value: jsonUint64(e.RollbackOf)},
		{Key: "service", Value: jsonString(e.Service)},
		{Key: "status", Value: jsonEnum(DeploymentStatus_name, int32(e.Status))},
		{Key: "strategy", Value: jsonEnum(Strategy_name, int32(e.Strategy))},
		{Key: "version", Value: jsonString(e.Version)},
	}}
}

// jsonString encodes s as jsonpb does (encoding/json, HTML-safe escapes).
// Names, versions, addresses and digests are nearly always printable ASCII
// that needs no escape: those are quoted as they are, without the encoder.
func jsonString(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return jsonEscaped(s)
		}
	}
	return `"` + s + `"`
}

func jsonEscaped(s string) string {
	bz, err := json.Marshal(s)
	if err != nil { // a Go string always encodes
		panic(err)
	}
	return string(bz)
}

// jsonUint64 is proto JSON's 64-bit integer: a decimal string.
func jsonUint64(v uint64) string { return `"` + strconv.FormatUint(v, 10) + `"` }

// jsonEnum is proto JSON's enum: the value's name, or its number if unnamed.
func jsonEnum(names map[int32]string, v int32) string {
	if name, ok := names[v]; ok {
		return `"` + name + `"`
	}
	return strconv.FormatInt(int64(v), 10)
}
