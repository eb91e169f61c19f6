#!/usr/bin/env bash
# Regenerates the committed *.pb.go and *.pb.gw.go files from proto/ (gogoproto
# types, and protobuf-v2 types of the transaction messages in api/), offline:
# the tools come from the Go module proxy at pinned versions and every
# third-party .proto is copied out of the Go module cache.
set -euo pipefail
cd "$(dirname "$0")/.."

BUF_VERSION=v1.75.0
GOCOSMOS_VERSION=v1.7.2
GATEWAY_VERSION=v1.16.0

GOBIN="$(go env GOPATH)/bin"
export PATH="$GOBIN:$PATH"
need() { command -v "$1" >/dev/null 2>&1 || go install "$2"; }
need buf github.com/bufbuild/buf/cmd/buf@$BUF_VERSION
need protoc-gen-gocosmos github.com/cosmos/gogoproto/protoc-gen-gocosmos@$GOCOSMOS_VERSION
need protoc-gen-grpc-gateway github.com/grpc-ecosystem/grpc-gateway/protoc-gen-grpc-gateway@$GATEWAY_VERSION
need protoc-gen-swagger github.com/grpc-ecosystem/grpc-gateway/protoc-gen-swagger@$GATEWAY_VERSION
# protoc-gen-go at the version of the protobuf runtime the module builds with
need protoc-gen-go "google.golang.org/protobuf/cmd/protoc-gen-go@$(go list -m -f '{{.Version}}' google.golang.org/protobuf)"

moddir() {
  go mod download "$1" >/dev/null 2>&1 || true
  go list -m -f '{{.Dir}}' "$1"
}

DEPS=.proto-deps
rm -rf "$DEPS"
mkdir -p "$DEPS"/{amino,gogoproto,google/api,cosmos_proto}

SDK=$(moddir github.com/cosmos/cosmos-sdk)
for f in amino/amino.proto cosmos/msg/v1/msg.proto cosmos/query/v1/query.proto \
  cosmos/base/query/v1beta1/pagination.proto; do
  mkdir -p "$DEPS/$(dirname "$f")"
  cp "$SDK/proto/$f" "$DEPS/$f"
done
cp "$(moddir github.com/cosmos/cosmos-proto)/proto/cosmos_proto/cosmos.proto" "$DEPS/cosmos_proto/"
cp "$(moddir github.com/cosmos/gogoproto)/gogoproto/gogo.proto" "$DEPS/gogoproto/"
GW=$(moddir github.com/grpc-ecosystem/grpc-gateway)
cp "$GW/third_party/googleapis/google/api/annotations.proto" "$GW/third_party/googleapis/google/api/http.proto" "$DEPS/google/api/"
chmod -R u+w "$DEPS"

echo "generating gogo protobuf code"
buf generate --template proto/buf.gen.gogo.yaml --path proto/shiplog
cp -r "$DEPS"/gen/github.com/shiplog/shiplog/* ./
rm -rf "$DEPS/gen"

echo "generating protobuf-v2 types of the transaction messages"
mapfile -t msgfiles < <(find proto/shiplog \( -name tx.proto -o -name types.proto \) | sort)
buf generate --template proto/buf.gen.api.yaml $(printf -- '--path %s ' "${msgfiles[@]}")
rm -rf api
cp -r "$DEPS"/gen-api/api ./
rm -rf "$DEPS/gen-api"

echo "generating the OpenAPI description of the REST API"
mapfile -t queries < <(find proto/shiplog -name query.proto | sort)
buf generate --template proto/buf.gen.swagger.yaml $(printf -- '--path %s ' "${queries[@]}")
sed -e '0,/"title": ".*"/s//"title": "shiplog REST API"/' \
    -e '0,/"version": ".*"/s//"version": "v1"/' \
    "$DEPS/openapi/shiplog.swagger.json" >app/openapi/shiplog.swagger.json
rm -rf "$DEPS/openapi"
echo "done"
