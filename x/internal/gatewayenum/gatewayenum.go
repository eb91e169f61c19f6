// Package gatewayenum lets the REST gateway read enum query parameters by
// value name (?status=DEPLOYMENT_STATUS_SUCCEEDED) as well as by number.
//
// The gateway looks enum names up in golang/protobuf's registry, which
// gogoproto-generated types do not fill: without registering, a name
// failed in the gateway with a strconv error and only numbers worked.
package gatewayenum

import protov1 "github.com/golang/protobuf/proto"

// Register makes the gateway accept the value names of the enum with full
// protobuf name name. A module's types package calls it from init for
// every enum its query requests carry.
func Register(name string, values map[string]int32) {
	if protov1.EnumValueMap(name) == nil {
		protov1.RegisterEnum(name, nil, values)
	}
}
