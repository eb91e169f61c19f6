#!/usr/bin/env bash
# Single-node shiplog dev chain: initialises a home folder on first use
# (one organisation, one validator, a dev key holding every role), then
# starts the node in the foreground.
#
#   scripts/dev-node.sh          init if needed, print usage, start
#   scripts/dev-node.sh init     init only (used by the system tests)
#
# Environment: SHIPLOGD (binary), SHIPLOG_HOME, CHAIN_ID, RPC_PORT, P2P_PORT,
# API_PORT, GRPC_PORT, METRICS_PORT. Every listener is bound to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${SHIPLOGD:-$PWD/build/shiplogd}
HOME_DIR=${SHIPLOG_HOME:-$PWD/.shiplog-dev}
CHAIN_ID=${CHAIN_ID:-shiplog-dev-1}
RPC_PORT=${RPC_PORT:-26657}
P2P_PORT=${P2P_PORT:-26656}
API_PORT=${API_PORT:-1317}
GRPC_PORT=${GRPC_PORT:-9090}
METRICS_PORT=${METRICS_PORT:-26660}
ORG=dev-org
ROLES=admin,operator,deployer,attestor,responder,detector

init_home() {
  echo "initialising $HOME_DIR (chain $CHAIN_ID)"
  local log
  log=$(mktemp)
  # A failed step prints its output and leaves no half-made home behind.
  trap 'cat "$log" >&2; rm -rf "$HOME_DIR"; echo "dev chain initialisation failed" >&2' ERR
  "$BIN" init dev-validator --chain-id "$CHAIN_ID" --home "$HOME_DIR" >"$log" 2>&1
  "$BIN" keys add dev --keyring-backend test --home "$HOME_DIR" --output json >"$HOME_DIR/dev-key.json" 2>&1
  local dev
  dev=$("$BIN" keys show dev -a --keyring-backend test --home "$HOME_DIR")
  "$BIN" genesis add-org "$ORG" "Dev Organization" --home "$HOME_DIR"
  "$BIN" genesis add-member "$dev" "$ORG" "$ROLES" --home "$HOME_DIR"
  "$BIN" genesis add-validator dev-validator "$ORG" --home "$HOME_DIR"
  "$BIN" genesis validate-genesis --home "$HOME_DIR" >"$log" 2>&1

  local cfg="$HOME_DIR/config"
  sed -i \
    -e "s|^laddr = \"tcp://127.0.0.1:26657\"|laddr = \"tcp://127.0.0.1:$RPC_PORT\"|" \
    -e "s|^laddr = \"tcp://0.0.0.0:26656\"|laddr = \"tcp://127.0.0.1:$P2P_PORT\"|" \
    -e "s|^pprof_laddr = .*|pprof_laddr = \"\"|" \
    -e "s|^addr_book_strict = true|addr_book_strict = false|" \
    -e "s|^prometheus = false|prometheus = true|" \
    -e "s|^prometheus_listen_addr = .*|prometheus_listen_addr = \"127.0.0.1:$METRICS_PORT\"|" \
    "$cfg/config.toml"
  sed -i \
    -e "s|^address = \"tcp://127.0.0.1:1317\"|address = \"tcp://127.0.0.1:$API_PORT\"|" \
    -e "s|^address = \"127.0.0.1:9090\"|address = \"127.0.0.1:$GRPC_PORT\"|" \
    "$cfg/app.toml"
  sed -i \
    -e "s|^chain-id = .*|chain-id = \"$CHAIN_ID\"|" \
    -e "s|^keyring-backend = .*|keyring-backend = \"test\"|" \
    -e "s|^node = .*|node = \"tcp://127.0.0.1:$RPC_PORT\"|" \
    -e "s|^broadcast-mode = .*|broadcast-mode = \"sync\"|" \
    "$cfg/client.toml"
  trap - ERR
  rm -f "$log"
}

usage() {
  local dev h metrics
  dev=$("$BIN" keys show dev -a --keyring-backend test --home "$HOME_DIR")
  h="$HOME_DIR"
  [ "$h" = "$PWD/.shiplog-dev" ] && h=.shiplog-dev
  # A home made before metrics were on keeps its config.toml.
  metrics="off (set prometheus = true in config.toml)"
  if grep -q '^prometheus = true' "$HOME_DIR/config/config.toml"; then
    metrics=$(sed -n 's|^prometheus_listen_addr = "\(.*\)"|http://\1/metrics|p' "$HOME_DIR/config/config.toml")
  fi
  cat <<USAGE

shiplog dev chain $CHAIN_ID (home $h)
  CometBFT RPC  http://127.0.0.1:$RPC_PORT
  REST          http://127.0.0.1:$API_PORT
  gRPC          127.0.0.1:$GRPC_PORT
  Prometheus    $metrics
  dev key       dev = $dev (roles $ROLES, organisation $ORG)

Record a deployment as a CI job would (in another terminal):
  ./build/shiplogd tx deployments record checkout production 1.4.2 \\
    --artifact app=sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 \\
    --repo https://git.example.com/shop/checkout --commit 4f2a9c1 \\
    --strategy canary --external-id ci-run-1 --from dev --home $h --yes

Read it back over REST:
  curl -s http://127.0.0.1:$API_PORT/shiplog/deployments/v1/deployments/1

USAGE
}

[ -x "$BIN" ] || { echo "no shiplogd binary at $BIN: run make build" >&2; exit 1; }
[ -f "$HOME_DIR/config/genesis.json" ] || init_home
[ "${1:-}" = "init" ] && exit 0
usage
exec "$BIN" start --home "$HOME_DIR"
