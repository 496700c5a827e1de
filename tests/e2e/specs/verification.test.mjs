// The 2021 verification through the SPA, along each review chain of SPEC §5:
// a county-level hospital (unit → county → prefecture → province 科教处), a
// township health centre (→ county → prefecture, final), a village clinic
// (→ county, final), a county TCM hospital (… → province 中医处); returns with
// a reason and resubmission; certificate numbers by the final office; and a
// submission outside its window refused. The demo opens 2021's cycle.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
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

/** A new tab signed in as `username`, at `path`. */
async function open(username, path) {
  const page = await browser.newPage();
  await signIn(page, username);
  await page.goto(`${BASE_URL}${path}`);
  return page;
}

const rows = (page, testId) => page.getByTestId(testId).locator("tr.ant-table-row");
/** A person's row: by name and masked ID number (namesakes exist). */
const rowOf = (page, testId, person) => rows(page, testId).filter({ hasText: person.name }).filter({ hasText: person.id });

/** The unit picks `count` people the candidates table shows as eligible, submits them, and returns them. */
async function unitSubmits(username, count) {
  const page = await open(username, "/verification-submit");
  await page.getByTestId("unit-window").waitFor();
  const eligible = rows(page, "candidates-table").filter({ has: page.locator('[data-eligible="true"]') });
  await eligible.first().waitFor();
  // Someone not eligible shows why.
  const refused = rows(page, "candidates-table").filter({ has: page.locator('[data-eligible="false"]') });
  if ((await refused.count()) > 0) assert.match(await refused.first().innerText(), /不可上报|已在名单/);

  const people = [];
  for (let i = 0; i < count; i++) {
    const row = eligible.nth(i);
    const cells = row.locator("td");
    // Cells: selection, name, masked ID number, ...
    people.push({ name: (await cells.nth(1).innerText()).trim(), id: (await cells.nth(2).innerText()).trim() });
    await row.locator(".ant-checkbox-input").check();
  }
  await page.getByTestId("submit-selected").click();
  const modal = page.locator(".ant-modal:visible");
  await modal.waitFor();
  for (const p of people) assert.match(await modal.innerText(), new RegExp(p.name));
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/verifications") && r.request().method() === "POST");
  await clickSettled(modal.locator(".ant-btn-primary"));
  const response = await answer;
  assert.equal(response.status(), 200, await response.text());
  assert.equal((await response.json()).submitted, count);
  await modal.waitFor({ state: "hidden" });
  return { page, people };
}

/** The office approves `people` in its queue: one row's button, or a batch. */
async function officeApproves(username, people, { batch = true } = {}) {
  const page = await open(username, "/verification-review");
  for (const p of people) await rowOf(page, "review-queue", p).waitFor();
  await page.getByTestId("review-summary").getByTestId("summary-unit").first().waitFor();
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
  if (batch) {
    for (const p of people) await rowOf(page, "review-queue", p).locator(".ant-checkbox-input").check();
    assert.match(await page.getByTestId("approve-selected").innerText(), new RegExp(`${people.length}`));
    await page.getByTestId("approve-selected").click();
  } else {
    assert.equal(people.length, 1);
    await rowOf(page, "review-queue", people[0]).getByTestId("approve-one").click();
  }
  const response = await answer;
  assert.equal(response.status(), 200, await response.text());
  assert.equal((await response.json()).decided, people.length);
  for (const p of people) await rowOf(page, "review-queue", p).waitFor({ state: "detached" });
  return page;
}

/** The office has nothing of `people` in its queue (another chain). */
async function notInQueue(username, people) {
  const page = await open(username, "/verification-review");
  await page.getByTestId("review-queue").waitFor();
  await page.waitForLoadState("networkidle");
  for (const p of people) assert.equal(await rowOf(page, "review-queue", p).count(), 0, `${p.name} in ${username}'s queue`);
  await page.close();
}

/** The final office numbers the selected records; returns the numbers shown. */
async function finalOfficeNumbers(username, people) {
  const page = await open(username, "/certificate-numbers");
  for (const p of people) await rowOf(page, "awaiting-numbers", p).locator(".ant-checkbox-input").check();
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/certificate-numbers"));
  await page.getByTestId("issue-selected").click();
  const response = await answer;
  assert.equal(response.status(), 200, await response.text());
  const result = await response.json();
  assert.equal(result.issued, people.length);
  assert.match(result.first, NUMBER);
  await page.getByTestId("numbers-result").filter({ hasText: result.first }).waitFor();
  // Numbered records leave the queue and show under 已生成 with their number.
  for (const p of people) await rowOf(page, "awaiting-numbers", p).waitFor({ state: "detached" });
  await page.getByRole("tab", { name: "已生成" }).click();
  const numbers = [];
  for (const p of people) {
    const no = (await rowOf(page, "certified-table", p).getByTestId("certificate-no").innerText()).trim();
    assert.match(no, NUMBER);
    numbers.push(no);
  }
  return { page, numbers };
}

/** The unit's own records: each person certified, the drawer with the chain and the timeline. */
async function unitSeesCertified(page, people, { chainSteps, finalLabel }) {
  await page.goto(`${BASE_URL}/verification-submit?cycle_year=${CYCLE}`);
  await page.getByRole("tab", { name: "上报记录" }).click();
  for (const p of people) {
    const row = rowOf(page, "records-table", p);
    await row.getByText("已发证书编号").waitFor();
    assert.match(await row.getByTestId("certificate-no").innerText(), NUMBER);
  }
  await rowOf(page, "records-table", people[0]).getByTestId("record-open").click();
  const drawer = page.getByTestId("record-drawer");
  await drawer.getByTestId("record-chain").waitFor();
  const steps = drawer.getByTestId("record-chain").locator(".ant-steps-item");
  assert.equal(await steps.count(), chainSteps);
  assert.match(await steps.last().innerText(), finalLabel);
  // Submitted, one approval per office, the number.
  const entries = drawer.getByTestId("timeline-entry");
  assert.ok((await entries.count()) >= chainSteps, `timeline: ${await drawer.innerText()}`);
  assert.match(await drawer.getByTestId("record-timeline").innerText(), /证书编号/);
}

test("county-level hospital: unit → county → prefecture → province 科教处, with a return and a resubmission", async () => {
  const { page: unit, people } = await unitSubmits("ylyy", 2);
  const [kept, returned] = people;

  // The county returns one with a reason, through the return modal.
  const county = await open("yiliang", "/verification-review");
  await rowOf(county, "review-queue", returned).getByTestId("return-one").click();
  const modal = county.locator(".ant-modal:visible");
  await modal.locator("#return_reason").fill("学分证书复印件不清晰，请重新核对");
  const decided = county.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
  await modal.locator(".ant-btn-dangerous").click();
  assert.equal((await decided).status(), 200);
  await rowOf(county, "review-queue", returned).waitFor({ state: "detached" });
  await county.close();

  // The unit sees it returned, with the reason, and resubmits it.
  await unit.getByRole("tab", { name: "上报记录" }).click();
  const row = rowOf(unit, "records-table", returned);
  await row.getByText("已退回").waitFor();
  await row.getByTestId("record-open").click();
  await unit.getByTestId("record-drawer").getByTestId("timeline-reason").filter({ hasText: "学分证书复印件不清晰" }).waitFor();
  await unit.screenshot({ path: join(OUT_DIR, "verification-returned.png"), fullPage: true });
  await unit.locator(".ant-drawer-close").click();
  const resubmitted = unit.waitForResponse((r) => r.url().endsWith("/api/v1/verifications/submit"));
  await row.getByTestId("resubmit-one").click();
  assert.equal((await resubmitted).status(), 200);
  await row.getByText("审核中").waitFor();

  // Up the chain: the county (a batch of both), the prefecture, the province's 科教处.
  const countyPage = await officeApproves("yiliang", [kept, returned]);
  await countyPage.screenshot({ path: join(OUT_DIR, "verification-county-queue.png"), fullPage: true });
  await countyPage.close();
  await notInQueue("zyc", [kept]);
  await (await officeApproves("km", [kept, returned])).close();
  const province = await officeApproves("kjc", [kept], { batch: false });
  await (await officeApproves("kjc", [returned], { batch: false })).close();
  await province.close();
  const { page: numbers } = await finalOfficeNumbers("kjc", [kept, returned]);
  await numbers.screenshot({ path: join(OUT_DIR, "verification-numbers.png"), fullPage: true });
  await numbers.close();

  await unitSeesCertified(unit, [kept, returned], { chainSteps: 4, finalLabel: /科教处/ });
  await unit.screenshot({ path: join(OUT_DIR, "verification-certified.png"), fullPage: true });

  // The unit's figures and its deadline.
  await unit.goto(`${BASE_URL}/verification-stats`);
  await unit.getByTestId("stats-deadline").waitFor();
  assert.match(await unit.getByTestId("stats-total").innerText(), /已发证书编号\s*2/);
  await unit.close();
});

test("township health centre: unit → county → prefecture, which numbers it", async () => {
  const { page: unit, people } = await unitSubmits("gjwsy", 1);
  await (await officeApproves("yiliang", people)).close();
  await (await officeApproves("km", people)).close();
  await notInQueue("kjc", people);
  const { page } = await finalOfficeNumbers("km", people);
  await page.close();
  await unitSeesCertified(unit, people, { chainSteps: 3, finalLabel: /州市/ });
  await unit.close();
});

test("village clinic: unit → county, which numbers it", async () => {
  const { page: unit, people } = await unitSubmits("xscws", 1);
  await (await officeApproves("yiliang", people, { batch: false })).close();
  await notInQueue("km", people);
  const { page } = await finalOfficeNumbers("yiliang", people);
  await page.close();
  await unitSeesCertified(unit, people, { chainSteps: 2, finalLabel: /县/ });
  await unit.close();

  // The county's statistics count it.
  const county = await open("yiliang", "/verification-stats");
  await rows(county, "stats-table").filter({ hasText: "小哨村卫生室" }).waitFor();
  await county.screenshot({ path: join(OUT_DIR, "verification-stats.png"), fullPage: true });
  await county.close();
});

test("county TCM hospital: its records go to the province's 中医处, not 科教处", async () => {
  const { page: unit, people } = await unitSubmits("ylzyy", 1);
  await (await officeApproves("yiliang", people)).close();
  await (await officeApproves("km", people)).close();
  await notInQueue("kjc", people);
  await (await officeApproves("zyc", people)).close();
  const { page } = await finalOfficeNumbers("zyc", people);
  await page.close();
  await unitSeesCertified(unit, people, { chainSteps: 4, finalLabel: /中医处/ });
  await unit.close();
});

test("special personnel: a department prepares with evidence, the unit submits, the county sees the claim and the file", async () => {
  // The department prepares a special-list entry (进修, with the study certificate).
  const department = await open("ylyy-nk", "/verification-submit");
  await department.getByRole("tab", { name: "特殊人员名单" }).click();
  const eligible = rows(department, "candidates-table").filter({ has: department.locator('[data-eligible="true"]') });
  await eligible.first().waitFor();
  const cells = eligible.first().locator("td");
  const person = { name: (await cells.nth(1).innerText()).trim(), id: (await cells.nth(2).innerText()).trim() };
  await eligible.first().locator(".ant-checkbox-input").check();
  await department.getByTestId("submit-selected").click();
  const modal = department.locator(".ant-modal:visible");
  await modal.locator("#special_reason").waitFor();
  const period = modal.locator(".ant-picker-input input");
  await period.first().click();
  await period.first().fill("2021-03-01");
  await period.first().press("Enter");
  await period.last().fill("2021-12-31");
  await period.last().press("Enter");
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");
  const uploaded = department.waitForResponse((r) => r.url().includes("/api/v1/evidence?"));
  await modal.locator('input[type="file"]').setInputFiles({ name: "进修证明.pdf", mimeType: "application/pdf", buffer: pdf });
  const evidence = await uploaded;
  assert.equal(evidence.status(), 200, await evidence.text());
  // The preview names the file and its size.
  await modal.getByTestId("evidence-name").filter({ hasText: "进修证明.pdf" }).waitFor();
  assert.equal((await modal.getByTestId("evidence-size").innerText()).trim(), `${pdf.length} B`);
  await department.screenshot({ path: join(OUT_DIR, "verification-special.png"), fullPage: true });
  const prepared = department.waitForResponse((r) => r.url().endsWith("/api/v1/verifications") && r.request().method() === "POST");
  await clickSettled(modal.locator(".ant-modal-footer .ant-btn-primary"));
  const answer = await prepared;
  assert.equal(answer.status(), 200, await answer.text());
  assert.deepEqual([(await answer.json()).prepared, (await answer.json()).submitted], [1, 0]);
  await department.close();

  // The unit submits what its department prepared.
  const unit = await open("ylyy", "/verification-submit");
  await unit.getByRole("tab", { name: "上报记录" }).click();
  const row = rowOf(unit, "records-table", person);
  await row.getByText("待上报").waitFor();
  assert.match(await row.innerText(), /进修 2021-03-01 至 2021-12-31/);
  await row.locator(".ant-checkbox-input").check();
  const submitted = unit.waitForResponse((r) => r.url().endsWith("/api/v1/verifications/submit"));
  await unit.getByTestId("submit-records").click();
  assert.equal((await submitted).status(), 200);
  await row.getByText("审核中").waitFor();
  await unit.close();

  // The county sees it on the special list, with the evidence in the drawer.
  const county = await open("yiliang", "/verification-review");
  await county.getByTestId("filter-list").click();
  await county.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter({ hasText: "特殊人员" }).click();
  const queued = rowOf(county, "review-queue", person);
  await queued.waitFor();
  await queued.getByTestId("record-open").click();
  const drawer = county.getByTestId("record-drawer");
  await drawer.getByText("进修证明.pdf").waitFor();
  assert.match(await drawer.innerText(), /进修，2021-03-01 至 2021-12-31/);
  await county.close();
});

test("two reviewers at once: the second is told someone acted first and sees the queue as it is", async () => {
  // Setup over the API: the township health centre submits one more person.
  const unit = await apiToken("gjwsy");
  const list = await api.get(`/api/v1/verifications/candidates?cycle_year=${CYCLE}&list=normal&eligible_only=true`, unit);
  assert.equal(list.status, 200, list.text);
  const candidate = list.json.items[0];
  assert.ok(candidate, "gjwsy has no eligible person left");
  const submitted = await api.post("/api/v1/verifications", { cycle_year: CYCLE, list: "normal", people: [{ person_id: candidate.person_id }] }, unit);
  assert.equal(submitted.status, 200, submitted.text);
  const person = { name: candidate.name, id: candidate.id_number_masked };

  const first = await open("yiliang", "/verification-review");
  const second = await open("yiliang", "/verification-review");
  await rowOf(first, "review-queue", person).waitFor();
  await rowOf(second, "review-queue", person).waitFor();

  const approved = first.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
  await rowOf(first, "review-queue", person).getByTestId("approve-one").click();
  assert.equal((await approved).status(), 200);

  const conflict = second.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
  await rowOf(second, "review-queue", person).getByTestId("approve-one").click();
  assert.equal((await conflict).status(), 409);
  await second.getByText("记录已被他人处理或已变更").waitFor();
  await rowOf(second, "review-queue", person).waitFor({ state: "detached" });
  await second.screenshot({ path: join(OUT_DIR, "verification-conflict.png"), fullPage: true });
  await first.close();
  await second.close();
});

test("a submission outside its window is refused, naming the window", async () => {
  const yiliang = await apiToken("yiliang");
  const windows = await api.get(`/api/v1/cycles/${CYCLE}/windows`, yiliang);
  assert.equal(windows.status, 200, windows.text);
  const village = windows.json.tiers.find((t) => t.tier === "village");

  // The county sets its villages' window to a range already past.
  const county = await open("yiliang", "/verification-windows");
  const card = county.getByTestId("window-village");
  await card.getByTestId("window-parent").waitFor();
  await card.getByTestId("window-edit-village").click();
  const modal = county.locator(".ant-modal:visible");
  const inputs = modal.locator(".ant-picker-input input");
  await inputs.first().click();
  await inputs.first().fill("2022-01-01 00:00");
  await inputs.first().press("Enter");
  await inputs.last().fill("2022-02-15 23:59");
  await inputs.last().press("Enter");
  const saved = county.waitForResponse((r) => r.url().endsWith(`/api/v1/cycles/${CYCLE}/windows/village`));
  await clickSettled(modal.locator(".ant-modal-footer .ant-btn-primary"));
  const response = await saved;
  assert.equal(response.status(), 200, await response.text());
  await card.getByTestId("window-own").filter({ hasText: "2022-02-15 23:59" }).waitFor();
  assert.match(await card.getByTestId("window-effective").innerText(), /已截止/);
  await county.screenshot({ path: join(OUT_DIR, "verification-windows.png"), fullPage: true });
  await county.close();

  try {
    // The village clinic is told before it tries, and refused when it does.
    const unit = await open("xscws", "/verification-submit");
    await unit.getByTestId("unit-window").filter({ hasText: "已截止" }).waitFor();
    const eligible = rows(unit, "candidates-table").filter({ has: unit.locator('[data-eligible="true"]') });
    await eligible.first().locator(".ant-checkbox-input").check();
    await unit.getByTestId("submit-selected").click();
    const dialog = unit.locator(".ant-modal:visible");
    const refused = unit.waitForResponse((r) => r.url().endsWith("/api/v1/verifications") && r.request().method() === "POST");
    await clickSettled(dialog.locator(".ant-btn-primary"));
    assert.equal((await refused).status(), 409);
    const problem = dialog.getByTestId("problem");
    await problem.waitFor();
    assert.match(await problem.innerText(), /不在上报时间内：村级学分验证上报 2022-01-01 00:00 至 2022-02-15 23:59/);
    await unit.screenshot({ path: join(OUT_DIR, "verification-outside-window.png"), fullPage: true });
    await unit.close();
  } finally {
    // Put the window back as it was for whatever runs next.
    const restore = await fetch(`${BASE_URL}/api/v1/cycles/${CYCLE}/windows/village`, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${yiliang}` },
      body: JSON.stringify({ starts_at: village.effective.starts_at, ends_at: village.effective.ends_at }),
    });
    assert.equal(restore.status, 200, await restore.text());
  }
});
