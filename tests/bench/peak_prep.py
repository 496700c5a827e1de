#!/usr/bin/env python3
"""Prepares the 1 March peak (tests/bench/peak.sh) on the generated province.

Run by peak.sh; not on its own. Arguments: DB_URL BASE_URL WORK SCALE.

Once per province (idempotent, said when done): accounts for the actors of the mix
(peak-unit-*, peak-county-*, peak-prefecture-*, peak-trainee-*; the demo password), a seal
for bench-prefecture and certificates of its township records (numbered after the seal, so a
trainee may download his PDF). Every run: the records of the submitting units are put back
to "not submitted" (their in-review records deleted, as before the units' own submission),
tokens are signed in, and one request file per kind is written to WORK/requests/KIND.tsv
(METHOD, PATH, TOKEN, BODY per line, tab-separated): the writes are single-use (each record
submitted or approved once), the reads cycle.
"""

import concurrent.futures
import json
import os
import random
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib

db, base, work, scale = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
PASSWORD = "Demo@2026"
random.seed(1)

# How many actors of each kind sign in (their requests are spread over them).
UNITS, TRAINEES = 200, 200


def sql(q):
    out = subprocess.run(["psql", db, "-AtqF", "\t", "-c", q], check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


def call(method, path, token=None, body=None, raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    if data is not None:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=600) as res:
            text = res.read()
            return res.status, (json.loads(text) if res.headers.get_content_type().endswith("json") else text)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")[:300]


def login(username):
    status, b = call("POST", "/api/v1/auth/login", body={"username": username, "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"peak: cannot sign in as {username}: {status} {b}")
    return b["access_token"]


def trainee_login(who):
    """A trainee signs in as the trainee centre does: ID number, name, the captcha (whose
    answer the servers give out under CME_TEST_CAPTCHA=1) and the password."""
    username, id_number, name = who
    status, c = call("GET", "/api/v1/auth/captcha")
    if status != 200 or "test_answer" not in c:
        raise SystemExit(f"peak: no captcha answer (are the servers run with CME_TEST_CAPTCHA=1?): {status} {c}")
    status, b = call("POST", "/api/v1/auth/trainee/login", body={
        "id_number": id_number, "name": name, "captcha_id": c["captcha_id"],
        "captcha_answer": c["test_answer"], "password": PASSWORD})
    if status != 200:
        raise SystemExit(f"peak: the trainee {username} cannot sign in: {status} {b}")
    return b["access_token"]


def seal_png():
    """A red ring on white, 200x200: an office's stamp as a scan would show it."""
    size, rows = 200, []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            r = ((x - 100) ** 2 + (y - 100) ** 2) ** 0.5
            row += bytes((220, 30, 30)) if 80 < r < 95 or (abs(x - 100) < 20 and abs(y - 100) < 20) else b"\xff\xff\xff"
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))


year = int(sql("select max(cycle_year) from verifications")[0][0])
pref = sql("select region_id from accounts where username = 'bench-prefecture'")[0][0]
hash_ = sql("select password_hash from accounts where username = 'bench-unit'")[0][0]


def add_accounts(rows):
    """rows: (username, role, region_id, unit_id, person_id); inserted once."""
    values = ",".join(
        "(gen_random_uuid(), '%s', '%s', '%s', %s, %s, %s, '%s', false, now(), now(), 1)"
        % (u, hash_, role, f"'{r}'" if r else "null", f"'{un}'" if un else "null", f"'{p}'" if p else "null", u)
        for u, role, r, un, p in rows)
    sql("insert into accounts (id, username, password_hash, role, region_id, unit_id, person_id, display_name, "
        "must_change_password, created_at, updated_at, row_version) values " + values
        + " on conflict do nothing")


# --- Once per province: the offices' and units' accounts, a seal, certificates, trainees. ---
if not sql("select 1 from accounts where username = 'peak-unit-0000'"):
    print("peak: creating the mix's accounts (once per province)", flush=True)
    regions = sql("select id, level from regions where level in ('county', 'prefecture') order by code")
    add_accounts([(f"peak-{lvl}-{i:03d}", f"{lvl}_office", rid, None, None)
                  for i, (rid, lvl) in enumerate(regions)])
    # The submitting units: county-level and township units outside bench-prefecture (whose
    # records the other scripts approve and number), with compliant people in review.
    units = sql(f"""select u.id from units u join regions c on c.id = u.region_id
        where u.level in ('county', 'township') and c.parent_id <> '{pref}'
        and exists (select 1 from verifications v where v.unit_id = u.id and v.state = 'in_review')
        order by u.id limit {UNITS}""")
    add_accounts([(f"peak-unit-{i:04d}", "unit", None, u[0], None) for i, u in enumerate(units)])

if not sql("select 1 from accounts where username = 'peak-trainee-0000'"):
    print("peak: a seal for bench-prefecture and certificates numbered after it (once per province)", flush=True)
    tok = login("bench-prefecture")
    status, b = call("PUT", "/api/v1/seals/mine", tok, raw=seal_png(), ctype="image/png")
    if status != 200:
        raise SystemExit(f"peak: the seal upload failed: {status} {b}")
    waiting = sql(f"""select v.id, v.row_version from verifications v where v.current_tier = 'prefecture_office'
        and v.prefecture_id = '{pref}' and v.state = 'in_review' and v.unit_level = 'township'
        order by v.id limit {TRAINEES * 2}""")
    items = [{"id": i, "row_version": int(r)} for i, r in waiting]
    status, b = call("POST", "/api/v1/reviews/decisions", tok, {"decision": "approve", "items": items})
    if status != 200:
        raise SystemExit(f"peak: approving the trainees' records failed: {status} {b}")
    status, b = call("POST", "/api/v1/certificate-numbers", tok, {"cycle_year": year, "ids": [i["id"] for i in items]})
    if status != 200:
        raise SystemExit(f"peak: numbering failed: {status} {b}")
    holders = sql(f"""select c.person_id, p.unit_id from certificates c join people p on p.id = c.person_id
        where c.verification_id in ({",".join(f"'{i['id']}'" for i in items)}) and c.superseded_at is null
        order by c.person_id limit {TRAINEES}""")
    add_accounts([(f"peak-trainee-{i:04d}", "trainee", None, u, p) for i, (p, u) in enumerate(holders)])

# --- Every run: the submitting units' lists are not submitted yet. ---
units = sql("select username, unit_id from accounts where username like 'peak-unit-%' order by username")
unit_ids = ",".join(f"'{u}'" for _, u in units)
deleted = sql(f"""with gone as (select v.id from verifications v where v.unit_id in ({unit_ids})
      and v.cycle_year = {year} and v.state = 'in_review'
      and not exists (select 1 from certificates c where c.verification_id = v.id)),
    t as (delete from verification_transitions where verification_id in (select id from gone))
    delete from verifications where id in (select id from gone) returning 1""")
people = sql(f"""select c.unit_id, c.person_id from compliance c where c.unit_id in ({unit_ids}) and c.year = {year}
    and c.outcome = 'compliant' and not exists (select 1 from verifications v where v.person_id = c.person_id
    and v.year = {year}) order by c.unit_id, c.person_id""")
print(f"peak: {len(units)} units' lists reset ({len(deleted)} records back to not submitted; "
      f"{len(people)} compliant people to submit)", flush=True)

# --- Sign in (through the balancer, as people would). ---
offices = [u for (u,) in sql("select username from accounts where username like 'peak-county-%' "
                             "or username like 'peak-prefecture-%' order by username")]
trainees = [u for (u,) in sql("select username from accounts where username like 'peak-trainee-%' order by username")]
names = [u for u, _ in units] + offices + trainees + ["bench-province", "bench-prefecture"]
# Access tokens live 15 minutes: those signed in less than 10 minutes ago are used again.
cache = f"{work}/tokens.json"
tokens = {}
if os.path.exists(cache) and time.time() - os.path.getmtime(cache) < 600:
    tokens = json.load(open(cache))
missing = [n for n in names if n not in tokens]
staff = [n for n in missing if not n.startswith("peak-trainee-")]
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    tokens.update(zip(staff, pool.map(login, staff)))
# Trainees sign in with their ID number, which only an office may see in full: bench-prefecture
# (whose township records they hold) reveals each once, as the audit log then records.
pupils = [n for n in missing if n.startswith("peak-trainee-")]
if pupils:
    holders = {u: (p, nm) for u, p, nm in sql("select a.username, a.person_id, p.name from accounts a "
                                              "join people p on p.id = a.person_id where a.username like 'peak-trainee-%'")}
    reveal_token = tokens.get("bench-prefecture") or login("bench-prefecture")

    def reveal(n):
        person, name = holders[n]
        status, b = call("POST", f"/api/v1/people/{person}/reveal-id-number", reveal_token,
                         {"reason": "压力测试学员登录"})
        if status != 200:
            raise SystemExit(f"peak: cannot reveal the ID number of {n}: {status} {b}")
        return n, b["id_number"], name

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        tokens.update(zip(pupils, pool.map(trainee_login, pool.map(reveal, pupils))))
if missing:
    json.dump(tokens, open(cache, "w"))
print(f"peak: {len(names)} accounts signed in ({len(missing)} now)", flush=True)


def write(kind, lines):
    with open(f"{work}/requests/{kind}.tsv", "w") as f:
        for method, path, token, body in lines:
            f.write(f"{method}\t{path}\t{token}\t{json.dumps(body, ensure_ascii=False) if body is not None else ''}\n")
    return len(lines)


counts = {}
# Units: each submits its list in batches of 10 people, paging its candidates between two.
by_unit = {}
for u, p in people:
    by_unit.setdefault(u, []).append(p)
unit_token = {u: tokens[name] for name, u in units}
lines = []
for u, ps in by_unit.items():
    for i in range(0, len(ps), 10):
        t = unit_token[u]
        lines.append(("GET", f"/api/v1/verifications/candidates?cycle_year={year}&list=normal&limit=50", t, None))
        lines.append(("POST", "/api/v1/verifications", t,
                      {"cycle_year": year, "list": "normal", "people": [{"person_id": x} for x in ps[i:i + 10]]}))
random.shuffle(lines)
counts["unit-submit"] = write("unit-submit", lines)
write("unit-submit.reads", [l for l in lines if l[0] == "GET"][:500])

# Offices: counties and prefectures page their queue and approve 20 records at a time.
office_rows = sql(f"""select a.username, v.id, v.row_version from accounts a
    join verifications v on v.cycle_year = {year} and v.state = 'in_review'
      and ((a.role = 'county_office' and v.current_tier = 'county_office' and v.county_id = a.region_id)
        or (a.role = 'prefecture_office' and v.current_tier = 'prefecture_office' and v.prefecture_id = a.region_id))
    where a.username like 'peak-county-%' or a.username like 'peak-prefecture-%'
    order by a.username, v.id""")
by_office = {}
for name, vid, rv in office_rows:
    if len(by_office.setdefault(name, [])) < 2000:
        by_office[name].append({"id": vid, "row_version": int(rv)})
lines = []
for name, items in by_office.items():
    t = tokens[name]
    for i in range(0, len(items), 20):
        lines.append(("GET", f"/api/v1/reviews/queue?cycle_year={year}&limit=50", t, None))
        lines.append(("POST", "/api/v1/reviews/decisions", t, {"decision": "approve", "items": items[i:i + 20]}))
random.shuffle(lines)
counts["office-review"] = write("office-review", lines)
write("office-review.reads", [l for l in lines if l[0] == "GET"][:500])

# The province and bench-prefecture issue numbers for what they approved last.
write("numbering", [("POST", "/api/v1/certificate-numbers", tokens[n], {"cycle_year": year})
                    for n in ["bench-province", "bench-prefecture"]])

# Trainees: their year, their certificates, a certificate's PDF.
lines, pdfs, verify = [], [], []
for name in trainees:
    t = tokens[name]
    lines.append(("GET", f"/api/v1/me/compliance/{year}", t, None))
    lines.append(("GET", "/api/v1/me/certificates", t, None))
    status, b = call("GET", "/api/v1/me/certificates", t)
    items = b.get("items", b) if isinstance(b, dict) else b
    if status == 200 and items:
        c = items[0]
        pdfs.append(("GET", f"/api/v1/certificates/{c['id']}/pdf", t, None))
        if c.get("verify_url"):
            path = c["verify_url"].split("://", 1)[-1]
            path = path[path.index("/"):]
            token_part = path.rstrip("/").rsplit("/", 1)[-1]
            verify.append(("GET", f"/api/v1/public/certificates/{token_part}", "", None))
counts["trainee-year"] = write("trainee-year", lines)
counts["trainee-certificate"] = write("trainee-certificate", pdfs)
counts["public-verify"] = write("public-verify", verify)

# Offices' dashboards: the workbench of every office, the province's and prefectures' statistics
# and compliance lists.
lines = [("GET", "/api/v1/workbench", tokens[n], None) for n in offices + ["bench-province"]]
counts["dashboard-workbench"] = write("dashboard-workbench", lines)
prov, pre = tokens["bench-province"], tokens["bench-prefecture"]
stats = [("GET", f"/api/v1/verification-stats?cycle_year={year}&by={by}", t, None)
         for t, by in [(prov, "prefecture"), (prov, "county"), (pre, "county"), (pre, "unit")]]
stats += [("GET", f"/api/v1/compliance?year={year}&limit=50", t, None) for t in [prov, pre]]
counts["dashboard-stats"] = write("dashboard-stats", stats)
# The province's dashboard alone (the "four dashboard users" comparison).
write("province-dashboard", stats[:2] + [stats[4]] + [("GET", "/api/v1/workbench", prov, None)])
# One county's queue (what the dashboards must not slow down).
county = next(n for n in offices if n.startswith("peak-county-") and by_office.get(n))
write("county-queue", [("GET", f"/api/v1/reviews/queue?cycle_year={year}&limit=50", tokens[county], None)])
print("peak: request files: " + ", ".join(f"{k} {v}" for k, v in counts.items()), flush=True)
if not pdfs or not verify:
    raise SystemExit("peak: no certificate for the trainees to download or verify")
