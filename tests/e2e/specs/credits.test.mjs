// A department types in a paper credit and reports it, the unit approves it,
// and the trainee's shortfall for the year closes.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, clickSettled, openBrowser } from "../lib/browser.mjs";
import { chooseSelect } from "../lib/calculator.mjs";
import { authSpecPersonId, captchaWatcher, revealIdNumber, traineeSignIn } from "../lib/trainee.mjs";

const YEAR = 2021;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/**
 * The one credit that closes every shortfall of a set, if there is one:
 * its class and level as the wizard names them. Credits only add up
 * (a credit never makes anything worse), so the largest amount missing
 * closes all of the codes the credit counts toward.
 */
const CLOSERS = [
  { codes: ["total", "ii_subtotal"], cls: "ii", level: "州市级", label: /州市级 II类/ },
  { codes: ["total", "i_subtotal", "i_national_provincial", "i_provincial"], cls: "i", level: "省级", label: /省级 I类/ },
  { codes: ["total", "i_subtotal", "i_national_provincial", "i_national"], cls: "i", level: "国家级", label: /国家级 I类/ },
  { codes: ["total", "self_managed"], cls: "self_managed", level: null, label: /自管学分/ },
];

/** A 2021 non-compliant person of the department whose every shortfall one credit closes. */
async function personOneCreditShort(departmentToken, avoid) {
  const list = await api.get(`/api/v1/compliance?year=${YEAR}&outcome=non_compliant&limit=200`, departmentToken);
  assert.equal(list.status, 200, list.text);
  for (const row of list.json.items) {
    if (row.person_id === avoid || row.status !== "normal" || row.shortfalls.length === 0) continue;
    const closer = CLOSERS.find((c) => row.shortfalls.every((s) => c.codes.includes(s.code)));
    if (closer) return { row, closer, amount: Math.max(...row.shortfalls.map((s) => s.missing)) };
  }
  assert.fail(`no 2021 内科 person whose shortfalls one credit closes in ${list.text.slice(0, 2000)}`);
}

test("a department's paper credit, reported and approved, closes the trainee's shortfall", async () => {
  const nk = await apiToken("ylyy-nk");
  const ylyy = await apiToken("ylyy");
  const unit = (await api.get("/api/v1/me", ylyy)).json.organisation;
  const avoid = await authSpecPersonId(unit.id, ylyy);
  const { row, closer, amount } = await personOneCreditShort(nk, avoid);
  const idNumber = await revealIdNumber(row.person_id, ylyy);
  const certificate = `E2E-${Date.now()}`;
  const amountText = Number.isInteger(amount) ? String(amount) : amount.toFixed(1);

  // The trainee first sees what he is missing.
  const trainee = await browser.newPage();
  const fillCaptcha = captchaWatcher(trainee);
  await traineeSignIn(trainee, { idNumber, name: row.name, newPassword: "Trainee2026e2e", fillCaptcha });
  await trainee.goto(`${BASE_URL}/my-credits/${YEAR}`);
  await trainee.getByTestId("verdict").waitFor();
  assert.equal(await trainee.getByTestId("verdict").getAttribute("data-outcome"), "non_compliant");
  const before = await trainee.getByTestId("shortfalls").innerText();
  assert.match(before, /还差/);

  // The department enters the certificate through the wizard: a draft.
  const department = await browser.newPage();
  await signIn(department, "ylyy-nk");
  await department.goto(`${BASE_URL}/credit-entry`);
  const enter = async (cert) => {
    const person = department.locator(".ant-select").filter({ has: department.locator("#credit_entry_person") });
    await person.click();
    await department.locator("#credit_entry_person").fill(row.name);
    await department
      .locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option")
      .filter({ hasText: row.id_number_masked })
      .first()
      .click();
    await chooseSelect(department, "credit_entry_year", `${YEAR} 年度`);
    await department
      .locator("#credit_entry_credit_class label")
      .filter({ has: department.locator(`input[value="${closer.cls}"]`) })
      .click();
    if (closer.level) await department.locator("#credit_entry_source").getByText(closer.level, { exact: true }).click();
    await department.getByTestId("entry-next").click();
    await department.locator("#credit_entry_activity_name").fill("基层常见病诊疗进展学习班");
    await department.locator("#credit_entry_organiser").fill("云南省卫生健康委员会");
    await department.locator("#credit_entry_earned_on").fill(`${YEAR}-06-15`);
    await department.locator("#credit_entry_earned_on").press("Enter");
    await department.locator("#credit_entry_amount").fill(amountText);
    await department.locator("#credit_entry_certificate_no").fill(cert);
    await department.getByTestId("entry-next").click();
    await department.getByTestId("entry-summary").waitFor();
    const answer = department.waitForResponse((r) => /\/api\/v1\/people\/[^/]+\/credits$/.test(r.url()));
    await department.getByTestId("entry-submit").click();
    return answer;
  };
  assert.equal((await enter(certificate)).status(), 201);
  await department.getByTestId("credit-entry-done").waitFor();
  assert.match(await department.getByTestId("credit-entry-done").innerText(), /科室草稿/);

  // The same certificate again: refused, and said next to the certificate number.
  await department.getByTestId("entry-again").click();
  assert.equal((await enter(certificate)).status(), 409);
  const certItem = department.locator(".ant-form-item").filter({ has: department.locator("#credit_entry_certificate_no") });
  await certItem.locator(".ant-form-item-explain-error").filter({ hasText: "不能重复录入" }).waitFor();

  // The department reports the draft.
  await department.goto(`${BASE_URL}/credit-drafts`);
  const draftRow = department.getByTestId("drafts-table").locator("tr.ant-table-row").filter({ hasText: certificate });
  await draftRow.locator(".ant-checkbox-input").check();
  await department.getByTestId("report-drafts").click();
  const reported = department.waitForResponse((r) => r.url().endsWith("/api/v1/credit-reports") && r.request().method() === "POST");
  await clickSettled(department.locator(".ant-modal .ant-btn-primary"));
  const report = await (await reported).json();
  await department.waitForURL(new RegExp(`/credit-reports/${report.id}$`));
  await department.getByTestId("report-items").getByText(certificate).waitFor();

  // The unit approves it in its queue.
  const office = await browser.newPage();
  await signIn(office, "ylyy");
  await office.goto(`${BASE_URL}/credit-reports`);
  await office.getByTestId("reports-open").locator("tr.ant-table-row").first().waitFor();
  await office.goto(`${BASE_URL}/credit-reports/${report.id}`);
  const item = office.getByTestId("report-items").locator("tr.ant-table-row").filter({ hasText: certificate });
  const decided = office.waitForResponse((r) => r.url().endsWith(`/credit-reports/${report.id}/decisions`));
  await item.getByTestId("approve-one").click();
  assert.equal((await decided).status(), 200);
  await office.getByTestId("report-pending").filter({ hasText: /^0$/ }).waitFor();
  await office.screenshot({ path: join(OUT_DIR, "credits-approved.png"), fullPage: true });

  // The unit's detail page shows the record counted in II类.
  await office.goto(`${BASE_URL}/compliance/people/${row.person_id}/${YEAR}`);
  await office.getByTestId("verdict").waitFor();
  assert.equal(await office.getByTestId("verdict").getAttribute("data-outcome"), "compliant");
  await office.getByTestId("credits").getByText(certificate).waitFor();

  // The registration form and the compliance list download as files.
  const form = office.waitForEvent("download");
  await office.getByTestId("registration-form-pdf").click();
  assert.match((await form).suggestedFilename(), new RegExp(`${row.name}-${YEAR}年度学分登记表\\.pdf$`));
  await office.goto(`${BASE_URL}/compliance?year=${YEAR}`);
  await office.getByTestId("compliance-table").locator("tr.ant-table-row").first().waitFor();
  const list = office.waitForEvent("download");
  await office.getByTestId("compliance-export").click();
  assert.match((await list).suggestedFilename(), /人员达标情况\.xlsx$/);

  // The trainee's shortfall has closed.
  await trainee.reload();
  await trainee.getByTestId("verdict").waitFor();
  assert.equal(await trainee.getByTestId("verdict").getAttribute("data-outcome"), "compliant");
  assert.equal(await trainee.getByTestId("shortfalls").count(), 0);
  assert.match(await trainee.getByTestId("credit-list").innerText(), /基层常见病诊疗进展学习班/);
  await trainee.screenshot({ path: join(OUT_DIR, "credits-trainee-compliant.png"), fullPage: true });

  for (const p of [trainee, department, office]) await p.close();
});
