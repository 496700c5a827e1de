#!/usr/bin/env bash
# Benchmark (issue 18, item 6): how long the migrations take on the
# generated 400,000-person province, and which table locks they hold. Not
# part of `make test`.
#
#   tests/bench/migrations.sh
#
# On a fresh copy ${SCALE_DB}_mig of the province it rolls back every
# migration from FROM on with their own `down` (the `steps` example of the
# migrations crate), then:
#   1. applies them again one at a time (each in its own transaction, as
#      `cme migrate` does) and prints each one's time and the table locks a
#      sampler saw it hold (psql polling pg_locks; a lock held for less than
#      a sample's interval, tens of ms, may be missed);
#   2. rolls them back again and times `cme migrate` itself bringing them all
#      back (what an upgrade runs).
# CERTIFICATES=N first gives N compliant people a certificate (synthetic
# rows, as if numbered), so that migrations backfilling certificates have
# rows to fill as they will at a province after its first year.
#
# Env: SCALE_DB (default postgres://postgres@127.0.0.1:5432/cme_scale),
# CME_BIN (default /work/scale/cme), CME_DATA_KEY_FILE (default
# /work/scale/cme.key), FROM (default m20261206_000016: the migrations of
# December 2026), CERTIFICATES (default 0), STEPS_BIN (default: built with
# cargo into $CARGO_TARGET_DIR).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
base="${SCALE_DB:-postgres://postgres@127.0.0.1:5432/cme_scale}"
bin="${CME_BIN:-/work/scale/cme}"
export CME_DATA_KEY_FILE="${CME_DATA_KEY_FILE:-/work/scale/cme.key}"
from="${FROM:-m20261206_000016}"
certificates="${CERTIFICATES:-0}"
server="${base%/*}"
admin_url="$server/postgres"
name="${base##*/}"
copy="${name}_mig"
export DATABASE_URL="$server/$copy"
work="$(mktemp -d /tmp/cme-migrations.XXXXXX)"
sampler=""
cleanup() {
  [[ -n "$sampler" ]] && kill "$sampler" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$bin" ]] || { echo "migrations: no cme binary at $bin (CME_BIN)" >&2; exit 2; }
steps="${STEPS_BIN:-}"
if [[ -z "$steps" ]]; then
  (cd "$repo" && cargo build -q -p migration --example steps)
  steps="${CARGO_TARGET_DIR:-$repo/target}/debug/examples/steps"
fi
psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$name'" | grep -q 1 ||
  { echo "migrations: $name does not exist: cme generate --people 400000 first" >&2; exit 2; }

psql "$admin_url" -qc "drop database if exists $copy"
t0="$(date +%s.%N)"
psql "$admin_url" -qc "create database $copy template $name"
echo "migrations: $copy copied from $name in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
q() { psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -Atq "$@"; }
if ((certificates > 0)); then
  # As if the province had numbered N of the year's approved people: the
  # certificate columns that have no default, from the verification.
  q -f - <<EOF
INSERT INTO certificates (id, verification_id, person_id, unit_id, year, number, version, name, gender, id_masked,
  unit_name, title_name, class1_tenths, class2_tenths, self_managed_tenths, total_tenths, verdict, issuer,
  issued_by_region, issued_by_office, qr_token, check_code, issued_by, issued_at)
SELECT v.id, v.id, v.person_id, v.unit_id, v.year, v.year || '-530000-' || lpad(row_number() OVER (ORDER BY v.id)::text, 6, '0'),
  1, 'x', 'x', 'x', 'x', 'x', 0, 0, 0, 0, 'compliant', 'x', v.prefecture_id, 'x', md5(v.id::text), 'x', 'generate', now()
FROM verifications v WHERE v.prefecture_id IS NOT NULL ORDER BY v.id LIMIT $certificates;
EOF
  echo "migrations: $(q -c "select count(*) from certificates") certificates in $copy"
fi
echo "migrations: tables: $(q -F ' ' -c "select string_agg(relname || ' ' || n_live_tup, ', ' order by n_live_tup desc)
  from (select relname, n_live_tup from pg_stat_user_tables order by n_live_tup desc limit 8) t")"

count="$(q -c "select count(*) from seaql_migrations where version >= '$from'")"
echo "migrations: rolling back the $count migrations from $from on"
"$steps" down "$count" | sed 's/^/migrations:   /'

echo "migrations: applying them one at a time, load: $(uptime | sed 's/.*load average/load average/')"
# Table-level locks of other sessions in the copy, with the time they were seen.
(
  while :; do
    psql "$DATABASE_URL" -AtqF ' ' -c "SELECT extract(epoch from clock_timestamp()), c.relname, l.mode
      FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
      WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND l.pid <> pg_backend_pid() AND l.granted AND c.relkind IN ('r', 'p')
        AND c.relnamespace = 'public'::regnamespace AND l.mode <> 'AccessShareLock'" 2>/dev/null || true
  done >"$work/locks.txt"
) &
sampler=$!
sleep 1
"$steps" up >"$work/up.txt"
sleep 0.5
kill "$sampler" 2>/dev/null || true
sampler=""
samples="$(wc -l <"$work/locks.txt")"
# Each migration's time, then its locks: relation, mode, how long seen held.
awk -v samples="$samples" '
  FNR == NR { name[NR] = $2; sub(":", "", name[NR]); secs[NR] = $3; t0[NR] = substr($5, 2) + 0; t1[NR] = $6 + 0; n = NR; next }
  { for (i = 1; i <= n; i++) if ($1 >= t0[i] && $1 <= t1[i]) {
      k = i SUBSEP $2 " " $3
      if (!(k in first)) { first[k] = $1; keys[i] = keys[i] " " $2 "/" $3 }
      last[k] = $1
    } }
  END {
    for (i = 1; i <= n; i++) {
      printf "migrations:   %-45s %8.3f s\n", name[i], secs[i]
      m = split(keys[i], ks, " ")
      for (j = 1; j <= m; j++) {
        split(ks[j], rm, "/"); k = i SUBSEP rm[1] " " rm[2]
        printf "migrations:       %-28s %-24s seen held for %.2f s\n", rm[1], rm[2], last[k] - first[k]
      }
    }
  }' "$work/up.txt" "$work/locks.txt"
echo "migrations: ($samples lock samples)"

"$steps" down "$count" >/dev/null
echo "migrations: rolled back again; cme migrate brings the $count back, load: $(uptime | sed 's/.*load average/load average/')"
/usr/bin/time -f "migrations: cme migrate took %e s (max RSS %M KB)" "$bin" migrate >"$work/migrate.log" 2>&1 ||
  { cat "$work/migrate.log" >&2; exit 1; }
grep 'cme migrate took' "$work/migrate.log"
echo "migrations: applied now: $(q -c "select count(*) from seaql_migrations where version >= '$from'") of $count"
