#!/usr/bin/env bash
# Benchmark (issue 5): the annual verification on PostgreSQL with the
# generated 400,000-person province (whose compliant people `cme generate`
# puts in review at their last office below the province). Not part of
# `make test`.
#
#   tests/bench/verification.sh
#
# Prints: p99 of an office's review queue (50 a page, first page and a later
# page) under 16 connections; the time of one office approving a batch of
# 5,000 records (POST /reviews/decisions) and of generating 5,000
# certificate numbers (POST /certificate-numbers), as the server reports
# them and as the client waited.
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
year="$(psql "$db" -Atqc "select max(cycle_year) from verifications")"
serve_on 18091
pref_token="$(token bench-prefecture)"
pref="$(psql "$db" -Atqc "select region_id from accounts where username = 'bench-prefecture'")"

waiting="$(psql "$db" -Atqc "select count(*) from verifications where current_tier = 'prefecture_office' \
  and prefecture_id = '$pref' and state = 'in_review'")"
echo "bench: cycle $year; $waiting records wait on the prefecture office"
echo "bench: wrk -t2 -c$connections -d$duration, server, wrk and PostgreSQL on the same 2 cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
run queue-prefecture "/api/v1/reviews/queue?cycle_year=$year&limit=50" "$pref_token"
cursor="$(curl -fs -H "Authorization: Bearer $pref_token" \
  "http://127.0.0.1:$port/api/v1/reviews/queue?cycle_year=$year&limit=200" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["next_cursor"])')"
run queue-prefecture-page2 "/api/v1/reviews/queue?cycle_year=$year&limit=50&after=$cursor" "$pref_token"
run queue-summary "/api/v1/reviews/summary?cycle_year=$year" "$pref_token"

# 5,000 records, township ones first: the prefecture is their final office, so
# those approved then wait on it for numbers (the others go on to the province).
psql "$db" -Atqc "select v.id, v.row_version from verifications v where v.current_tier = 'prefecture_office' \
  and v.prefecture_id = '$pref' and v.state = 'in_review' order by (v.unit_level <> 'township'), v.id limit 5000" |
  python3 -c '
import json, sys
items = [{"id": l.split("|")[0], "row_version": int(l.split("|")[1])} for l in sys.stdin.read().split()]
json.dump({"decision": "approve", "items": items}, open("'"$work"'/batch.json", "w"))
print(len(items), file=sys.stderr)' 2>"$work/batch.count"
# On a rerun these are the next 5,000 (the previous run's are approved and numbered): the
# figures are of another batch of the same kind, and the queue is shorter by 5,000.
[[ "$(cat "$work/batch.count")" -gt 0 ]] || { bench_fail "no record left to approve at the prefecture"; bench_finish; }
echo "bench: approving a batch of $(cat "$work/batch.count") records"
start=$(date +%s%N)
curl -fs -H "Authorization: Bearer $pref_token" -H 'content-type: application/json' \
  --data-binary "@$work/batch.json" "http://127.0.0.1:$port/api/v1/reviews/decisions" >"$work/decided.json" ||
  bench_fail "the batch approval answered an error"
end=$(date +%s%N)
printf 'approve batch: %s records, server %s ms, client %d ms\n' \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/decided.json"))["decided"])')" \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/decided.json"))["millis"])')" \
  $(((end - start) / 1000000))
start=$(date +%s%N)
curl -fs -H "Authorization: Bearer $pref_token" -H 'content-type: application/json' \
  -d "{\"cycle_year\": $year}" "http://127.0.0.1:$port/api/v1/certificate-numbers" >"$work/numbers.json" ||
  bench_fail "the numbering answered an error"
end=$(date +%s%N)
printf 'certificate numbers: %s issued (%s … %s), server %s ms, client %d ms\n' \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["issued"])')" \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["first"])')" \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["last"])')" \
  "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["millis"])')" \
  $(((end - start) / 1000000))
bench_finish
