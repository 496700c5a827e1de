#!/usr/bin/env python3
"""Fault test: the primary dies, a hot standby is promoted, `cme` follows.

Builds a primary (initdb, wal_level=replica, a pg_hba line for replication)
and a hot standby of it (`pg_basebackup -R`), synchronous by default, puts
HAProxy in TCP mode in front of both (the primary, and the standby as its
`backup`), and serves the demo with two `cme serve` instances whose
DATABASE_URL is HAProxy's address. Two readers and two writers (a new person
per POST /people) per instance keep them busy. Then:

1. the primary is killed (SIGKILL to the postmaster);
2. HAProxy's health check marks it down and sends new connections to the
   standby, still read-only: reads answer again, writes must answer 503
   (SQLSTATE 25006 `read_only_sql_transaction` is an outage, not a 500);
3. after a few seconds the standby is promoted (`pg_ctl promote`); writes
   answer 2xx again, without restarting either `cme`.

Prints the outage window of reads and of writes as clients saw it, the
answers by status, and the acknowledged writes lost (target 0; with
`--async`, asynchronous replication, the script shows what may be lost).

    python3 tests/faults/standby_promotion.py path/to/cme [--async]

Why HAProxy: `cme` keeps one DATABASE_URL and needs no code for failover
(sqlx's PgConnectOptions takes one host, no `target_session_attrs`); the
proxy is the one thing that knows where the primary is, as a virtual IP or
Patroni's HAProxy would be in production. The old primary must stay down
(fenced) once the standby is promoted: HAProxy would go back to it.

Bounded (about a minute and a half): every loop stops by itself, traffic
goes to 127.0.0.1 only, the clusters, HAProxy and the directory go at the end.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from faultlib import (Cme, Failure, PG_BIN, Postgres, as_postgres, fail, free_port, id_number, machine_load,
                      print_by_phase, report_failure, request, wait_for_recovery)

NAME = "standby_promotion"
PERSON_NAME = "故障切换"
READ_ONLY_SECS = 5.0
RECOVERY_LIMIT_SECS = 30.0
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def main():
    args = sys.argv[1:]
    asynchronous = "--async" in args
    args = [a for a in args if a != "--async"]
    if len(args) != 1:
        print("usage: standby_promotion.py CME_BINARY [--async]", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(args[0])
    if PG_BIN is None or not os.path.exists(HAPROXY):
        report_failure(NAME, "PostgreSQL's server binaries or HAProxy are not installed")
        sys.exit(1)
    work = tempfile.mkdtemp(prefix="cme-failover-")
    os.chmod(work, 0o777)
    conf = {"wal_level": "replica", "max_wal_senders": "5", "hot_standby": "on"}
    primary = Postgres(work, "primary", conf=conf, hba=["host replication postgres 127.0.0.1/32 trust"])
    standby = Postgres(work, "standby", conf={"synchronous_standby_names": "''"})
    haproxy = None
    servers = []
    try:
        primary.init()
        primary.start()
        direct = Cme(binary, work, {"DATABASE_URL": primary.url()}, name="demo")
        began = time.monotonic()
        # The demo loads before the standby is made (it is copied with it).
        direct.run("demo")
        print(f"{NAME}: demo loaded in {time.monotonic() - began:.1f} s; {machine_load()}")
        as_postgres([os.path.join(PG_BIN, "pg_basebackup"), "-D", standby.data, "-R", "-X", "stream", "-c", "fast",
                     "-d", f"host=127.0.0.1 port={primary.port} user=postgres application_name=standby"])
        standby.configure()
        standby.start()
        if not asynchronous:
            primary.psql("ALTER SYSTEM SET synchronous_standby_names = 'standby'")
            primary.psql("SELECT pg_reload_conf()")
        want = "async" if asynchronous else "sync"
        deadline = time.monotonic() + 30
        while primary.psql("SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'") != want:
            if time.monotonic() > deadline:
                fail(f"the standby did not become a {want} standby")
            time.sleep(0.3)
        print(f"{NAME}: standby streaming ({want}); primary :{primary.port}, standby :{standby.port}")

        proxy_port = free_port()
        cfg = os.path.join(work, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(f"""global
    maxconn 500
defaults
    mode tcp
    timeout connect 1s
    timeout client 1h
    timeout server 1h
    timeout check 1s
listen postgres
    bind 127.0.0.1:{proxy_port}
    option pgsql-check user postgres
    default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
    server primary 127.0.0.1:{primary.port} check
    server standby 127.0.0.1:{standby.port} check backup
""")
        haproxy_log = os.path.join(work, "haproxy.log")
        with open(haproxy_log, "w") as out:
            haproxy = subprocess.Popen([HAPROXY, "-db", "-f", cfg], stdout=out, stderr=subprocess.STDOUT)
        time.sleep(1.5)
        if haproxy.poll() is not None:
            fail(f"HAProxy exited ({haproxy.returncode}); see {haproxy_log}")
        url = f"postgres://postgres@127.0.0.1:{proxy_port}/postgres"
        for k in range(2):
            servers.append(Cme(binary, work, {"DATABASE_URL": url}, name=f"server{k}").serve())
        pids = [s.proc.pid for s in servers]
        tokens = [s.login("ylyy") for s in servers]
        run(servers, tokens, primary, standby, asynchronous)
        if any(s.proc.poll() is not None for s in servers) or [s.proc.pid for s in servers] != pids:
            fail("a server did not stay up")
        read_only = 0
        for s in servers:
            with open(s.log, encoding="utf-8", errors="replace") as f:
                read_only += sum(1 for line in f if "read-only transaction" in line)
        print(f"{NAME}: the servers logged {read_only} writes refused by the read-only standby (answered 503)")
        print(f"{NAME}: ok")
    except (Failure, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        detail = e.stderr if isinstance(e, subprocess.CalledProcessError) else ""
        report_failure(NAME, f"{e} {detail}", [s.log for s in servers] + [primary.log, standby.log])
        sys.exit(1)
    finally:
        for s in servers:
            s.stop()
        if haproxy is not None and haproxy.poll() is None:
            haproxy.terminate()
            haproxy.wait(timeout=10)
        primary.quiet_stop()
        standby.quiet_stop()
        shutil.rmtree(work, ignore_errors=True)


def run(servers, tokens, primary, standby, asynchronous):
    t0 = time.monotonic()
    results = []
    stop = threading.Event()
    lock = threading.Lock()

    def reader(cme, token):
        while not stop.is_set():
            start = time.monotonic() - t0
            s, h, b, _ = request("GET", f"{cme.base}/people?limit=20", token=token, timeout=40)
            with lock:
                results.append({"kind": "read", "start": start, "end": time.monotonic() - t0, "status": s,
                                "headers": h, "body": b})
            time.sleep(0.05)

    def writer(cme, token, k):
        i = 0
        while not stop.is_set():
            i += 1
            body = {"name": PERSON_NAME, "gender": "male", "id_number": id_number(k * 20000 + i),
                    "discipline": "clinical"}
            start = time.monotonic() - t0
            s, h, b, _ = request("POST", f"{cme.base}/people", token=token, body=body, timeout=40)
            pid = json.loads(b)["id"] if s == 201 else None
            with lock:
                results.append({"kind": "write", "start": start, "end": time.monotonic() - t0, "status": s,
                                "headers": h, "body": b, "id": pid})
            time.sleep(0.05)

    threads = []
    for n, (cme, token) in enumerate(zip(servers, tokens)):
        threads += [threading.Thread(target=reader, args=(cme, token), daemon=True) for _ in range(2)]
        threads += [threading.Thread(target=writer, args=(cme, token, 2 * n + k), daemon=True) for k in range(2)]
    for t in threads:
        t.start()
    time.sleep(4)
    t_kill = time.monotonic() - t0
    primary.sigkill()
    time.sleep(READ_ONLY_SECS)
    t_promote = time.monotonic() - t0
    standby.ctl("promote")
    t_promoted = time.monotonic() - t0
    wait_for_recovery(results, lock, t_promoted, RECOVERY_LIMIT_SECS)
    stop.set()
    for t in threads:
        t.join(timeout=45)

    print(f"{NAME}: primary killed at 0.00 s; promotion asked at {t_promote - t_kill:+.2f} s, "
          f"done at {t_promoted - t_kill:+.2f} s")

    def phase(r):
        if r["end"] < t_kill:
            return "before"
        if r["start"] >= t_promoted:
            return "after"
        return "failover"

    print_by_phase(NAME, results, phase, ("before", "failover", "after"))
    for r in results:
        if r["status"] >= 300 or r["status"] == 0:
            if phase(r) == "before" or r["status"] != 503:
                fail(f"a {r['kind']} at {r['start'] - t_kill:+.1f} s answered {r['status']}: {r['body'][:200]!r}")
            problem = json.loads(r["body"])
            if problem.get("code") != "service_unavailable" or not r["headers"].get("retry-after"):
                fail(f"a 503 without service_unavailable and Retry-After: {r['body'][:200]!r}")
    for kind in ("read", "write"):
        mine = sorted((r for r in results if r["kind"] == kind), key=lambda r: r["start"])
        failed = [r for r in mine if r["status"] == 503]
        if not failed:
            print(f"{NAME}: {kind}s: no failure seen")
            continue
        last_ok = max((r["end"] for r in mine if 200 <= r["status"] < 300 and r["end"] <= failed[0]["start"]),
                      default=0.0)
        first_ok = min((r["end"] for r in mine if 200 <= r["status"] < 300 and r["start"] >= failed[-1]["start"]),
                       default=None)
        if first_ok is None:
            fail(f"{kind}s did not recover")
        print(f"{NAME}: {kind}s: outage seen by clients {first_ok - last_ok:.2f} s (last 2xx at "
              f"{last_ok - t_kill:+.2f} s, first 2xx again at {first_ok - t_kill:+.2f} s), {len(failed)} answered 503")
    if not any(r["kind"] == "write" and r["status"] == 503 and t_kill + 1.5 < r["start"] < t_promote for r in results):
        fail("no write met the read-only standby: HAProxy did not fail over before the promotion")
    if not any(r["kind"] == "read" and 200 <= r["status"] < 300 and t_kill < r["start"] < t_promote
               for r in results):
        fail("no read was served by the standby before its promotion")
    for kind in ("read", "write"):
        if not any(r["kind"] == kind and r["start"] >= t_promoted and 200 <= r["status"] < 300 for r in results):
            fail(f"no {kind} answered 2xx after the promotion")

    acked = [r["id"] for r in results if r["kind"] == "write" and r["status"] == 201]
    ids = ",".join(f"'{i}'" for i in acked)
    found = int(standby.psql(f"SELECT count(*) FROM people WHERE id IN ({ids})"))
    stored = int(standby.psql(f"SELECT count(*) FROM people WHERE name = '{PERSON_NAME}'"))
    refused = sum(1 for r in results if r["kind"] == "write" and r["status"] == 503)
    print(f"{NAME}: writes acknowledged {len(acked)}, on the new primary {found}, lost {len(acked) - found}; "
          f"answered 503 {refused}, of which stored anyway {stored - found}")
    if found != len(acked) and not asynchronous:
        fail(f"{len(acked) - found} acknowledged writes are lost")


if __name__ == "__main__":
    main()
