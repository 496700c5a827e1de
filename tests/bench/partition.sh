#!/usr/bin/env bash
# Benchmark (issue 18, item 7): the credits table partitioned by year, on
# copies of the generated 400,000-person province. Not part of `make test`.
#
#   tests/bench/partition.sh
#
# Makes (once; they are kept for reruns, drop them by hand):
#   ${SCALE_DB}_plain  the province with EXTRA_YEARS earlier years of credits
#                      added (copies of the generated year's rows, new ids),
#                      so that a year is one part of the table, as it is
#                      after a few years of operation; credits unpartitioned
#   ${SCALE_DB}_year   a copy of _plain with credits partitioned by year
#                      (tests/bench/partition.sql, timed: the migration)
# then measures both, back to back, ROUNDS times (median printed):
#   - the person-year read (credits of one person and year, in entry order:
#     repo::credit::entries_for_person_year and compliance::inputs::credits)
#     and the read of one credit by id alone (repo::credit::get), with
#     pgbench (-M prepared, 4 clients, random people and credits of a fixed
#     sample of 10,000), the statement's own mean latency
#   - the year's aggregate of the recompute from credits (psql, rows to the client)
#   - GET /api/v1/people/{id}/compliance/{year} (the person-year detail) under
#     wrk, 16 connections, rotating over 1,000 people of the sample
#   - POST /api/v1/compliance/recompute {from_credits: true} (the server's own millis)
#   and the table's and its indexes' sizes.
#
# Env: SCALE_DB (default postgres://postgres@127.0.0.1:5432/cme_scale, the
# generated province), CME_BIN (default /work/scale/cme), CME_DATA_KEY_FILE
# (default /work/scale/cme.key: the key the province was generated with),
# EXTRA_YEARS (default 0; N adds N earlier years: ~10 min a year here, not run to the end yet), ROUNDS (default 3), DURATION (default 10 s),
# PORT_PLAIN/PORT_YEAR (default 18561/18562). Other builds on the machine
# load it too: the script prints `uptime` before each round.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="${SCALE_DB:-postgres://postgres@127.0.0.1:5432/cme_scale}"
bin="${CME_BIN:-/work/scale/cme}"
export CME_DATA_KEY_FILE="${CME_DATA_KEY_FILE:-/work/scale/cme.key}"
extra="${EXTRA_YEARS:-0}"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
server="${base%/*}"
admin_url="$server/postgres"
name="${base##*/}"
plain="${name}_plain"
part="${name}_year"
work="$(mktemp -d /tmp/cme-partition.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$bin" ]] || { echo "partition: no cme binary at $bin (CME_BIN)" >&2; exit 2; }
[[ -r "$CME_DATA_KEY_FILE" ]] || { echo "partition: no data key at $CME_DATA_KEY_FILE" >&2; exit 2; }
command -v wrk >/dev/null && command -v pgbench >/dev/null || { echo "partition: needs wrk and pgbench" >&2; exit 2; }
exists() { psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$1'" | grep -q 1; }
exists "$name" || { echo "partition: $name does not exist: cme generate --people 400000 first" >&2; exit 2; }
year="$(psql "$base" -Atqc "select max(year) from credits")"
first=$((year - extra))
q() { psql "$server/$1" -v ON_ERROR_STOP=1 -Atq "${@:2}"; }
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

if ! exists "$plain"; then
  t0="$(date +%s.%N)"
  psql "$admin_url" -qc "create database $plain template $name"
  echo "partition: $plain copied from $name in $(secs "$t0") s"
  for k in $(seq 1 "$extra"); do
    t0="$(date +%s.%N)"
    # Earlier years: the generated year's rows again, shifted by k years. A
    # new id keeps the original's time order (the version digit becomes k),
    # so the primary key is filled in order as in real life; activities are
    # not copied (their unique index), certificate numbers get the year.
    q "$plain" -c "INSERT INTO credits (id, person_id, year, kind, source, class, amount_tenths, entry_path, state,
        activity_name, organiser, earned_on, certificate_no, activity_id, reverses_id, note, created_at, created_by,
        department_id, report_id, decided_by, decision_reason, decided_at)
      SELECT overlay(id::text placing '$k' from 15 for 1)::uuid, person_id, year - $k, kind, source, class,
        amount_tenths, entry_path, state, activity_name, organiser, (earned_on - interval '$k years')::date,
        certificate_no || '-' || (year - $k), NULL, NULL, note, created_at - interval '$k years', created_by,
        department_id, NULL, decided_by, decision_reason, decided_at - interval '$k years'
      FROM credits WHERE year = $year AND reverses_id IS NULL ORDER BY id"
    echo "partition: year $((year - k)) added to $plain in $(secs "$t0") s"
  done
  # The same samples in both copies: 10,000 people and 10,000 credits of the year.
  q "$plain" -c "CREATE TABLE bench_people AS SELECT row_number() OVER () AS n, id FROM
      (SELECT id FROM people ORDER BY md5(id::text) LIMIT 10000) s;
    CREATE UNIQUE INDEX ON bench_people (n);
    CREATE TABLE bench_credits AS SELECT row_number() OVER () AS n, id FROM
      (SELECT id FROM credits WHERE year = $year ORDER BY md5(id::text) LIMIT 10000) s;
    CREATE UNIQUE INDEX ON bench_credits (n);"
  t0="$(date +%s.%N)"
  q "$plain" -c "VACUUM (ANALYZE) credits" -c "ANALYZE bench_people" -c "ANALYZE bench_credits"
  echo "partition: $plain vacuumed and analysed in $(secs "$t0") s"
fi
if ! exists "$part"; then
  t0="$(date +%s.%N)"
  psql "$admin_url" -qc "create database $part template $plain"
  echo "partition: $part copied from $plain in $(secs "$t0") s"
  echo "partition: partitioning credits of $part by year (tests/bench/partition.sql), statement by statement:"
  t0="$(date +%s.%N)"
  psql "$server/$part" -q -v first_year="$first" -v last_year="$((year + 1))" -f "$here/partition.sql" |
    grep -E '^Time:' | sed 's/^/partition:   /'
  echo "partition: the whole migration took $(secs "$t0") s"
fi

# The tables that hold the rows: the partitions, or the plain table itself.
leaves="WITH leaves AS (SELECT relid FROM pg_partition_tree('credits') WHERE isleaf
  UNION ALL SELECT 'credits'::regclass WHERE (SELECT relkind FROM pg_class WHERE oid = 'credits'::regclass) = 'r')"
echo "partition: sizes (table, its indexes, rows)"
for db in "$plain" "$part"; do
  q "$db" -F ' ' -c "$leaves SELECT '$db', pg_size_pretty(sum(pg_table_size(relid))), pg_size_pretty(sum(pg_indexes_size(relid))),
      (SELECT count(*) FROM credits), (SELECT count(*) FROM credits WHERE year = $year)
    FROM leaves" |
    awk '{printf "partition:   %-22s table %s %s, indexes %s %s, %s rows (%s of %s)\n", $1, $2, $3, $4, $5, $6, $7, y}' y="$year"
done
for db in "$plain" "$part"; do
  echo "partition:   $db, each index (summed over partitions):"
  q "$db" -F ' ' -c "$leaves SELECT coalesce(p.parent, c.relname), pg_size_pretty(sum(pg_relation_size(c.oid)))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
    JOIN leaves t ON t.relid = i.indrelid
    LEFT JOIN LATERAL (SELECT a.relname AS parent FROM pg_partition_ancestors(c.oid) x
      JOIN pg_class a ON a.oid = x.relid WHERE x.relid <> c.oid LIMIT 1) p ON true
    GROUP BY 1 ORDER BY 1" | sed 's/^/partition:     /'
done

# pgbench scripts: one lookup in the sample, then the store's statement.
cat >"$work/person_year.sql" <<EOF
\set n random(1, 10000)
SELECT id AS pid FROM bench_people WHERE n = :n \gset
SELECT * FROM credits WHERE person_id = :pid AND year = $year ORDER BY created_at, id;
EOF
cat >"$work/by_id.sql" <<EOF
\set n random(1, 10000)
SELECT id AS cid FROM bench_credits WHERE n = :n \gset
SELECT * FROM credits WHERE id = :cid;
EOF
bench_sql() { # db script -> "tps statement_ms"
  local out
  out="$(pgbench -n -M prepared -r -c 4 -j 2 -T "$duration" -f "$2" "$server/$1" 2>&1)"
  awk '/^tps/ {tps = $3} /SELECT \* FROM credits/ {ms = $1} END {printf "%.0f %.3f\n", tps, ms}' <<<"$out"
}
aggregate() { # db -> ms
  psql "$server/$1" -Atq -o /dev/null -c '\timing on' \
    -c "SELECT person_id, SUM(amount_tenths) FROM credits WHERE year = $year AND state = 'valid' GROUP BY person_id" |
    awk '/^Time:/ {print $2}'
}

# Servers: one per copy, each checked to be ours and healthy.
serve() { # db port
  if curl -fs "http://127.0.0.1:$2/api/v1/health" >/dev/null 2>&1; then
    echo "partition: port $2 is taken by another server" >&2
    exit 1
  fi
  DATABASE_URL="$server/$1" CME_BIND="127.0.0.1:$2" RUST_LOG=warn "$bin" serve >"$work/serve-$2.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 240); do
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "partition: the server on $1 exited" >&2; cat "$work/serve-$2.log" >&2; exit 1; }
    curl -fs "http://127.0.0.1:$2/api/v1/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "partition: the server on $1 did not become healthy" >&2
  exit 1
}
token() { # port user
  curl -fs -H 'content-type: application/json' -d "{\"username\":\"$2\",\"password\":\"Demo@2026\"}" \
    "http://127.0.0.1:$1/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
port_plain="${PORT_PLAIN:-18561}"
port_part="${PORT_YEAR:-18562}"
serve "$plain" "$port_plain"
serve "$part" "$port_part"
declare -A read_token admin_token
for p in "$port_plain" "$port_part"; do
  read_token[$p]="$(token "$p" bench-province)"
  admin_token[$p]="$(token "$p" admin)"
done
q "$plain" -c "SELECT id FROM bench_people WHERE n <= 1000 ORDER BY n" >"$work/people.txt"
cat >"$work/person_year.lua" <<EOF
local ids = {}
for line in io.lines("$work/people.txt") do ids[#ids + 1] = line end
local i = 0
request = function()
  i = i % #ids + 1
  return wrk.format("GET", "/api/v1/people/" .. ids[i] .. "/compliance/$year")
end
EOF
api_read() { # port -> "rps p99 errors"
  local out
  out="$(wrk -t2 -c16 -d"${duration}s" --timeout 10s --latency -s "$work/person_year.lua" \
    -H "Authorization: Bearer ${read_token[$1]}" "http://127.0.0.1:$1")"
  awk '/Requests\/sec/ {rps = $2} $1 == "99%" {p99 = $2} /Non-2xx/ {bad += $5}
    /Socket errors/ {gsub(",", "", $0); bad += $4 + $6 + $8 + $10}
    END {printf "%s %s %d\n", rps, p99, bad}' <<<"$out"
}
recompute() { # port -> millis
  curl -fs -H "Authorization: Bearer ${admin_token[$1]}" -H 'content-type: application/json' \
    -d "{\"year\": $year, \"from_credits\": true}" "http://127.0.0.1:$1/api/v1/compliance/recompute" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["millis"])'
}

echo "partition: plans of one person-year's read and of the year's aggregate"
pid="$(q "$plain" -c "SELECT id FROM bench_people WHERE n = 1")"
for db in "$plain" "$part"; do
  echo "partition:   $db"
  q "$db" -c "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT * FROM credits WHERE person_id = '$pid' AND year = $year
    ORDER BY created_at, id" | grep -E 'Scan|Execution' | sed 's/^/partition:     /'
  q "$db" -c "EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT person_id, SUM(amount_tenths) FROM credits
    WHERE year = $year AND state = 'valid' GROUP BY person_id" | grep -E 'Scan|Execution|Workers' | sed 's/^/partition:     /'
done

declare -A results
for r in $(seq 1 "$rounds"); do
  echo "partition: round $r, load: $(uptime | sed 's/.*load average/load average/')"
  for db in "$plain" "$part"; do
    port="$port_plain"
    [[ "$db" == "$part" ]] && port="$port_part"
    read -r tps ms <<<"$(bench_sql "$db" "$work/person_year.sql")"
    read -r tps2 ms2 <<<"$(bench_sql "$db" "$work/by_id.sql")"
    agg="$(aggregate "$db")"
    read -r rps p99 bad <<<"$(api_read "$port")"
    rec="$(recompute "$port")"
    printf 'partition:   %-22s person-year read %7s ms (%5s tps)  by id %7s ms (%5s tps)  aggregate %9s ms  API person-year %8s req/s p99 %8s errors %s  recompute %6s ms\n' \
      "$db" "$ms" "$tps" "$ms2" "$tps2" "$agg" "$rps" "$p99" "$bad" "$rec"
    results[$db]+="$ms $tps $ms2 $tps2 $agg $rps $rec"$'\n'
  done
done
echo "partition: medians of $rounds rounds (statement latency under 4 pgbench clients; API at 16 connections)"
for db in "$plain" "$part"; do
  printf '%s' "${results[$db]}" | python3 -c '
import statistics, sys
rows = [list(map(float, l.split())) for l in sys.stdin if l.strip()]
m = [statistics.median(c) for c in zip(*rows)]
print("partition:   %-22s person-year read %.3f ms  by id %.3f ms  aggregate %.0f ms  API person-year %.0f req/s  recompute from credits %.0f ms" % (sys.argv[1], m[0], m[2], m[4], m[5], m[6]))
' "$db"
done
