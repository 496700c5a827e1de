// Certificates after the numbers: a trainee downloads his 2021 certificate on
// a phone, its QR code leads to the public page saying 有效; a title
// correction approved along the chain to the province reissues it, the old
// QR code's page then says 已被更正后的新版本取代 and the new version is valid.
// Each test certifies its own person of 宜良县第一人民医院 over the API (the UI
// path of verification is the verification spec's): ylyy → 宜良县 → 昆明市 →
// 省科教处, which numbers it.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { deflateSync } from "node:zlib";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, clickSettled, openBrowser } from "../lib/browser.mjs";
import { authSpecPersonId, captchaWatcher, revealIdNumber, traineeSignIn } from "../lib/trainee.mjs";

const CYCLE = 2021;
const UNIT = "ylyy";
const OFFICES = ["yiliang", "km", "kjc"];
const PHONE = { width: 390, height: 844 };
const VERIFY_URL = new RegExp(`^${BASE_URL.replace(/[.]/g, "\\.")}/v/[0-9A-HJKMNP-TV-Z]{26}$`);

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/** People certified by this spec, so that each test has its own. */
const used = new Set();

async function ok(answer, what) {
  const r = await answer;
  assert.equal(r.status, 200, `${what}: ${r.status} ${r.text}`);
  return r.json;
}

/** The record of `personId` waiting on the office (`state` approved: waiting for its number). */
async function queued(token, personId, unitId, state) {
  let after = "";
  for (;;) {
    const q = await ok(
      api.get(`/api/v1/reviews/queue?cycle_year=${CYCLE}&unit_id=${unitId}&limit=200${state ? `&state=${state}` : ""}${after}`, token),
      "queue",
    );
    const record = q.items.find((r) => r.person_id === personId);
    if (record) return record;
    assert.ok(q.next_cursor, `person ${personId} is not in the queue`);
    after = `&after=${encodeURIComponent(q.next_cursor)}`;
  }
}

/** Uploads the office's seal unless it has one. */
async function ensureSeal(token) {
  const mine = await ok(api.get("/api/v1/seals/mine", token), "seal");
  if (mine.seal) return;
  const r = await fetch(`${BASE_URL}/api/v1/seals/mine`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "image/png" },
    body: stampPng(400),
  });
  assert.equal(r.status, 200, `seal upload: ${r.status} ${await r.text()}`);
}

/** A 2021-compliant person of the unit, submitted, approved to 省科教处 and numbered; his certificate. */
async function certifiedPerson() {
  const unit = await apiToken(UNIT);
  const org = (await ok(api.get("/api/v1/me", unit), "me")).organisation;
  used.add(await authSpecPersonId(org.id, unit));
  const list = await ok(
    api.get(`/api/v1/verifications/candidates?cycle_year=${CYCLE}&list=normal&eligible_only=true&limit=200`, unit),
    "candidates",
  );
  const candidate = list.items.find((c) => c.eligible && !used.has(c.person_id));
  assert.ok(candidate, `${UNIT} has no eligible person left`);
  used.add(candidate.person_id);
  const submitted = await ok(
    api.post("/api/v1/verifications", { cycle_year: CYCLE, list: "normal", people: [{ person_id: candidate.person_id }] }, unit),
    "submit",
  );
  assert.equal(submitted.submitted, 1);
  for (const office of OFFICES) {
    const token = await apiToken(office);
    const record = await queued(token, candidate.person_id, org.id);
    const decided = await ok(
      api.post("/api/v1/reviews/decisions", { decision: "approve", items: [{ id: record.id, row_version: record.row_version }] }, token),
      `${office} approves`,
    );
    assert.equal(decided.decided, 1);
  }
  const kjc = await apiToken("kjc");
  // Sealed, so that the trainee may print it himself (notice-2017: an
  // unsealed certificate is printed by the unit only).
  await ensureSeal(kjc);
  const approved = await queued(kjc, candidate.person_id, org.id, "approved");
  const numbers = await ok(api.post("/api/v1/certificate-numbers", { cycle_year: CYCLE, ids: [approved.id] }, kjc), "numbers");
  assert.equal(numbers.issued, 1);
  const certificates = await ok(api.get(`/api/v1/people/${candidate.person_id}/certificates`, unit), "certificates");
  const certificate = certificates.find((c) => c.year === CYCLE && c.status === "valid");
  assert.ok(certificate, JSON.stringify(certificates));
  assert.equal(certificate.version, 1);
  assert.match(certificate.verify_url, VERIFY_URL);
  const idNumber = await revealIdNumber(candidate.person_id, unit);
  return { unit, unitId: org.id, personId: candidate.person_id, name: candidate.name, idNumber, certificate };
}

/** A trainee's tab, phone-sized and signed in through the trainee centre (test captcha). */
async function phoneOf(person, newPassword) {
  const phone = await browser.newPage();
  await phone.setViewportSize(PHONE);
  const fillCaptcha = captchaWatcher(phone);
  await traineeSignIn(phone, { idNumber: person.idNumber, name: person.name, newPassword, fillCaptcha });
  return phone;
}

async function fitsPhone(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `${what} fits ${PHONE.width} px (scrollWidth ${width})`);
}

/** The public page of a verification link, as anyone sees it (a tab without a session). */
async function publicPage(url) {
  const page = await browser.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(url);
  const card = page.getByTestId("public-certificate");
  await card.waitFor();
  return { page, card, status: await card.getAttribute("data-status"), text: await card.innerText() };
}

/** The share of dark pixels of a grey PGM (P5, 8 bit) as pdftoppm writes it. */
function darkShare(pgm) {
  const header = pgm.subarray(0, 64).toString("latin1");
  const m = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(header);
  assert.ok(m, "a P5 PGM");
  const pixels = pgm.subarray(m[0].length);
  let dark = 0;
  for (const v of pixels) if (v < 128) dark++;
  return dark / pixels.length;
}

test("the trainee downloads his certificate on a phone; its QR code opens the public page, which says it is valid", async () => {
  const person = await certifiedPerson();
  const { certificate } = person;
  const phone = await phoneOf(person, "Trainee2026cert");

  await phone.goto(`${BASE_URL}/my-certificates`);
  const item = phone.locator(`[data-testid="my-certificate"][data-year="${CYCLE}"]`);
  await item.waitFor();
  assert.equal(await item.getAttribute("data-status"), "valid");
  assert.equal((await item.getByTestId("certificate-number").innerText()).trim(), certificate.number);
  assert.match(await item.innerText(), /有效/);
  await fitsPhone(phone, "我的证书");
  await phone.screenshot({ path: join(OUT_DIR, "certificates-phone-mine.png"), fullPage: true });

  const download = phone.waitForEvent("download");
  await item.getByTestId("certificate-download").click();
  const file = await download;
  assert.match(file.suggestedFilename(), /\.pdf$/);
  const pdf = join(OUT_DIR, "certificate-2021.pdf");
  await file.saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString("latin1"), "%PDF-");

  // The text layer names him and carries the number.
  const text = execFileSync("pdftotext", ["-layout", pdf, "-"], { encoding: "utf8" });
  assert.ok(text.includes(person.name), `the PDF names ${person.name}:\n${text}`);
  assert.ok(text.includes(certificate.number), `the PDF carries ${certificate.number}:\n${text}`);

  // The page is drawn: a PNG for the QR code, a grey map to see ink on it.
  const base = join(OUT_DIR, "certificate-2021");
  execFileSync("pdftoppm", ["-png", "-r", "150", "-singlefile", pdf, base]);
  execFileSync("pdftoppm", ["-gray", "-r", "50", "-singlefile", pdf, `${base}-gray`]);
  const png = readFileSync(`${base}.png`);
  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  const share = darkShare(readFileSync(`${base}-gray.pgm`));
  assert.ok(share > 0.005 && share < 0.6, `the rendered page has ink on it (${(share * 100).toFixed(2)}% dark)`);

  // The QR code carries the public link.
  const decoded = execFileSync("zbarimg", ["--raw", "-q", `${base}.png`], { encoding: "utf8" }).trim().split("\n");
  const url = decoded.find((l) => l.includes("/v/"));
  assert.ok(url, `a verification link among ${JSON.stringify(decoded)}`);
  assert.equal(url, certificate.verify_url);
  assert.match(url, VERIFY_URL);

  const shown = await publicPage(url);
  assert.equal(shown.status, "valid");
  assert.match(await shown.page.getByTestId("public-status").innerText(), /真实有效/);
  assert.match(shown.text, /有效/);
  assert.equal((await shown.page.getByTestId("public-number").innerText()).trim(), certificate.number);
  assert.match(shown.text, /2021 年度/);
  // The name is masked: first character shown, not the whole name.
  const masked = (await shown.page.getByTestId("public-name").innerText()).trim();
  assert.equal(masked[0], person.name[0]);
  assert.ok(masked.includes("*"), masked);
  await fitsPhone(shown.page, "the public page");
  await shown.page.screenshot({ path: join(OUT_DIR, "certificates-public-valid.png"), fullPage: true });
  await shown.page.close();

  // His link on 我的证书 leads to the same page.
  const href = await item.getByTestId("certificate-verify-link").getAttribute("href");
  assert.equal(`${BASE_URL}${href}`, url);

  // A forged token: 查无此证书.
  const forged = await browser.newPage();
  await forged.goto(`${BASE_URL}/v/${"0".repeat(26)}`);
  await forged.getByTestId("lookup-failed-title").filter({ hasText: "查无此证书" }).waitFor();
  await forged.close();
  await phone.close();
});

/** A title the engine accepts for the person's year: another title of his level first. */
async function acceptableTitle(person) {
  const current = person.certificate.title;
  const catalogue = await ok(api.get("/api/v1/title-catalogue", person.unit), "catalogue");
  const level = catalogue.find((t) => t.name === current)?.level;
  const ordered = [...catalogue.filter((t) => t.level === level), ...catalogue.filter((t) => t.level !== level)];
  for (const t of ordered) {
    if (t.name === current) continue;
    const q = `person_id=${person.personId}&year=${CYCLE}&new_title=${encodeURIComponent(t.name)}`;
    const preview = await ok(api.get(`/api/v1/title-corrections/preview?${q}`, person.unit), "preview");
    if (preview.allowed) return t.name;
  }
  assert.fail(`no title keeps ${person.name}'s ${CYCLE} compliant`);
}

/** Approves, in the review page's queue, the request of `person`. */
async function approveInUi(username, person) {
  const page = await browser.newPage();
  await signIn(page, username);
  await page.goto(`${BASE_URL}/title-correction-review`);
  const row = page.getByTestId("correction-queue").locator("tr.ant-table-row").filter({ hasText: person.name });
  await row.waitFor();
  await row.getByTestId("correction-approve").click();
  const modal = page.locator(".ant-modal:visible");
  await modal.locator("#correction_decision_reason").waitFor();
  const answer = page.waitForResponse((r) => r.url().includes("/api/v1/title-corrections/") && r.url().endsWith("/decision"));
  await clickSettled(modal.locator(".ant-modal-footer .ant-btn-primary"));
  const response = await answer.catch(async (e) => {
    await page.screenshot({ path: join(OUT_DIR, `certificates-approve-${username}-failed.png`), fullPage: true });
    throw e;
  });
  assert.equal(response.status(), 200, await response.text());
  await row.waitFor({ state: "detached" });
  return { page, decided: await response.json() };
}

test("a title correction approved up to the province reissues the certificate: the old QR page says superseded, the new one valid", async () => {
  const person = await certifiedPerson();
  const old = person.certificate;
  const newTitle = await acceptableTitle(person);

  // The trainee asks on his phone, from the certificate.
  const phone = await phoneOf(person, "Trainee2026corr");
  await phone.goto(`${BASE_URL}/my-certificates`);
  const item = phone.locator(`[data-testid="my-certificate"][data-year="${CYCLE}"]`);
  await item.getByTestId("certificate-correct").click();
  await phone.waitForURL(/\/title-corrections\?year=2021$/);
  const form = phone.getByTestId("correction-form");
  await form.getByText(/原证书：/).waitFor();
  await phone.locator("#correction_new_title").fill(newTitle);
  const date = phone.locator("#correction_obtained_on");
  await date.click();
  await date.fill("2021-03-01");
  await date.press("Enter");
  await phone.locator("#correction_reason").fill(`${CYCLE} 年 3 月已取得${newTitle}资格，证书上的职称未更新`);
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
  const uploaded = phone.waitForResponse((r) => r.url().includes("/api/v1/evidence?"));
  await form.locator('input[type="file"]').setInputFiles({ name: "职称证书.pdf", mimeType: "application/pdf", buffer: pdf });
  assert.equal((await uploaded).status(), 200);
  await form.getByTestId("correction-evidence-name").filter({ hasText: "职称证书.pdf" }).waitFor();
  // The engine's verdict under the new title comes first and opens the submit button.
  const verdict = phone.getByTestId("correction-preview-result");
  await verdict.waitFor();
  assert.equal(await verdict.getAttribute("data-allowed"), "true", await verdict.innerText());
  assert.match(await verdict.innerText(), /达标/);
  await fitsPhone(phone, "职称更正申请");
  await phone.screenshot({ path: join(OUT_DIR, "certificates-phone-correction.png"), fullPage: true });
  const filed = phone.waitForResponse((r) => r.url().endsWith("/api/v1/title-corrections") && r.request().method() === "POST");
  await phone.getByTestId("correction-submit").click();
  const response = await filed;
  assert.equal(response.status(), 200, await response.text());
  const request = await response.json();
  assert.deepEqual(request.chain, ["unit", "county_office", "prefecture_office", "province_western"]);
  assert.equal(request.waiting_on, "unit");
  const drawer = phone.getByTestId("correction-drawer");
  await drawer.getByTestId("correction-chain").waitFor();
  assert.equal(await drawer.getByTestId("correction-chain").locator(".ant-steps-item").count(), 4);
  await phone.locator(".ant-drawer-close").click();
  await phone.locator('[data-testid="my-correction"][data-state="in_review"]').waitFor();

  // The unit approves in its queue; the county and the prefecture over the API; the province decides in its queue.
  const { page: unitPage } = await approveInUi(UNIT, person);
  await unitPage.close();
  for (const office of ["yiliang", "km"]) {
    const token = await apiToken(office);
    const waiting = await ok(api.get("/api/v1/title-corrections?waiting=true", token), `${office} queue`);
    const mine = waiting.find((c) => c.id === request.id);
    assert.ok(mine, `${office} sees the request`);
    await ok(api.post(`/api/v1/title-corrections/${mine.id}/decision`, { row_version: mine.row_version, decision: "approve" }, token), `${office} approves`);
  }
  const { page: province, decided } = await approveInUi("kjc", person);
  assert.equal(decided.state, "approved");
  assert.ok(decided.new_certificate_id);
  // The province's list shows it approved, with its chain finished and its log.
  await province.getByRole("tab", { name: "全部申请" }).click();
  const row = province.getByTestId("correction-all").locator("tr.ant-table-row").filter({ hasText: person.name });
  await row.getByTestId("correction-open").click();
  const log = province.getByTestId("correction-drawer");
  await log.getByTestId("correction-reissued").waitFor();
  assert.equal(await log.getByTestId("correction-log-entry").count(), 5);
  await province.screenshot({ path: join(OUT_DIR, "certificates-correction-approved.png"), fullPage: true });
  await province.close();

  // The old QR code's page: superseded, naming the current version.
  const before = await publicPage(old.verify_url);
  assert.equal(before.status, "superseded");
  assert.match(before.text, /已被更正后的新版本取代/);
  assert.match(await before.page.getByTestId("public-status-detail").innerText(), /第 2 版/);
  await before.page.screenshot({ path: join(OUT_DIR, "certificates-public-superseded.png"), fullPage: true });
  await before.page.close();

  // The new version: same number, version 2, the new title, valid.
  const all = await ok(api.get(`/api/v1/people/${person.personId}/certificates`, person.unit), "certificates");
  const renewed = all.find((c) => c.year === CYCLE && c.version === 2);
  assert.ok(renewed, JSON.stringify(all));
  assert.equal(renewed.number, old.number);
  assert.equal(renewed.status, "valid");
  assert.equal(renewed.title, newTitle);
  const now = await publicPage(renewed.verify_url);
  assert.equal(now.status, "valid");
  assert.match(now.text, /真实有效/);
  assert.equal((await now.page.getByTestId("public-title").innerText()).trim(), newTitle);
  await now.page.close();

  // By number and 验证码 on /verify, too.
  const lookup = await browser.newPage();
  await lookup.setViewportSize(PHONE);
  await lookup.goto(`${BASE_URL}/verify`);
  await lookup.locator("#lookup_number").fill(renewed.number);
  await lookup.locator("#lookup_code").fill(renewed.check_code.toLowerCase());
  await lookup.getByTestId("lookup-submit").click();
  const card = lookup.getByTestId("public-certificate");
  await card.waitFor();
  assert.equal(await card.getAttribute("data-status"), "valid");
  assert.match(await lookup.getByTestId("public-version").innerText(), /第 2 版/);
  await fitsPhone(lookup, "/verify");
  await lookup.screenshot({ path: join(OUT_DIR, "certificates-public-lookup.png"), fullPage: true });
  // A wrong code: 查无此证书.
  await lookup.locator("#lookup_code").fill(renewed.check_code === "00000000" ? "11111111" : "00000000");
  await lookup.getByTestId("lookup-submit").click();
  await lookup.getByTestId("lookup-failed-title").filter({ hasText: "查无此证书" }).waitFor();
  await lookup.close();

  // His 我的证书: version 2 valid, version 1 superseded.
  await phone.goto(`${BASE_URL}/my-certificates`);
  await phone.locator(`[data-testid="my-certificate"][data-year="${CYCLE}"][data-version="2"][data-status="valid"]`).waitFor();
  await phone.locator(`[data-testid="my-certificate"][data-year="${CYCLE}"][data-version="1"][data-status="superseded"]`).waitFor();
  await phone.goto(`${BASE_URL}/title-corrections`);
  await phone.locator('[data-testid="my-correction"][data-state="approved"]').waitFor();
  await phone.close();
});

/** A red ring and a dot on white (an RGB PNG), like a stamp scanned on blank paper. */
function stampPng(size) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const raw = Buffer.alloc((size * 3 + 1) * size, 255);
  const mid = size / 2;
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - mid, y - mid);
      if ((r > size * 0.38 && r < size * 0.43) || r < size * 0.12) {
        const at = y * (size * 3 + 1) + 1 + x * 3;
        raw[at] = 0xd8;
        raw[at + 1] = 0x1e;
        raw[at + 2] = 0x06;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

test("an office uploads its seal and sees it processed, then retires it; a unit prints its certificates as one PDF", async () => {
  // A stamp on white paper, as a scan would have it.
  const scan = join(OUT_DIR, "seal-scan.png");
  writeFileSync(scan, stampPng(400));
  const county = await browser.newPage();
  await signIn(county, "yiliang");
  await county.goto(`${BASE_URL}/seal`);
  await county.getByTestId("seal-issuer").filter({ hasText: "宜良县继续医学教育委员会" }).waitFor();
  const before = await county.getByTestId("seal-state").getAttribute("data-state");
  if (before === "none") await county.getByTestId("seal-missing").waitFor();
  const uploaded = county.waitForResponse((r) => r.url().endsWith("/api/v1/seals/mine") && r.request().method() === "PUT");
  await county.locator('input[type="file"]').setInputFiles(scan);
  assert.equal((await uploaded).status(), 200);
  await county.locator('[data-testid="seal-state"][data-state="active"]').waitFor();
  // Processed: the ink cropped out of the 400 × 400 scan.
  const { seal } = await ok(api.get("/api/v1/seals/mine", await apiToken("yiliang")), "seal");
  assert.ok(seal && seal.width < 400 && seal.height < 400, JSON.stringify(seal));
  await county
    .waitForFunction(() => {
      const img = document.querySelector('[data-testid="seal-image"]');
      return img instanceof HTMLImageElement && img.complete && img.naturalWidth > 0;
    })
    .catch(async (e) => {
      await county.screenshot({ path: join(OUT_DIR, "certificates-seal-failed.png"), fullPage: true });
      console.log(await county.evaluate(() => document.querySelector('[data-testid="seal-preview"]')?.outerHTML));
      throw e;
    });
  await county.screenshot({ path: join(OUT_DIR, "certificates-seal.png"), fullPage: true });
  // Retired after confirmation: certificates print 须加盖印章 again.
  await county.getByTestId("seal-retire").click();
  const retired = county.waitForResponse((r) => r.url().endsWith("/api/v1/seals/mine") && r.request().method() === "DELETE");
  await county.locator(".ant-modal:visible .ant-modal-footer .ant-btn-dangerous").click();
  assert.equal((await retired).status(), 204);
  await county.getByTestId("seal-missing").waitFor();
  await county.close();

  // The unit finds its own person's 2021 certificate by name and prints the chosen ones as one PDF.
  const person = await certifiedPerson();
  const unit = await browser.newPage();
  const urls = [];
  unit.on("request", (r) => urls.push(r.url()));
  await signIn(unit, UNIT);
  await unit.goto(`${BASE_URL}/certificates`);
  await unit.getByTestId("certificates-table").locator("tr.ant-table-row").first().waitFor();
  await unit.getByTestId("certificate-search-name").fill(person.name);
  await unit.getByTestId("certificate-search").click();
  const row = unit
    .getByTestId("certificates-table")
    .locator("tr.ant-table-row")
    .filter({ hasText: person.certificate.number });
  await row.waitFor();
  for (const n of await unit.getByTestId("certificates-table").getByTestId("certificate-name").allInnerTexts()) {
    assert.ok(n.includes(person.name), `${n} matches the search`);
  }
  assert.match(await row.innerText(), /有效/);
  assert.match(await row.innerText(), /须加盖印章|电子印章/);
  // By the full ID number (the name cleared): it travels in a POST body, never in a URL (which
  // servers log); the one row found shows it arrived.
  await unit.getByTestId("certificate-search-name").fill("");
  await unit.getByTestId("certificate-search-id").fill(person.idNumber.toLowerCase());
  const searched = unit.waitForResponse((r) => r.url().endsWith("/api/v1/certificates/search") && r.request().method() === "POST");
  await unit.getByTestId("certificate-search").click();
  assert.equal((await searched).status(), 200);
  await unit.waitForFunction(
    () => document.querySelectorAll('[data-testid="certificates-table"] tr.ant-table-row').length === 1,
  );
  await row.waitFor();
  assert.ok(!urls.some((u) => u.toLowerCase().includes(person.idNumber.toLowerCase())), urls.join("\n"));
  await row.locator(".ant-checkbox-input").check();
  const download = unit.waitForEvent("download");
  await unit.getByTestId("print-selected").click();
  const file = await download;
  const pdf = join(OUT_DIR, "certificates-batch.pdf");
  await file.saveAs(pdf);
  const text = execFileSync("pdftotext", [pdf, "-"], { encoding: "utf8" });
  assert.ok(text.includes(person.name) && text.includes(person.certificate.number), `the batch prints ${person.name}:\n${text}`);
  await unit.screenshot({ path: join(OUT_DIR, "certificates-print.png"), fullPage: true });
  await unit.close();
});
