#!/usr/bin/env bash
# Benchmark (issue 16): first paint and usable time of /login, /trainee/login,
# /verify and a signed-in trainee's /my-credits over an emulated county phone
# link (slow-link.mjs), for the SPA as it was (BASELINE, built from git) and
# as it is (frontend/dist), served by the same binary on the same demo data.
# Not part of `make test`.
#
#   tests/bench/slow-link.sh [CME_BINARY]
#
# Env: BASELINE (a git revision; default 14f8cfe, main before issue 16),
#      RUNS (loads per page, default 3), CHROMIUM_PATH.
# Needs: frontend/dist (npm run build), frontend/node_modules, tests/e2e/node_modules, chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary="$(realpath "${1:-${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/cme}}")"
baseline="${BASELINE:-14f8cfe}"
[[ -x "$binary" ]] || { echo "bench: no binary at $binary" >&2; exit 2; }
[[ -f "$repo/frontend/dist/index.html" ]] || { echo "bench: build frontend/dist first (npm run build)" >&2; exit 2; }

work="$(mktemp -d -t cme-slowlink-XXXXXX)"
server_pid=""
stop() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap 'stop; rm -rf "$work"' EXIT INT TERM

echo "bench: building the baseline SPA ($baseline)"
mkdir -p "$work/baseline"
git -C "$repo" archive "$baseline" frontend | tar -x -C "$work/baseline"
ln -s "$repo/frontend/node_modules" "$work/baseline/frontend/node_modules"
(cd "$work/baseline/frontend" && npx vite build --logLevel error >/dev/null)

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base_url="http://127.0.0.1:$port"
env_for() { # static dir
  echo DATABASE_URL="sqlite://$work/bench.db?mode=rwc" CME_BIND="127.0.0.1:$port" CME_PUBLIC_URL="$base_url" \
    CME_STATIC_DIR="$1" CME_DATA_KEY_FILE="$work/cme.key" CME_TEST_CAPTCHA=1
}
echo "bench: loading demo data"
(cd "$work" && env $(env_for "$repo/frontend/dist") "$binary" demo >"$work/demo.log" 2>&1) || {
  tail -20 "$work/demo.log" >&2
  exit 1
}

serve() { # static dir
  (cd "$work" && exec env $(env_for "$1") "$binary" serve) >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 120); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/api/v1/health" || true)" == "200" ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  echo "bench: the server did not start" >&2
  tail -20 "$work/server.log" >&2
  exit 1
}

echo "bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
serve "$work/baseline/frontend/dist"
BASE_URL="$base_url" LABEL="before: $baseline" node "$here/slow-link.mjs"
stop
serve "$repo/frontend/dist"
BASE_URL="$base_url" LABEL="after: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet || echo '+changes')" node "$here/slow-link.mjs"
stop
