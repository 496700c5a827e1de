// Accessibility: axe-core on the pages people use most, signed in as the demo
// accounts that use them. No violation of impact critical or serious (WCAG 2
// A/AA and axe's best practices: names of controls, contrast, ARIA), and one
// h1 per page, its title (the header's system name is not a heading).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { assertAccessible } from "../lib/axe.mjs";
import { BASE_URL, openBrowser } from "../lib/browser.mjs";
import { captchaWatcher, revealIdNumber, traineeSignIn } from "../lib/trainee.mjs";

const YEAR = 2021;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/** Exactly one h1, and it is the page's title. */
async function assertOneH1(page, label, title) {
  const h1 = page.locator("h1");
  const texts = (await h1.allInnerTexts()).map((t) => t.trim());
  assert.equal(texts.length, 1, `${label}: one h1 expected, found ${JSON.stringify(texts)}`);
  assert.match(texts[0], title, `${label}: the h1 is the page title`);
}

/**
 * Opens `path` and waits for `ready` (a test id; without one, the page's h1)
 * before auditing; answers false on the router's 404.
 */
async function audit(page, { path, ready, title }) {
  await page.goto(`${BASE_URL}${path}`);
  const found = ready ? page.getByTestId(ready) : page.locator("h1");
  const missing = page.locator(".ant-result-404").filter({ hasText: "页面不存在" });
  await found.or(missing).first().waitFor();
  if (await missing.isVisible()) return false;
  await assertAccessible(page, path);
  await assertOneH1(page, path, title);
  return true;
}

// Staff pages: who opens them, and what shows when the page is there.
const STAFF_PAGES = [
  // The workbench: a unit's and a county office's (with its chart).
  { user: "ylyy", path: "/workbench", ready: "workbench-total", title: /^工作台$/ },
  { user: "yiliang", path: "/workbench", ready: "workbench-total", title: /^工作台$/ },
  { user: "yiliang", path: "/verification-review", ready: "review-queue", title: /^验证审核$/ },
  { user: "yiliang", path: "/compliance", ready: "compliance-search", title: /^人员达标情况查询$/ },
  { user: "ylyy", path: "/compliance", ready: "compliance-search", title: /^人员达标情况查询$/ },
  { user: "ylyy", path: `/verification-submit?cycle_year=${YEAR}`, ready: "candidates-table", title: /^验证信息上报$/ },
  { user: "ylyy", path: "/credit-entry", ready: "credit-entry", title: /^学分录入/ },
  { user: "ylyy-nk", path: "/credit-entry", ready: "credit-entry", title: /^学分录入/ },
  { user: "ylyy-nk", path: "/credit-grid", ready: "credit-grid", title: /^纸质学分批量录入$/ },
  { user: "ylyy", path: "/courses", ready: "courses", title: /^公需科目/ },
];

describe("signed out", () => {
  test("the staff sign-in page", async () => {
    const page = await browser.newPage();
    assert.ok(await audit(page, { path: "/login", ready: "login-submit", title: /^单位\/管理员登录$/ }));
    await page.close();
  });

  test("the trainee sign-in page", async () => {
    const page = await browser.newPage();
    assert.ok(await audit(page, { path: "/trainee/login", ready: "captcha-image", title: /^学员中心登录$/ }));
    await page.close();
  });
});

describe("staff", () => {
  for (const p of STAFF_PAGES) {
    test(`${p.path} as ${p.user}`, async (t) => {
      const page = await browser.newPage();
      try {
        await signIn(page, p.user);
        const shown = await audit(page, p);
        if (!shown) {
          assert.ok(p.pending, `${p.path} answers 404`);
          t.skip(`${p.path} does not exist yet on this branch`);
        }
      } finally {
        await page.close();
      }
    });
  }
});

describe("a trainee", () => {
  test("my credits, and a year of them", async () => {
    // A person of the TCM hospital: the other specs sign in people of ylyy.
    const unit = await apiToken("ylzyy");
    const me = await api.get("/api/v1/me", unit);
    assert.equal(me.status, 200, me.text);
    const people = await api.get(`/api/v1/people?unit_id=${me.json.organisation.id}&status=normal&limit=50`, unit);
    assert.equal(people.status, 200, people.text);
    const person = people.json.items.at(-1);
    assert.ok(person, `no normal person in ${people.text}`);
    const idNumber = await revealIdNumber(person.id, unit);

    const page = await browser.newPage();
    try {
      const fillCaptcha = captchaWatcher(page);
      await traineeSignIn(page, { idNumber, name: person.name, newPassword: "Trainee2026a11y", fillCaptcha });
      const pages = [
        { path: "/my-credits", ready: "my-credits", title: /^我的学分$/ },
        { path: `/my-credits/${YEAR}`, ready: "verdict", title: new RegExp(`^${YEAR} 年度学分$`) },
      ];
      for (const p of pages) assert.ok(await audit(page, p));
      // And on a phone, where trainees mostly look (the menu folds into the header).
      await page.setViewportSize({ width: 390, height: 844 });
      for (const p of pages) assert.ok(await audit(page, p));
    } finally {
      await page.close();
    }
  });
});
