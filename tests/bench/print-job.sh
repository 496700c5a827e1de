#!/usr/bin/env bash
# Benchmark (issue 16): a hospital prints its 800 certificates as a
# background job, three times in a row on one server, as the SPA does it:
# queue (POST /certificates/print-jobs), follow n of N, fetch the download
# address and save the file. Prints, per run, the time to the saved file,
# the pages and size, and the server's resident memory before, at its peak
# while printing and after: flat memory means the peak does not grow with
# the batch or from one run to the next. Not part of `make test`.
#
#   tests/bench/print-job.sh [CME_BINARY]
#
# The demo on SQLite with `--certified-people 800` (宣威市人民医院, account xwyy).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
binary="$(realpath "${1:-${CME_BIN:-${CARGO_TARGET_DIR:-$repo/target}/debug/cme}}")"
[[ -x "$binary" ]] || { echo "bench: no binary at $binary" >&2; exit 2; }
work="$(mktemp -d -t cme-printjob-XXXXXX)"
server_pid=""
trap '[[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
port="$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
export DATABASE_URL="sqlite://$work/bench.db?mode=rwc" CME_BIND="127.0.0.1:$port" CME_PUBLIC_URL="$base" \
  CME_DATA_KEY_FILE="$work/cme.key" CME_FILES_DIR="$work/files"
(cd "$work" && "$binary" demo --certified-people 800 >"$work/demo.log" 2>&1)
(cd "$work" && exec "$binary" serve) >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 120); do curl -fs "$base/api/v1/health" >/dev/null 2>&1 && break; sleep 0.5; done

json() { python3 -c "import sys,json;d=json.load(sys.stdin);print($1)"; }
rss() { awk '/VmRSS/{print int($2/1024)}' "/proc/$server_pid/status"; }
token="$(curl -fs -X POST -H 'content-type: application/json' -d '{"username":"xwyy","password":"Demo@2026"}' \
  "$base/api/v1/auth/login" | json 'd["access_token"]')"
echo "bench: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(basename "$binary") at $binary"
for run in 1 2 3; do
  before="$(rss)"
  start="$(date +%s.%N)"
  job="$(curl -fs -X POST -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"year":2021}' "$base/api/v1/certificates/print-jobs")"
  id="$(echo "$job" | json 'd["id"]')"
  peak="$before"
  while :; do
    state="$(curl -fs -H "authorization: Bearer $token" "$base/api/v1/certificates/print-jobs/$id" | json 'd["state"]')"
    now="$(rss)"; (( now > peak )) && peak="$now"
    [[ "$state" == queued || "$state" == running ]] || break
    sleep 0.2
  done
  [[ "$state" == finished ]] || { echo "bench: the job ended $state" >&2; exit 1; }
  url="$(curl -fs -X POST -H "authorization: Bearer $token" "$base/api/v1/certificates/print-jobs/$id/download" | json 'd["url"]')"
  curl -fs -o "$work/batch.pdf" "$base$url"
  end="$(date +%s.%N)"
  pages="$(pdfinfo "$work/batch.pdf" | awk '/^Pages/{print $2}')"
  printf 'run %d: %s certificates, %s pages (the rest is the cover), %.1f MB, queued to saved in %.1f s; server RSS %s MB before, %s MB peak, %s MB after\n' \
    "$run" "$(echo "$job" | json 'd["total"]')" "$pages" "$(python3 -c "print($(stat -c %s "$work/batch.pdf")/1e6)")" \
    "$(python3 -c "print($end-$start)")" "$before" "$peak" "$(rss)"
done
