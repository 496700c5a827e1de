#!/usr/bin/env python3
"""Fault test: the database goes away under load, then comes back.

Starts a PostgreSQL instance of its own (initdb in a temporary directory, on
a free port), loads the demo province into it, serves it with the `cme`
binary given, and keeps four clients busy on a list that reads the database.
Then stops PostgreSQL and checks what the clients get while it is down:

- 503 `service_unavailable` as problem+json with a Retry-After header,
  answered within a few seconds (not sqlx's 30 s default wait);
- never 401 (a database error must not sign anybody out) and never 500;
- /health answers 503 and names `database` in `down`;

then starts PostgreSQL again and checks that the same token is served again
without restarting the server.

    python3 tests/faults/db_outage.py path/to/cme

Bounded: every loop stops by itself, traffic goes to 127.0.0.1 only.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

PG_BIN = next(
    (os.path.join(d, "bin") for d in sorted(
        (os.path.join("/usr/lib/postgresql", v) for v in os.listdir("/usr/lib/postgresql")), reverse=True)
     if os.path.exists(os.path.join(d, "bin", "initdb"))),
    None,
) if os.path.isdir("/usr/lib/postgresql") else None

# The most any request may take while the database is down: the pool waits
# 3 s for a connection, a connect attempt times out after 3 s.
MAX_OUTAGE_ANSWER_SECS = 8.0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args, **kw):
    """Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def request(method, url, token=None, body=None, timeout=30):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.headers, res.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), time.monotonic() - started


def fail(msg, log=None):
    print(f"db_outage: FAIL {msg}", file=sys.stderr)
    if log and os.path.exists(log):
        with open(log, encoding="utf-8", errors="replace") as f:
            print("".join(f.readlines()[-30:]), file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 2:
        print("usage: db_outage.py CME_BINARY", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])
    if PG_BIN is None:
        fail("PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
    work = tempfile.mkdtemp(prefix="cme-outage-")
    os.chmod(work, 0o777)
    pgdata = os.path.join(work, "pg")
    pg_port, port = free_port(), free_port()
    pg_log = os.path.join(work, "pg.log")
    log = os.path.join(work, "server.log")
    server = None
    pg_ctl = [os.path.join(PG_BIN, "pg_ctl"), "-D", pgdata, "-l", pg_log, "-w", "-t", "30"]
    pg_opts = f"-p {pg_port} -k {work} -c listen_addresses=127.0.0.1 -c fsync=off"
    try:
        as_postgres([os.path.join(PG_BIN, "initdb"), "-D", pgdata, "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        as_postgres(pg_ctl + ["-o", pg_opts, "start"])
        env = dict(os.environ)
        env.update({
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/postgres",
            "CME_BIND": f"127.0.0.1:{port}",
            "CME_DATA_KEY_FILE": os.path.join(work, "cme.key"),
            "CME_FILES_DIR": os.path.join(work, "files"),
            "CME_STATIC_DIR": os.path.join(work, "no-spa"),
            "RUST_LOG": "warn",
        })
        with open(log, "w") as out:
            subprocess.run([binary, "demo"], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, check=True,
                           timeout=300)
            server = subprocess.Popen([binary, "serve"], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}/api/v1"
        deadline = time.monotonic() + 60
        while True:
            try:
                if request("GET", f"{base}/health", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                fail("the server did not become healthy", log)
            time.sleep(0.3)

        status, _, body, _ = request("POST", f"{base}/auth/login", body={"username": "ylyy", "password": "Demo@2026"})
        if status != 200:
            fail(f"sign-in answered {status}: {body[:200]!r}", log)
        token = json.loads(body)["access_token"]
        path = f"{base}/people?limit=20"

        results = []  # (phase, status, headers, body, seconds)
        phase = ["up"]
        stop = threading.Event()

        def client():
            while not stop.is_set():
                began = phase[0]
                try:
                    s, h, b, secs = request("GET", path, token=token, timeout=40)
                except OSError as e:
                    s, h, b, secs = 0, None, str(e).encode(), 0.0
                # A request counts for a phase only if it began and ended in it.
                results.append((phase[0] if phase[0] == began else "between", s, h, b, secs))
                time.sleep(0.05)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(2)
        phase[0] = "stopping"
        as_postgres(pg_ctl + ["-m", "fast", "stop"])
        phase[0] = "down"
        time.sleep(8)
        health = request("GET", f"{base}/health", timeout=20)
        login = request("POST", f"{base}/auth/login", body={"username": "ylyy", "password": "Demo@2026"}, timeout=20)
        phase[0] = "starting"
        as_postgres(pg_ctl + ["-o", pg_opts, "start"])
        phase[0] = "back"
        recovered = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if any(r[0] == "back" and r[1] == 200 for r in results):
                recovered = True
                break
            time.sleep(0.2)
        stop.set()
        for t in threads:
            t.join(timeout=45)

        up = [r for r in results if r[0] == "up"]
        down = [r for r in results if r[0] == "down"]
        counts = {}
        for r in results:
            counts.setdefault(r[0], {}).setdefault(r[1], 0)
            counts[r[0]][r[1]] += 1
        print(f"db_outage: statuses by phase {json.dumps(counts, sort_keys=True)}")
        if not up or any(r[1] != 200 for r in up):
            fail(f"before the outage every request should answer 200: {counts.get('up')}", log)
        if not down:
            fail("no request was answered while the database was down", log)
        for phase_name, s, h, b, secs in results:
            if s in (401, 500):
                fail(f"{phase_name}: answered {s} ({b[:200]!r})", log)
        for _, s, h, b, secs in down:
            if s != 503:
                fail(f"while down: answered {s} instead of 503 ({b[:200]!r})", log)
            problem = json.loads(b)
            if problem.get("code") != "service_unavailable":
                fail(f"while down: problem code {problem.get('code')!r}", log)
            if not h.get("retry-after"):
                fail("while down: 503 without Retry-After", log)
            if "problem+json" not in h.get("content-type", ""):
                fail(f"while down: content type {h.get('content-type')}", log)
            if secs > MAX_OUTAGE_ANSWER_SECS:
                fail(f"while down: an answer took {secs:.1f} s", log)
        slowest = max(r[4] for r in down)
        print(f"db_outage: {len(down)} answers while down, all 503 with Retry-After, slowest {slowest:.2f} s")
        if health[0] != 503 or "database" not in json.loads(health[2]).get("down", []):
            fail(f"/health while down: {health[0]} {health[2][:200]!r}", log)
        if login[0] != 503:
            fail(f"sign-in while down answered {login[0]} instead of 503", log)
        if not recovered:
            fail("requests did not recover within 30 s after PostgreSQL came back", log)
        if request("GET", f"{base}/health", timeout=10)[0] != 200:
            fail("/health did not recover", log)
        print("db_outage: ok (503 while down, recovered without a restart)")
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        try:
            as_postgres(pg_ctl + ["-m", "immediate", "stop"])
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
