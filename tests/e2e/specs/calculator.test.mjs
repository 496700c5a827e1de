import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { calculate, fillCalculator } from "../lib/calculator.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const countySeniorClinical = {
  year: 2021,
  unit: "县级",
  title: "高级",
  discipline: "临床、检验、放射等类",
};

test("/ redirects to the calculator inside the app shell", async () => {
  const { page } = browser;
  await page.goto(`${BASE_URL}/`);
  await page.waitForURL(/\/calculator$/);
  await page.getByText("云南省继续医学教育学分管理系统").first().waitFor();
  const docs = page.getByRole("link", { name: "API 文档" });
  assert.equal(await docs.getAttribute("href"), "/api/docs");
});

test("calculator: 不达标 with an I类 shortfall, then 达标", async () => {
  const { page } = browser;
  await page.goto(`${BASE_URL}/calculator`);

  // 5 national + 5 provincial + 5 prefecture + 5 self-managed = 20; I subtotal 10 < 15.
  await fillCalculator(page, {
    ...countySeniorClinical,
    mandatory: true,
    credits: [
      { kind: "项目学分", source: "国家级 I类", amount: 5 },
      { kind: "项目学分", source: "省级 I类", amount: 5 },
      { kind: "项目学分", source: "州市级 II类", amount: 5 },
      { kind: "自管学分", amount: 5 },
    ],
  });
  let response = await calculate(page);
  assert.equal(response.status(), 200, `evaluate answered ${response.status()}: ${await response.text()}`);
  const verdict = page.getByTestId("verdict");
  assert.equal((await verdict.innerText()).includes("不达标"), true, await verdict.innerText());
  assert.equal(await verdict.getAttribute("data-compliant"), "false");
  const shortfalls = await page.getByTestId("shortfalls").innerText();
  assert.match(shortfalls, /I类/);
  await page.screenshot({ path: join(OUT_DIR, "calculator-non-compliant.png"), fullPage: true });

  // 10 national + 5 provincial + 5 prefecture + 5 self-managed = 25, all minimums met.
  await page.locator("#calculator_credits_0_amount").fill("10");
  response = await calculate(page);
  assert.equal(response.status(), 200, `evaluate answered ${response.status()}: ${await response.text()}`);
  await page.locator('[data-testid="verdict"][data-compliant="true"]').waitFor();
  const text = await verdict.innerText();
  assert.match(text, /达标/);
  assert.doesNotMatch(text, /不达标/);
  assert.equal(await page.getByTestId("shortfalls").count(), 0);
  await page.screenshot({ path: join(OUT_DIR, "calculator-compliant.png"), fullPage: true });
});

test("calculator: the mandatory course decides 2021 even with enough credits", async () => {
  const { page } = browser;
  await page.goto(`${BASE_URL}/calculator`);
  await fillCalculator(page, {
    ...countySeniorClinical,
    mandatory: false,
    credits: [
      { kind: "项目学分", source: "国家级 I类", amount: 10 },
      { kind: "项目学分", source: "省级 I类", amount: 5 },
      { kind: "项目学分", source: "州市级 II类", amount: 5 },
      { kind: "自管学分", amount: 5 },
    ],
  });
  await calculate(page);
  await page.locator('[data-testid="verdict"][data-compliant="false"]').waitFor();
  assert.equal(await page.locator('[data-testid="shortfalls"] [data-code="mandatory_course"]').count(), 1);
});
