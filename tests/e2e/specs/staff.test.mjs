// A staff file with one bad row: the import page shows that row's error
// (row, column, reason) and nothing is written.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

let browser;
let dir;
before(async () => {
  browser = await openBrowser();
  dir = mkdtempSync(join(tmpdir(), "cme-e2e-staff-"));
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECKS = "10X98765432";

/** A made-up 宜良县 ID number with a correct check character (GB 11643). */
function idNumber(seed) {
  const birth = new Date(Date.UTC(1970 + (seed % 25), seed % 12, 1 + (seed % 27)));
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, "");
  const body = `530125${ymd}${String(100 + (seed % 900)).padStart(3, "0")}`;
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i], 0);
  return body + CHECKS[sum % 11];
}

/** The same number with a wrong check character. */
function withBadCheck(id) {
  const good = id[17];
  return id.slice(0, 17) + (good === "0" ? "1" : "0");
}

/** Everyone of the unit, counted page by page. */
async function countPeople(unitId, token) {
  let count = 0;
  let after = "";
  for (;;) {
    const page = await api.get(`/api/v1/people?unit_id=${unitId}&limit=200${after ? `&after=${after}` : ""}`, token);
    assert.equal(page.status, 200, page.text);
    count += page.json.items.length;
    if (!page.json.next_cursor) return count;
    after = encodeURIComponent(page.json.next_cursor);
  }
}

test("a staff file with one bad ID check digit shows that row's error and writes nothing", async () => {
  const ylyy = await apiToken("ylyy");
  const unit = (await api.get("/api/v1/me", ylyy)).json.organisation;
  const before = await countPeople(unit.id, ylyy);

  // The template's own header row, then two good rows around a bad one.
  const template = await fetch(`${BASE_URL}/api/v1/people/import-template?format=csv`, {
    headers: { Authorization: `Bearer ${ylyy}` },
  });
  assert.equal(template.status, 200);
  const header = (await template.text())
    .replace(/^\ufeff/, "")
    .split(/\r?\n/)
    .find((line) => line.includes("身份证号"));
  assert.ok(header, "the template has a header row");
  const columns = header.split(",").map((h) => h.replace(/^\*/, "").trim());
  const seed = Date.now() % 100000;
  const good = [idNumber(seed), idNumber(seed + 7)];
  const bad = withBadCheck(idNumber(seed + 13));
  const row = (values) => columns.map((c) => values[c] ?? "").join(",");
  const person = (name, gender, id) => ({
    姓名: name,
    性别: gender,
    身份证号: id,
    科室: "内科",
    专业类别: "临床",
    职称: "主治医师",
    职称级别: "中级",
    取得职称日期: "2015-09-01",
  });
  const csv = [
    header,
    row(person("导入测试甲", "男", good[0])),
    row(person("导入测试乙", "女", bad)),
    row(person("导入测试丙", "女", good[1])),
  ].join("\n");
  // UTF-8 with a BOM and LF line ends, as the downloaded template is.
  const file = join(dir, "人员导入.csv");
  writeFileSync(file, `\ufeff${csv}\n`);

  const page = await browser.newPage();
  await signIn(page, "ylyy");
  await page.goto(`${BASE_URL}/staff`);
  await page.getByTestId("staff-import").click();
  await page.waitForURL(/\/staff\/import$/);
  await page.getByTestId("import-file").locator('input[type="file"]').setInputFiles(file);

  // 全部导入: refused as a whole, the bad row named.
  const answered = page.waitForResponse((r) => r.url().includes("/api/v1/people/import?") && r.request().method() === "POST");
  await page.getByTestId("import-all").click();
  const response = await answered;
  assert.equal(response.status(), 200, await response.text());
  const report = page.getByTestId("import-report");
  await report.waitFor();
  assert.equal(await report.getAttribute("data-written"), "false");
  assert.match(await page.getByTestId("import-outcome").innerText(), /未写入任何数据/);
  const errors = page.getByTestId("import-errors").locator("tr.ant-table-row");
  assert.equal(await errors.count(), 1, "exactly one bad cell");
  const cells = (await errors.first().locator("td").allInnerTexts()).map((t) => t.trim());
  assert.equal(cells[0], "3", "the bad row is the file's third row (the header is row 1)");
  assert.equal(cells[1], "身份证号");
  assert.match(cells[2], /校验/);
  await page.screenshot({ path: join(OUT_DIR, "staff-import-errors.png"), fullPage: true });

  // The report downloads as a spreadsheet.
  const download = page.waitForEvent("download");
  await page.getByTestId("import-errors-download").click();
  assert.match((await download).suggestedFilename(), /\.xlsx$/);

  // Nothing was written.
  assert.equal(await countPeople(unit.id, ylyy), before);
  const search = await api.get(`/api/v1/people?unit_id=${unit.id}&name=${encodeURIComponent("导入测试")}`, ylyy);
  assert.equal(search.json.items.length, 0, search.text);
  await page.close();
});
