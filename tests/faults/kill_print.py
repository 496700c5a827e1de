#!/usr/bin/env python3
"""Fault test: the instance printing a batch is killed (SIGKILL) mid-batch.

Starts a PostgreSQL instance of its own, loads the demo with 800 certified
people (宣威市人民医院, whose CME office `xwyy` prints), and serves it with
two `cme serve` instances sharing the database and the files directory (the
spool). `xwyy` queues a batch print of 2021 (POST
/certificates/print-jobs); once the job has reported progress, the instance
holding it (`print_jobs.claimed_by`) is killed with SIGKILL and started again
at once, as a supervisor would. Checks:

- the job is taken over when its heartbeat is older than
  `store::repo::print_job::STALE` (60 s), by either instance, and finishes
  (or fails with a Chinese message: then no file may be served);
- the file downloaded is whole: a PDF with %%EOF, its page tree's /Count
  equal to the pages in it, one page per certificate plus the cover;
- nothing half is left: no job queued or running, and in the spool only the
  finished file (no `.tmp-` leftover of the killed instance).

    python3 tests/faults/kill_print.py path/to/cme

Bounded (about two minutes, most of it the 60 s heartbeat wait): every loop
stops by itself, traffic goes to 127.0.0.1 only, the cluster and its
directory go at the end.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from faultlib import Cme, Failure, PG_BIN, Postgres, fail, machine_load, report_failure, request

NAME = "kill_print"
PEOPLE = 800
YEAR = 2021
TAKEOVER_LIMIT_SECS = 150.0


def pdf_pages(data):
    """(pages found, the page tree's /Count): a whole file has both equal."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-64:]:
        fail(f"not a whole PDF: starts {data[:8]!r}, ends {data[-16:]!r}")
    pages = len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", data))
    counts = [int(c) for c in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data, re.S)]
    counts += [int(c) for c in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data, re.S)]
    return pages, max(counts, default=-1)


def main():
    if len(sys.argv) != 2:
        print("usage: kill_print.py CME_BINARY", file=sys.stderr)
        sys.exit(2)
    binary = os.path.abspath(sys.argv[1])
    if PG_BIN is None:
        report_failure(NAME, "PostgreSQL's server binaries (initdb, pg_ctl) are not installed")
        sys.exit(1)
    work = tempfile.mkdtemp(prefix="cme-killprint-")
    os.chmod(work, 0o777)
    pg = Postgres(work, "pg")
    servers = []
    try:
        pg.init()
        pg.start()
        demo = Cme(binary, work, {"DATABASE_URL": pg.url()}, name="demo")
        began = time.monotonic()
        demo.run("demo", "--certified-people", str(PEOPLE))
        print(f"{NAME}: demo with {PEOPLE} certified people loaded in {time.monotonic() - began:.1f} s; "
              f"{machine_load()}")
        servers = [Cme(binary, work, {"DATABASE_URL": pg.url()}, name=f"server{k}").serve() for k in range(2)]
        run(servers, pg, work)
        print(f"{NAME}: ok")
    except (Failure, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        report_failure(NAME, e, [s.log for s in servers] + [pg.log])
        sys.exit(1)
    finally:
        for s in servers:
            s.stop()
        pg.quiet_stop()
        shutil.rmtree(work, ignore_errors=True)


def holder(pg, job):
    row = pg.psql(f"SELECT state, done, coalesce(claimed_by, '') FROM print_jobs WHERE id = '{job}'")
    state, done, claimed = row.split("|")
    return state, int(done), claimed


def run(servers, pg, work):
    first = servers[0]
    token = first.login("xwyy")
    t0 = time.monotonic()
    status, _, body, _ = request("POST", f"{first.base}/certificates/print-jobs", token=token, body={"year": YEAR})
    if status != 202:
        fail(f"queueing answered {status}: {body[:300]!r}")
    job = json.loads(body)
    job_id, total = job["id"], job["total"]
    print(f"{NAME}: job queued with {total} certificates")

    # Wait for the first progress report, then kill whoever holds the job.
    deadline = time.monotonic() + 60
    while True:
        state, done, claimed = holder(pg, job_id)
        if state == "running" and done > 0:
            break
        if state not in ("queued", "running"):
            fail(f"the job ended {state} before it could be killed: the batch printed too fast")
        if time.monotonic() > deadline:
            fail("the job never reported progress")
        time.sleep(0.02)
    pid = int(claimed.split("-")[0])
    victim = next((s for s in servers if s.proc.pid == pid), None)
    if victim is None:
        fail(f"the job is held by {claimed}, none of ours")
    victim.sigkill()
    t_kill = time.monotonic()
    state, done_at_kill, _ = holder(pg, job_id)
    print(f"{NAME}: instance {servers.index(victim)} (pid {pid}) killed with SIGKILL at {done_at_kill} of {total} "
          f"({t_kill - t0:.1f} s after queueing)")
    victim.serve()
    print(f"{NAME}: it was started again in {time.monotonic() - t_kill:.1f} s")

    # Follow the job from the instance that survived.
    survivor = next(s for s in servers if s is not victim)
    token = survivor.login("xwyy")
    taken_over = None
    deadline = time.monotonic() + TAKEOVER_LIMIT_SECS
    while True:
        state, done, claimed = holder(pg, job_id)
        if taken_over is None and claimed and not claimed.startswith(f"{pid}-"):
            taken_over = time.monotonic() - t_kill
            by = next((n for n, s in enumerate(servers) if claimed.startswith(f"{s.proc.pid}-")), "?")
            print(f"{NAME}: taken over by instance {by} {taken_over:.1f} s after the kill")
        if state not in ("queued", "running"):
            break
        if time.monotonic() > deadline:
            fail(f"the job is still {state} ({done} of {total}) {TAKEOVER_LIMIT_SECS:.0f} s after the kill")
        time.sleep(0.5)
    ended = time.monotonic() - t_kill
    status, _, body, _ = request("GET", f"{survivor.base}/certificates/print-jobs/{job_id}", token=token)
    job = json.loads(body)
    print(f"{NAME}: the job ended {job['state']} {ended:.1f} s after the kill "
          f"({job['done']} of {job['total']}, {job['file_bytes']} bytes)")
    spool = os.path.join(work, "files", "print-jobs")
    left = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    open_jobs = int(pg.psql("SELECT count(*) FROM print_jobs WHERE state IN ('queued', 'running')"))
    print(f"{NAME}: spool holds {left}; jobs queued or running: {open_jobs}")
    if open_jobs:
        fail(f"{open_jobs} jobs left queued or running")
    if job["state"] == "failed":
        message = job.get("message") or ""
        if not re.search(r"[\u4e00-\u9fff]", message):
            fail(f"failed without a Chinese message: {message!r}")
        if left:
            fail(f"a failed job left files: {left}")
        status, _, body, _ = request("POST", f"{survivor.base}/certificates/print-jobs/{job_id}/download", token=token)
        if status != 409:
            fail(f"a failed job's download answered {status}")
        print(f"{NAME}: failed cleanly: {message}")
        return
    if job["state"] != "finished":
        fail(f"the job ended {job['state']}")
    if left != [f"{job_id.replace('-', '')}.pdf"]:
        fail(f"the spool should hold the finished file only: {left}")
    status, _, body, _ = request("POST", f"{survivor.base}/certificates/print-jobs/{job_id}/download", token=token)
    if status != 200:
        fail(f"the download address answered {status}: {body[:200]!r}")
    url = json.loads(body)["url"]
    status, headers, data, secs = request("GET", f"http://127.0.0.1:{survivor.port}{url}", timeout=120)
    if status != 200 or "pdf" not in headers.get("content-type", ""):
        fail(f"the file answered {status} {headers.get('content-type')}")
    if len(data) != job["file_bytes"]:
        fail(f"the file has {len(data)} bytes, the job says {job['file_bytes']}")
    pages, count = pdf_pages(data)
    print(f"{NAME}: downloaded {len(data) / 1e6:.1f} MB in {secs:.1f} s: {pages} pages, page tree /Count {count}")
    if pages != count:
        fail(f"{pages} pages in the file, its page tree says {count}")
    if pages < total + 1:
        fail(f"{pages} pages for {total} certificates and a cover")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, timeout=60)
        found = re.search(rb"^Pages:\s+(\d+)", info.stdout, re.M)
        if info.returncode != 0 or not found or int(found.group(1)) != pages:
            fail(f"pdfinfo disagrees: {info.stdout[-200:]!r} {info.stderr[-200:]!r}")
        print(f"{NAME}: pdfinfo agrees: {int(found.group(1))} pages")


if __name__ == "__main__":
    main()
