#!/usr/bin/env bash
# Benchmark (issue 3): authenticated GET /api/v1/me and a scoped people list
# (50 rows) against GET /api/v1/health, 64 connections, on PostgreSQL with the
# generated 400,000-person province. Prints throughput, the ratio to /health
# and p99 latency. Not part of `make test`.
#
#   tests/bench/auth.sh            # generates the province first if the database is empty
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
serve_on 18089
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
