#!/usr/bin/env bash
# Benchmark (issue 4): the compliance queries and the set-based recomputation
# on PostgreSQL with the generated 400,000-person province. Not part of
# `make test`.
#
#   tests/bench/compliance.sh
#
# Prints: p99 of a unit's and a prefecture's compliance list (50 rows a page)
# under 16 connections; the time of one plain SQL aggregate of the year's
# credits (psql) and of recomputing the whole province's compliance for the
# year (POST /api/v1/compliance/recompute), best of 3 each, and their ratio.
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
year="$(psql "$db" -Atqc "select max(year) from credits")"

port=18090
CME_BIND="127.0.0.1:$port" "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -fs "http://127.0.0.1:$port/api/v1/health" >/dev/null && break; sleep 0.5; done

token() {
  curl -fs -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
unit_token="$(token bench-unit)"
pref_token="$(token bench-prefecture)"
admin_token="$(token admin)"

run() { # label path token
  local out rps p99 non2xx
  out="$(wrk -t2 -c16 -d"$duration" --latency -H "Authorization: Bearer $3" "http://127.0.0.1:$port$2")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '%-36s %10s req/s   p99 %8s   non-2xx %s\n' "$1" "$rps" "$p99" "${non2xx:-0}"
}

people_of() { # token
  curl -fs -H "Authorization: Bearer $1" "http://127.0.0.1:$port/api/v1/compliance?year=$year&limit=1" |
    python3 -c 'import json,sys; c=json.load(sys.stdin)["counts"]; print(sum(c.values()))'
}
echo "bench: year $year; the unit has $(people_of "$unit_token") people, the prefecture $(people_of "$pref_token")"
echo "bench: wrk -t2 -c16 -d$duration, server and wrk on the same 2 cores"
run compliance-unit "/api/v1/compliance?year=$year&limit=50" "$unit_token"
run compliance-unit-noncompliant "/api/v1/compliance?year=$year&limit=50&outcome=non_compliant" "$unit_token"
run compliance-prefecture "/api/v1/compliance?year=$year&limit=50" "$pref_token"
run compliance-prefecture-noncompliant "/api/v1/compliance?year=$year&limit=50&outcome=non_compliant" "$pref_token"
cursor="$(curl -fs -H "Authorization: Bearer $pref_token" \
  "http://127.0.0.1:$port/api/v1/compliance?year=$year&limit=50" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')"
run compliance-prefecture-page2 "/api/v1/compliance?year=$year&limit=50&after=$cursor" "$pref_token"

best() { sort -n | head -1; }
echo "bench: one set-based aggregate of the year's credits vs recomputing the province (best of 3)"
agg="$(for _ in 1 2 3; do
  # The rows go to the client (as the recomputation's do); the timing to stdout.
  psql "$db" -Atq -o /dev/null -c '\timing on' \
    -c "SELECT person_id, SUM(amount_tenths) FROM credits WHERE year = $year AND state = 'valid' GROUP BY person_id" |
    awk '/^Time:/ {print $2}'
done | best)"
rec="$(for _ in 1 2 3; do
  curl -fs -H "Authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d "{\"year\": $year}" "http://127.0.0.1:$port/api/v1/compliance/recompute" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["millis"])'
done | best)"
printf 'aggregate (psql)        %8.0f ms\nrecompute (whole year)  %8.0f ms\nratio                   %8.2f\n' \
  "$agg" "$rec" "$(awk -v a="$agg" -v r="$rec" 'BEGIN { print r / a }')"
