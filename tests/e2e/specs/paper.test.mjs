// Paper verification (纸质验证, notice-2021 §三(二)) through the SPA: 宜良县第一人民医院
// (ylyy) submits a worker whose credits the system does not hold on the paper
// path, with a scan of his paper certificate; the offices of his chain (宜良县
// → 昆明市 → the province's 科教处) see 纸质验证 and the scan, and approve;
// 科教处 numbers it; the public verification page says 纸质验证.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, clickSettled, openBrowser } from "../lib/browser.mjs";

const CYCLE = 2021;
const NUMBER = /^2021-\d+-\d{6}$/;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

async function open(username, path) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, username);
  await page.goto(`${BASE_URL}${path}`);
  return page;
}

const rows = (page, testId) => page.getByTestId(testId).locator("tr.ant-table-row");
const rowOf = (page, testId, person) => rows(page, testId).filter({ hasText: person.name }).filter({ hasText: person.id });

/** The office finds the paper record in its queue (filtered to paper), opens the scan, and approves it. */
async function officeApprovesOnPaper(username, person) {
  const page = await open(username, `/verification-review?cycle_year=${CYCLE}&path=paper`);
  const row = rowOf(page, "review-queue", person);
  await row.waitFor();
  assert.match(await row.getByTestId("path-tag").innerText(), /纸质验证/);
  await row.getByTestId("record-open").click();
  const drawer = page.getByTestId("record-drawer");
  assert.equal((await drawer.getByTestId("record-path").innerText()).trim(), "纸质验证");
  // The scan opens (downloads) for the reviewer.
  const download = page.waitForEvent("download");
  await drawer.getByTestId("evidence-file").filter({ hasText: "纸质学分证书.pdf" }).click();
  assert.equal((await download).suggestedFilename(), "纸质学分证书.pdf");
  await page.locator(".ant-drawer-close").click();
  await drawer.waitFor({ state: "hidden" });
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
  await row.getByTestId("approve-one").click();
  const response = await answer;
  assert.equal(response.status(), 200, await response.text());
  await row.waitFor({ state: "detached" });
  return page;
}

test("a unit submits a worker on paper with his scan; county, prefecture and 科教处 approve; 科教处 numbers it; the public page says 纸质验证", async () => {
  const unit = await open("ylyy", `/verification-submit?cycle_year=${CYCLE}`);
  await unit.getByTestId("unit-window").waitFor();
  await unit.locator(".ant-radio-button-wrapper", { hasText: "纸质验证" }).click();
  // On paper, a worker the system finds short may go up: the offices judge his paper.
  const eligible = rows(unit, "candidates-table").filter({ has: unit.locator('[data-eligible="true"]') });
  await eligible.first().waitFor();
  const short = eligible.filter({ hasText: "不达标" });
  const row = (await short.count()) > 0 ? short.first() : eligible.first();
  const cells = row.locator("td");
  const person = { name: (await cells.nth(1).innerText()).trim(), id: (await cells.nth(2).innerText()).trim() };
  await row.locator(".ant-radio-input").check();
  await unit.getByTestId("submit-selected").click();
  const modal = unit.locator(".ant-modal:visible");
  await modal.getByTestId("paper-scans").waitFor();
  // No scan, no submission.
  assert.equal(await modal.locator(".ant-modal-footer .ant-btn-primary").isDisabled(), true);
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
  const uploaded = unit.waitForResponse((r) => r.url().includes("/api/v1/evidence?"));
  await modal.locator('input[type="file"]').setInputFiles({ name: "纸质学分证书.pdf", mimeType: "application/pdf", buffer: pdf });
  assert.equal((await uploaded).status(), 200);
  await modal.getByTestId("paper-evidence-name").filter({ hasText: "纸质学分证书.pdf" }).waitFor();
  await unit.screenshot({ path: join(OUT_DIR, "paper-submit.png"), fullPage: true });
  const answer = unit.waitForResponse((r) => r.url().endsWith("/api/v1/verifications") && r.request().method() === "POST");
  await clickSettled(modal.locator(".ant-modal-footer .ant-btn-primary"));
  const response = await answer;
  assert.equal(response.status(), 200, await response.text());
  const submitted = await response.json();
  assert.equal(submitted.submitted, 1);
  await modal.waitFor({ state: "hidden" });
  // Stored on paper, with the scan.
  const stored = await api.get(`/api/v1/verifications/${submitted.ids[0]}`, await apiToken("ylyy"));
  assert.equal(stored.status, 200, stored.text);
  assert.equal(stored.json.record.path, "paper");
  assert.deepEqual(stored.json.evidence.map((e) => e.file_name), ["纸质学分证书.pdf"]);

  // Up the same chain as any record of a county hospital.
  const county = await officeApprovesOnPaper("yiliang", person);
  await county.close();
  await (await officeApprovesOnPaper("km", person)).close();
  const province = await officeApprovesOnPaper("kjc", person);
  await province.goto(`${BASE_URL}/certificate-numbers`);
  await rowOf(province, "awaiting-numbers", person).locator(".ant-checkbox-input").check();
  const issued = province.waitForResponse((r) => r.url().endsWith("/api/v1/certificate-numbers"));
  await province.getByTestId("issue-selected").click();
  const numbers = await issued;
  assert.equal(numbers.status(), 200, await numbers.text());
  const result = await numbers.json();
  assert.equal(result.issued, 1);
  assert.match(result.first, NUMBER);
  await province.close();

  // The unit's own record says 纸质验证 and carries the number.
  await unit.getByRole("tab", { name: "上报记录" }).click();
  const record = rowOf(unit, "records-table", person);
  await record.getByText("已发证书编号").waitFor();
  assert.match(await record.getByTestId("path-tag").innerText(), /纸质验证/);
  assert.equal((await record.getByTestId("certificate-no").innerText()).trim(), result.first);
  await unit.close();

  // The public verification page of its certificate (the QR code's link), signed in as nobody.
  const token = await apiToken("ylyy");
  const listed = await api.get(`/api/v1/certificates?year=${CYCLE}&limit=500&name=${encodeURIComponent(person.name)}`, token);
  assert.equal(listed.status, 200, listed.text);
  const certificate = listed.json.items.find((c) => c.number === result.first);
  assert.ok(certificate, `certificate ${result.first} listed`);
  assert.equal(certificate.path_label, "纸质验证");
  const visitor = await browser.newPage();
  await visitor.goto(certificate.verify_url.replace(/^https?:\/\/[^/]+/, BASE_URL));
  await visitor.getByTestId("public-certificate").waitFor();
  assert.equal((await visitor.getByTestId("public-path").innerText()).trim(), "纸质验证");
  assert.equal((await visitor.getByTestId("public-number").innerText()).trim(), result.first);
  await visitor.screenshot({ path: join(OUT_DIR, "paper-public.png"), fullPage: true });
  await visitor.close();
});
