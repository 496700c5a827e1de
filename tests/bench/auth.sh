#!/usr/bin/env bash
# Benchmark (issue 3): authenticated GET /api/v1/me and a scoped people list
# (50 rows) against GET /api/v1/health, 64 connections, on PostgreSQL with the
# generated 400,000-person province. Prints throughput, the ratio to /health
# and p99 latency. Not part of `make test`.
#
#   tests/bench/auth.sh            # generates the province first if the database is empty
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION, CONNECTIONS: 64 here).
set -euo pipefail
connections="${CONNECTIONS:-64}"
CONNECTIONS="$connections"
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
serve_on 18089
unit_token="$(token bench-unit)"
county_token="$(token bench-county)"

echo "bench: wrk -t2 -c$connections -d$duration, server, wrk and PostgreSQL on the same 2 cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
run health /api/v1/health
run me /api/v1/me "$unit_token"
run people-unit "/api/v1/people?limit=50" "$unit_token"
run people-county "/api/v1/people?limit=50" "$county_token"
h="$(cat "$work/health.rps")"
for k in me people-unit people-county; do
  awk -v a="$(cat "$work/$k.rps")" -v h="$h" -v k="$k" 'BEGIN { printf "ratio %-14s %.2f of /health\n", k, a / h }'
done
bench_finish
