#!/usr/bin/env python3
"""Two `cme serve` instances on one PostgreSQL behind HAProxy (issue 18).

Creates a database of its own on the PostgreSQL of TEST_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/postgres), loads the demo province into
it, starts two instances sharing the database, the data key and the files
folder, and HAProxy in front of them (Debian's package), then shows, with
figures:

1. a sign-out on one instance refuses the token on the other within one
   second (PostgreSQL LISTEN/NOTIFY evicts the session caches);
2. the public lookup limit (60 a minute per client address) holds across
   instances: 60 answered and the rest refused, spread over both, for one
   forwarded address, while another address is still served;
3. the hourly housekeeping ran on exactly one instance;
4. a rolling restart (SIGTERM one, start it, then the other) under load gives
   zero failed requests;
5. (not with --smoke) SIGKILL of one instance under load: errors are limited
   to the requests in flight, and no acknowledged write is lost (every
   person whose creation was answered 201 is in the database).

    python3 tests/ops/two_instances.py path/to/cme [--smoke]

`--smoke` (part of `make test`) runs 1-4 with a short load. Bounded: every
wait has a deadline, traffic stays on 127.0.0.1, and everything it started
(processes, the database, the temporary folder) is removed at the end.
"""

import argparse
import base64
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PASSWORD = "Demo@2026"
PUBLIC_LIMIT = 60  # `cme serve`'s public lookups per address and minute


def log(msg):
    print(f"two_instances: {msg}", flush=True)


def fail(msg, logs=()):
    print(f"two_instances: FAIL {msg}", file=sys.stderr, flush=True)
    for path in logs:
        if os.path.exists(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                tail = f.readlines()[-20:]
            print(f"--- {os.path.basename(path)} ---\n" + "".join(tail), file=sys.stderr)
    raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, sql):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql], capture_output=True, text=True,
                         timeout=60)
    if out.returncode != 0:
        fail(f"psql: {out.stderr.strip()}")
    return out.stdout.strip()


def with_database(url, name):
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))


class Http:
    """One keep-alive connection (like a browser's) to host:port."""

    def __init__(self, port, timeout=30):
        self.port, self.timeout, self.conn = port, timeout, None

    def request(self, method, path, token=None, body=None, headers=None):
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = f"Bearer {token}"
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=h)
                res = self.conn.getresponse()
                payload = res.read()
                if res.getheader("connection", "").lower() == "close":
                    self.close()
                return res.status, res, payload
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as e:
                # A keep-alive connection the other side closed while idle:
                # what a browser retries once on a new connection, for a
                # request that was never answered.
                self.close()
                if attempt == 2 or not isinstance(e, http.client.RemoteDisconnected) or method != "GET":
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def wait_until(what, check, seconds, logs=()):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.1)
    fail(f"{what} within {seconds} s", logs)


def healthy(port):
    try:
        return Http(port, timeout=2).request("GET", "/api/v1/health/ready")[0] == 200
    except OSError:
        return False


def id_number(n):
    """A valid 18-character resident ID number (GB 11643), unique per n."""
    body = f"530125199{n % 10}{(n // 10) % 12 + 1:02d}{(n // 120) % 28 + 1:02d}{n % 1000:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]
    return body + check


class Cluster:
    def __init__(self, binary, work, smoke):
        self.binary, self.work, self.smoke = binary, work, smoke
        self.db_name = f"cme_ops_{uuid.uuid4().hex[:12]}"
        self.db_url = with_database(ADMIN_URL, self.db_name)
        self.ports = {"a": free_port(), "b": free_port()}
        self.lb_port = free_port()
        self.procs = {}
        self.haproxy = None
        self.env = dict(os.environ)
        self.env.update({
            "DATABASE_URL": self.db_url,
            "CME_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
            "CME_FILES_DIR": os.path.join(work, "files"),
            "CME_STATIC_DIR": os.path.join(work, "no-spa"),
            "CME_PUBLIC_URL": f"http://127.0.0.1:{self.lb_port}",
            "CME_TRUSTED_PROXIES": "127.0.0.1",
            # On SIGTERM an instance answers "not ready" and serves on for this
            # long while the balancer (every 300 ms, 2 failures) takes it out.
            "CME_SHUTDOWN_DRAIN_SECS": "2",
            "RUST_LOG": "info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn",
            "NO_COLOR": "1",
        })

    def log_of(self, name):
        return os.path.join(self.work, f"{name}.log")

    def logs(self):
        return [self.log_of("a"), self.log_of("b"), self.log_of("haproxy")]

    def create(self):
        psql(ADMIN_URL, f'CREATE DATABASE "{self.db_name}"')
        started = time.monotonic()
        with open(self.log_of("demo"), "w") as out:
            subprocess.run([self.binary, "demo"], cwd=self.work, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                           check=True, timeout=300)
        log(f"demo province loaded in {time.monotonic() - started:.1f} s")

    def start(self, name):
        env = dict(self.env, CME_BIND=f"127.0.0.1:{self.ports[name]}")
        out = open(self.log_of(name), "a")
        self.procs[name] = subprocess.Popen([self.binary, "serve"], cwd=self.work, env=env, stdout=out,
                                            stderr=subprocess.STDOUT)
        started = time.monotonic()
        wait_until(f"instance {name} healthy", lambda: healthy(self.ports[name]), 60, self.logs())
        return time.monotonic() - started

    def stop(self, name, sig=signal.SIGTERM, timeout=40):
        p = self.procs.pop(name)
        started = time.monotonic()
        p.send_signal(sig)
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            fail(f"instance {name} did not stop within {timeout} s of {sig.name}", self.logs())
        return time.monotonic() - started

    def start_balancer(self):
        cfg = os.path.join(self.work, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(haproxy_config(self.lb_port, self.ports["a"], self.ports["b"]))
        check = subprocess.run(["haproxy", "-c", "-f", cfg], capture_output=True, text=True)
        if check.returncode != 0:
            fail(f"haproxy refused its configuration: {check.stderr}")
        out = open(self.log_of("haproxy"), "w")
        self.haproxy = subprocess.Popen(["haproxy", "-db", "-q", "-f", cfg], stdout=out, stderr=subprocess.STDOUT)
        wait_until("the balancer answering", lambda: healthy(self.lb_port), 20, self.logs())
        # Both servers marked up (rise 2 × inter 300 ms).
        time.sleep(1.0)

    def stop_all(self):
        for name in list(self.procs):
            p = self.procs.pop(name)
            p.kill()
            p.wait()
        if self.haproxy is not None:
            self.haproxy.kill()
            self.haproxy.wait()

    def drop(self):
        psql(ADMIN_URL, f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')


def haproxy_config(port, a, b):
    """deploy/haproxy.cfg (what docker-compose's balancer runs) on local
    ports: the same defaults, retries and health checks; only the address it
    listens on and the two servers (named by Docker's DNS there) differ."""
    with open(os.path.join(REPO, "deploy", "haproxy.cfg"), encoding="utf-8") as f:
        cfg = f.read()
    cfg = re.sub(r"(?m)^resolvers docker\n(?:    .*\n)+", "", cfg)
    cfg = re.sub(r"(?m)^    bind :8080$", f"    bind 127.0.0.1:{port}", cfg)
    cfg = re.sub(r"(?m)^(    default-server .*?) resolvers docker init-addr \S+$", r"\1", cfg)
    servers = f"    server a 127.0.0.1:{a} check\n    server b 127.0.0.1:{b} check"
    cfg, n = re.subn(r"(?m)^    server-template .*$", servers, cfg)
    if n != 1 or f"127.0.0.1:{port}" not in cfg or "resolvers" in cfg:
        fail("deploy/haproxy.cfg no longer has the shape this script rewrites")
    return cfg


def sign_in(port, username):
    status, _, body = Http(port).request("POST", "/api/v1/auth/login",
                                         body={"username": username, "password": PASSWORD})
    if status != 200:
        fail(f"sign-in of {username} answered {status}: {body[:200]!r}")
    return json.loads(body)


def check_sign_out(c):
    pair = sign_in(c.ports["a"], "ylyy")
    access = pair["access_token"]
    on_b = Http(c.ports["b"])
    if on_b.request("GET", "/api/v1/me", token=access)[0] != 200:
        fail("the token was not served by the other instance before the sign-out", c.logs())
    status, _, body = Http(c.ports["a"]).request("POST", "/api/v1/auth/logout",
                                                 body={"refresh_token": pair["refresh_token"]})
    if status >= 300:
        fail(f"sign-out answered {status}: {body[:200]!r}", c.logs())
    signed_out = time.monotonic()
    while True:
        status = on_b.request("GET", "/api/v1/me", token=access)[0]
        elapsed = time.monotonic() - signed_out
        if status == 401:
            break
        if elapsed > 1.0:
            fail(f"instance b still served the token {elapsed:.2f} s after the sign-out on a", c.logs())
        time.sleep(0.005)
    log(f"1. signed out on a: b refused the token after {elapsed * 1000:.0f} ms (limit 1,000 ms; "
        "b had it cached, its cache lives 5 s)")


def check_limits(c):
    lb = Http(c.lb_port)
    counts = {}
    for _ in range(PUBLIC_LIMIT + 10):
        status = lb.request("GET", "/api/v1/public/certificates/0000000000000000000000000A",
                            headers={"X-Forwarded-For": "203.0.113.5"})[0]
        counts[status] = counts.get(status, 0) + 1
    if counts.get(429, 0) != 10 or counts.get(404, 0) != PUBLIC_LIMIT:
        fail(f"{PUBLIC_LIMIT + 10} lookups of one address through the balancer answered {counts}; "
             f"expected {PUBLIC_LIMIT} served and 10 refused", c.logs())
    other = lb.request("GET", "/api/v1/public/certificates/0000000000000000000000000A",
                       headers={"X-Forwarded-For": "203.0.113.6"})[0]
    if other != 404:
        fail(f"another address was answered {other}", c.logs())
    per_instance = {}
    for name in ("a", "b"):
        with open(c.log_of(name), encoding="utf-8", errors="replace") as f:
            per_instance[name] = sum("rate limit refused a request" in line for line in f)
    log(f"2. {PUBLIC_LIMIT + 10} lookups of 203.0.113.5 over both instances: {counts.get(404, 0)} served, "
        f"{counts.get(429, 0)} refused (a: {per_instance['a']}, b: {per_instance['b']}); 203.0.113.6 still served")
    if min(per_instance.values()) == 0:
        fail(f"the refusals were not spread over both instances: {per_instance}", c.logs())


def check_housekeeping(c):
    ran = {}
    for name in ("a", "b"):
        with open(c.log_of(name), encoding="utf-8", errors="replace") as f:
            ran[name] = sum("housekeeping runs on this instance" in line for line in f)
    held = psql(c.db_url, "SELECT holder FROM exclusive_runs WHERE name = 'housekeeping'")
    if sum(ran.values()) != 1:
        fail(f"the hour's housekeeping ran {ran} times; expected once in all", c.logs())
    log(f"3. housekeeping ran once in all (a: {ran['a']}, b: {ran['b']}; held by {held.split('-')[0]}-…)")


class Load:
    """Clients through the balancer: lists read by a unit, and people added
    (each with an Idempotency-Key) whose 201s are remembered."""

    def __init__(self, c, readers, writers):
        self.c = c
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.ok = 0
        self.failures = []  # (when, what)
        self.acknowledged = []  # names answered 201
        self.token = sign_in(c.lb_port, "ylyy")["access_token"]
        self.seq = random.randrange(10_000, 90_000) * 10
        self.threads = [threading.Thread(target=self.reader, daemon=True) for _ in range(readers)]
        self.threads += [threading.Thread(target=self.writer, daemon=True) for _ in range(writers)]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)

    def count(self, status, what):
        with self.lock:
            if 200 <= status < 300:
                self.ok += 1
            else:
                self.failures.append((time.monotonic(), what))

    def reader(self):
        http_ = Http(self.c.lb_port)
        while not self.stop.is_set():
            try:
                status, _, _ = http_.request("GET", "/api/v1/people?limit=20", token=self.token)
                self.count(status, f"GET people: {status}")
            except OSError as e:
                http_.close()
                self.count(0, f"GET people: {type(e).__name__}")
            time.sleep(0.01)

    def writer(self):
        http_ = Http(self.c.lb_port)
        while not self.stop.is_set():
            with self.lock:
                self.seq += 1
                n = self.seq
            name = f"运维{n}"
            body = {"name": name, "gender": "female", "id_number": id_number(n), "discipline": "clinical"}
            key = str(uuid.uuid4())
            try:
                status, _, payload = http_.request("POST", "/api/v1/people", token=self.token, body=body,
                                                   headers={"Idempotency-Key": key})
                if status == 201:
                    with self.lock:
                        self.acknowledged.append(name)
                self.count(status, f"POST people: {status} {payload[:120]!r}")
            except OSError as e:
                http_.close()
                self.count(0, f"POST people: {type(e).__name__}")
            time.sleep(0.05)


def check_rolling_restart(c, seconds_between):
    with Load(c, readers=4, writers=1) as load:
        time.sleep(seconds_between)
        timings = []
        for name in ("a", "b"):
            stopped = c.stop(name)
            restarted = c.start(name)
            # Let the balancer mark it up again (rise 2 × inter 300 ms).
            time.sleep(1.0)
            timings.append(f"{name}: stopped in {stopped:.1f} s, healthy again in {restarted:.1f} s")
            time.sleep(seconds_between)
    log(f"4. rolling restart under load ({'; '.join(timings)}): {load.ok} requests answered, "
        f"{len(load.failures)} failed, {len(load.acknowledged)} people added")
    if load.failures:
        fail(f"failed requests during the rolling restart: {load.failures[:10]}", c.logs())
    return load


def check_kill(c):
    with Load(c, readers=4, writers=2) as load:
        time.sleep(3)
        killed_at = time.monotonic()
        c.procs["a"].send_signal(signal.SIGKILL)
        c.procs.pop("a").wait()
        time.sleep(5)
    in_window = [f for f in load.failures if killed_at - 0.5 <= f[0] <= killed_at + 2.0]
    names = load.acknowledged
    stored = int(psql(c.db_url, "SELECT count(*) FROM people WHERE name IN ("
                      + ",".join(f"'{n}'" for n in names) + ")")) if names else 0
    log(f"5. SIGKILL of a under load: {load.ok} answered, {len(load.failures)} failed "
        f"({len(in_window)} of them within 2 s of the kill), {len(names)} people acknowledged, "
        f"{stored} of them stored; failed: {[what for _, what in load.failures]}")
    if stored != len(names):
        fail(f"acknowledged writes lost: {len(names) - stored}", c.logs())
    if len(load.failures) != len(in_window):
        fail(f"failures outside the kill's moment: {load.failures[:10]}", c.logs())
    dups = psql(c.db_url, "SELECT count(*) FROM (SELECT name FROM people WHERE name LIKE '运维%' "
                          "GROUP BY name HAVING count(*) > 1) d")
    if dups != "0":
        fail(f"{dups} people were added twice (a replayed write was applied again)", c.logs())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--smoke", action="store_true", help="the short run of `make test`")
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    if shutil.which("haproxy") is None:
        fail("needs haproxy (apt-get install haproxy)")
    work = tempfile.mkdtemp(prefix="cme-ops-")
    c = Cluster(binary, work, args.smoke)
    began = time.monotonic()
    try:
        c.create()
        for name in ("a", "b"):
            c.start(name)
        c.start_balancer()
        check_sign_out(c)
        check_limits(c)
        check_housekeeping(c)
        check_rolling_restart(c, 2 if args.smoke else 5)
        if not args.smoke:
            check_kill(c)
        log(f"passed in {time.monotonic() - began:.0f} s")
    finally:
        c.stop_all()
        c.drop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
