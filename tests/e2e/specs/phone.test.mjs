// The trainee's phone, with touch: he signs in, reads on his home what his
// current year still needs (in words, the year 进行中, not 不达标), signs in
// to an activity by its code, and downloads his certificate's PDF with one
// tap. Runs after the certificates spec (the province's seal is uploaded
// there); certifies its own person of 宜良县第一人民医院 over the API.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, apiToken } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { freshTrainee } from "../lib/trainee.mjs";

const CYCLE = 2021;
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

let browser;
before(async () => {
  browser = await openBrowser(PHONE);
});
after(async () => {
  await browser?.close();
});

async function ok(answer, what) {
  const r = await answer;
  assert.equal(r.status, 200, `${what}: ${r.status} ${r.text}`);
  return r.json;
}

/** The record of `personId` waiting on the office of `token`. */
async function queued(token, personId, unitId, state) {
  let cursor = "";
  for (;;) {
    const q = await ok(
      api.get(`/api/v1/reviews/queue?cycle_year=${CYCLE}&unit_id=${unitId}&limit=200${state ? `&state=${state}` : ""}${cursor}`, token),
      "queue",
    );
    const record = q.items.find((r) => r.person_id === personId);
    if (record) return record;
    assert.ok(q.next_cursor, `person ${personId} is not in the queue`);
    cursor = `&after=${encodeURIComponent(q.next_cursor)}`;
  }
}

/** A person of ylyy who never signed in, compliant in 2021, taken to a numbered, sealed certificate. */
async function certifiedFreshPerson() {
  const unit = await apiToken("ylyy");
  const org = (await ok(api.get("/api/v1/me", unit), "me")).organisation;
  const kjc = await apiToken("kjc");
  const seal = await ok(api.get("/api/v1/seals/mine", kjc), "seal");
  assert.ok(seal.seal, "the province has a seal (the certificates spec uploads it; run this spec after it)");
  const list = await ok(
    api.get(`/api/v1/verifications/candidates?cycle_year=${CYCLE}&list=normal&eligible_only=true&limit=200`, unit),
    "candidates",
  );
  const people = list.items.filter((c) => c.eligible).map((c) => ({ id: c.person_id, name: c.name }));
  const { person, idNumber } = await freshTrainee(unit, people);
  const submitted = await ok(api.post("/api/v1/verifications", { cycle_year: CYCLE, list: "normal", people: [{ person_id: person.id }] }, unit), "submit");
  assert.equal(submitted.submitted, 1);
  for (const office of ["yiliang", "km", "kjc"]) {
    const token = await apiToken(office);
    const record = await queued(token, person.id, org.id);
    await ok(api.post("/api/v1/reviews/decisions", { decision: "approve", items: [{ id: record.id, row_version: record.row_version }] }, token), `${office} approves`);
  }
  const approved = await queued(kjc, person.id, org.id, "approved");
  assert.equal((await ok(api.post("/api/v1/certificate-numbers", { cycle_year: CYCLE, ids: [approved.id] }, kjc), "numbers")).issued, 1);
  return { unit, person, idNumber };
}

/** Today in Asia/Shanghai, the server's calendar. */
function todayInShanghai() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

async function fits(page, what) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.viewport.width, `${what} fits ${PHONE.viewport.width} px (scrollWidth ${width})`);
}

test("on a phone, a trainee sees what he is missing, signs in to an activity by its code and downloads his certificate", async () => {
  const { unit, person, idNumber } = await certifiedFreshPerson();
  const phone = browser.page;

  // Sign in with touch: the captcha's answer comes with it under CME_TEST_CAPTCHA=1.
  let captcha = null;
  phone.on("response", async (r) => {
    if (r.url().endsWith("/api/v1/auth/captcha") && r.ok()) captcha = await r.json().catch(() => captcha);
  });
  await phone.goto(`${BASE_URL}/trainee/login`);
  await phone.getByTestId("captcha-image").waitFor();
  await fits(phone, "学员中心登录");
  await phone.locator("#trainee_login_id_number").fill(idNumber);
  await phone.locator("#trainee_login_name").fill(person.name);
  await phone.locator("#trainee_login_captcha_answer").fill(captcha.test_answer);
  await phone.getByTestId("login-submit").tap();
  // The first sign-in sets his password.
  await phone.waitForURL(/\/account\/password$/);
  await phone.locator("#password_new_password").fill("Trainee2026phone");
  await phone.locator("#password_confirm").fill("Trainee2026phone");
  await phone.getByTestId("password-submit").tap();

  // He lands on his year: 进行中, what is missing in words, earlier years' verdicts.
  await phone.waitForURL(/\/my-credits$/);
  const current = phone.getByTestId("current-year");
  await current.waitFor();
  const year = Number(await current.getAttribute("data-year"));
  assert.equal(await current.getAttribute("data-in-progress"), "true", "the current year is still being earned");
  await current.getByTestId("year-progress").waitFor();
  const currentText = await current.innerText();
  assert.doesNotMatch(currentText, /不达标/, "an open year is never 不达标");
  if ((await current.getAttribute("data-outcome")) !== "compliant") {
    assert.match(await current.getByTestId("outcome").innerText(), /进行中/);
    const missing = await current.getByTestId("missing").innerText();
    assert.match(missing, /还差/, missing);
  }
  const earlier = phone.locator(`[data-testid="my-year"][data-year="${CYCLE}"]`);
  assert.match(await earlier.innerText(), /达标/);
  const home = await phone.locator("body").innerText();
  assert.doesNotMatch(home, UUID, "no internal id on his home");
  assert.deepEqual(
    (await phone.getByTestId("tab-bar").getByRole("link").allInnerTexts()).map((t) => t.trim()),
    ["学分", "签到", "证书", "我的"],
  );
  await fits(phone, "我的学分");
  await phone.screenshot({ path: join(OUT_DIR, "phone-home.png"), fullPage: true });

  // An activity of his unit today; he types its current code on the 签到 tab.
  const created = await api.post(
    "/api/v1/activities",
    { name: `手机签到测试 ${Date.now()}`, organiser: "宜良县第一人民医院", kind: "project", source: "prefecture", amount: 1, starts_on: todayInShanghai(), ends_on: todayInShanghai() },
    unit,
  );
  assert.equal(created.status, 201, created.text);
  const code = (await ok(api.get(`/api/v1/activities/${created.json.id}/sign-in-code`, unit), "code")).code;
  await phone.getByTestId("tab-bar").getByRole("link", { name: "签到" }).tap();
  await phone.waitForURL(/\/m\/sign-in$/);
  await phone.getByTestId("sign-in-code").fill(code);
  await phone.getByTestId("sign-in-submit").tap();
  await phone.getByTestId("sign-in-success").waitFor();
  assert.match(await phone.getByTestId("sign-in-credit").innerText(), new RegExp(`1 分，已计入 ${year} 年度`));
  await fits(phone, "活动签到");
  await phone.screenshot({ path: join(OUT_DIR, "phone-sign-in.png"), fullPage: true });

  // Back home: one tap downloads his certificate's PDF.
  await phone.getByTestId("tab-bar").getByRole("link", { name: "学分" }).tap();
  const button = phone.getByTestId("home-certificate-download");
  await button.waitFor();
  assert.match(await button.innerText(), new RegExp(`${CYCLE} 年度`));
  const download = phone.waitForEvent("download");
  await button.tap();
  const file = await download;
  assert.match(file.suggestedFilename(), /\.pdf$/);
  const pdf = join(OUT_DIR, "phone-certificate.pdf");
  await file.saveAs(pdf);
  assert.equal(readFileSync(pdf).subarray(0, 5).toString("latin1"), "%PDF-");
  await phone.getByTestId("toast").filter({ hasText: "已下载" }).waitFor();

  // 证书 lists it; 我的 says who he is, without account internals.
  await phone.getByTestId("tab-bar").getByRole("link", { name: "证书" }).tap();
  await phone.locator(`[data-testid="my-certificate"][data-year="${CYCLE}"][data-status="valid"]`).waitFor();
  await fits(phone, "我的证书");
  await phone.getByTestId("tab-bar").getByRole("link", { name: "我的" }).tap();
  await phone.getByTestId("trainee-profile").waitFor();
  const profile = await phone.getByTestId("trainee-profile").innerText();
  assert.ok(profile.includes(person.name), profile);
  assert.doesNotMatch(profile, UUID);
  assert.doesNotMatch(profile, /权限|账号ID|claim_activity|read_self/);
  await fits(phone, "我的");
  await phone.screenshot({ path: join(OUT_DIR, "phone-profile.png"), fullPage: true });
});
