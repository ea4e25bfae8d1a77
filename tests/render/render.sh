#!/usr/bin/env bash
# Renders a self-contained HTML page the way a compliance officer's browser does: Debian's
# headless Chromium paints it to OUT.png (WIDTH x HEIGHT) and dumps the DOM it built to OUT.dom.html.
# Usage: render.sh PAGE.html OUT [WIDTH,HEIGHT]
set -euo pipefail
page=$1 out=$2 size=${3:-1280,2400}
chrome=$(command -v chromium || command -v chromium-browser) || { echo "render.sh: no chromium (scripts/setup --tests installs it)" >&2; exit 1; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run --hide-scrollbars
       --user-data-dir="$profile" --allow-file-access-from-files)
url="file://$(realpath "$page")"
timeout 120 "$chrome" "${flags[@]}" --window-size="$size" --screenshot="$out.png" "$url" >"$out.log" 2>&1 \
  || { cat "$out.log" >&2; exit 1; }
timeout 120 "$chrome" "${flags[@]}" --dump-dom "$url" >"$out.dom.html" 2>>"$out.log" || { cat "$out.log" >&2; exit 1; }
[ -s "$out.png" ] || { echo "render.sh: Chromium wrote no screenshot" >&2; cat "$out.log" >&2; exit 1; }
