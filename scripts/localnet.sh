#!/usr/bin/env bash
# Four-validator shiplog localnet on one machine (loopback only), one
# organisation per validator, written by `shiplogd testnet init-files`.
#
#   scripts/localnet.sh start    init ./build/localnet if absent, start the nodes in the background
#   scripts/localnet.sh stop     stop the nodes by their pid files
#   scripts/localnet.sh status   height, peers and last app hash of each node
#
# Logs: build/localnet/nodeI.log, pids: build/localnet/nodeI.pid.
# Environment: SHIPLOGD (binary), LOCALNET_DIR, VALIDATORS (4), CHAIN_ID,
# STARTING_PORT (27000; node i uses base+10*i+{0 p2p,1 rpc,2 api,3 grpc,
# 4 Prometheus metrics}).
# For machines of their own, use `shiplogd testnet init-files --hosts ...`
# and copy each nodeI home to its machine instead.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${SHIPLOGD:-$PWD/build/shiplogd}
DIR=${LOCALNET_DIR:-$PWD/build/localnet}
VALIDATORS=${VALIDATORS:-4}
CHAIN_ID=${CHAIN_ID:-shiplog-localnet-1}
STARTING_PORT=${STARTING_PORT:-27000}

listed_port() { # node index, nodes.json field -> port, empty if not listed
  sed -n "/\"name\": \"node$1\"/,/$2/ s/.*\"$2\": \([0-9]*\).*/\1/p" "$DIR/nodes.json" 2>/dev/null | head -1
}
rpc_port() { # falls back to the default layout
  local p
  p=$(listed_port "$1" rpc_port)
  echo "${p:-$((STARTING_PORT + 10 * $1 + 1))}"
}
metrics() { # node index -> where its metrics are served
  local p
  p=$(listed_port "$1" metrics_port)
  # A localnet written before metrics_port existed has Prometheus off.
  if [ -n "$p" ]; then echo "http://127.0.0.1:$p/metrics"; else echo "off"; fi
}

nodes() { # indexes of the node homes present
  local d
  for d in "$DIR"/node*/; do
    [ -d "$d" ] || continue
    d=${d%/}; echo "${d##*/node}"
  done | sort -n
}

running() { # pid file -> 0 if that process is alive
  local pid
  [ -f "$1" ] || return 1
  pid=$(cat "$1")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

start() {
  [ -x "$BIN" ] || { echo "no shiplogd binary at $BIN: run make build" >&2; exit 1; }
  if [ ! -f "$DIR/node0/config/genesis.json" ]; then
    "$BIN" testnet init-files --validators "$VALIDATORS" --output "$DIR" \
      --chain-id "$CHAIN_ID" --starting-port "$STARTING_PORT"
  fi
  local i
  for i in $(nodes); do
    if running "$DIR/node$i.pid"; then
      echo "node$i already running (pid $(cat "$DIR/node$i.pid"))"
      continue
    fi
    nohup "$BIN" start --home "$DIR/node$i" --log_no_color >>"$DIR/node$i.log" 2>&1 </dev/null &
    echo $! >"$DIR/node$i.pid"
    echo "node$i started (pid $!, rpc http://127.0.0.1:$(rpc_port "$i"), metrics $(metrics "$i"), log $DIR/node$i.log)"
  done
  echo "keys: $DIR/accounts.json (orgI-admin, orgI-deployer in nodeI's test keyring)"
  echo "e.g. $BIN tx deployments record ... --from org1-deployer --home $DIR/node1 --yes"
}

stop() {
  local i pid n
  for i in $(nodes); do
    if ! running "$DIR/node$i.pid"; then
      rm -f "$DIR/node$i.pid"
      continue
    fi
    pid=$(cat "$DIR/node$i.pid")
    kill -TERM "$pid"
    for n in $(seq 1 60); do  # at most 30 s, then SIGKILL
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$DIR/node$i.pid"
    echo "node$i stopped (pid $pid)"
  done
}

status() {
  local i port st ni h app peers state
  printf '%-6s %-8s %-8s %-6s %s\n' node state height peers last_app_hash
  for i in $(nodes); do
    port=$(rpc_port "$i")
    state=stopped
    running "$DIR/node$i.pid" && state=running
    if st=$(curl -fsS --max-time 3 "http://127.0.0.1:$port/status" 2>/dev/null) &&
       ni=$(curl -fsS --max-time 3 "http://127.0.0.1:$port/net_info" 2>/dev/null); then
      h=$(printf '%s' "$st" | sed -n 's/.*"latest_block_height": *"\([0-9]*\)".*/\1/p' | head -1)
      app=$(printf '%s' "$st" | sed -n 's/.*"latest_app_hash": *"\([0-9A-Fa-f]*\)".*/\1/p' | head -1)
      peers=$(printf '%s' "$ni" | sed -n 's/.*"n_peers": *"\([0-9]*\)".*/\1/p' | head -1)
      printf '%-6s %-8s %-8s %-6s %s\n' "node$i" "$state" "${h:-?}" "${peers:-?}" "${app:-?}"
    else
      printf '%-6s %-8s %-8s %-6s %s\n' "node$i" "$state" - - "(rpc 127.0.0.1:$port unreachable)"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac
