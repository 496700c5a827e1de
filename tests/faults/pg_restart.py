#!/usr/bin/env python3
"""Fault test: PostgreSQL restarted (fast shutdown, then start) under load.

Starts a PostgreSQL instance of its own, loads the demo province into it,
serves it with the `cme` binary given, and keeps four readers (GET /people)
and two writers (POST /people, a new person each) busy. Then restarts
PostgreSQL with `pg_ctl -m fast stop` and `pg_ctl start`, without touching
`cme`, and checks:

- while PostgreSQL restarts, every answer that is not 2xx is 503
  `service_unavailable` problem+json with Retry-After: never 500, never
  401, never a dropped connection;
- `cme` recovers by itself: reads and writes answer 2xx again (the time to
  the first 2xx after PostgreSQL is back is printed);
- no acknowledged write is lost: every person whose creation answered 201
  is in the database afterwards (and those created although the answer was
  a 503 are counted).

    python3 tests/faults/pg_restart.py path/to/cme

Bounded (about a minute): every loop stops by itself, traffic goes to
127.0.0.1 only, the cluster and its directory go at the end.
"""

import json
import os
import shutil
import sys
import tempfile
import threading
import time

from faultlib import (Cme, Failure, PG_BIN, Postgres, fail, id_number, machine_load, print_by_phase, report_failure,
                       request, wait_for_recovery)

NAME = "pg_restart"
PERSON_NAME = "故障测试"
DOWN_SECS = 3.0
RECOVERY_LIMIT_SECS = 30.0


def main():
    if len(sys.argv) != 2:
        print("usage: pg_restart.py CME_BINARY", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])
    if PG_BIN is None:
        report_failure(NAME, "PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        sys.exit(1)
    work = tempfile.mkdtemp(prefix="cme-pgrestart-")
    os.chmod(work, 0o777)
    pg = Postgres(work, "pg")
    cme = None
    try:
        pg.init()
        pg.start()
        cme = Cme(binary, work, {"DATABASE_URL": pg.url()})
        began = time.monotonic()
        cme.run("demo")
        print(f"{NAME}: demo loaded in {time.monotonic() - began:.1f} s; {machine_load()}")
        cme.serve()
        pid = cme.proc.pid
        token = cme.login("ylyy")
        run(cme, pg, token)
        if cme.proc.poll() is not None or cme.proc.pid != pid:
            fail("the server did not stay up")
        print(f"{NAME}: ok")
    except (Failure, OSError, ValueError, KeyError, json.JSONDecodeError) as e:
        report_failure(NAME, e, [cme.log if cme else None, pg.log])
        sys.exit(1)
    finally:
        if cme is not None:
            cme.stop()
        pg.quiet_stop()
        shutil.rmtree(work, ignore_errors=True)


def run(cme, pg, token):
    t0 = time.monotonic()
    results = []  # dicts: kind, start, end, status, headers, body, id
    stop = threading.Event()
    lock = threading.Lock()

    def reader():
        while not stop.is_set():
            start = time.monotonic() - t0
            s, h, b, _ = request("GET", f"{cme.base}/people?limit=20", token=token, timeout=40)
            with lock:
                results.append({"kind": "read", "start": start, "end": time.monotonic() - t0, "status": s,
                                "headers": h, "body": b})
            time.sleep(0.05)

    def writer(k):
        i = 0
        while not stop.is_set():
            i += 1
            body = {"name": PERSON_NAME, "gender": "female", "id_number": id_number(k * 20000 + i),
                    "discipline": "clinical"}
            start = time.monotonic() - t0
            s, h, b, _ = request("POST", f"{cme.base}/people", token=token, body=body, timeout=40)
            pid = json.loads(b)["id"] if s == 201 else None
            with lock:
                results.append({"kind": "write", "start": start, "end": time.monotonic() - t0, "status": s,
                                "headers": h, "body": b, "id": pid})
            time.sleep(0.05)

    threads = [threading.Thread(target=reader, daemon=True) for _ in range(4)]
    threads += [threading.Thread(target=writer, args=(k,), daemon=True) for k in range(2)]
    for t in threads:
        t.start()
    time.sleep(4)
    t_stop = time.monotonic() - t0
    pg.stop("fast")
    t_down = time.monotonic() - t0
    time.sleep(DOWN_SECS)
    t_start = time.monotonic() - t0
    pg.start()
    t_back = time.monotonic() - t0
    wait_for_recovery(results, lock, t_back, RECOVERY_LIMIT_SECS)
    stop.set()
    for t in threads:
        t.join(timeout=45)

    print(f"{NAME}: pg_ctl stop -m fast took {t_down - t_stop:.2f} s, down {t_start - t_down:.1f} s, "
          f"pg_ctl start took {t_back - t_start:.2f} s")

    def phase(r):
        if r["end"] < t_stop:
            return "before"
        if r["start"] >= t_back:
            return "after"
        return "restart"

    print_by_phase(NAME, results, phase, ("before", "restart", "after"))
    for r in results:
        if r["status"] in (0, 401, 500):
            fail(f"a {r['kind']} at {r['start']:.1f} s answered {r['status']}: {r['body'][:200]!r}")
        if r["status"] >= 300 and phase(r) == "before":
            fail(f"before the restart a {r['kind']} answered {r['status']}: {r['body'][:200]!r}")
        if r["status"] >= 300:
            if r["status"] != 503:
                fail(f"a {r['kind']} at {r['start']:.1f} s answered {r['status']}: {r['body'][:200]!r}")
            problem = json.loads(r["body"])
            if problem.get("code") != "service_unavailable" or not r["headers"].get("retry-after"):
                fail(f"a 503 without service_unavailable and Retry-After: {r['body'][:200]!r}")
            if "problem+json" not in r["headers"].get("content-type", ""):
                fail(f"a 503 as {r['headers'].get('content-type')}")
    failures = [r for r in results if r["status"] == 503]
    if not failures:
        fail("no request was refused during the restart: the restart was not seen")
    print(f"{NAME}: clients saw 503 from {min(r['start'] for r in failures) - t_stop:+.2f} s to "
          f"{max(r['end'] for r in failures) - t_stop:+.2f} s after the stop began "
          f"(PostgreSQL was back at {t_back - t_stop:+.2f} s); slowest 503 "
          f"{max(r['end'] - r['start'] for r in failures):.2f} s")
    for kind in ("read", "write"):
        first = min((r["end"] for r in results
                     if r["kind"] == kind and r["start"] >= t_back and 200 <= r["status"] < 300), default=None)
        if first is None:
            fail(f"no {kind} answered 2xx within {RECOVERY_LIMIT_SECS:.0f} s after PostgreSQL was back")
        print(f"{NAME}: first 2xx {kind} {first - t_back:.2f} s after PostgreSQL was back (no restart of cme)")

    acked = [r["id"] for r in results if r["kind"] == "write" and r["status"] == 201]
    if not acked:
        fail("no write was acknowledged")
    ids = ",".join(f"'{i}'" for i in acked)
    found = int(pg.psql(f"SELECT count(*) FROM people WHERE id IN ({ids})"))
    stored = int(pg.psql(f"SELECT count(*) FROM people WHERE name = '{PERSON_NAME}'"))
    refused = sum(1 for r in results if r["kind"] == "write" and r["status"] == 503)
    print(f"{NAME}: writes acknowledged {len(acked)}, found afterwards {found}, lost {len(acked) - found}; "
          f"answered 503 {refused}, of which stored anyway {stored - found}")
    if found != len(acked):
        fail(f"{len(acked) - found} acknowledged writes are missing")


if __name__ == "__main__":
    main()
