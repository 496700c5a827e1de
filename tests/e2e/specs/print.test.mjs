// A hospital's CME office prints its 800 certificates of 2021 at once: the
// demo gives 宣威市人民医院 800 people the province certified (run.sh:
// `cme demo --certified-people 800`; account xwyy). The batch runs on the
// server as a job: the page shows n of N, then the browser's download
// manager saves the file; its first page is the cover (unit, department,
// year, count, who is left out and why), then the certificates in
// department and pinyin order. Desktop: an office prints on its PC.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const pdftotext = (pdf, ...range) => execFileSync("pdftotext", [...range, "-layout", pdf, "-"], { encoding: "utf8", maxBuffer: 64 << 20 });
const squeeze = (text) => text.replace(/\s+/g, "");

test("xwyy prints its 800 certificates as one job: progress, then the file with its cover", async () => {
  const token = await apiToken("xwyy");
  const listed = await api.post("/api/v1/certificates/search", { year: 2021, limit: 1 }, token);
  assert.equal(listed.status, 200, listed.text);

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "xwyy");
  await page.goto(`${BASE_URL}/certificates`);
  await page.getByTestId("certificates-table").locator("tr.ant-table-row").first().waitFor();
  const started = Date.now();
  const queued = page.waitForResponse((r) => r.url().endsWith("/api/v1/certificates/print-jobs") && r.request().method() === "POST");
  const download = page.waitForEvent("download", { timeout: 300_000 });
  await page.getByTestId("print-all").click();
  const answer = await queued;
  assert.equal(answer.status(), 202);
  const job = await answer.json();
  assert.equal(job.total, 800, "the demo's 800 certified people");
  assert.match(job.file_name, /^宣威市人民医院-全部科室-2021年度学分验证合格证书\.pdf$/);

  // The progress: n of N while it runs (or already done on a fast machine).
  const modal = page.getByTestId("print-job");
  await modal.waitFor();
  const line = await page.getByTestId("print-job-line").innerText();
  assert.match(line, /排队中，共 800 份|已打印 \d+ \/ 800 份|已打印 800 份/);
  await page.screenshot({ path: join(OUT_DIR, "print-progress.png") });
  const file = await download;
  const pdf = join(OUT_DIR, "print-800.pdf");
  await file.saveAs(pdf);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  await page.locator('[data-testid="print-job"][data-state="finished"]').waitFor();
  assert.match(await page.getByTestId("print-job-line").innerText(), /已打印 800 份/);
  assert.equal(file.suggestedFilename(), job.file_name);

  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [pdf], { encoding: "utf8" }))[1]);
  const cover = squeeze(pdftotext(pdf, "-f", "1", "-l", "1"));
  for (const expected of ["打印清单", "宣威市人民医院", "全部科室", "2021年度", "800份", "未打印人员"]) {
    assert.ok(cover.includes(expected), `the cover says ${expected}: ${cover.slice(0, 400)}`);
  }
  const coverPages = pages - 800;
  assert.ok(coverPages >= 1, `a cover before the 800 certificates (${pages} pages)`);
  // The first certificate follows the cover.
  const first = squeeze(pdftotext(pdf, "-f", String(coverPages + 1), "-l", String(coverPages + 1)));
  assert.ok(first.includes("继续医学教育学分验证合格证书") && first.includes("证书编号"), first.slice(0, 300));
  await page.screenshot({ path: join(OUT_DIR, "print-done.png") });
  console.log(
    `e2e: xwyy printed 800 certificates (${pages} pages, ${(statSync(pdf).size / 1e6).toFixed(1)} MB) from the click to the saved file in ${seconds} s`,
  );
  await page.close();
});
