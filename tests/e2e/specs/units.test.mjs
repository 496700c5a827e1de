// A county office opens a village clinic from a file (开通, issue 17): 宜良县's
// office (account yiliang) downloads the template, uploads an XLSX with one
// village clinic, checks it (dry run), opens it and reads the clinic's
// one-time password, shown once; the clinic's CME office then signs in and
// is sent to change its password before anything else.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { uscc, xlsx } from "../lib/xlsx.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

test("yiliang opens a village clinic from an XLSX file, and the clinic's account must change its password", async () => {
  const stamp = Date.now() % 1_000_000;
  const name = `宜良县狗街镇新村${stamp}号卫生室`;
  const code = uscc(stamp);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page, "yiliang");
  await page.goto(`${BASE_URL}/units`);
  await page.getByTestId("units-table").waitFor();
  await page.getByTestId("units-import").click();
  await page.waitForURL(/\/units\/import$/);

  // The template downloads as XLSX.
  const download = page.waitForEvent("download");
  await page.getByTestId("units-template").click();
  assert.equal((await download).suggestedFilename(), "开通单位导入模板.xlsx");

  // A file with one village clinic, checked first: nothing is written.
  const file = xlsx([
    ["*单位名称", "*单位级别", "*中西医类别", "*所属地区", "*统一社会信用代码或执业许可证登记号", "登录名"],
    [name, "村级", "西医", "宜良县", code, ""],
  ]);
  await page.locator("input[type=file]").setInputFiles({
    name: "村卫生室.xlsx",
    mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    buffer: file,
  });
  await page.getByTestId("units-check").click();
  const checked = page.getByTestId("units-checked");
  await checked.waitFor();
  const preview = await checked.innerText();
  assert.ok(preview.includes(name) && preview.includes("宜良县") && preview.includes("乡村医生"), preview);

  // Opened: its account and one-time password, shown once.
  await page.getByTestId("units-save").click();
  const opened = page.getByTestId("units-opened");
  await opened.waitFor();
  const text = await opened.innerText();
  assert.ok(text.includes(name) && text.includes(code.toLowerCase()), text);
  const password = (await page.getByTestId("opened-password").first().innerText()).trim();
  assert.ok(password.length >= 12, password);
  await page.screenshot({ path: join(OUT_DIR, "units-opened.png") });

  // The clinic appears in 单位管理.
  await page.goto(`${BASE_URL}/units`);
  await page.getByLabel("单位名称").fill(name);
  await page.getByLabel("单位名称").press("Enter");
  await page.getByTestId("units-table").getByText(name).waitFor();
  await page.close();

  // The clinic's CME office signs in and must change its password first.
  // Another browser: its own storage, so yiliang's session is not shared.
  const context = await openBrowser();
  const clinic = await context.newPage();
  await signIn(clinic, code.toLowerCase(), password);
  await clinic.waitForURL(/\/account\/password$/);
  await clinic.getByTestId("password-forced").waitFor();
  await clinic.screenshot({ path: join(OUT_DIR, "units-clinic-password.png") });
  await context.close();
});
