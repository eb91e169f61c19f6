# shiplog build, run and test targets. `make run` and `make test` are all a
# fresh clone needs.
BUILDDIR ?= $(CURDIR)/build
BINARY   := $(BUILDDIR)/shiplogd
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT   := $(shell git rev-parse HEAD 2>/dev/null)
# libsecp256k1_sdk: the SDK verifies secp256k1 signatures with the C
# library libsecp256k1 (built from the SDK's sources by cgo, so a C compiler
# is needed) instead of pure Go: a check takes 104 us instead of 253, and one
# validator commits about 12% more single-record transactions a second.
# `make build BUILD_TAGS=` builds the pure-Go verifier, which accepts the
# same transactions (see app/canonicalsig.go).
BUILD_TAGS ?= libsecp256k1_sdk
LDFLAGS  := -X github.com/cosmos/cosmos-sdk/version.Name=shiplog \
            -X github.com/cosmos/cosmos-sdk/version.AppName=shiplogd \
            -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
            -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT) \
            -X github.com/cosmos/cosmos-sdk/version.BuildTags=$(BUILD_TAGS)
GO_TEST_TIMEOUT ?= 25m

.PHONY: all build install run clean-dev test test-unit test-system lint proto-gen bench bench-state bench-load bench-nab localnet-start localnet-stop localnet-status localnet-clean

all: build

build:
	go build -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' -o $(BINARY) ./cmd/shiplogd

install:
	go install -tags '$(BUILD_TAGS)' -ldflags '$(LDFLAGS)' ./cmd/shiplogd

## run: single-node dev chain in ./.shiplog-dev (created on first use)
run: build
	./scripts/dev-node.sh

## clean-dev: forget the dev chain's state and keys
clean-dev:
	rm -rf .shiplog-dev

## test: unit, app and system tests (the system tests build and run shiplogd)
test: test-unit test-system

test-unit:
	go test -tags '$(BUILD_TAGS)' -count=1 -timeout $(GO_TEST_TIMEOUT) ./...

test-system: build
	SHIPLOGD=$(BINARY) go test -count=1 -timeout $(GO_TEST_TIMEOUT) -tags 'system $(BUILD_TAGS)' ./testnet/...

lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo 'gofmt needed'; exit 1; }
	go vet -tags '$(BUILD_TAGS)' ./...
	go vet -tags 'system $(BUILD_TAGS)' ./testnet/...

## proto-gen: regenerate *.pb.go and *.pb.gw.go offline from proto/
proto-gen:
	./scripts/protocgen.sh

## bench: bench-state, then bench-load
bench: bench-state bench-load

## bench-state: in-process state-machine figures (records/s through
## FinalizeBlock and Commit on pebble, CheckTx cost, a filtered list over
## 10,000 records)
bench-state:
	go test -tags '$(BUILD_TAGS)' -run '^$$' -bench . -benchmem -benchtime 3000x ./app/

## bench-load: real nodes on loopback under `shiplogd bench load`: one
## validator (single and batched records), four validators, and CometBFT's
## kvstore app as the engine's ceiling; prints records/s, p50/p95/p99
## submit-to-commit, bytes on disk per record, peak memory per node, the
## nodes' CPU time per record and the generator's CPU seconds.
## BENCH_SECONDS (30) per scenario, BENCH_RATE (0: flat out) txs/s.
bench-load: build
	SHIPLOGD=$(BINARY) ./scripts/bench-load.sh

## bench-nab: the anomaly detector on the Numenta Anomaly Benchmark: results in
## build/nab, NAB scores for the three cost profiles and points/s
NAB_DATA ?= $(CURDIR)/../shared/data/nab
bench-nab: build
	$(BINARY) aiops nab --data $(NAB_DATA) --out $(BUILDDIR)/nab
	$(BINARY) aiops nab-score --data $(NAB_DATA) --results $(BUILDDIR)/nab --detector shiplog

## localnet-start: four validators (one organisation each) on loopback from
## ./build/localnet, created on first use by `shiplogd testnet init-files`;
## logs and pids in build/localnet/nodeI.{log,pid}
localnet-start: build
	SHIPLOGD=$(BINARY) LOCALNET_DIR=$(BUILDDIR)/localnet ./scripts/localnet.sh start

## localnet-stop: stop the localnet nodes by their pid files
localnet-stop:
	SHIPLOGD=$(BINARY) LOCALNET_DIR=$(BUILDDIR)/localnet ./scripts/localnet.sh stop

## localnet-status: height, peers and last app hash of every localnet node
localnet-status:
	SHIPLOGD=$(BINARY) LOCALNET_DIR=$(BUILDDIR)/localnet ./scripts/localnet.sh status

## localnet-clean: forget the localnet's state and keys (stop it first)
localnet-clean: localnet-stop
	rm -rf $(BUILDDIR)/localnet
