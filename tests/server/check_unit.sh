#!/bin/sh
# The systemd unit of firstset-server (tools/firstset-server/firstset-server.service) as systemd
# reads it: `systemd-analyze verify` must report nothing (it exits 0 even for unknown keys, so
# its output is what counts). ExecStart points at the built program, since verify checks that
# the command exists. Usage: check_unit.sh UNIT SERVER_BINARY
set -eu
unit=$1 server=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/bin/firstset-server|$server|" "$unit" > "$dir/firstset-server.service"
out=$(systemd-analyze verify "$dir/firstset-server.service" 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify reported:"; echo "$out"; exit 1; fi
grep -q '^KillSignal=SIGTERM$' "$unit" || { echo "the unit must stop the server with SIGTERM (it drains)"; exit 1; }
grep -q -- '--token-file' "$unit" || { echo "the unit must give the server a token file"; exit 1; }
echo "systemd-analyze verify: no finding"
