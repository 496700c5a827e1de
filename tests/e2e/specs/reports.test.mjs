// 统计报表 (SPEC §10) and 学分标准维护 (SPEC §4) in the browser, on the demo data.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

const CYCLE = 2021;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const statsRequest = (page, check = () => true) =>
  page.waitForResponse((r) => {
    const url = new URL(r.url());
    return url.pathname === "/api/v1/verification-stats" && check(url.searchParams);
  });

test("the report shows the demo year's figures by unit, prefecture and discipline, exports XLSX and prints", async () => {
  const page = await browser.newPage();
  await signIn(page, "kjc");
  const first = statsRequest(page, (q) => q.get("cycle_year") === String(CYCLE) && q.get("by") === "unit");
  await page.goto(`${BASE_URL}/reports`);
  const response = await first;
  assert.equal(response.status(), 200, await response.text());
  const stats = await response.json();
  assert.ok(stats.total.to_verify > 0, "the demo year has people to verify");

  // The table has the units and a total row with the same figures.
  const rows = page.getByTestId("report-table").locator("tr.ant-table-row");
  await rows.first().waitFor();
  assert.equal(await rows.count(), stats.rows.length);
  const totalRow = page.getByTestId("report-total-row");
  const cells = (await totalRow.locator("td").allInnerTexts()).map((t) => t.trim());
  assert.equal(cells[0], "合计");
  assert.equal(cells[1], String(stats.total.to_verify));
  assert.equal(cells[2], String(stats.total.compliant));
  assert.equal(cells[3], `${(Math.floor((stats.total.compliant * 1000) / stats.total.to_verify) / 10).toFixed(1)}%`);
  // Two bars per row: compliance and pass rate.
  assert.equal(await page.getByTestId("report-chart").getByTestId("chart-row").count(), stats.rows.length);
  assert.equal(await page.getByTestId("bar-compliance").count(), stats.rows.length);
  // The province's figures are shared for 30 s: the page says when they were computed.
  assert.ok(stats.figures_at, "the province's statistics say when they were computed");
  assert.match(await page.getByTestId("report-figures-at").innerText(), /^统计于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);

  // By prefecture, then one discipline: the request carries the filters.
  const byPrefecture = statsRequest(page, (q) => q.get("by") === "prefecture" && !q.has("discipline"));
  await page.getByTestId("report-by").getByText("按州市").click();
  const prefectures = await (await byPrefecture).json();
  await page.getByTestId("report-table").locator("tr.ant-table-row").filter({ hasText: prefectures.rows[0].name }).waitFor();
  const nursing = statsRequest(page, (q) => q.get("by") === "prefecture" && q.get("discipline") === "nursing_public_health");
  await page.getByTestId("report-discipline").getByText("护理、公卫类").click();
  const nursingStats = await (await nursing).json();
  assert.ok(nursingStats.total.to_verify < stats.total.to_verify, "one discipline counts fewer people");
  await page.getByTestId("report-heading").filter({ hasText: "按州市，护理、公卫类" }).waitFor();
  await page.getByTestId("report-total-row").filter({ hasText: String(nursingStats.total.to_verify) }).waitFor();

  // The export downloads the same report as XLSX (a ZIP: "PK").
  const exported = page.waitForResponse((r) => r.url().includes("/api/v1/verification-stats/export"));
  const download = page.waitForEvent("download");
  await page.getByTestId("report-export").click();
  const exportResponse = await exported;
  assert.equal(exportResponse.status(), 200);
  const exportUrl = new URL(exportResponse.url());
  assert.equal(exportUrl.searchParams.get("by"), "prefecture");
  assert.equal(exportUrl.searchParams.get("discipline"), "nursing_public_health");
  const file = await download;
  assert.match(file.suggestedFilename(), /\.xlsx$/);
  const path = join(OUT_DIR, "report.xlsx");
  await file.saveAs(path);
  assert.equal(readFileSync(path).subarray(0, 2).toString("latin1"), "PK");

  // Printed: no menu, no buttons, the report and its bars.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.getByTestId("main-menu").isVisible(), false);
  assert.equal(await page.getByTestId("report-export").isVisible(), false);
  assert.equal(await page.getByTestId("report-table").isVisible(), true);
  await page.screenshot({ path: join(OUT_DIR, "report-print.png"), fullPage: true });
  await page.emulateMedia({ media: "screen" });
  await page.screenshot({ path: join(OUT_DIR, "report.png"), fullPage: true });
  await page.close();
});

const squeeze = (text) => text.replace(/\s+/g, "");
/** A downloaded file that is a PDF: its header, its size, its pages and its text. */
function readPdf(path) {
  assert.equal(readFileSync(path).subarray(0, 5).toString("latin1"), "%PDF-");
  const size = statSync(path).size;
  assert.ok(size > 0, "a PDF of some bytes");
  const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [path], { encoding: "utf8" }))?.[1] ?? 0);
  assert.ok(pages >= 1, `one page or more: ${pages}`);
  return { size, pages, text: squeeze(execFileSync("pdftotext", ["-enc", "UTF-8", path, "-"], { encoding: "utf8" })) };
}

test("an office prints its statistics and its compliance list as A4 PDFs; the print stylesheet stays", async () => {
  const page = await browser.newPage();
  await signIn(page, "km");
  await page.goto(`${BASE_URL}/reports`);
  await page.getByTestId("report-table").locator("tr.ant-table-row").first().waitFor();
  await page.getByTestId("report-by").getByText("按县市区").click();
  await page.getByTestId("report-heading").filter({ hasText: "按县市区" }).waitFor();

  // 打印 PDF beside 导出 XLSX: the same filters, format=pdf, a PDF file.
  const answered = page.waitForResponse((r) => r.url().includes("/api/v1/verification-stats/export"));
  const download = page.waitForEvent("download");
  await page.getByTestId("report-pdf").click();
  const response = await answered;
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["content-type"], "application/pdf");
  const url = new URL(response.url());
  assert.equal(url.searchParams.get("format"), "pdf");
  assert.equal(url.searchParams.get("by"), "county");
  const file = await download;
  assert.match(file.suggestedFilename(), /学分验证统计.*\.pdf$/);
  const path = join(OUT_DIR, "report.pdf");
  await file.saveAs(path);
  const report = readPdf(path);
  for (const expected of ["制表单位：昆明市继续医学教育委员会办公室", "统计口径：按县市区", "打印日期：", "（北京时间）", "达标率与审核通过率", "宜良县", "合计"]) {
    assert.ok(report.text.includes(squeeze(expected)), `the printed report says ${expected}: ${report.text.slice(0, 400)}`);
  }

  // The browser's own print still hides the menu and the buttons.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.getByTestId("main-menu").isVisible(), false);
  assert.equal(await page.getByTestId("report-pdf").isVisible(), false);
  assert.equal(await page.getByTestId("report-table").isVisible(), true);
  await page.emulateMedia({ media: "screen" });

  // The compliance list of a county office, printed the same way.
  await page.close();
  const county = await browser.newPage();
  await signIn(county, "yiliang");
  await county.goto(`${BASE_URL}/compliance`);
  await county.getByTestId("compliance-table").locator("tr.ant-table-row").first().waitFor();
  const listed = county.waitForResponse((r) => r.url().includes("/api/v1/compliance/export"));
  const listDownload = county.waitForEvent("download");
  await county.getByTestId("compliance-pdf").click();
  assert.equal((await listed).status(), 200);
  const listFile = join(OUT_DIR, "compliance.pdf");
  await (await listDownload).saveAs(listFile);
  const list = readPdf(listFile);
  for (const expected of ["人员达标情况", "制表单位：宜良县继续医学教育委员会办公室", "达标情况（按结果）", "不达标原因"]) {
    assert.ok(list.text.includes(squeeze(expected)), `the printed list says ${expected}: ${list.text.slice(0, 400)}`);
  }
  console.log(`e2e: km printed its statistics (${report.pages} pages, ${report.size} bytes); yiliang its compliance list (${list.pages} pages, ${list.size} bytes)`);
  await county.close();
});

test("the standard editor: a missing profile is refused, a raised total previews fewer compliant, publish", async () => {
  // 2019: a year no other spec verifies; its standard is put back at the end.
  const YEAR = 2019;
  const kjc = await apiToken("kjc");
  const original = await api.get(`/api/v1/standards/${YEAR}`, kjc);
  assert.equal(original.status, 200, original.text);
  try {
    const page = await browser.newPage();
    await signIn(page, "kjc");
    await page.goto(`${BASE_URL}/standard-editor`);
    await page.getByTestId("year-select").click();
    await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter({ hasText: `${YEAR} 年度` }).click();
    await page.getByTestId("standard-info").filter({ hasText: `${YEAR} 年度第 ${original.json.version} 版` }).waitFor();
    await page.getByTestId("start-draft").click();
    const rows = page.getByTestId("standard-rows").locator("tr.ant-table-row");
    await rows.first().waitFor();
    assert.equal(await rows.count(), original.json.rows.length);

    // Without one profile's row the page warns, and the server refuses it (422, naming rows).
    await page.locator('tr[data-row-key="nursing_public_health:county:junior"]').getByTestId("remove-row").click();
    await page.getByTestId("coverage").filter({ hasText: "护理、公卫类 · 县级 · 初级" }).waitFor();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/v1/standards/${YEAR}/draft`) && r.request().method() === "PUT");
    await page.getByTestId("save-draft").click();
    assert.equal((await refused).status(), 422);
    await page.getByTestId("problem").getByTestId("field-errors").filter({ hasText: "rows" }).waitFor();
    await page.screenshot({ path: join(OUT_DIR, "standard-422.png"), fullPage: true });

    // Back to the standard in force; raise one total and save.
    await page.getByTestId("reset-to-in-force").click();
    assert.equal(await rows.count(), original.json.rows.length);
    const key = "clinical:county:intermediate";
    const total = page.locator(`tr[data-row-key="${key}"]`).getByTestId("limit-total");
    await total.fill("40");
    await total.press("Tab");
    assert.equal(await total.getAttribute("data-changed"), "true");
    const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/standards/${YEAR}/draft`) && r.request().method() === "PUT");
    await page.getByTestId("save-draft").click();
    const savedResponse = await saved;
    assert.equal(savedResponse.status(), 200, await savedResponse.text());
    const draft = await savedResponse.json();
    const raised = draft.rows.find((r) => r.discipline === "clinical" && r.unit_level === "county" && r.title_level === "intermediate");
    assert.equal(raised.requirement.total, 40);
    await page.getByTestId("draft-status").filter({ hasText: "已保存草稿" }).waitFor();

    // Preview on the year's own people: fewer compliant than now, the drop marked.
    await page.getByTestId("preview-on-year").fill(String(YEAR));
    const previewed = page.waitForResponse((r) => r.url().includes(`/api/v1/standards/${YEAR}/draft/preview`));
    await page.getByTestId("preview-draft").click();
    const previewResponse = await previewed;
    assert.equal(previewResponse.status(), 200, await previewResponse.text());
    assert.equal(new URL(previewResponse.url()).searchParams.get("on_year"), String(YEAR));
    const preview = await previewResponse.json();
    assert.ok(preview.total.compliant_draft < preview.total.compliant_now, JSON.stringify(preview.total));
    await page.getByTestId("preview").waitFor();
    assert.match(await page.getByTestId("preview-change").innerText(), /−\d+ 人/);
    const intermediate = page.getByTestId("preview-by-title").locator("tr.preview-drop").filter({ hasText: "中级" });
    await intermediate.waitFor();
    assert.ok((await page.getByTestId("preview-by-prefecture").locator("tr.preview-drop").count()) > 0);
    await page.screenshot({ path: join(OUT_DIR, "standard-preview.png"), fullPage: true });

    // Publish, confirmed: the new version and the recomputation.
    await page.getByTestId("publish-draft").click();
    const modal = page.locator(".ant-modal:visible");
    await modal.getByTestId("publish-preview-summary").waitFor();
    const publishedAt = page.waitForResponse((r) => r.url().endsWith(`/api/v1/standards/${YEAR}/draft/publish`));
    await modal.locator(".ant-btn-dangerous").click();
    const publishResponse = await publishedAt;
    assert.equal(publishResponse.status(), 200, await publishResponse.text());
    const published = await publishResponse.json();
    assert.equal(published.standard.version, original.json.version + 1);
    assert.ok(published.people > 0);
    const banner = page.getByTestId("publish-result");
    await banner.filter({ hasText: `第 ${published.standard.version} 版` }).waitFor();
    assert.match(await banner.innerText(), new RegExp(`重算 ${published.people} 人，达标 ${published.compliant} 人`));
    await page.getByTestId("no-draft").waitFor();
    const inForce = await api.get(`/api/v1/standards/${YEAR}`, kjc);
    assert.equal(inForce.json.rows.find((r) => r.discipline === "clinical" && r.unit_level === "county" && r.title_level === "intermediate").requirement.total, 40);
    await page.close();
  } finally {
    // Put the year's standard back as it was (a new version with the old rows).
    const restore = await api.put(`/api/v1/standards/${YEAR}/draft`, { mandatory_course: original.json.mandatory_course ?? null, rows: original.json.rows }, kjc);
    assert.equal(restore.status, 200, restore.text);
    const republished = await api.post(`/api/v1/standards/${YEAR}/draft/publish`, undefined, kjc);
    assert.equal(republished.status, 200, republished.text);
  }
});
