#!/usr/bin/env bash
# Benchmark (issue 4): import 10,000 generated valid people through
# POST /api/v1/people/batch, 10 batches of 1,000, as a unit's account, against
# `cme serve` on a fresh PostgreSQL database. Prints each batch and the total
# seconds (target: under 60 s). Not part of `make test`.
#
#   tests/bench/import.sh
#
# Env: BENCH_ADMIN_URL (default: the benchmarks' own cluster, bench-pg.sh, port 5433),
#      BENCH_DB (default cme_bench_import, dropped and created afresh: this script's own
#        database, never the province's),
#      BENCH_WORK (default /tmp/cme-bench; this script writes only under its import/ folder:
#        the province's data key beside it is another script's),
#      CME_BIN (default $CARGO_TARGET_DIR/release/cme; built when missing),
#      PEOPLE (default 10000), BATCH (default 1000).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
source "$here/bench-pg.sh"
if [[ -z "${BENCH_ADMIN_URL:-}" ]]; then
  bench_pg_start
fi
admin_url="${BENCH_ADMIN_URL:-$bench_pg_url/postgres}"
name="${BENCH_DB:-cme_bench_import}"
db="${admin_url%/*}/$name"
bin="${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/cme}"
people="${PEOPLE:-10000}"
batch="${BATCH:-1000}"
work="${BENCH_WORK:-/tmp/cme-bench}/import"
rm -rf "$work" && mkdir -p "$work"
export CME_DATA_KEY_FILE="$work/cme.key" DATABASE_URL="$db" RUST_LOG=warn

command -v python3 >/dev/null || { echo "bench: needs python3" >&2; exit 2; }
[[ -x "$bin" ]] || (cd "$repo" && cargo build --release -p cme-server)

PGOPTIONS="-c client_min_messages=warning" psql "$admin_url" -qc "drop database if exists $name with (force)"
psql "$admin_url" -qc "create database $name"
"$bin" migrate
# The demo province: its unit account `ylyy` (宜良县第一人民医院, department 内科).
"$bin" demo >/dev/null

# The batches: valid ID numbers (GB 11643 check character), a title each.
python3 - "$work" "$people" "$batch" <<'EOF'
import datetime, json, sys
work, people, batch = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def id_number(n):
    birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=n // 500)
    first = "530125" + birth.strftime("%Y%m%d") + "%03d" % (n % 500 + 200)
    return first + "10X98765432"[sum(int(c) * w for c, w in zip(first, W)) % 11]
titles = [("医师", "2012-07-01"), ("主治医师", "2017-09-01"), ("护师", "2013-07-01"), ("主管护师", "2019-09-01")]
for b in range(0, people, batch):
    rows = []
    for n in range(b, min(b + batch, people)):
        t = titles[n % 4]
        rows.append({"id_number": id_number(n), "name": "压测%05d" % n, "gender": "male" if n % 2 else "female",
                     "discipline": "clinical" if n % 4 < 2 else "nursing_public_health",
                     "department_name": "内科", "phone": "139%08d" % n,
                     "title": {"name": t[0], "obtained_on": t[1]}})
    with open(f"{work}/batch-{b // batch:03d}.json", "w") as f:
        json.dump({"rows": rows}, f, ensure_ascii=False)
EOF

port=18092
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "bench: port $port is already in use (a stale server?); refusing to measure it" >&2
  exit 2
fi
CME_BIND="127.0.0.1:$port" CME_STATIC_DIR="$work/no-spa" "$bin" serve >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
healthy=0
for _ in $(seq 120); do
  kill -0 "$pid" 2>/dev/null || break
  if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health" || true)" == 200 ]]; then
    healthy=1
    break
  fi
  sleep 0.5
done
if [[ "$healthy" != 1 ]]; then
  echo "bench: the server on port $port did not start; its log:" >&2
  tail -20 "$work/server.log" >&2
  exit 2
fi

token="$(curl -fs -H 'content-type: application/json' -d '{"username":"ylyy","password":"Demo@2026"}' \
  "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"
before="$(psql "$db" -Atqc "select count(*) from people")"

echo "bench: $people people in batches of $batch through POST /api/v1/people/batch (PostgreSQL, $(basename "$bin"))"
start="$(date +%s.%N)"
for file in "$work"/batch-*.json; do
  t0="$(date +%s.%N)"
  code="$(curl -s -o "$work/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -H 'content-type: application/json' --data-binary @"$file" "http://127.0.0.1:$port/api/v1/people/batch")"
  t1="$(date +%s.%N)"
  summary="$(python3 -c 'import json,sys; a=json.load(open(sys.argv[1])); print("created %(created)s updated %(updated)s unchanged %(unchanged)s failed %(failed)s" % a)' "$work/answer.json" 2>/dev/null || echo "answer: $(head -c 300 "$work/answer.json")")"
  printf '%s  HTTP %s  %6.2f s  %s\n' "$(basename "$file")" "$code" "$(echo "$t1 - $t0" | bc)" "$summary"
  [[ "$code" == 200 ]] || { echo "bench: batch failed" >&2; exit 1; }
done
end="$(date +%s.%N)"
after="$(psql "$db" -Atqc "select count(*) from people")"
echo "people stored: $((after - before)) new"
printf 'total: %.2f s for %d people (target < 60 s)\n' "$(echo "$end - $start" | bc)" "$people"
