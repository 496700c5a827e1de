# Sourced by the benchmark scripts: a release `cme`, the generated
# 400,000-person province on PostgreSQL (made once), and `serve_on PORT`.
# Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cme_bench),
#      CME_BIN (default $CARGO_TARGET_DIR/release/cme), DURATION (default 20s).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
db="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cme_bench}"
bin="${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/cme}"
duration="${DURATION:-20s}"
work="${BENCH_WORK:-/tmp/cme-bench}"
mkdir -p "$work"
export CME_DATA_KEY_FILE="$work/cme.key" DATABASE_URL="$db" RUST_LOG="${RUST_LOG:-warn}"

command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x "$bin" ]] || (cd "$repo" && cargo build --release -p cme-server)

admin_url="${db%/*}/postgres"
name="${db##*/}"
name="${name%%\?*}"
if ! psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
  psql "$admin_url" -qc "create database $name"
fi
if [[ "$(psql "$db" -Atqc "select count(*) from people" 2>/dev/null || echo 0)" -lt 400000 ]]; then
  echo "bench: generating the province (400,000 people) ..."
  /usr/bin/time -f "bench: generate took %e s, max RSS %M KB" "$bin" generate --people 400000 --seed 1
fi

# Starts `cme serve` on PORT (stopped when the script exits) and waits until it is healthy.
serve_on() {
  port="$1"
  CME_BIND="127.0.0.1:$port" "$bin" serve >"$work/server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 120); do curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done
}

# An access token of a demo/bench account.
token() {
  curl -fs -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}

# GETs PATH as TOKEN under wrk (2 threads, 16 connections, $duration, a 10 s
# timeout) and prints one line: LABEL, requests/s, p99, the non-2xx count and
# wrk's socket errors (connect/read/write/timeout), so that a run whose
# requests failed or timed out never reads as fast.
run() { # label path token
  local out rps p99 non2xx errors
  out="$(wrk -t2 -c16 -d"$duration" --timeout 10s --latency -H "Authorization: Bearer $3" "http://127.0.0.1:$port$2")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  errors="$(awk '/Socket errors/ {print $4 $6 $8 $10}' <<<"$out" | tr ',' '/')"
  printf '%-36s %10s req/s   p99 %8s   non-2xx %s   socket errors %s\n' "$1" "$rps" "$p99" "${non2xx:-0}" "${errors:-0/0/0/0}"
}
