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
# year (POST /api/v1/compliance/recompute) from the inputs stored with each
# verdict, from the credits themselves, and after a standard change that
# alters every verdict; best of 3 each, and their ratios.
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION). The default
# URL uses TLS when the server offers it (libpq's and sqlx's sslmode=prefer),
# for psql and the server alike; add ?sslmode=disable to measure both without.
# The server logs each recomputation's read and last-merge times at info:
# RUST_LOG=warn,cme_store=info.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
year="$(psql "$db" -Atqc "select max(year) from credits")"
serve_on 18090
unit_token="$(token bench-unit)"
pref_token="$(token bench-prefecture)"
admin_token="$(token admin)"

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
recompute() { # from_credits
  for _ in 1 2 3; do
    curl -fs -H "Authorization: Bearer $admin_token" -H 'content-type: application/json' \
      -d "{\"year\": $year, \"from_credits\": $1}" "http://127.0.0.1:$port/api/v1/compliance/recompute" |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["millis"], r["written"])'
  done | sort -n | head -1
}
read -r rec rec_written <<<"$(recompute false)"
read -r full full_written <<<"$(recompute true)"
ratio() { awk -v a="$agg" -v r="$1" 'BEGIN { printf "%.2f", r / a }'; }
printf 'aggregate (psql)                         %8.0f ms\n' "$agg"
printf 'recompute (stored inputs, the endpoint)  %8.0f ms   ratio %s   rows written %s\n' "$rec" "$(ratio "$rec")" "$rec_written"
printf 'recompute from the credits (rebuild)     %8.0f ms   ratio %s   rows written %s\n' "$full" "$(ratio "$full")" "$full_written"

# Every stored row changes: the year's standard republished as a new
# version (same rows), so every verdict records another version.
if [ "${BENCH_REWRITE:-1}" = 1 ]; then
  read -r rw rw_written <<<"$(for _ in 1 2 3; do
    psql "$db" -Atqc "UPDATE standards SET version = version + 1, \
      body = jsonb_set(body, '{version}', to_jsonb(version + 1)) \
      WHERE year = $year AND status = 'published' AND version = \
      (SELECT max(version) FROM standards WHERE year = $year AND status = 'published')" >/dev/null
    curl -fs -H "Authorization: Bearer $admin_token" -H 'content-type: application/json' \
      -d "{\"year\": $year}" "http://127.0.0.1:$port/api/v1/compliance/recompute" |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["millis"], r["written"])'
  done | sort -n | head -1)"
  printf 'recompute after a new standard version   %8.0f ms   ratio %s   rows written %s\n' "$rw" "$(ratio "$rw")" "$rw_written"
fi
