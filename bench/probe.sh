#!/usr/bin/env bash
# Instructions per call of each stage of firstset_evaluate, counted by valgrind (callgrind):
# the same figures whatever else the machine does. Usage: bench/probe.sh [BUILD_DIR]
set -euo pipefail
probe=${1:-build/bench}/bench/firstset_probe
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$probe" "$1" "$2" 2>&1 >/dev/null |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
base=$(count none 0)
for stage in evaluate parse validate rules respond; do
  total=$(count "$stage" 1000)
  echo "$stage: $(( (total - base) / 1000 )) instructions per call"
done
