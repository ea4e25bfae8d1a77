#!/usr/bin/env bash
# firstset-server under load on loopback, side by side with the same engine called in process.
#
#   bench/server_load.sh [SECONDS] [ROUNDS]      default: 10 s a run, 3 rounds
#
# Each round runs, one after another on the same machine:
#   server/off  wrk -t2 -c64 against POST /v1/evaluate, ledger.log_evaluations false (--threads 2)
#   inproc/off  the engine in process, 16 threads (BM_EvaluateLogEvaluations/0/…/threads:16)
#   server/on   the same wrk run with log_evaluations true: every answer a durable ledger record
#   inproc/on   the engine in process with log_evaluations true, 16 threads (…/1/threads:16)
# and prints requests (evaluations) per second and wrk's p50 and p99 latency, then the medians over
# the rounds. wrk and the server share the machine's cores, as a sidecar shares them with its
# platform. Files go to $FIRSTSET_BENCH_DIR (default: the system's temporary folder; it must be a
# real disk, on tmpfs every fsync is free). docs/performance.md records the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
rounds=${2:-3}
scripts/setup --bench
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DFIRSTSET_BUILD_BENCH=ON -DFIRSTSET_BUILD_TESTS=OFF \
  -DFIRSTSET_BUILD_HOST=ON >/dev/null
cmake --build build/bench -j "$jobs" --target firstset-server firstset_bench_ledger >/dev/null
server=build/bench/tools/firstset-server
inproc=build/bench/bench/firstset_bench_ledger
base=${FIRSTSET_BENCH_DIR:-${TMPDIR:-/tmp}}/firstset-server-load
rm -rf "$base"
mkdir -p "$base"
request=$(pwd)/examples/requests/evaluate-CQJT-2026-014.json
cat >"$base/post.lua" <<LUA
wrk.method = "POST"
local f = io.open("$request", "rb"); wrk.body = f:read("*a"); f:close()
wrk.headers["Content-Type"] = "application/json"
LUA

run_server() {  # $1: true|false (log_evaluations) -> "rps p50_ms p99_ms appends syncs"
  local dir="$base/server-$1-$RANDOM"
  mkdir -p "$dir"
  printf 'policies: [%s]\nregistry: {file: %s}\nledger: {path: %s, log_evaluations: %s}\nlog: {level: warn}\n' \
    "$(pwd)/criteria/policies/cn-cq-2024-9.yaml" "$(pwd)/examples/registry.yaml" "$dir/ledger.jsonl" "$1" >"$dir/config.yaml"
  "$server" --config "$dir/config.yaml" --listen 127.0.0.1:0 --threads 2 --access-log off 2>"$dir/err" &
  local pid=$! port=""
  for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$dir/err" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$dir/err" >&2; kill "$pid"; exit 1; }
  wrk -t2 -c64 -d"${seconds}s" --latency -s "$base/post.lua" "http://127.0.0.1:$port/v1/evaluate" >"$dir/wrk.txt"
  local metrics
  metrics=$(python3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=10).read().decode())' \
            "http://127.0.0.1:$port/metrics")
  kill -TERM "$pid"; wait "$pid"
  local non2xx
  non2xx=$(sed -n 's/.*Non-2xx or 3xx responses: *//p' "$dir/wrk.txt")
  [ -z "$non2xx" ] || { echo "wrk saw $non2xx answers that were not 200" >&2; exit 1; }
  local rps p50 p99 appends syncs
  rps=$(sed -n 's/^Requests\/sec: *//p' "$dir/wrk.txt")
  p50=$(awk '$1=="50%"{print $2}' "$dir/wrk.txt")
  p99=$(awk '$1=="99%"{print $2}' "$dir/wrk.txt")
  appends=$(echo "$metrics" | sed -n 's/^firstset_ledger_appends_total //p')
  syncs=$(echo "$metrics" | sed -n 's/^firstset_ledger_syncs_total //p')
  echo "$rps $p50 $p99 $appends $syncs"
}

run_inproc() {  # $1: 0|1 (log_evaluations), $2: threads -> evaluations per second
  FIRSTSET_BENCH_DIR="$base" "$inproc" --benchmark_filter="BM_EvaluateLogEvaluations/$1/.*threads:$2\$" \
    --benchmark_format=csv 2>/dev/null | awk -F, '/BM_EvaluateLogEvaluations/{print int($7)}'
}

declare -a s_off i_off s_on i_on
printf '%-6s %-34s %-14s %-26s %s\n' round "server/off (req/s p50 p99)" "inproc/off" "server/on (req/s p50 p99)" "inproc/on (16 threads)"
for r in $(seq 1 "$rounds"); do
  read -r a_rps a_p50 a_p99 _ _ <<<"$(run_server false)"
  b=$(run_inproc 0 16)
  read -r c_rps c_p50 c_p99 c_app c_syn <<<"$(run_server true)"
  d=$(run_inproc 1 16)
  s_off+=("$a_rps"); i_off+=("$b"); s_on+=("$c_rps"); i_on+=("$d")
  printf '%-6s %-34s %-14s %-26s %s\n' "$r" "$a_rps $a_p50 $a_p99" "$b" "$c_rps $c_p50 $c_p99 ($c_app appends, $c_syn syncs)" "$d"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
m1=$(median "${s_off[@]}"); m2=$(median "${i_off[@]}"); m3=$(median "${s_on[@]}"); m4=$(median "${i_on[@]}")
printf 'median %-34s %-14s %-26s %s\n' "$m1" "$m2" "$m3" "$m4"
python3 - "$m3" "$m4" <<'PY'
import sys
on, inproc = float(sys.argv[1]), float(sys.argv[2])
print(f"durable evaluations: server (64 connections) / in process (16 threads) = {on / inproc:.2f}")
PY
