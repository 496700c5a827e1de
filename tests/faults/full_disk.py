#!/usr/bin/env python3
"""Fault test: evidence uploads onto a full filesystem.

Mounts a 2 MB tmpfs as the files directory (CME_FILES_DIR; needs root),
loads the demo on SQLite, serves it with the `cme` binary given, and, as
宜良县第一人民医院's CME office (`ylyy`), uploads evidence (POST /evidence):

1. an upload while there is room answers 200;
2. the filesystem is filled (a file of the script's own leaves less room
   than the next upload needs): the upload answers 507
   `insufficient_storage` problem+json in Chinese, and nothing is half
   stored: no row for it, no file under its key, no temporary file;
3. the filler is removed: the same upload answers 200.

At the end every row of `evidence_files` has its file, whole (its SHA-256
is its key), and the tmpfs is unmounted, even on failure.

    python3 tests/faults/full_disk.py path/to/cme

Bounded (well under a minute); traffic goes to 127.0.0.1 only.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

from faultlib import Cme, Failure, fail, machine_load, report_failure, request

NAME = "full_disk"
UPLOAD_BYTES = 300 * 1024


def evidence_pdf(n):
    """A PDF by its magic bytes, of UPLOAD_BYTES, different for each n (keys are content hashes)."""
    head = f"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n% evidence {n}\n".encode("latin-1")
    return head + os.urandom(UPLOAD_BYTES - len(head))


def main():
    if len(sys.argv) != 2:
        print("usage: full_disk.py CME_BINARY", file=sys.stderr)
        sys.exit(2)
    if os.geteuid() != 0:
        report_failure(NAME, "mounting a tmpfs needs root")
        sys.exit(1)
    binary = os.path.abspath(sys.argv[1])
    work = tempfile.mkdtemp(prefix="cme-fulldisk-")
    files = os.path.join(work, "files")
    os.makedirs(files)
    mounted = False
    cme = None
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", files], check=True, capture_output=True)
        mounted = True
        db = os.path.join(work, "cme.db")
        cme = Cme(binary, work, {"DATABASE_URL": f"sqlite://{db}?mode=rwc", "CME_FILES_DIR": files})
        cme.run("demo")
        cme.serve()
        print(f"{NAME}: {machine_load()}; files on a {free(files) // 1024} KB tmpfs")
        run(cme, files, db)
        print(f"{NAME}: ok")
    except (Failure, OSError, ValueError, KeyError, subprocess.CalledProcessError) as e:
        report_failure(NAME, e, [cme.log if cme else None])
        sys.exit(1)
    finally:
        if cme is not None:
            cme.stop()
        if mounted:
            if subprocess.run(["umount", files], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", files], capture_output=True)
        shutil.rmtree(work, ignore_errors=True)


def free(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def upload(cme, token, data, name):
    return request("POST", f"{cme.base}/evidence?file_name={name}", token=token, raw=data,
                   headers={"Content-Type": "application/pdf"})


def stored(files):
    """Every file under the tree, by name, with its bytes' SHA-256."""
    found = {}
    for root, _, names in os.walk(files):
        for n in names:
            with open(os.path.join(root, n), "rb") as f:
                found[n] = hashlib.sha256(f.read()).hexdigest()
    return found


def rows(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT sha256, storage_key, size_bytes FROM evidence_files").fetchall()


def run(cme, files, db):
    token = cme.login("ylyy")
    before = len(rows(db))
    first = evidence_pdf(1)
    status, _, body, secs = upload(cme, token, first, "first.pdf")
    if status != 200:
        fail(f"an upload with room answered {status}: {body[:300]!r}")
    print(f"{NAME}: upload with room: {status} in {secs:.2f} s; {free(files) // 1024} KB left")

    # Fill the filesystem: less room than the next upload needs.
    filler = os.path.join(files, "filler")
    with open(filler, "wb") as f:
        try:
            f.write(b"\0" * max(0, free(files) - UPLOAD_BYTES // 2))
        except OSError:
            pass
    second = evidence_pdf(2)
    key = hashlib.sha256(second).hexdigest()
    room = free(files)
    status, headers, body, secs = upload(cme, token, second, "second.pdf")
    print(f"{NAME}: upload of {UPLOAD_BYTES // 1024} KB with {room // 1024} KB left: {status} in {secs:.2f} s: "
          f"{body.decode('utf-8', 'replace')}")
    if status != 507:
        fail(f"an upload onto a full disk answered {status} instead of 507")
    if "problem+json" not in headers.get("content-type", ""):
        fail(f"the 507 came as {headers.get('content-type')}")
    problem = json.loads(body)
    if problem.get("code") != "insufficient_storage":
        fail(f"problem code {problem.get('code')!r}")
    if not re.search(r"[\u4e00-\u9fff]", problem.get("title", "")) or not re.search(r"[\u4e00-\u9fff]",
                                                                                    problem.get("detail", "")):
        fail(f"the problem is not in Chinese: {problem}")
    now = rows(db)
    if len(now) != before + 1 or any(r[0] == key for r in now):
        fail(f"a row was stored for the refused upload ({len(now) - before} new rows)")
    on_disk = stored(files)
    leftovers = [n for n in on_disk if n != "filler" and not re.fullmatch(r"[0-9a-f]{64}", n)]
    print(f"{NAME}: after the refusal: {len(now) - before} new row, files {sorted(n[:12] for n in on_disk)}, "
          f"leftovers {leftovers}")
    if key in on_disk:
        fail("the refused upload's file is stored")
    if leftovers:
        fail(f"half a file was left: {leftovers}")

    os.remove(filler)
    status, _, body, secs = upload(cme, token, second, "second.pdf")
    if status != 200:
        fail(f"after space was freed the upload answered {status}: {body[:300]!r}")
    print(f"{NAME}: after freeing space: {status} in {secs:.2f} s")

    on_disk = stored(files)
    final = rows(db)
    for sha, storage_key, size in final:
        if on_disk.get(storage_key) != storage_key or sha != storage_key:
            fail(f"a row points to a missing or truncated file ({storage_key[:12]})")
    extra = set(on_disk) - {r[1] for r in final}
    print(f"{NAME}: {len(final)} rows, each with its whole file; files without a row: {len(extra)}")
    if extra:
        fail(f"files without a row: {sorted(extra)}")


if __name__ == "__main__":
    main()
