// 纸质学分批量录入: a department secretary types a pile of paper certificates
// with the keyboard, sees a bad row named as she types, fixes it and saves
// the pile with Ctrl+Enter; then she reads more from a file and saves those.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { assertAccessible } from "../lib/axe.mjs";
import { BASE_URL, openBrowser } from "../lib/browser.mjs";
import { revealIdNumber } from "../lib/trainee.mjs";

// A year nobody verifies in the demo, so no person-year of it is locked.
const YEAR = 2023;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/** People of 内科 (the demo's has one working there) and their ID numbers: two rows' worth. */
async function twoPeople() {
  const nk = await apiToken("ylyy-nk");
  const ylyy = await apiToken("ylyy");
  const people = await api.get("/api/v1/people?status=normal&limit=5", nk);
  assert.equal(people.status, 200, people.text);
  const found = people.json.items.slice(-2);
  assert.ok(found.length > 0, `a person of 内科 in ${people.text}`);
  const [a, b = a] = found;
  return { nk, people: [a, b], ids: [await revealIdNumber(a.id, ylyy), await revealIdNumber(b.id, ylyy)] };
}

/** Types a row from its first cell with Enter between cells (the grid's keyboard path). */
async function typeRow(page, row, cells) {
  await page.getByTestId(`cell-${row}-id_number`).click();
  for (const text of cells) {
    if (text) await page.keyboard.type(text);
    await page.keyboard.press("Enter");
  }
}

test("a department types a pile of certificates, a bad row is named, and Ctrl+Enter saves them all as drafts", async () => {
  const { nk, people, ids } = await twoPeople();
  const stamp = Date.now();
  const page = await browser.newPage();
  await signIn(page, "ylyy-nk");
  await page.goto(`${BASE_URL}/credit-grid`);
  await page.getByTestId("credit-grid").waitFor();

  // Row 1, keyboard only: 身份证号, 姓名, 活动, 类别 (2 = 省级), 学分, 日期, 证书编号, 主办单位, 备注.
  await typeRow(page, 0, [ids[0], people[0].name, "县级医院临床路径管理培训班", "2", "2", `${YEAR}/6/1`, `GRID-${stamp}-1`, "", ""]);
  // Enter on the last cell went on to row 2; a bad amount there.
  await typeRow(page, 1, [ids[1], "", "科内病例讨论", "6", "2.55", `${YEAR}-06-02`, `GRID-${stamp}-2`, "", ""]);
  // The category code and the date were tidied when left.
  assert.equal(await page.getByTestId("cell-0-category").inputValue(), "省级");
  assert.equal(await page.getByTestId("cell-0-earned_on").inputValue(), `${YEAR}-06-01`);
  // Row 2 is named as wrong, in Chinese; row 1 passed the server's check.
  await page.getByTestId("row-status-1").filter({ hasText: "学分：" }).waitFor();
  await page.getByTestId("row-status-0").filter({ hasText: "可保存" }).waitFor();

  // A third row repeats row 1's certificate: the server's dry run names it.
  await typeRow(page, 2, [ids[0], "", "重复的证书", "1", "1", `${YEAR}-06-03`, `GRID-${stamp}-1`, "", ""]);
  await page.getByTestId("row-status-2").filter({ hasText: "同一张证书" }).waitFor();
  // Rows in error stay accessible (named cells, aria-invalid, contrast of the messages).
  await assertAccessible(page, "/credit-grid with row errors");
  await page.getByTestId("cell-2-certificate_no").fill(`GRID-${stamp}-3`);

  // Fix row 2, then save everything from the keyboard.
  await page.getByTestId("cell-1-amount").fill("2");
  await page.getByTestId("row-status-1").filter({ hasText: "可保存" }).waitFor();
  await page.getByTestId("row-status-2").filter({ hasText: "可保存" }).waitFor();
  await page.getByTestId("cell-1-amount").press("Control+Enter");
  await page.getByTestId("grid-saved").waitFor();
  assert.match(await page.getByTestId("grid-saved").innerText(), /已保存 3 条，为科室草稿/);

  const drafts = await api.get("/api/v1/credit-drafts", nk);
  assert.equal(drafts.status, 200, drafts.text);
  const mine = drafts.json.filter((d) => d.certificate_no?.startsWith(`GRID-${stamp}-`));
  assert.equal(mine.length, 3, drafts.text);
  assert.deepEqual(mine.map((d) => d.state), ["draft", "draft", "draft"]);
  assert.ok(!(await page.locator("body").innerText()).match(/[0-9a-f]{8}-[0-9a-f]{4}-/), "no UUID shows");

  // The template downloads as XLSX.
  const download = page.waitForEvent("download");
  await page.getByTestId("grid-template").click();
  assert.equal((await download).suggestedFilename(), "纸质学分导入模板.xlsx");

  // A file fills the grid; its rows are checked and saved the same way.
  const csv = [
    "身份证号,姓名,项目/活动名称,学分类别,学分,获得日期,证书编号",
    `${ids[1]},,院内专题讲座,自管学分,1,${YEAR}/7/1,GRID-${stamp}-4`,
    `${ids[0]},,远程培训,远程II类,1.5,${YEAR}-07-02,GRID-${stamp}-5`,
  ].join("\r\n");
  await page.locator("input[type=file]").setInputFiles({ name: "证书.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByTestId("row-status-1").filter({ hasText: "可保存" }).waitFor();
  assert.equal(await page.getByTestId("cell-1-certificate_no").inputValue(), `GRID-${stamp}-5`);
  assert.equal(await page.getByTestId("cell-1-category").inputValue(), "远程II类");
  assert.equal(await page.getByTestId("cell-0-earned_on").inputValue(), `${YEAR}-07-01`);
  await page.getByTestId("grid-save").click();
  await page.getByTestId("grid-saved").filter({ hasText: "已保存 2 条" }).waitFor();
  await page.close();
});
