#!/usr/bin/env bash
# Benchmark (issue 15): the workbench (GET /api/v1/workbench), every staff
# member's landing page, on PostgreSQL with the generated 400,000-person
# province. Not part of `make test`.
#
#   tests/bench/workbench.sh
#
# Prints, for the province's 科教处, a prefecture and a county office:
#   - the first request's time (nothing shared yet: the figures below are
#     computed) and a second one (shared);
#   - requests/s and p99 under 16 connections for $DURATION: the figures are
#     computed at most once per 30 s per office (crates/api/src/figures.rs),
#     so a run longer than 30 s includes recomputations;
#   - for comparison, GET /verification-stats with the same grouping, which
#     aggregates on every call.
# Target (issue 15): p99 <= 100 ms for the prefecture and the province.
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
year="$(psql "$db" -Atqc "select max(cycle_year) from verifications")"
serve_on 18095
echo "bench: cycle $year; wrk -t2 -c$connections -d$duration, server, wrk and PostgreSQL on the same 2 cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"

once() { # label path token
  local t
  t="$(curl -fs -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $3" "http://127.0.0.1:$port$2")"
  printf '%-36s %8.0f ms\n' "$1" "$(python3 -c "print($t * 1000)")"
}

for who in bench-province:prefecture bench-prefecture:county bench-county:unit; do
  account="${who%%:*}"
  by="${who##*:}"
  tok="$(token "$account")"
  once "workbench-$account first" "/api/v1/workbench" "$tok"
  once "workbench-$account second" "/api/v1/workbench" "$tok"
  run "workbench-$account" "/api/v1/workbench" "$tok"
  run "stats-by-$by-$account (uncached)" "/api/v1/verification-stats?cycle_year=$year&by=$by" "$tok"
done
bench_finish
