#!/usr/bin/env bash
# Browser tests against the real server.
#   tests/e2e/run.sh path/to/cme [specs/one.test.mjs ...]
# (every spec by default; or only the specs named, relative to tests/e2e)
# Needs frontend/dist (npm run build in frontend/) and /usr/bin/chromium.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  echo "usage: $0 CME_BINARY [SPEC...]" >&2
  exit 2
fi

# Chromium names a download with a Chinese file name "download" in the C
# locale (a CI shell may set no LANG): give it UTF-8.
export LANG="${LANG:-C.UTF-8}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
specs=("$@")

[[ -x "$binary" ]] || { echo "e2e: $binary is not an executable" >&2; exit 2; }
[[ -f "$repo/frontend/dist/index.html" ]] || {
  echo "e2e: $repo/frontend/dist is missing; run 'npm run build' in frontend/" >&2
  exit 2
}
[[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]] || {
  echo "e2e: chromium not found (apt-get install chromium fonts-noto-cjk fonts-hanazono, or make browser)" >&2
  exit 2
}

cd "$here"
# Every spec runs in the full suite: one left out of package.json's test script fails here.
for spec in specs/*.test.mjs; do
  grep -q "$spec" package.json || { echo "e2e: $spec is missing from package.json's test script" >&2; exit 2; }
done
if [[ ! -d node_modules/playwright-core || ! -d node_modules/axe-core ]]; then
  npm ci --no-fund --no-audit
fi

work="$(mktemp -d -t cme-e2e-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base_url="http://127.0.0.1:$port"
mkdir -p "$here/out"
log="$here/out/server.log"

# One environment for `demo` and `serve`. CME_TEST_CAPTCHA=1 makes the captcha
# endpoint also return its answer, for the trainee sign-in test; production
# builds refuse to start with it.
server_env=(
  DATABASE_URL="sqlite://$work/e2e.db?mode=rwc"
  CME_BIND="127.0.0.1:$port"
  CME_PUBLIC_URL="$base_url"
  CME_STATIC_DIR="$repo/frontend/dist"
  CME_DATA_KEY_FILE="$work/cme.key"
  CME_TEST_CAPTCHA=1
)

echo "e2e: loading demo data (log: $log)"
# From the temp dir, so that no relative default (data/, keys) lands in the repo.
if ! (cd "$work" && env "${server_env[@]}" "$binary" demo --queue-people 4500 --certified-people 800) >"$log" 2>&1; then
  echo "e2e: '$binary demo' failed; last log lines:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi

echo "e2e: starting $binary serve on $base_url (log: $log)"
(
  cd "$work"
  exec env "${server_env[@]}" "$binary" serve
) >>"$log" 2>&1 &
server_pid=$!

deadline=$((SECONDS + 60))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$base_url/api/v1/health" || true)" == "200" ]]; do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "e2e: server exited before becoming healthy; last log lines:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    echo "e2e: server not healthy after 60s; last log lines:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
  sleep 0.5
done
echo "e2e: server healthy"

# The master key lets the activity spec mint a sign-in code of any minute.
if [[ ${#specs[@]} -gt 0 ]]; then
  BASE_URL="$base_url" E2E_DATA_KEY_FILE="$work/cme.key" node --test "${specs[@]}"
else
  BASE_URL="$base_url" E2E_DATA_KEY_FILE="$work/cme.key" npm test
fi
