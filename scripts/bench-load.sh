#!/usr/bin/env bash
# Load benchmark with real nodes on loopback: the same generator
# (`shiplogd bench load`) against
#   single    one shiplog validator, one record per transaction, flat out
#   sustained the same at a fixed BENCH_SUSTAINED_RATE (500) transactions/s
#             for BENCH_SUSTAINED_SECONDS (300): latency below saturation
#   batched   one shiplog validator, 100 records per transaction
#   localnet4 four shiplog validators, records from the four organisations
#   localnet4b the same with BENCH_LOCALNET_BATCH (10) records per
#             transaction at a fixed BENCH_LOCALNET_RATE (60) transactions/s
#             for BENCH_LOCALNET_SECONDS (120): a release of ten services
#             recorded in one transaction, 600 records/s offered
#             (BENCH_LOCALNET_BATCH=100 BENCH_LOCALNET_RATE=6 offers the
#             same records in tenfold batches)
#   kvstore   one CometBFT node running its built-in kvstore application
# and prints a table: committed records/s, submit-to-commit p50/p95/p99,
# the p99 of each part of that latency in ms (p99_wait/adm/blk: waiting for
# a free submitter of the generator, the node admitting the transaction
# (BroadcastTx until CheckTx answered), and from then to the commit of its
# block), bytes on disk per record and peak memory per node.
#   query     (not in the default set) fills one validator with
#             BENCH_QUERY_RECORDS (1,000,000) records in batches, then
#             measures point and 100-record page queries over REST and gRPC,
#             then BENCH_RESTART_TRIALS (3) times kills the node with kill -9
#             while 100-record batches arrive, restarts it and times how
#             long until it commits a new block
#
# Each chain of the load scenarios first takes BENCH_WARMUP_RECORDS (20,000)
# records, unmeasured: the databases keep pools of write-ahead logs (pebble
# keeps six, of up to a 64 MiB memtable's worth each) that fill once and
# then stay. The warm-up fills the first few; "run" includes the rest (up
# to about 300 MB per database), "kept" none of them. BENCH_WARMUP_SETTLE
# (0) more blocks then pass before the measured run: 30 let pruning (keep
# 10, every 10) remove the warm-up's versions first, which otherwise
# happens a few seconds into a run, on every node at once.
#
# Disk per record is reported twice:
#   run/rec   growth of the data folder during the run, measured 2 s after it
#   kept/rec  what the node keeps for good: after the run the node makes
#             BENCH_SETTLE_BLOCKS (120) more blocks, so that pruning
#             (keep 10 versions, every 10) removes the versions the run
#             wrote, stops, compacts with `shiplogd db compact`, and the
#             data folder less the consensus WAL (a ring capped at 1 GB) is
#             divided by every record the chain holds, warm-up included.
#
# Pebble's work for the records (shiplog's nodes; node0 of the localnet),
# from the node's Prometheus metrics (shiplog_db_*, both databases) over
# the measured run:
#   db_w/rec  bytes pebble wrote (memtable flushes and compactions) per record
#   db_wamp   those bytes over what the node wrote to the write-ahead logs
#             (write amplification); compactions still owed at the run's
#             end are not in either
#
# CPU, from /proc and the generator's own report, over the measured run:
#   cpu_us/rec  CPU time the nodes used per committed record, all nodes
#               together (user and system): what a record costs, less
#               dependent on how much of the machine the run got than
#               records/s. Counted from the generator's start, so it
#               includes the idle blocks made while the generator signs
#               (under 10 s for 45,000 transactions, about a minute for
#               450,000)
#   gen_cpu_s   CPU seconds the generator used submitting and following
#               (signing before the run excluded): taken from the same
#               cores as the nodes'
#
# Environment: BENCH_SECONDS (30) how long each scenario submits,
# BENCH_RATE (0 = as fast as possible) transactions per second,
# BENCH_SCENARIOS ("single sustained batched localnet4 localnet4b kvstore"), BENCH_DIR
# (build/bench, wiped first), SHIPLOGD, COMETBFT.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${SHIPLOGD:-$PWD/build/shiplogd}
COMET=${COMETBFT:-$PWD/build/cometbft}
DIR=${BENCH_DIR:-$PWD/build/bench}
SECONDS_PER=${BENCH_SECONDS:-30}
RATE=${BENCH_RATE:-0}
SCENARIOS=${BENCH_SCENARIOS:-"single sustained batched localnet4 localnet4b kvstore"}
SUSTAINED_RATE=${BENCH_SUSTAINED_RATE:-500}
SUSTAINED_SECONDS=${BENCH_SUSTAINED_SECONDS:-300}
WARMUP_RECORDS=${BENCH_WARMUP_RECORDS:-20000}
SETTLE_BLOCKS=${BENCH_SETTLE_BLOCKS:-120}
WARMUP_SETTLE=${BENCH_WARMUP_SETTLE:-0}
LOCALNET_BATCH=${BENCH_LOCALNET_BATCH:-10}
LOCALNET_RATE=${BENCH_LOCALNET_RATE:-60}
LOCALNET_SECONDS=${BENCH_LOCALNET_SECONDS:-120}
# The single-node chains have four deployer keys, as four CI pipelines
# would: one key alone meets the per-member admission bound (1,000
# transactions waiting per block) before the node's capacity.
CI_KEYS="ci1 ci2 ci3"
BASE=29000 # node i: BASE+10*i+{0 p2p,1 rpc,2 api,3 grpc,4 metrics}

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
}
trap cleanup EXIT

height() { # rpc port
  curl -fsS --max-time 2 "http://127.0.0.1:$1/status" 2>/dev/null |
    sed -n 's/.*"latest_block_height": *"\([0-9]*\)".*/\1/p' | head -1 || true
}

wait_height() { # rpc port, height, [seconds (60)]
  local h
  for _ in $(seq 1 $((2 * ${3:-60}))); do
    h=$(height "$1")
    [ "${h:-0}" -ge "$2" ] && return 0
    sleep 0.5
  done
  echo "node on rpc port $1 did not reach height $2" >&2
  return 1
}

# settle: SETTLE_BLOCKS more blocks, so that pruning has
# removed every state version the run wrote but the last.
settle() { wait_blocks "$1" "$SETTLE_BLOCKS"; } # rpc port

wait_blocks() { # rpc port, blocks
  [ "$2" -gt 0 ] || return 0
  wait_height "$1" $(($(height "$1") + $2)) $((3 * $2))
}

# kept_bytes: a stopped node's data folder once compacted, without the
# consensus WAL (a ring CometBFT caps at 1 GB). Compaction also empties
# pebble's write-ahead logs; goleveldb's hold data not yet in its tables.
kept_bytes() { # home
  local total wal
  [ -d "$1/data/application.db" ] && "$BIN" db compact --home "$1" >/dev/null
  total=$(du -sb "$1/data" | cut -f1)
  wal=$(du -sb "$1/data/cs.wal" 2>/dev/null | cut -f1)
  echo $((total - ${wal:-0}))
}

committed() { sed -n 's/.*"committed_records":\([0-9]*\).*/\1/p'; }

# A running node creates and renames files as du walks its folder; du then
# complains about the one that vanished but still prints the total.
data_bytes() { { du -sb "$1/data" 2>/dev/null || true; } | cut -f1; }
peak_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }
# cpu_ticks: user and system CPU time of the given processes, in clock ticks.
cpu_ticks() { # pid...
  local pid sum=0
  for pid in "$@"; do sum=$((sum + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
  echo "$sum"
}
TICKS_PER_S=$(getconf CLK_TCK)
# cpu_per_record: microseconds of CPU per record between two cpu_ticks.
cpu_per_record() { # ticks before, ticks after, records
  awk -v t=$(($2 - $1)) -v hz="$TICKS_PER_S" -v n="$3" 'BEGIN { if (n <= 0) print "-"; else printf "%.0f", t * 1e6 / hz / n }'
}

# count: transactions that fill SECONDS_PER at RATE, or a fixed budget flat out.
tx_count() { # per-tx records
  if [ "$RATE" != 0 ]; then
    awk -v r="$RATE" -v s="$SECONDS_PER" 'BEGIN { printf "%d", r * s }'
  else
    # Flat out: enough to keep the chain busy for about SECONDS_PER seconds
    # at 1,500 records/s.
    echo $((1500 * SECONDS_PER / $1))
  fi
}

# db_written: bytes written to the write-ahead logs, and by flushes and
# compactions, summed over a node's pebble databases.
db_written() { # metrics port
  curl -fsS --max-time 5 "http://127.0.0.1:$1/metrics" 2>/dev/null | awk '
    /^shiplog_db_wal_written_bytes_total/ { wal += $2 }
    /^shiplog_db_(flush|compaction)_written_bytes_total/ { tables += $2 }
    END { printf "%.0f %.0f", wal, tables }'
}
# db_work: "bytes per record, write amplification" between two db_written.
db_work() { # before, after, records
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN {
    split(b, x, " "); split(a, y, " "); wal = y[1] - x[1]; tables = y[2] - x[2]
    if (wal <= 0 || n <= 0) { print "- -"; exit }
    printf "%.0f %.1f", tables / n, tables / wal }'
}

RESULTS=()
record() { # json line, bytes per record in the run, kept per record, peak MiB, CPU per record, [db_work]
  local db=${6:-- -}
  RESULTS+=("$1|$2|$3|$4|$5|$db")
  echo "$1 run_bytes/record/node=$2 kept_bytes/record/node=$3 peak_MiB/node=$4 cpu_us/record=$5 db_written/record,db_wamp=$db" >&2
}
per() { echo $(($1 / ($2 > 0 ? $2 : 1))); } # bytes, records

start_shiplog_node() { # home, index
  local rpc=$((BASE + 10 * $2 + 1)) p2p=$((BASE + 10 * $2)) api=$((BASE + 10 * $2 + 2)) grpc=$((BASE + 10 * $2 + 3)) k
  SHIPLOGD="$BIN" SHIPLOG_HOME="$1" RPC_PORT=$rpc P2P_PORT=$p2p API_PORT=$api GRPC_PORT=$grpc \
    METRICS_PORT=$((BASE + 10 * $2 + 4)) scripts/dev-node.sh init >/dev/null
  for k in $CI_KEYS; do
    "$BIN" keys add "$k" --keyring-backend test --home "$1" >/dev/null 2>&1
    "$BIN" genesis add-member "$("$BIN" keys show "$k" -a --keyring-backend test --home "$1")" dev-org deployer --home "$1"
  done
  "$BIN" start --home "$1" --log_level error >"$1.log" 2>&1 &
  PIDS+=($!)
  wait_height "$rpc" 2
}

WARM=0 # records the last warm-up committed
warm_up() { # batch, generator flags
  local batch=$1
  shift
  WARM=0
  [ "$WARMUP_RECORDS" -gt 0 ] || return 0
  WARM=$("$BIN" bench load --label warmup --batch "$batch" --count $(((WARMUP_RECORDS + batch - 1) / batch)) \
    --workers 64 "$@" | committed)
}

# after_warm_up: BENCH_WARMUP_SETTLE more blocks before the measured run.
after_warm_up() { wait_blocks "$1" "$WARMUP_SETTLE"; } # rpc port

signers_of() { # home
  local k out=(--signer "$1:dev")
  for k in $CI_KEYS; do out+=(--signer "$1:$k"); done
  echo "${out[@]}"
}

run_single() { # label, batch, [rate, seconds]
  local home="$DIR/$1" count before after pid json records peak db0 db1 cpu0 cpu1 rate=${3:-$RATE}
  start_shiplog_node "$home" 0
  pid=${PIDS[-1]}
  # shellcheck disable=SC2046 # one word per flag
  warm_up "$2" $(signers_of "$home") --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))"
  after_warm_up $((BASE + 1))
  before=$(data_bytes "$home")
  db0=$(db_written $((BASE + 4)))
  cpu0=$(cpu_ticks "$pid")
  if [ -n "${4:-}" ]; then count=$((rate * $4)); else count=$(tx_count "$2"); fi
  # shellcheck disable=SC2046 # one word per flag
  # At a fixed rate, enough submitters that a block's execution (CheckTx
  # waits for it) does not hold back the offered load.
  json=$("$BIN" bench load --label "$1" --batch "$2" --count "$count" --rate "$rate" --workers 64 \
    $(signers_of "$home") --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))")
  cpu1=$(cpu_ticks "$pid")
  sleep 2
  after=$(data_bytes "$home")
  db1=$(db_written $((BASE + 4)))
  records=$(printf '%s' "$json" | committed)
  settle $((BASE + 1))
  peak=$(peak_kib "$pid")
  cleanup
  record "$json" "$(per $((after - before)) "$records")" "$(per "$(kept_bytes "$home")" $((WARM + records)))" $((peak / 1024)) \
    "$(cpu_per_record "$cpu0" "$cpu1" "$records")" "$(db_work "$db0" "$db1" "$records")"
}

run_localnet4() { # label, batch, [rate, seconds]
  local net="$DIR/$1" count workers before=0 after=0 kept=0 peak=0 json records i db0 db1 cpu0 cpu1 signers=() rate=${3:-$RATE}
  "$BIN" testnet init-files --validators 4 --output "$net" --chain-id shiplog-bench-4 --starting-port $BASE >/dev/null
  for i in 0 1 2 3; do
    "$BIN" start --home "$net/node$i" --log_level error >"$net/node$i.log" 2>&1 &
    PIDS+=($!)
    signers+=(--signer "$net/node$i:org$i-deployer")
  done
  wait_height $((BASE + 1)) 2
  warm_up "$2" "${signers[@]}" --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))"
  after_warm_up $((BASE + 1))
  for i in 0 1 2 3; do before=$((before + $(data_bytes "$net/node$i"))); done
  db0=$(db_written $((BASE + 4)))
  cpu0=$(cpu_ticks "${PIDS[@]}")
  # Flat out, the generator's default 16 submitters; at a fixed rate, enough
  # that waiting on CheckTx does not hold back the offered load.
  workers=16
  if [ -n "${4:-}" ]; then count=$((rate * $4)) workers=64; else count=$(tx_count "$2"); fi
  json=$("$BIN" bench load --label "$1" --batch "$2" --count "$count" --rate "$rate" --workers "$workers" "${signers[@]}" \
    --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))")
  cpu1=$(cpu_ticks "${PIDS[@]}")
  sleep 3
  for i in 0 1 2 3; do after=$((after + $(data_bytes "$net/node$i"))); done
  db1=$(db_written $((BASE + 4)))
  records=$(printf '%s' "$json" | committed)
  settle $((BASE + 1))
  for i in 0 1 2 3; do
    peak=$(( $(peak_kib "${PIDS[$i]}") > peak ? $(peak_kib "${PIDS[$i]}") : peak ))
  done
  cleanup
  for i in 0 1 2 3; do kept=$((kept + $(kept_bytes "$net/node$i"))); done
  record "$json" "$(per $((after - before)) $((4 * records)))" "$(per "$kept" $((4 * (WARM + records))))" $((peak / 1024)) \
    "$(cpu_per_record "$cpu0" "$cpu1" "$records")" "$(db_work "$db0" "$db1" "$records")"
}

run_kvstore() {
  local home="$DIR/kvstore" count before after pid json records peak pause empty_wait cpu0 cpu1
  [ -x "$COMET" ] || go build -o "$COMET" github.com/cometbft/cometbft/cmd/cometbft
  "$COMET" init --home "$home" >/dev/null 2>&1
  # The same block timing as a new shiplog node, and loopback listeners.
  "$BIN" init probe --home "$DIR/probe" >/dev/null 2>&1
  pause=$(grep '^timeout_commit = ' "$DIR/probe/config/config.toml")
  empty_wait=$(grep '^create_empty_blocks_interval = ' "$DIR/probe/config/config.toml")
  sed -i \
    -e "s|^laddr = \"tcp://127.0.0.1:26657\"|laddr = \"tcp://127.0.0.1:$((BASE + 1))\"|" \
    -e "s|^laddr = \"tcp://0.0.0.0:26656\"|laddr = \"tcp://127.0.0.1:$BASE\"|" \
    -e "s|^timeout_commit = .*|$pause|" \
    -e "s|^create_empty_blocks_interval = .*|$empty_wait|" \
    "$home/config/config.toml"
  "$COMET" start --home "$home" --proxy_app kvstore --log_level error >"$home.log" 2>&1 &
  pid=$!
  PIDS+=($pid)
  wait_height $((BASE + 1)) 2
  warm_up 1 --engine kvstore --rpc-url "http://127.0.0.1:$((BASE + 1))"
  before=$(data_bytes "$home")
  count=$(tx_count 1)
  cpu0=$(cpu_ticks "$pid")
  json=$("$BIN" bench load --engine kvstore --label kvstore --count "$count" --rate "$RATE" \
    --rpc-url "http://127.0.0.1:$((BASE + 1))")
  cpu1=$(cpu_ticks "$pid")
  sleep 2
  records=$(printf '%s' "$json" | committed)
  after=$(data_bytes "$home")
  peak=$(peak_kib "$pid")
  cleanup
  # The kvstore application keeps every version: nothing to settle.
  record "$json" "$(per $((after - before)) "$records")" "$(per "$(kept_bytes "$home")" $((WARM + records)))" $((peak / 1024)) \
    "$(cpu_per_record "$cpu0" "$cpu1" "$records")"
}

QUERY_LINES=()
run_query() {
  local home="$DIR/query" total=${BENCH_QUERY_RECORDS:-1000000} done=0 chunk json
  start_shiplog_node "$home" 0
  # Chunks of at most 2,000 transactions of 100 records: unordered
  # transactions must commit within 10 minutes of signing.
  while [ "$done" -lt "$total" ]; do
    chunk=$(( (total - done) / 100 ))
    [ "$chunk" -gt 2000 ] && chunk=2000
    [ "$chunk" -lt 1 ] && chunk=1
    json=$("$BIN" bench load --label fill --batch 100 --count "$chunk" --workers 4 --drain 120s \
      --signer "$home:dev" --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))")
    done=$((done + $(printf '%s' "$json" | committed)))
    echo "filled $done of $total records" >&2
  done
  mapfile -t QUERY_LINES < <("$BIN" bench query --label query --requests 1000 \
    --rest-url "http://127.0.0.1:$((BASE + 2))" --grpc-endpoint "127.0.0.1:$((BASE + 3))")
  restart_trials "$home" "$done"
  cleanup
}

# restart_trials: kill -9 the node of home mid-load, restart it, and time
# until it commits a block above the one it had reached.
RESTART_LINES=()
restart_trials() { # home, records held
  local t load killed_at start secs
  for t in $(seq 1 "${BENCH_RESTART_TRIALS:-3}"); do
    "$BIN" bench load --label load --batch 100 --count 400 --workers 4 --drain 5s \
      --signer "$1:dev" --rpc-url "http://127.0.0.1:$((BASE + 1))" --grpc-endpoint "127.0.0.1:$((BASE + 3))" >/dev/null 2>&1 &
    load=$!
    sleep 10
    killed_at=$(height $((BASE + 1)))
    kill -KILL "${PIDS[-1]}"
    # Until the process is gone its database lock is held.
    wait "${PIDS[-1]}" 2>/dev/null || true
    wait "$load" 2>/dev/null || true
    start=$(date +%s%N)
    "$BIN" start --home "$1" --log_level error >>"$1.log" 2>&1 &
    PIDS=($!)
    wait_height $((BASE + 1)) $((killed_at + 1)) 300
    secs=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN { printf "%.1f", ns / 1e9 }')
    RESTART_LINES+=("kill -9 at height $killed_at with $2 records: a new block $secs s after the restart")
  done
}

[ -x "$BIN" ] || { echo "no shiplogd binary at $BIN: run make build" >&2; exit 1; }
rm -rf "$DIR"
mkdir -p "$DIR"
for s in $SCENARIOS; do
  case $s in
    single) run_single single 1 ;;
    sustained) run_single sustained 1 "$SUSTAINED_RATE" "$SUSTAINED_SECONDS" ;;
    batched) run_single batched 100 ;;
    localnet4) run_localnet4 localnet4 1 ;;
    localnet4b) run_localnet4 localnet4b "$LOCALNET_BATCH" "$LOCALNET_RATE" "$LOCALNET_SECONDS" ;;
    kvstore) run_kvstore ;;
    query) run_query ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done

[ "${#RESULTS[@]}" -gt 0 ] &&
  printf '\n%-10s %6s %10s %12s %8s %8s %8s %16s %8s %9s %9s %10s %9s %9s %8s\n' scenario batch records records/s p50_ms p95_ms p99_ms \
    p99_wait/adm/blk run/rec kept/rec peak_MiB cpu_us/rec gen_cpu_s db_w/rec db_wamp
for r in "${RESULTS[@]}"; do
  IFS='|' read -r json bpr kept peak cpu db <<<"$r"
  field() { printf '%s' "$json" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
  part_p99() { printf '%s' "$json" | sed -n "s/.*\"$1\":\\[[^,]*,\([0-9]*\).*/\1/p"; } # ms, whole
  printf '%-10s %6s %10s %12.0f %8.0f %8.0f %8.0f %16s %8s %9s %9s %10s %9.1f %9s %8s\n' "$(field label)" "$(field batch)" \
    "$(field committed_records)" "$(field records_per_second)" "$(field p50_ms)" "$(field p95_ms)" "$(field p99_ms)" \
    "$(part_p99 wait_for_submitter)/$(part_p99 broadcast)/$(part_p99 to_commit)" "$bpr" "$kept" "$peak" \
    "$cpu" "$(field generator_cpu_s)" $db
done

for line in "${RESTART_LINES[@]}"; do echo "$line"; done

if [ "${#QUERY_LINES[@]}" -gt 0 ]; then
  printf '\n%-14s %10s %8s %8s\n' query records p50_ms p99_ms
  for json in "${QUERY_LINES[@]}"; do
    field() { printf '%s' "$json" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
    printf '%-14s %10s %8s %8s\n' "$(field kind)" "$(field records)" "$(field p50_ms)" "$(field p99_ms)"
  done
fi
