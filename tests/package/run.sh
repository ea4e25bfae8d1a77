#!/usr/bin/env bash
# The Debian packages, used as a platform vendor uses them. Builds them from a build folder (cpack),
# unpacks them into an empty folder (or, with --install, installs them with apt-get and removes them
# afterwards: root only, as on CI), then from there: a C program built with find_package(firstset)
# and linked to firstset::firstset, and the Java, Python and .NET example programs compiled and run
# against the packaged client libraries, each evaluating the packaged sample request.
# Usage: tests/package/run.sh BUILD_DIR SOURCE_DIR [--install]
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
mode=${3:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/firstset-package.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== packages"
(cd "$build" && cpack -G DEB -B "$work/packages" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
ls "$work/packages"/*.deb
for p in libfirstset1 libfirstset-dev firstset-data firstset-tools firstset-server libfirstset-java python3-firstset libfirstset-cil; do
  ls "$work/packages/${p}_"*.deb >/dev/null 2>&1 || { echo "missing package $p"; exit 1; }
done
# The library's package depends on nothing version-specific beyond the C runtime and the system's
# security and transfer libraries.
depends=$(dpkg-deb -f "$work/packages"/libfirstset1_*.deb Depends)
echo "libfirstset1 Depends: $depends"
if echo "$depends" | grep -Eq 'yaml|spdlog|fmt|simdjson|pcre|hyperscan|stdc\+\+'; then
  echo "libfirstset1 depends on a version-specific C++ library: $depends"; exit 1
fi

if [ "$mode" = "--install" ]; then
  [ "$(id -u)" -eq 0 ] || { echo "--install needs root"; exit 1; }
  if dpkg-query -W -f='${Status}\n' libfirstset1 2>/dev/null | grep -q "install ok installed"; then
    echo "libfirstset1 is installed already: --install would replace and then remove it; not done"; exit 1
  fi
  echo "== apt-get install the packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y --no-install-recommends "$work/packages"/*.deb >"$work/apt.log" 2>&1 || { cat "$work/apt.log"; exit 1; }
  trap 'apt-get purge -y libfirstset1 libfirstset-dev firstset-data firstset-tools firstset-server libfirstset-java python3-firstset libfirstset-cil >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  root=""
  run_env=()
else
  echo "== unpack into $work/root"
  for d in "$work/packages"/*.deb; do dpkg-deb -x "$d" "$work/root"; done
  root="$work/root"
  run_env=(env "LD_LIBRARY_PATH=$root/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)")  # where the dynamic loader would find the system's copy
fi
share="$root/usr/share/firstset"
config="$share/examples/config.yaml"
request="$share/examples/requests/evaluate-CQJT-2026-014.json"

check_answer() {  # the response of the sample bid: its two certificates, deemed-met criteria
  grep -Eq '"tender": ?"CQJT-2026-014"' "$1" && grep -q '"CQ-STT-2024-0017"' "$1" || { echo "unexpected answer:"; cat "$1"; exit 1; }
}

echo "== C: find_package(firstset), firstset::firstset"
cmake -S "$source/tests/package/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$root/usr" >"$work/consumer.log" 2>&1 \
  || { cat "$work/consumer.log"; exit 1; }
cmake --build "$work/consumer" >>"$work/consumer.log" 2>&1 || { cat "$work/consumer.log"; exit 1; }
"${run_env[@]}" "$work/consumer/consumer" "$config" "$request" >"$work/c.out"
check_answer "$work/c.out"
tail -1 "$work/c.out"

echo "== firstset-host from the tools package"
"${run_env[@]}" "$root/usr/bin/firstset-host" evaluate --config "$config" "$share/examples/tender-CQJT-2026-014.yaml" >"$work/host.out"
grep -q 'CQJT-2026-014' "$work/host.out" || { cat "$work/host.out"; exit 1; }

echo "== firstset-server from its package: the sample request over HTTP on 127.0.0.1, then SIGTERM"
test -f "$root/usr/lib/systemd/system/firstset-server.service" -o -f "$root/lib/systemd/system/firstset-server.service" \
  || { echo "the firstset-server package has no systemd unit"; exit 1; }
"${run_env[@]}" "$root/usr/bin/firstset-server" --config "$config" --listen 127.0.0.1:0 --access-log off \
  2>"$work/server.err" & server_pid=$!
port=""
for _ in $(seq 1 100); do
  port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$work/server.err" | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { kill "$server_pid" 2>/dev/null; cat "$work/server.err"; exit 1; }
/usr/bin/python3 -c 'import sys, urllib.request
body = open(sys.argv[2], "rb").read()
r = urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=body, headers={"Content-Type": "application/json"}), timeout=30)
sys.stdout.write(r.read().decode())' "http://127.0.0.1:$port/v1/evaluate" "$request" >"$work/server.out"
kill -TERM "$server_pid"
wait "$server_pid" || { echo "firstset-server did not exit 0 on SIGTERM"; cat "$work/server.err"; exit 1; }
check_answer "$work/server.out"

echo "== Java: firstset.jar (JNA)"
mkdir -p "$work/java"
javac -encoding UTF-8 -cp "$root/usr/share/java/firstset.jar" -d "$work/java" "$source/bindings/java/example/Evaluate.java"
"${run_env[@]}" java -cp "$root/usr/share/java/firstset.jar:/usr/share/java/jna.jar:$work/java" Evaluate "$config" "$request" >"$work/java.out"
check_answer "$work/java.out"

echo "== Python: the firstset package"
"${run_env[@]}" env "PYTHONPATH=$root/usr/lib/python3/dist-packages" /usr/bin/python3 \
  "$source/bindings/python/example/evaluate.py" "$config" "$request" >"$work/python.out"
check_answer "$work/python.out"

echo "== .NET: Firstset.dll (Mono)"
dll=$(find "$root/usr/lib" -name Firstset.dll | head -1)
mcs -nologo -r:"$dll" -out:"$work/Evaluate.exe" "$source/bindings/dotnet/example/Evaluate.cs"
"${run_env[@]}" env "MONO_PATH=$(dirname "$dll")" mono "$work/Evaluate.exe" "$config" "$request" >"$work/dotnet.out"
check_answer "$work/dotnet.out"
echo "== the packages work${mode:+ (installed)}"
