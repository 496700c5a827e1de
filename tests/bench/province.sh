# Sourced by the benchmark scripts: a release `cme`, the benchmarks' own PostgreSQL cluster
# (bench-pg.sh: port 5433, pg_stat_statements), the generated 400,000-person province in it
# (made once, never dropped), `serve_on PORT`, `token` and the wrk runner `run`.
# Env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5433/cme_bench, on the bench
#        cluster, started when it is the default),
#      CME_BIN (default $CARGO_TARGET_DIR/release/cme), DURATION (default 20s),
#      CONNECTIONS (wrk's connections, default 16), BENCH_WORK (default /tmp/cme-bench: holds
#        the province's data key cme.key; each script writes only under its own $work).
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
script="$(basename "${BASH_SOURCE[1]:-bench}" .sh)"
source "$here/bench-pg.sh"
if [[ -z "${BENCH_DATABASE_URL:-}" ]]; then
  bench_pg_start
fi
db="${BENCH_DATABASE_URL:-$bench_pg_url/cme_bench}"
bin="${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/cme}"
duration="${DURATION:-20s}"
connections="${CONNECTIONS:-16}"
bench_work="${BENCH_WORK:-/tmp/cme-bench}"
# The key of the generated province is shared by every script; the rest is each script's own.
work="$bench_work/$script"
mkdir -p "$work"
export CME_DATA_KEY_FILE="$bench_work/cme.key" DATABASE_URL="$db" RUST_LOG="${RUST_LOG:-warn}"

command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)" >&2; exit 2; }
[[ -x "$bin" ]] || (cd "$repo" && cargo build --release -p cme-server)

admin_url="${db%/*}/postgres"
name="${db##*/}"
name="${name%%\?*}"
if ! psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$name'" | grep -q 1; then
  psql "$admin_url" -qc "create database $name"
fi
if [[ "$(psql "$db" -Atqc "select count(*) from people" 2>/dev/null || echo 0)" -lt 400000 ]]; then
  echo "bench: generating the province (400,000 people) ..."
  /usr/bin/time -f "bench: generate took %e s, max RSS %M KB" "$bin" generate --people 400000 --seed 1
fi

bench_failed=0
server_pids=()
bench_cleanup() {
  local p
  for p in "${server_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${server_pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
trap bench_cleanup EXIT

# Whether something listens on 127.0.0.1:PORT.
port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts `cme serve` on PORT (stopped when the script exits) and waits until it is healthy.
# Fails the script when the port is already taken (a stale server would be measured instead)
# or when the server does not answer within 60 s. Sets $port and $pid; the log is
# $work/server-PORT.log.
serve_on() {
  port="$1"
  if port_taken "$port"; then
    echo "bench: port $port is already in use (a stale server?); refusing to measure it" >&2
    exit 2
  fi
  CME_BIND="127.0.0.1:$port" CME_STATIC_DIR="$work/no-spa" "$bin" serve >"$work/server-$port.log" 2>&1 &
  pid=$!
  server_pids+=("$pid")
  local _
  for _ in $(seq 120); do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "bench: the server on port $port exited; its log:" >&2
      tail -20 "$work/server-$port.log" >&2
      exit 2
    fi
    [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/v1/health" || true)" == 200 ]] && return 0
    sleep 0.5
  done
  echo "bench: the server on port $port did not become healthy in 60 s; its log:" >&2
  tail -20 "$work/server-$port.log" >&2
  exit 2
}

# An access token of a demo/bench account (fails the script when the sign-in fails).
token() {
  local t
  t="$(curl -fs -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"Demo@2026\"}" \
    "http://127.0.0.1:$port/api/v1/auth/login" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')" ||
    { echo "bench: cannot sign in as $1" >&2; exit 2; }
  echo "$t"
}

# Says loudly that a measured figure is not to be believed, and remembers it: the script
# exits non-zero at its end (bench_finish).
bench_fail() {
  echo "bench: !!! FAILED: $*" | tee -a "$work/failures" >&2
  bench_failed=1
}

# GETs PATH as TOKEN under wrk (2 threads, $connections connections, $duration, a 10 s
# timeout) and prints one line: LABEL, requests/s, p99, the completed requests, the non-2xx
# count and wrk's socket errors (connect/read/write/timeout). A run with any non-2xx answer,
# socket error or timeout, or without a completed request, is reported by bench_fail, so a
# run whose requests failed or timed out never reads as fast. The requests/s is also kept in
# $work/LABEL.rps.
run() { # label path [token]
  local out rps p99 non2xx errors done
  out="$(wrk -t2 -c"$connections" -d"$duration" --timeout 10s --latency ${3:+-H "Authorization: Bearer $3"} \
    "http://127.0.0.1:$port$2")"
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  done="$(awk '/requests in/ {print $1}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  errors="$(awk '/Socket errors/ {gsub(",", ""); print $4 "/" $6 "/" $8 "/" $10}' <<<"$out")"
  printf '%-36s %10s req/s   p99 %8s   requests %s   non-2xx %s   socket errors c/r/w/timeout %s\n' \
    "$1" "$rps" "$p99" "${done:-0}" "${non2xx:-0}" "${errors:-0/0/0/0}"
  echo "$rps" >"$work/$1.rps"
  if [[ "${done:-0}" == 0 ]]; then
    bench_fail "$1: no request completed (the latencies above mean nothing)"
  elif [[ -n "$non2xx" || (-n "$errors" && "$errors" != 0/0/0/0) ]]; then
    bench_fail "$1: ${non2xx:-0} non-2xx answers, socket errors c/r/w/timeout ${errors:-0/0/0/0} of $done requests"
  fi
}

# Ends a script: non-zero when any measured figure failed.
bench_finish() {
  if [[ "$bench_failed" != 0 ]]; then
    echo "bench: !!! some figures above are not valid:" >&2
    cat "$work/failures" >&2
    exit 1
  fi
}
rm -f "$work/failures"
