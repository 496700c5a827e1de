#!/usr/bin/env bash
# Benchmark (issue 6): certificates on PostgreSQL with the generated
# 400,000-person province. Not part of `make test`.
#
#   tests/bench/certificates.sh
#
# A prefecture office approves up to 5,000 township records waiting on it
# (their final review) and generates their numbers, which makes their
# certificates (snapshots) in the same transactions; then it prints batches
# of 100, 500 and 2,000 certificates as one streamed PDF each
# (POST /certificates/print). Prints the time of each step, the PDF's size
# and pages, and the server's resident memory before and at its peak during
# each batch (sampled every 20 ms from /proc), so a batch's memory can be
# compared across sizes; and one certificate's PDF (GET …/pdf) p99 under 16
# connections.
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, DURATION).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
year="$(psql "$db" -Atqc "select max(cycle_year) from verifications")"
serve_on 18093
pref_token="$(token bench-prefecture)"
pref="$(psql "$db" -Atqc "select region_id from accounts where username = 'bench-prefecture'")"

rss() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

# Certificates to print: township records are final at the prefecture.
have="$(psql "$db" -Atqc "select count(*) from certificates c join verifications v on v.id = c.verification_id \
  where v.prefecture_id = '$pref' and c.year = $year and c.superseded_at is null")"
# The numbering runs once: on a rerun the certificates of the first run are printed again and
# the numbering is not measured (said below, not skipped silently).
if [[ "$have" -ge 2000 ]]; then
  echo "bench: numbering NOT measured this run: the prefecture has $have certificates of $year from an earlier run (delete them or use a fresh province to measure it)"
else
  psql "$db" -Atqc "select v.id, v.row_version from verifications v where v.current_tier = 'prefecture_office' \
    and v.prefecture_id = '$pref' and v.state = 'in_review' and v.unit_level = 'township' order by v.id limit 5000" |
    python3 -c '
import json, sys
items = [{"id": l.split("|")[0], "row_version": int(l.split("|")[1])} for l in sys.stdin.read().split()]
json.dump({"decision": "approve", "items": items}, open("'"$work"'/batch.json", "w"))'
  curl -fs -H "Authorization: Bearer $pref_token" -H 'content-type: application/json' \
    --data-binary "@$work/batch.json" "http://127.0.0.1:$port/api/v1/reviews/decisions" >/dev/null ||
    { echo "bench: the approvals before the numbering failed" >&2; exit 1; }
  start=$(date +%s%N)
  curl -fs -H "Authorization: Bearer $pref_token" -H 'content-type: application/json' \
    -d "{\"cycle_year\": $year}" "http://127.0.0.1:$port/api/v1/certificate-numbers" >"$work/numbers.json" ||
    { echo "bench: the numbering failed" >&2; exit 1; }
  end=$(date +%s%N)
  printf 'numbers with certificates: %s issued, server %s ms, client %d ms\n' \
    "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["issued"])')" \
    "$(python3 -c 'import json; print(json.load(open("'"$work"'/numbers.json"))["millis"])')" \
    $(((end - start) / 1000000))
fi
psql "$db" -Atqc "select count(*) from certificates where year = $year" | sed 's/^/bench: certificates of the year: /'

batch() { # n
  local n="$1" peak before start end
  psql "$db" -Atqc "select c.person_id from certificates c join verifications v on v.id = c.verification_id \
    where v.prefecture_id = '$pref' and c.year = $year and c.superseded_at is null and c.revoked_at is null \
    order by c.id limit $n" |
    python3 -c 'import json,sys; json.dump({"year": '"$year"', "person_ids": sys.stdin.read().split()}, open("'"$work"'/print.json","w"))'
  before="$(rss)"
  peak="$before"
  start=$(date +%s%N)
  curl -fs -H "Authorization: Bearer $pref_token" -H 'content-type: application/json' \
    --data-binary "@$work/print.json" "http://127.0.0.1:$port/api/v1/certificates/print" -o "$work/batch.pdf" &
  local curl_pid=$!
  while kill -0 "$curl_pid" 2>/dev/null; do
    local now
    now="$(rss)"
    ((now > peak)) && peak="$now"
    sleep 0.02
  done
  wait "$curl_pid"
  end=$(date +%s%N)
  printf 'print %5d: %6d ms, %9d bytes, %5s pages, server RSS %d MB before, %d MB peak (+%d MB)\n' \
    "$n" $(((end - start) / 1000000)) "$(stat -c %s "$work/batch.pdf")" \
    "$(pdfinfo "$work/batch.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')" \
    $((before / 1024)) $((peak / 1024)) $(((peak - before) / 1024))
}
batch 100
batch 500
batch 2000
batch 500

one="$(psql "$db" -Atqc "select c.id from certificates c join verifications v on v.id = c.verification_id \
  where v.prefecture_id = '$pref' and c.year = $year order by c.id limit 1")"
curl -fs -H "Authorization: Bearer $pref_token" "http://127.0.0.1:$port/api/v1/certificates/$one/pdf" -o "$work/one.pdf"
echo "bench: one certificate is $(stat -c %s "$work/one.pdf") bytes"
run one-certificate-pdf "/api/v1/certificates/$one/pdf" "$pref_token"
bench_finish
