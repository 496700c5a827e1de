// A trainee through the SPA: sign-in with the test captcha, the forced
// first password, and the API look-ups that find one.
import assert from "node:assert/strict";
import { api } from "./auth.mjs";
import { BASE_URL } from "./browser.mjs";

/**
 * Watches a page's captcha answers (CME_TEST_CAPTCHA=1 adds `test_answer`).
 * Returns fill(), which waits for a captcha newer than the last one used.
 */
export function captchaWatcher(page) {
  let captcha = null;
  let seen = 0;
  let used = 0;
  page.on("response", async (response) => {
    if (response.url().endsWith("/api/v1/auth/captcha") && response.ok()) {
      captcha = await response.json().catch(() => captcha);
      seen++;
    }
  });
  return async function fill() {
    await page.getByTestId("captcha-image").waitFor();
    const deadline = Date.now() + 10_000;
    while (seen <= used && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    used = seen;
    assert.ok(captcha?.test_answer, "the captcha carries test_answer under CME_TEST_CAPTCHA=1");
    await page.locator("#trainee_login_captcha_answer").fill(captcha.test_answer);
  };
}

/**
 * Signs a trainee in at /trainee/login (the page must be there already, or
 * `goto` true); on the first sign-in sets `newPassword` on the forced page.
 */
export async function traineeSignIn(page, { idNumber, name, newPassword, fillCaptcha, goto = true }) {
  if (goto) await page.goto(`${BASE_URL}/trainee/login`);
  await page.locator("#trainee_login_id_number").fill(idNumber);
  await page.locator("#trainee_login_name").fill(name);
  await fillCaptcha();
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/trainee/login"));
  await page.getByTestId("login-submit").click();
  const response = await answer;
  assert.equal(response.status(), 200, `trainee sign-in: ${await response.text()}`);
  const pair = await response.json();
  if (pair.must_change_password) {
    await page.waitForURL(/\/account\/password$/);
    await page.locator("#password_new_password").fill(newPassword);
    await page.locator("#password_confirm").fill(newPassword);
    await page.getByTestId("password-submit").click();
  }
  await page.waitForURL((url) => !/\/(trainee\/login|account\/password)$/.test(url.pathname));
}

/** A person's full ID number, revealed (audited) by a unit's token. */
export async function revealIdNumber(personId, unitToken) {
  const revealed = await api.post(`/api/v1/people/${personId}/reveal-id-number`, { reason: "端到端测试" }, unitToken);
  assert.equal(revealed.status, 200, revealed.text);
  return revealed.json.id_number;
}

/** The person the auth spec signs in as (the first normal person of the unit): others avoid him. */
export async function authSpecPersonId(unitId, unitToken) {
  const people = await api.get(`/api/v1/people?unit_id=${unitId}&status=normal&limit=20`, unitToken);
  assert.equal(people.status, 200, people.text);
  return people.json.items[0]?.id;
}

/**
 * A person of the unit who has never signed in (no password yet), found by
 * trying the trainee sign-in over the API without one; `skip` is a set of
 * person ids to pass over. Returns { person, idNumber }.
 */
export async function freshTrainee(unitToken, people, skip = new Set()) {
  for (const person of people) {
    if (skip.has(person.id)) continue;
    const idNumber = await revealIdNumber(person.id, unitToken);
    const captcha = await api.get("/api/v1/auth/captcha");
    assert.equal(captcha.status, 200, captcha.text);
    const tried = await api.post("/api/v1/auth/trainee/login", {
      id_number: idNumber,
      name: person.name,
      captcha_id: captcha.json.captcha_id,
      captcha_answer: captcha.json.test_answer,
    });
    if (tried.status === 200 && tried.json.must_change_password) return { person, idNumber };
  }
  assert.fail("no person left who has never signed in");
}
