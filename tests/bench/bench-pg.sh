# Sourced by province.sh: the benchmarks' own PostgreSQL cluster, started idempotently.
#
# The shared server on 5432 has no pg_stat_statements and serves everyone's tests; the
# benchmarks run on a cluster of their own in $BENCH_PG_DIR (default /work/bench-pg) on
# $BENCH_PG_PORT (default 5433), made once with initdb and kept between runs (the generated
# province in it is the expensive part: nothing here ever drops it). Settings for this machine
# (24 GiB, 2 cores, shared with other work), written once into postgresql.auto.conf:
#   shared_buffers 4GB, effective_cache_size 12GB (a quarter and a half of the memory, less
#   what the builds beside it use); work_mem 32MB, maintenance_work_mem 1GB; max_connections
#   200 (two instances' pools of 32 and the scripts' psql sessions, with room);
#   max_wal_size 8GB, checkpoint_timeout 15min (the generator and the recomputes write GBs);
#   random_page_cost 1.1 (SSD); max_parallel_workers_per_gather 1 (2 cores);
#   shared_preload_libraries pg_stat_statements (track all, 10,000 statements),
#   track_io_timing on, log_lock_waits on with deadlock_timeout 100ms (every wait on a lock
#   longer than 100 ms is logged), log_min_duration_statement 1s, log_checkpoints on.
# The server process runs as the `postgres` user (initdb refuses root).
bench_pg_dir="${BENCH_PG_DIR:-/work/bench-pg}"
bench_pg_port="${BENCH_PG_PORT:-5433}"
bench_pg_url="postgres://postgres@127.0.0.1:$bench_pg_port"

as_postgres() {
  if [[ "$(id -un)" == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

bench_pg_start() {
  local bin
  bin="$(dirname "$(readlink -f "$(command -v initdb)")")"
  if [[ ! -s "$bench_pg_dir/PG_VERSION" ]]; then
    echo "bench: initdb $bench_pg_dir (port $bench_pg_port)"
    mkdir -p "$bench_pg_dir"
    chown postgres:postgres "$bench_pg_dir" 2>/dev/null || true
    as_postgres "$bin/initdb" -D "$bench_pg_dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_postgres tee -a "$bench_pg_dir/postgresql.auto.conf" >/dev/null <<CONF
port = $bench_pg_port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$bench_pg_dir'
shared_buffers = '4GB'
effective_cache_size = '12GB'
work_mem = '32MB'
maintenance_work_mem = '1GB'
max_connections = 200
max_wal_size = '8GB'
checkpoint_timeout = '15min'
random_page_cost = 1.1
max_parallel_workers_per_gather = 1
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = 'all'
pg_stat_statements.max = 10000
track_io_timing = on
track_activity_query_size = 4096
log_lock_waits = on
deadlock_timeout = '100ms'
log_min_duration_statement = '1s'
log_checkpoints = on
logging_collector = on
log_directory = 'log'
CONF
  fi
  if ! as_postgres "$bin/pg_ctl" -D "$bench_pg_dir" status >/dev/null 2>&1; then
    if (exec 3<>"/dev/tcp/127.0.0.1/$bench_pg_port") 2>/dev/null; then
      echo "bench: port $bench_pg_port is taken by something other than $bench_pg_dir" >&2
      exit 2
    fi
    as_postgres "$bin/pg_ctl" -D "$bench_pg_dir" -l "$bench_pg_dir/startup.log" -w -t 120 start >/dev/null ||
      { echo "bench: the bench cluster did not start (see $bench_pg_dir/startup.log)" >&2; exit 2; }
  fi
  psql "$bench_pg_url/postgres" -qc "create extension if not exists pg_stat_statements" >/dev/null
}
