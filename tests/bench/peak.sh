#!/usr/bin/env bash
# Benchmark (issue 18): the 1 March peak on the generated 400,000-person province, two
# `cme serve` instances behind HAProxy (round robin), on the benchmarks' own PostgreSQL
# (bench-pg.sh: pg_stat_statements, log_lock_waits). Not part of `make test`.
#
#   tests/bench/peak.sh            # LEVELS="1 2 4" DURATION=60s by default
#
# The mix (docs/operations.md, "The 1 March peak", says why these proportions): one wrk
# process per kind of user, each connection a person who waits PEAK_THINK_MS between
# requests (peak.lua); level N multiplies the people of every kind by N:
#   trainees reading their year and certificates   8 people, 1 s apart
#   trainees downloading a certificate's PDF       1 person, 2 s apart
#   the public verifying QR codes                  1 person, 5 s apart (not scaled: the
#                                                   per-address limit of 60 a minute)
#   units submitting their lists (10 people a      4 people, 1 s apart (candidates page,
#     batch)                                         then the batch)
#   counties and prefectures reviewing             12 people, 1 s apart (queue page, then
#     (approving 20 records a batch)                 an approval of 20)
#   the province and a prefecture numbering        1 person, 30 s apart (not scaled)
#   offices opening the workbench                  2 people, 2 s apart
#   the province and a prefecture's statistics     1 person, 2.5 s apart
#     and compliance lists
# Prints per kind: requests, requests/s, p50, p99, max, non-2xx by status, socket errors
# (a run with any is reported loudly and the script exits non-zero); per level the
# database's own figures: connections (most, most active), lock waits (samples of
# pg_stat_activity each second, and log_lock_waits' lines: waits over 100 ms), the 10
# statements of most total time (pg_stat_statements). Then the dashboards' cost: one
# county's queue under 8 connections without pause, alone and with 4 people refreshing the
# province's statistics, list and workbench once a second; and a recompute under the level-1 mix
# (a second one asked for meanwhile).
#
# Env: see province.sh (BENCH_DATABASE_URL, CME_BIN, BENCH_WORK); LEVELS, DURATION
# (each level's length, default 60s); EXTRAS=0 runs the levels only (no dashboards' cost, no
# recompute).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/province.sh"
command -v haproxy >/dev/null || { echo "bench: needs haproxy (apt-get install haproxy)" >&2; exit 2; }
levels="${LEVELS:-1 2 4}"
duration="${DURATION:-60s}"
year="$(psql "$db" -Atqc "select max(cycle_year) from verifications")"
dbname="$name"

export CME_TEST_CAPTCHA=1  # the trainees sign in through the captcha (peak_prep.py)
serve_on 18096
serve_on 18097
lb=18098
if port_taken "$lb"; then
  echo "bench: port $lb is already in use; refusing to measure it" >&2
  exit 2
fi
cat >"$work/haproxy.cfg" <<CFG
global
  maxconn 4096
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend peak
  bind 127.0.0.1:$lb
  default_backend cme
backend cme
  balance roundrobin
  option httpchk GET /api/v1/health
  server a 127.0.0.1:18096 check
  server b 127.0.0.1:18097 check
CFG
haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
server_pids+=("$!")
for _ in $(seq 40); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$lb/api/v1/health" || true)" == 200 ]] && break
  sleep 0.5
done
port="$lb"
echo "bench: $(basename "$bin") $("$bin" --version 2>/dev/null || true); two instances (18096, 18097) behind HAProxy ($lb); cycle $year"
echo "bench: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg) before the run; other processes using CPU:"
ps -eo pcpu,comm --sort=-pcpu | awk 'NR > 1 && $1 > 5 {printf "  %s%% %s\n", $1, $2}' | head -8

mkdir -p "$work/requests" "$work/out"
rm -f "$work/tokens.json"
# kind connections think-ms once scaled
mix=(
  "trainee-year 8 1000 0 1"
  "trainee-certificate 1 2000 0 1"
  "public-verify 1 5000 0 0"
  "unit-submit 4 1000 1 1"
  "office-review 12 1000 1 1"
  "numbering 1 30000 0 0"
  "dashboard-workbench 2 2000 0 1"
  "dashboard-stats 1 2500 0 1"
)

lock_waits_logged() { cat "$bench_pg_dir"/log/*.log 2>/dev/null | grep -c 'still waiting for' || true; }

# One wrk process of KIND with CONNECTIONS people THINK ms apart, for $duration.
wrk_kind() { # kind connections think once out [file]
  local file="${6:-$work/requests/$1.tsv}" fallback=""
  [[ "$4" == 1 ]] && fallback="$work/requests/$1.reads.tsv"
  PEAK_KIND="$1" PEAK_FILE="$file" PEAK_FALLBACK="$fallback" PEAK_THINK_MS="$3" PEAK_ONCE="$4" \
    wrk -t1 -c"$2" -d"$duration" --timeout 10s -s "$here/peak.lua" "http://127.0.0.1:$lb" >"$5" 2>&1
}

# Prints a PEAK line as a row and fails the run when it holds an error.
report_kind() { # out-file
  local line
  line="$(grep '^PEAK ' "$1" || true)"
  if [[ -z "$line" ]]; then
    bench_fail "$(basename "$1" .out): wrk printed no summary: $(tail -3 "$1" | tr '\n' ' ')"
    return
  fi
  read -r _ kind n rps p50 p99 max non2xx statuses errors once <<<"$line"
  printf '%-22s %7s %8s %8s %8s %8s   %-28s %-11s %s\n' "$kind" "$n" "$rps" "$p50" "$p99" "$max" "$statuses" "$errors" \
    "$([[ "$once" != 0 ]] && echo "$once writes" || true)"
  if [[ "$n" == 0 ]]; then
    bench_fail "$kind: no request completed"
  elif [[ "$non2xx" != 0 || "$errors" != 0/0/0/0 ]]; then
    bench_fail "$kind: $non2xx non-2xx ($statuses), socket errors c/r/w/timeout $errors of $n"
  fi
}

# Samples the bench database's connections and lock waits every second into FILE.
sample_db() { # file
  while :; do
    psql "$admin_url" -AtqF ' ' -c "select count(*) filter (where datname = '$dbname'), \
      count(*) filter (where datname = '$dbname' and state = 'active'), \
      count(*) filter (where datname = '$dbname' and wait_event_type = 'Lock') from pg_stat_activity" >>"$1" ||
      true
    sleep 1
  done
}

db_figures() { # samples-file logged-before
  awk '{ if ($1 > c) c = $1; if ($2 > a) a = $2; if ($3 > 0) { w++; if ($3 > m) m = $3 }; n++ }
    END { printf "database: connections at most %d (%d active at once); lock waits seen in %d of %d samples (at most %d waiting)\n", c, a, w, n, m }' "$1"
  echo "database: waits on a lock over 100 ms logged (log_lock_waits): $(($(lock_waits_logged) - $2))"
  echo "database: the 10 statements of most total time (pg_stat_statements):"
  psql "$admin_url" -AtqF ' | ' -c "select lpad(round(total_exec_time)::text, 7) || ' ms', lpad(calls::text, 7) || ' calls', \
    lpad(round(mean_exec_time::numeric, 1)::text, 7) || ' ms mean', \
    left(regexp_replace(query, '\s+', ' ', 'g'), 120) from pg_stat_statements \
    where dbid = (select oid from pg_database where datname = '$dbname') order by total_exec_time desc limit 10" |
    sed 's/^/  /'
}

for level in $levels; do
  echo
  echo "== level $level: the mix × $level for $duration (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  python3 "$here/peak_prep.py" "$db" "http://127.0.0.1:$lb" "$work" "$level"
  psql "$admin_url" -Atqc "select pg_stat_statements_reset()" >/dev/null
  logged="$(lock_waits_logged)"
  : >"$work/out/samples-$level"
  sample_db "$work/out/samples-$level" &
  sampler=$!
  pids=()
  for entry in "${mix[@]}"; do
    read -r kind conns think once scaled <<<"$entry"
    [[ "$scaled" == 1 ]] && conns=$((conns * level))
    wrk_kind "$kind" "$conns" "$think" "$once" "$work/out/$kind-$level.out" &
    pids+=("$!")
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  printf '%-22s %7s %8s %8s %8s %8s   %-28s %-11s\n' kind requests req/s "p50 ms" "p99 ms" "max ms" statuses "c/r/w/t"
  total=0
  for entry in "${mix[@]}"; do
    read -r kind _ <<<"$entry"
    report_kind "$work/out/$kind-$level.out"
    total="$(awk -v t="$total" -v r="$(awk '/^PEAK / {print $4}' "$work/out/$kind-$level.out")" 'BEGIN { print t + r }')"
  done
  echo "throughput: $total requests/s in all; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  db_figures "$work/out/samples-$level" "$logged"
done

if [[ "${EXTRAS:-1}" != 1 ]]; then
  bench_finish
  exit
fi
echo
echo "== the dashboards' cost: one county's queue, 8 connections without pause, $duration, alone and with 4 people refreshing the province's dashboard once a second"
python3 "$here/peak_prep.py" "$db" "http://127.0.0.1:$lb" "$work" 1 >/dev/null
wrk_kind county-queue-alone 8 0 0 "$work/out/dash-alone.out" "$work/requests/county-queue.tsv"
report_kind "$work/out/dash-alone.out"
wrk_kind county-queue-with-4 8 0 0 "$work/out/dash-with.out" "$work/requests/county-queue.tsv" &
q=$!
wrk_kind province-dashboard-4 4 1000 0 "$work/out/dash-users.out" "$work/requests/province-dashboard.tsv"
wait "$q" || true
report_kind "$work/out/dash-with.out"
report_kind "$work/out/dash-users.out"

echo
echo "== a recompute of the province under the level-1 mix (a second one asked 1 s later)"
python3 "$here/peak_prep.py" "$db" "http://127.0.0.1:$lb" "$work" 1 >/dev/null
admin_token="$(token admin)"
pids=()
for entry in "${mix[@]}"; do
  read -r kind conns think once scaled <<<"$entry"
  wrk_kind "$kind" "$conns" "$think" "$once" "$work/out/$kind-recompute.out" &
  pids+=("$!")
done
sleep 10
curl -s -o "$work/out/recompute-1.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $admin_token" \
  -H 'content-type: application/json' -d "{\"year\": $year}" "http://127.0.0.1:$lb/api/v1/compliance/recompute" \
  >"$work/out/recompute-1.status" &
first=$!
sleep 1
curl -s -o "$work/out/recompute-2.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $admin_token" \
  -H 'content-type: application/json' -d "{\"year\": $year}" "http://127.0.0.1:$lb/api/v1/compliance/recompute" \
  >"$work/out/recompute-2.status"
wait "$first" || true
for p in "${pids[@]}"; do wait "$p" || true; done
echo "recompute: HTTP $(cat "$work/out/recompute-1.status") s; $(head -c 200 "$work/out/recompute-1.json")"
echo "second recompute meanwhile: HTTP $(cat "$work/out/recompute-2.status") s; $(head -c 200 "$work/out/recompute-2.json")"
printf '%-22s %7s %8s %8s %8s %8s   %-28s %-11s\n' kind requests req/s "p50 ms" "p99 ms" "max ms" statuses "c/r/w/t"
for entry in "${mix[@]}"; do
  read -r kind _ <<<"$entry"
  report_kind "$work/out/$kind-recompute.out"
done
bench_finish
