#!/usr/bin/env bash
# Benchmark (issue 3): authenticated GET /api/v1/me and a scoped people list
# (50 rows) against GET /api/v1/health, 64 connections, on PostgreSQL with the
# generated 400,000-person province. Prints throughput, the ratio to /health
# and p99 latency. Not part of `make test`.
#
#   tests/bench/auth.sh            # generates the province first if the database is empty
#
# Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/cme_bench),
#      CME_BIN (default $CARGO_TARGET_DIR/release/cme), DURATION (default 20s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
db="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cme_bench}"
bin="${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/cme}"
duration="${DURATION:-20s}"
work="${BENCH_WORK:-/tmp/cme-bench}"
mkdir -p "$work"
export CME_DATA_KEY_FILE="$work/cme.key" DATABASE_URL="$db" RUST_LOG=warn

command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x "$bin" ]] || (cd "$repo" && cargo build --release -p cme-server)

admin_url="${db%/*}/postgres"
name="${db##*/}"
if ! psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
  psql "$admin_url" -qc "create database $name"
fi
if [[ "$(psql "$db" -Atqc "select count(*) from people" 2>/dev/null || echo 0)" -lt 400000 ]]; then
  echo "bench: generating the province (400,000 people) ..."
  /usr/bin/time -f "bench: generate took %e s, max RSS %M KB" "$bin" generate --people 400000 --seed 1
fi

port=18089
CME_BIND="127.0.0.1:$port" "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done

token() {
  curl -fs -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
unit_token="$(token bench-unit)"
county_token="$(token bench-county)"

run() { # label path token
  local out rps p99
  out="$(wrk -t2 -c64 -d"$duration" --latency ${3:+-H "Authorization: Bearer $3"} "http://127.0.0.1:$port$2")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  local non2xx; non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '%-40s %10s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
  echo "$rps" >"$work/$1.rps"
}

echo "bench: wrk -t2 -c64 -d$duration, server and wrk on the same 2 cores"
run health /api/v1/health
run me /api/v1/me "$unit_token"
run people-unit "/api/v1/people?limit=50" "$unit_token"
run people-county "/api/v1/people?limit=50" "$county_token"
h="$(cat "$work/health.rps")"
for k in me people-unit people-county; do
  awk -v a="$(cat "$work/$k.rps")" -v h="$h" -v k="$k" 'BEGIN { printf "ratio %-14s %.2f of /health\n", k, a / h }'
done
