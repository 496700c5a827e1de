// A CME activity's rotating QR code: the event's screen shows it, a trainee
// on a phone-sized window claims the credit with the current code, and a
// code two minutes old is refused.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { mintCode, signInKey } from "../lib/signInCode.mjs";
import { authSpecPersonId, captchaWatcher, revealIdNumber, traineeSignIn } from "../lib/trainee.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/** Today in Asia/Shanghai, the server's calendar. */
function todayInShanghai() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit" }).format(
    new Date(),
  );
}

test("a trainee on a phone claims an activity's credit with the current code; an expired code is refused", async () => {
  const ylyy = await apiToken("ylyy");
  const unit = (await api.get("/api/v1/me", ylyy)).json.organisation;
  const today = todayInShanghai();
  const created = await api.post(
    "/api/v1/activities",
    {
      name: `端到端签到测试 ${Date.now()}`,
      organiser: unit.name,
      kind: "project",
      source: "prefecture",
      amount: 1.5,
      starts_on: today,
      ends_on: today,
    },
    ylyy,
  );
  assert.equal(created.status, 201, created.text);
  const activity = created.json;

  // A person of the unit outside 内科 (the credits spec works there) and not the auth spec's trainee.
  const nk = (await api.get("/api/v1/me", await apiToken("ylyy-nk"))).json.organisation.id;
  const avoid = await authSpecPersonId(unit.id, ylyy);
  const people = await api.get(`/api/v1/people?unit_id=${unit.id}&status=normal&limit=50`, ylyy);
  assert.equal(people.status, 200, people.text);
  const person = people.json.items.find((p) => p.id !== avoid && p.department_id !== nk);
  assert.ok(person, `no suitable person in ${people.text.slice(0, 1000)}`);
  const idNumber = await revealIdNumber(person.id, ylyy);

  // The event's screen shows the QR code of the absolute sign-in URL.
  const screen = await browser.newPage();
  await signIn(screen, "ylyy");
  await screen.goto(`${BASE_URL}/activities/${activity.id}`);
  await screen.getByTestId("open-screen").click();
  await screen.waitForURL(new RegExp(`/activities/${activity.id}/screen$`));
  const qr = screen.getByTestId("sign-in-qr");
  await qr.waitFor();
  const qrUrl = await qr.getAttribute("data-url");
  assert.match(qrUrl, new RegExp(`^${BASE_URL.replace(/[.]/g, "\\.")}/m/sign-in\\?code=[A-Za-z0-9_-]{48}$`));
  assert.match(await screen.getByTestId("screen-countdown").innerText(), /秒后刷新/);
  await screen.screenshot({ path: join(OUT_DIR, "activity-screen.png") });

  // The test mints codes exactly as the server does.
  const key = signInKey();
  const served = await api.get(`/api/v1/activities/${activity.id}/sign-in-code`, ylyy);
  assert.equal(served.status, 200, served.text);
  const windowStart = Date.parse(served.json.window_started_at) / 1000;
  assert.equal(mintCode(activity.id, windowStart, key), served.json.code, "the minted code equals the server's");

  // The phone opens the QR code's link, signs in, and the code is sent at once.
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  const fillCaptcha = captchaWatcher(phone);
  await phone.goto(qrUrl);
  await phone.waitForURL(/\/trainee\/login$/);
  await traineeSignIn(phone, { idNumber, name: person.name, newPassword: "Trainee2026qr", fillCaptcha, goto: false });
  await phone.waitForURL(/\/m\/sign-in$/);
  await phone.getByTestId("sign-in-success").waitFor();
  assert.match(await phone.getByTestId("sign-in-credit").innerText(), /州市级 II类 1\.5 分/);
  const width = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `the phone page fits 390 px (scrollWidth ${width})`);
  await phone.screenshot({ path: join(OUT_DIR, "activity-phone-success.png"), fullPage: true });

  // A code two minutes old is refused as expired.
  const old = mintCode(activity.id, Math.floor(Date.now() / 1000) - 120, key);
  await phone.getByTestId("sign-in-code").fill(old);
  const refused = phone.waitForResponse((r) => r.url().endsWith("/api/v1/activities/sign-in"));
  await phone.getByTestId("sign-in-submit").click();
  assert.equal((await refused).status(), 422);
  const alert = phone.getByTestId("sign-in-refused");
  await alert.waitFor();
  assert.equal(await alert.getAttribute("data-kind"), "expired");
  assert.match(await alert.innerText(), /签到码已过期/);
  await phone.screenshot({ path: join(OUT_DIR, "activity-phone-expired.png"), fullPage: true });

  // The current code again, pasted as the whole link: already signed in.
  await phone.getByTestId("sign-in-code").fill(qrUrl);
  const again = phone.waitForResponse((r) => r.url().endsWith("/api/v1/activities/sign-in"));
  await phone.getByTestId("sign-in-submit").click();
  assert.equal((await again).status(), 409);
  await phone.locator('[data-testid="sign-in-refused"][data-kind="already"]').waitFor();

  // His own page lists the credit, on the phone too.
  await phone.goto(`${BASE_URL}/my-credits/${activity.year}`);
  await phone.getByTestId("credit-list").getByText(activity.name).waitFor();
  const pageWidth = await phone.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(pageWidth <= 390, `我的学分 fits 390 px (scrollWidth ${pageWidth})`);
  await phone.screenshot({ path: join(OUT_DIR, "activity-phone-my-credits.png"), fullPage: true });

  // One credit, counted once.
  const detail = await api.get(`/api/v1/activities/${activity.id}`, ylyy);
  assert.equal(detail.json.sign_in_count, 1);
  const year = await api.get(`/api/v1/people/${person.id}/compliance/${activity.year}`, ylyy);
  assert.equal(year.status, 200, year.text);
  assert.equal(year.json.credits.filter((c) => c.certificate_no === activity.code).length, 1);

  await phone.close();
  await screen.close();
});
