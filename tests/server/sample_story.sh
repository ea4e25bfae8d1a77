#!/bin/bash
# The issue's story with the command-line tools a platform's operator has: firstset-server started
# with the sample configuration (examples/config-ledger.yaml, in a copy of examples/ and criteria/
# so the ledger lands in the copy), the sample tender evaluated with curl, the award recorded with
# the token and refused without it, /metrics scraped, SIGTERM, exit 0, the ledger verified with
# every acknowledged record in it. Usage: sample_story.sh SERVER SOURCE_DIR
set -euo pipefail
server=$1 source=$2
work=$(mktemp -d)
pid=""
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"' EXIT
cp -r "$source/examples" "$source/criteria" "$work/"
token=$(openssl rand -hex 32)
printf 'platform-a %s\n' "$token" >"$work/tokens"
chmod 600 "$work/tokens"
"$server" --config "$work/examples/config-ledger.yaml" --listen 127.0.0.1:0 --token-file "$work/tokens" \
  --access-log "$work/access.log" 2>"$work/server.err" &
pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/server.err" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { cat "$work/server.err"; exit 1; }
url=http://127.0.0.1:$port
fail() { echo "FAILED: $*"; cat "$work/server.err"; exit 1; }

code=$(curl -sS -m 30 -o "$work/eval.json" -w '%{http_code}' "$url/v1/evaluate" -d @"$work/examples/requests/evaluate-CQJT-2026-014.json")
[ "$code" = 200 ] || fail "evaluate answered $code"
grep -q '"tender":"CQJT-2026-014"' "$work/eval.json" || fail "evaluate: $(head -c 300 "$work/eval.json")"
echo "evaluate: 200"

code=$(curl -sS -m 30 -o "$work/refused.json" -w '%{http_code}' "$url/v1/records" -d @"$work/examples/requests/record-award-CQJT-2026-014.json")
[ "$code" = 401 ] || fail "a record without the token answered $code"
grep -q '"code":"TOKEN_REQUIRED"' "$work/refused.json" || fail "401 without TOKEN_REQUIRED"
echo "record without the token: 401"

code=$(curl -sS -m 30 -o "$work/award.json" -w '%{http_code}' -H "Authorization: Bearer $token" "$url/v1/records" \
       -d @"$work/examples/requests/record-award-CQJT-2026-014.json")
[ "$code" = 201 ] || fail "a record with the token answered $code: $(cat "$work/award.json")"
id=$(grep -o '"record":{"id":"[0-9a-f]*"' "$work/award.json" | grep -o '[0-9a-f]\{64\}')
[ -n "$id" ] || fail "no record id in $(head -c 300 "$work/award.json")"
echo "record with the token: 201 $id"

code=$(curl -sS -m 30 -o "$work/stored.json" -w '%{http_code}' "$url/v1/records/$id")
[ "$code" = 200 ] || fail "GET /v1/records/$id answered $code"
grep -q '"caller":{"token":"platform-a","address":"127.0.0.1"' "$work/stored.json" || fail "the stored record names no caller"

curl -sS -m 30 -o "$work/metrics.txt" "$url/metrics"
grep -q '^firstset_http_requests_total{route="/v1/records",method="POST",code="201"} 1$' "$work/metrics.txt" || fail "metrics: no 201"
grep -q '^firstset_http_requests_total{route="/v1/records",method="POST",code="401"} 1$' "$work/metrics.txt" || fail "metrics: no 401"
grep -q '^firstset_ledger_appends_total 2$' "$work/metrics.txt" || fail "metrics: not 2 appends (the logged evaluation and the award)"
echo "metrics: scraped"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" = 0 ] || fail "exit status $status after SIGTERM"
grep -q SERVER_STOPPED "$work/server.err" || fail "no SERVER_STOPPED"
echo "SIGTERM: exit 0"

ledger="$work/var/ledger.jsonl"
grep -q "\"kind\":\"award\"" "$ledger" || fail "the award is not in the ledger"
line=$(grep '"kind":"award"' "$ledger")
[ "$(printf '%s' "$line" | sha256sum | cut -d' ' -f1)" = "$id" ] || fail "the acknowledged id is not the award's line"
if grep -q "$token" "$ledger" "$work/access.log" "$work/server.err"; then fail "the token was written down"; fi
echo "the acknowledged award is in the ledger; the token is nowhere"
