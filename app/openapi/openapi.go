// Package openapi serves the OpenAPI (Swagger 2.0) description of shiplog's
// REST API, generated from the query protos by `make proto-gen`.
package openapi

import (
	_ "embed"
	"net/http"
)

// Path is where the REST server publishes the description.
const Path = "/shiplog/openapi.json"

//go:embed shiplog.swagger.json
var Spec []byte

// Handler serves Spec.
func Handler(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(Spec)
}
