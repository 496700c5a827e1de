// 抽验 (SPEC §5): the province spot-checks township records finalised below
// it; an institution whose pass rate falls under 95% has its year sent back
// to the unit and its certificates held. The institution is one no other
// spec touches (五华区普吉街道社区卫生服务中心, accounts created here).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { certifyTownship, verifyToken } from "../lib/certify.mjs";

const CYCLE = 2021;
const UNIT = "五华区普吉街道社区卫生服务中心";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

test("a spot check under 95% sends the institution's year back and holds its certificates", async () => {
  const { unit, unitToken, people, certificates } = await certifyTownship({
    unitName: UNIT,
    countyCode: "530102",
    prefecture: "km",
    cycleYear: CYCLE,
  });
  // The public verification, by number and printed code, says valid before the check.
  const certificate = certificates[0];
  const byNumber = `/api/v1/public/certificates?number=${encodeURIComponent(certificate.number)}&code=${encodeURIComponent(certificate.check_code)}`;
  const valid = await api.get(byNumber);
  assert.equal(valid.status, 200, valid.text);
  assert.equal(valid.json.status, "valid");

  // The province's 科教处 draws a check of 2021 at 100%.
  const page = await browser.newPage();
  await signIn(page, "kjc");
  await page.goto(`${BASE_URL}/spot-checks`);
  await page.getByTestId("draw-card").waitFor();
  await page.getByTestId("draw-year").fill(String(CYCLE));
  await page.getByTestId("draw-rate").fill("100");
  await page.getByTestId("draw-note").fill("e2e：按100%抽验");
  const drawn = page.waitForResponse((r) => r.url().endsWith("/api/v1/spot-checks") && r.request().method() === "POST");
  await page.getByTestId("draw-submit").click();
  const drawResponse = await drawn;
  assert.equal(drawResponse.status(), 200, await drawResponse.text());
  const check = await drawResponse.json();
  assert.equal(check.rate_permille, 1000);
  assert.match(check.seed, /^\d+$/);
  await page.waitForURL(`**/spot-checks/${check.id}`);

  // The seed and parameters are shown; the institution's every record is sampled.
  assert.equal((await page.getByTestId("spot-check").getByTestId("check-seed").first().innerText()).trim(), check.seed);
  assert.match(await page.getByTestId("check-params").innerText(), /100%（1000‰）/);
  const mine = check.items.filter((i) => i.unit_id === unit.id);
  assert.equal(mine.length, people.length);
  const unitRow = page.getByTestId("check-units").locator("tr.ant-table-row").filter({ hasText: UNIT });
  await unitRow.waitFor();
  assert.match(await unitRow.innerText(), new RegExp(`${people.length}\\s+${people.length}`));

  // One of ours fails with a reason; everyone else passes, in one batch.
  const failed = mine[0];
  const failedRow = page.locator(`[data-testid="check-items"] tr[data-row-key="${failed.id}"]`);
  await failedRow.getByTestId("result-fail").click();
  // Saving without the reason is refused on the page.
  await page.getByTestId("mark-rest-pass").click();
  await page.getByTestId("save-results").click();
  await page.getByTestId("missing-reason").filter({ hasText: failed.name }).waitFor();
  await failedRow.getByTestId("result-note").fill("学分证明与系统登记不符");
  assert.match(await page.getByTestId("check-counts").innerText(), new RegExp(`不合格 1 · 待检查 0`));
  const saved = page.waitForResponse((r) => r.url().endsWith(`/api/v1/spot-checks/${check.id}/results`));
  await page.getByTestId("save-results").click();
  const savedResponse = await saved;
  assert.equal(savedResponse.status(), 200, await savedResponse.text());
  const afterSave = await savedResponse.json();
  assert.equal(afterSave.items.filter((i) => i.result === "pending").length, 0);
  assert.equal(afterSave.items.find((i) => i.id === failed.id).note, "学分证明与系统登记不符");
  // Before closing the row shows the projection.
  await unitRow.getByTestId("unit-outcome").filter({ hasText: "预计退回" }).waitFor();

  // Close, confirmed: the institution is sent back.
  await page.getByTestId("close-check").click();
  const modal = page.locator(".ant-modal:visible");
  await modal.getByText(UNIT).waitFor();
  const closed = page.waitForResponse((r) => r.url().endsWith(`/api/v1/spot-checks/${check.id}/close`));
  await modal.locator(".ant-btn-dangerous").click();
  const closeResponse = await closed;
  assert.equal(closeResponse.status(), 200, await closeResponse.text());
  const result = await closeResponse.json();
  const sentBack = result.sent_back.find((s) => s.unit_id === unit.id);
  assert.ok(sentBack, JSON.stringify(result));
  assert.equal(sentBack.records, people.length);
  await page.getByTestId("close-sent-back").filter({ hasText: UNIT }).waitFor();
  await unitRow.getByTestId("unit-outcome").filter({ hasText: "合格率低于95%，退回单位重新验证" }).waitFor();
  const expected = Math.floor(((people.length - 1) * 1000) / people.length);
  assert.equal((await unitRow.getByTestId("unit-rate").innerText()).trim(), `${(expected / 10).toFixed(1)}%`);
  await page.getByTestId("check-status").filter({ hasText: "已结束" }).waitFor();
  // The province may re-inspect the institution on site from its row.
  await unitRow.getByTestId("reinspect").waitFor();
  await page.screenshot({ path: join(OUT_DIR, "spotcheck-closed.png"), fullPage: true });

  // The unit's records of the year read as returned; its certificates are held.
  const records = await api.get(`/api/v1/verifications?cycle_year=${CYCLE}&limit=200`, unitToken);
  assert.equal(records.status, 200, records.text);
  const ours = records.json.items.filter((r) => r.year === CYCLE);
  assert.equal(ours.length, people.length);
  for (const r of ours) assert.equal(r.state, "returned", `${r.person_name}: ${r.state}`);
  const heldByNumber = await api.get(byNumber);
  assert.equal(heldByNumber.status, 200, heldByNumber.text);
  assert.equal(heldByNumber.json.status, "held", heldByNumber.text);
  // And so does the QR code's link (the token of its verify_url).
  const token = verifyToken(certificate);
  const held = await api.get(`/api/v1/public/certificates/${token}`);
  assert.equal(held.status, 200, `${certificate.verify_url} (token of ${token.length} characters): ${held.text}`);
  assert.equal(held.json.status, "held", held.text);

  // The list shows the check with its seed; the redraw link fills the form with it.
  await page.goto(`${BASE_URL}/spot-checks`);
  const listed = page.getByTestId("checks-table").locator("tr.ant-table-row").filter({ hasText: check.seed });
  await listed.getByText("已结束").waitFor();
  await page.goto(`${BASE_URL}/spot-checks/${check.id}`);
  await page.getByTestId("redraw").click();
  await page.waitForURL((url) => url.pathname === "/spot-checks" && url.searchParams.get("seed") === check.seed);
  assert.equal(await page.getByTestId("draw-seed").inputValue(), check.seed);
  await page.close();
});

test("the re-inspection link of a sent-back institution prefills an on-site check of it", async () => {
  // Runs after the test above, whose check sent the institution back.
  const page = await browser.newPage();
  await signIn(page, "kjc");
  await page.goto(`${BASE_URL}/spot-checks`);
  await page.getByTestId("checks-table").getByTestId("check-open").first().click();
  await page.getByTestId("check-units").waitFor();
  await page.getByTestId("reinspect").first().click();
  await page.waitForURL((url) => url.pathname === "/spot-checks" && url.searchParams.get("kind") === "on_site" && !!url.searchParams.get("unit_id"));
  await page.getByTestId("draw-card").getByText("对退回单位进行现场复查").waitFor();
  // 现场抽验 is chosen and the number of institutions gives way to the unit.
  assert.match(await page.getByTestId("draw-card").locator(".ant-radio-button-wrapper-checked").innerText(), /现场抽验/);
  assert.equal(await page.getByTestId("draw-institutions").isDisabled(), true);
  await page.close();
});
