"""What the fault scripts share (Python 3.11 standard library only).

A PostgreSQL instance of a script's own (initdb in a temporary directory, on
a free port), `cme` servers started from the binary given, HTTP requests to
127.0.0.1 with their status, headers, body and duration, and a failure that
prints the end of a log. db_outage.py predates this module and keeps its own
copies.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

PG_BIN = next(
    (os.path.join(d, "bin") for d in sorted(
        (os.path.join("/usr/lib/postgresql", v) for v in os.listdir("/usr/lib/postgresql")), reverse=True)
     if os.path.exists(os.path.join(d, "bin", "initdb"))),
    None,
) if os.path.isdir("/usr/lib/postgresql") else None

DEMO_PASSWORD = "Demo@2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def as_postgres(args, check=True, **kw):
    """Runs a PostgreSQL tool as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--"] + args
    return subprocess.run(args, check=check, capture_output=True, text=True, **kw)


def request(method, url, token=None, body=None, timeout=30, raw=None, headers=None):
    """One request: (status, headers, body bytes, seconds); status 0 when no answer came."""
    data = json.dumps(body).encode() if body is not None else raw
    req = urllib.request.Request(url, data=data, method=method)
    if body is not None:
        req.add_header("Content-Type", "application/json")
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            return res.status, res.headers, res.read(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), time.monotonic() - started
    except (OSError, ConnectionError) as e:
        return 0, {}, str(e).encode(), time.monotonic() - started


class Failure(Exception):
    pass


def fail(msg):
    raise Failure(msg)


def report_failure(name, msg, logs=()):
    print(f"{name}: FAIL {msg}", file=sys.stderr)
    for log in logs:
        if log and os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                tail = f.readlines()[-25:]
            print(f"--- {os.path.basename(log)} (last lines)", file=sys.stderr)
            print("".join(tail), file=sys.stderr)


class Postgres:
    """A PostgreSQL cluster of the script's own, under `work`."""

    def __init__(self, work, name, conf=None, hba=None):
        self.work = work
        self.data = os.path.join(work, name)
        self.port = free_port()
        self.log = os.path.join(work, f"{name}.log")
        self.conf = dict(conf or {})
        self.hba = hba or []

    def ctl(self, *args, check=True):
        return as_postgres([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data, "-l", self.log, "-w", "-t", "60",
                            *args], check=check)

    def init(self):
        as_postgres([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8"])
        self.configure()

    def configure(self):
        conf = {"port": str(self.port), "listen_addresses": "'127.0.0.1'", "unix_socket_directories": f"'{self.work}'"}
        conf.update(self.conf)
        with open(os.path.join(self.data, "postgresql.auto.conf"), "a") as f:
            for k, v in conf.items():
                f.write(f"{k} = {v}\n")
        if self.hba:
            with open(os.path.join(self.data, "pg_hba.conf"), "a") as f:
                f.write("\n".join(self.hba) + "\n")

    def start(self):
        self.ctl("start")

    def stop(self, mode="fast", check=True):
        return self.ctl("-m", mode, "stop", check=check)

    def sigkill(self):
        """SIGKILL to the postmaster (its children die as they notice)."""
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            pid = int(f.readline())
        os.kill(pid, signal.SIGKILL)
        return pid

    def url(self, port=None):
        return f"postgres://postgres@127.0.0.1:{port or self.port}/postgres"

    def psql(self, sql, port=None):
        out = subprocess.run([os.path.join(PG_BIN, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                              "-h", "127.0.0.1", "-p", str(port or self.port), "-U", "postgres", "-d", "postgres",
                              "-c", sql], check=True, capture_output=True, text=True, timeout=60)
        return out.stdout.strip()

    def quiet_stop(self):
        if os.path.exists(os.path.join(self.data, "postmaster.pid")):
            self.stop("immediate", check=False)


class Cme:
    """A `cme` server of the binary given."""

    def __init__(self, binary, work, env, name="server"):
        self.binary = binary
        self.work = work
        self.port = free_port()
        self.log = os.path.join(work, f"{name}.log")
        self.env = dict(os.environ)
        self.env.update({
            "CME_BIND": f"127.0.0.1:{self.port}",
            "CME_DATA_KEY_FILE": os.path.join(work, "cme.key"),
            "CME_FILES_DIR": os.path.join(work, "files"),
            "CME_STATIC_DIR": os.path.join(work, "no-spa"),
            "CME_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            "RUST_LOG": "warn",
        })
        self.env.update(env)
        self.base = f"http://127.0.0.1:{self.port}/api/v1"
        self.proc = None

    def run(self, *args, timeout=600):
        """Runs a one-off command (`demo`, …) to its end."""
        with open(self.log, "a") as out:
            subprocess.run([self.binary, *args], cwd=self.work, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                           check=True, timeout=timeout)

    def serve(self, wait=True):
        out = open(self.log, "a")
        self.proc = subprocess.Popen([self.binary, "serve"], cwd=self.work, env=self.env, stdout=out,
                                     stderr=subprocess.STDOUT)
        out.close()
        if wait:
            self.wait_healthy()
        return self

    def wait_healthy(self, within=90):
        deadline = time.monotonic() + within
        while request("GET", f"{self.base}/health", timeout=5)[0] != 200:
            if self.proc.poll() is not None:
                fail(f"the server exited ({self.proc.returncode}); see {self.log}")
            if time.monotonic() > deadline:
                fail("the server did not become healthy")
            time.sleep(0.3)

    def login(self, username, password=DEMO_PASSWORD):
        status, _, body, _ = request("POST", f"{self.base}/auth/login",
                                     body={"username": username, "password": password})
        if status != 200:
            fail(f"sign-in of {username} answered {status}: {body[:200]!r}")
        return json.loads(body)["access_token"]

    def sigkill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def id_number(n):
    """A valid 18-character resident ID number (GB 11643), the n-th of a series
    no demo person has: 宜良县 (530125), born in 1931 (the demo's people are
    younger), sequence n."""
    birth = time.strftime("%Y%m%d", time.gmtime(-1230768000 + (n // 900) * 86400))  # 1931-01-01 onwards
    body = f"530125{birth}{100 + n % 900:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


def machine_load():
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    return f"{os.cpu_count()} cores, load average {load}"


def statuses(results):
    counts = {}
    for s in results:
        counts[s] = counts.get(s, 0) + 1
    return dict(sorted(counts.items()))


def wait_for_recovery(results, lock, since, within):
    """Waits (at most `within` seconds) until a read and a write that started
    at or after `since` (seconds from the run's start) were answered 2xx,
    then 2 s more, so that the clients' last requests are in `results`."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with lock:
            done = {r["kind"] for r in results if r["start"] >= since and 200 <= r["status"] < 300}
        if done == {"read", "write"}:
            break
        time.sleep(0.2)
    time.sleep(2)


def print_by_phase(name, results, phase, phases):
    """One line per kind (read, write): its answers' statuses in each phase."""
    for kind in ("read", "write"):
        counts = {p: statuses(r["status"] for r in results if r["kind"] == kind and phase(r) == p) for p in phases}
        print(f"{name}: {kind}s by status: {json.dumps(counts)}")
