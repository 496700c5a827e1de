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
# alters every verdict; all measured in this run, interleaved in rounds after
# the same warm-up, each after a finished VACUUM; the median of each and
# their ratios.
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
echo "bench: wrk -t2 -c$connections -d$duration, server, wrk and PostgreSQL on the same 2 cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
run compliance-unit "/api/v1/compliance?year=$year&limit=50" "$unit_token"
run compliance-unit-noncompliant "/api/v1/compliance?year=$year&limit=50&outcome=non_compliant" "$unit_token"
run compliance-prefecture "/api/v1/compliance?year=$year&limit=50" "$pref_token"
run compliance-prefecture-noncompliant "/api/v1/compliance?year=$year&limit=50&outcome=non_compliant" "$pref_token"
cursor="$(curl -fs -H "Authorization: Bearer $pref_token" \
  "http://127.0.0.1:$port/api/v1/compliance?year=$year&limit=50" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')"
run compliance-prefecture-page2 "/api/v1/compliance?year=$year&limit=50&after=$cursor" "$pref_token"

# The ratios: the aggregate and the recomputations measured in this run, in rounds, each
# measurement after the VACUUM of the previous rewrite has finished and a VACUUM of ours
# (waited for), so that no measurement overlaps a vacuum and all see the same state. One
# warm-up of each first (discarded); then $ROUNDS rounds (default 3); the median of each.
rounds="${ROUNDS:-3}"
settle() {
  local _
  for _ in $(seq 600); do
    [[ "$(psql "$db" -Atqc "select count(*) from pg_stat_progress_vacuum p join pg_class c on c.oid = p.relid \
      where c.relname = 'compliance'")" == 0 ]] && break
    sleep 0.5
  done
  psql "$db" -qc "VACUUM (ANALYZE) compliance" >/dev/null
}
aggregate() {
  # The rows go to the client (as the recomputation's do); the timing to stdout.
  psql "$db" -Atq -o /dev/null -c '\timing on' \
    -c "SELECT person_id, SUM(amount_tenths) FROM credits WHERE year = $year AND state = 'valid' GROUP BY person_id" |
    awk '/^Time:/ {print $2}'
}
recompute() { # body
  curl -fs -H "Authorization: Bearer $admin_token" -H 'content-type: application/json' \
    -d "$1" "http://127.0.0.1:$port/api/v1/compliance/recompute" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["millis"], r["written"])' ||
    { bench_fail "a recomputation answered an error"; echo "0 0"; }
}
republish() { # every stored verdict changes: the year's standard republished as a new version
  psql "$db" -Atqc "UPDATE standards SET version = version + 1, \
    body = jsonb_set(body, '{version}', to_jsonb(version + 1)) \
    WHERE year = $year AND status = 'published' AND version = \
    (SELECT max(version) FROM standards WHERE year = $year AND status = 'published')" >/dev/null
}
stored="{\"year\": $year, \"from_credits\": false}"
rebuild="{\"year\": $year, \"from_credits\": true}"
echo "bench: one set-based aggregate of the year's credits vs recomputing the province: warm-up, then $rounds rounds"
settle; aggregate >/dev/null; settle; recompute "$stored" >/dev/null; settle; recompute "$rebuild" >/dev/null
: >"$work/agg"; : >"$work/rec"; : >"$work/full"; : >"$work/rw"
for r in $(seq "$rounds"); do
  settle; aggregate >>"$work/agg"
  settle; recompute "$stored" >>"$work/rec"
  settle; recompute "$rebuild" >>"$work/full"
  if [ "${BENCH_REWRITE:-1}" = 1 ]; then settle; republish; recompute "{\"year\": $year}" >>"$work/rw"; fi
done
median() { sort -n -k1,1 "$1" | awk '{ v[NR] = $0 } END { print v[int((NR + 1) / 2)] }'; }
all() { awk '{ printf "%s%.0f", (NR > 1 ? " " : ""), $1 }' "$1"; }
agg="$(median "$work/agg")"
ratio() { awk -v a="$agg" -v r="$1" 'BEGIN { printf "%.2f", r / a }'; }
read -r rec rec_written <<<"$(median "$work/rec")"
read -r full full_written <<<"$(median "$work/full")"
printf 'aggregate (psql)                         %8.0f ms   (each round: %s)\n' "$agg" "$(all "$work/agg")"
printf 'recompute (stored inputs, the endpoint)  %8.0f ms   ratio %s   rows written %s   (each: %s)\n' \
  "$rec" "$(ratio "$rec")" "$rec_written" "$(all "$work/rec")"
printf 'recompute from the credits (rebuild)     %8.0f ms   ratio %s   rows written %s   (each: %s)\n' \
  "$full" "$(ratio "$full")" "$full_written" "$(all "$work/full")"
if [ "${BENCH_REWRITE:-1}" = 1 ]; then
  read -r rw rw_written <<<"$(median "$work/rw")"
  printf 'recompute after a new standard version   %8.0f ms   ratio %s   rows written %s   (each: %s)\n' \
    "$rw" "$(ratio "$rw")" "$rw_written" "$(all "$work/rw")"
fi
bench_finish
