// Accounts, roles and jurisdiction through the SPA, against `cme serve` with
// `cme demo`'s data (run.sh) and CME_TEST_CAPTCHA=1.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, menuLabels, signIn, userMenu } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

const OFFICE = [
  "工作台",
  "学分达标计算器",
  "机构人员",
  "达标情况查询",
  "截止时间设置",
  "验证审核",
  "生成证书编号",
  "验证统计",
  "继教活动",
  "公需科目",
  "单位管理",
  "账号管理",
  "接口客户端",
  "审计日志",
  "技术支持维护",
  "我的信息",
  "API 文档",
];
/** A menu with `items` inserted after `anchor`. */
const after_ = (menu, anchor, items) => {
  const i = menu.indexOf(anchor) + 1;
  return [...menu.slice(0, i), ...items, ...menu.slice(i)];
};
// Certificates: 电子印章 and 职称更正审核 (offices), 证书打印 (all but trainees).
const CERTIFICATES = ["电子印章", "证书打印", "职称更正审核"];
// 抽验 (province and prefecture offices), 统计报表 (everyone but trainees), 学分标准维护 (the province).
const PREFECTURE = after_(OFFICE, "验证统计", [...CERTIFICATES, "抽验", "统计报表"]);
const COUNTY = after_(OFFICE, "验证统计", [...CERTIFICATES, "统计报表"]);
const PROVINCE = after_([...OFFICE.slice(0, 4), "验证周期设置", ...OFFICE.slice(4)], "验证统计", [...CERTIFICATES, "抽验", "统计报表", "学分标准维护"]);
// The system administrator runs the system, not the units' business: no
// people, credits, activities, courses, submissions or certificates.
const ADMIN = [
  "工作台",
  "学分达标计算器",
  "机构人员",
  "达标情况查询",
  "验证周期设置",
  "截止时间设置",
  "验证统计",
  "统计报表",
  "学分标准维护",
  "账号管理",
  "接口客户端",
  "审计日志",
  "我的信息",
  "API 文档",
];
const UNIT = [
  "工作台",
  "学分达标计算器",
  "机构人员",
  "人员维护",
  "达标情况查询",
  "学分录入",
  "纸质学分批量录入",
  "学分审核",
  "验证信息上报",
  "验证统计",
  "证书打印",
  "职称更正审核",
  "职称更正申请",
  "统计报表",
  "继教活动",
  "公需科目",
  "科室管理",
  "账号管理",
  "接口客户端",
  "我的信息",
  "API 文档",
];
// A village clinic (乡村医生) keeps a unit's work but organises no activities and connects no HR system.
const VILLAGE = UNIT.filter((label) => label !== "继教活动" && label !== "接口客户端");
const DEPARTMENT = ["工作台", "学分达标计算器", "机构人员", "人员维护", "达标情况查询", "学分录入", "纸质学分批量录入", "科室学分上报", "验证信息上报", "证书打印", "统计报表", "我的信息", "API 文档"];

/** Every demo account, the menu it must see, its role label and (part of) its organisation's name. */
const DEMO_ACCOUNTS = [
  { username: "admin", menu: ADMIN, role: "系统管理员" },
  { username: "kjc", menu: PROVINCE, role: "省继教委办公室(科教处)" },
  { username: "zyc", menu: PROVINCE, role: "省继教委办公室(中医处)" },
  { username: "km", menu: PREFECTURE, role: "州市继教委办公室", organisation: "昆明" },
  { username: "dl", menu: PREFECTURE, role: "州市继教委办公室", organisation: "大理" },
  { username: "yiliang", menu: COUNTY, role: "县市区继教委办公室", organisation: "宜良" },
  { username: "xuanwei", menu: COUNTY, role: "县市区继教委办公室", organisation: "宣威" },
  { username: "ylyy", menu: UNIT, role: "单位", organisation: "宜良县第一人民医院" },
  { username: "ylyy-nk", menu: DEPARTMENT, role: "科室", organisation: "内科" },
  { username: "xscws", menu: VILLAGE, role: "单位", organisation: "小哨村卫生室" },
];

describe("each demo account sees exactly its own menu", () => {
  for (const account of DEMO_ACCOUNTS) {
    test(account.username, async () => {
      const page = await browser.newPage();
      try {
        await signIn(page, account.username);
        assert.deepEqual(await menuLabels(page), account.menu);
        assert.equal((await page.getByTestId("header-role").innerText()).trim(), account.role);
        if (account.organisation) {
          assert.match(await page.getByTestId("header-organisation").innerText(), new RegExp(account.organisation));
        }
        // No forced password change for demo accounts: the user lands on a workspace.
        assert.notEqual(new URL(page.url()).pathname, "/account/password");
      } finally {
        await page.close();
      }
    });
  }
});

test("signed out, the menu is the calculator alone and protected pages ask to sign in", async () => {
  const page = await browser.newPage();
  try {
    await page.goto(`${BASE_URL}/calculator`);
    assert.deepEqual(await menuLabels(page), ["学分达标计算器", "API 文档"]);
    await page.goto(`${BASE_URL}/accounts`);
    await page.waitForURL(/\/login$/);
  } finally {
    await page.close();
  }
});

test("a county office cannot open a unit of another county by its URL", async () => {
  const kjc = await apiToken("kjc");
  const find = async (name) => {
    const { status, json, text } = await api.get(`/api/v1/units?name=${encodeURIComponent(name)}`, kjc);
    assert.equal(status, 200, text);
    const unit = json.items.find((u) => u.name === name);
    assert.ok(unit, `${name} not in ${text}`);
    return unit;
  };
  const foreign = await find("宣威市人民医院");
  const own = await find("宜良县第一人民医院");

  // The API hides it: 404, not 403.
  const yiliang = await apiToken("yiliang");
  assert.equal((await api.get(`/api/v1/units/${foreign.id}`, yiliang)).status, 404);

  const page = await browser.newPage();
  try {
    await signIn(page, "yiliang");
    await page.goto(`${BASE_URL}/org/units/${foreign.id}`);
    await page.getByTestId("not-found-or-forbidden").waitFor();
    assert.match(await page.getByTestId("not-found-or-forbidden").innerText(), /无权访问或不存在/);
    assert.equal(await page.getByText("宣威市人民医院").count(), 0);
    await page.screenshot({ path: join(OUT_DIR, "auth-foreign-unit.png"), fullPage: true });

    // Its own county's unit opens, with masked ID numbers.
    await page.goto(`${BASE_URL}/org/units/${own.id}`);
    await page.getByTestId("unit-detail").getByText("宜良县第一人民医院").first().waitFor();
    await page.getByTestId("people-table").locator("tbody tr.ant-table-row").first().waitFor();
    const firstId = await page.getByTestId("people-table").locator("tbody tr.ant-table-row").first().innerText();
    assert.match(firstId, /\*{4,}/, "ID numbers are masked in the list");
  } finally {
    await page.close();
  }
});

test("signing out ends the session", async () => {
  const page = await browser.newPage();
  try {
    await signIn(page, "km");
    await userMenu(page, "退出登录");
    await page.waitForURL(/\/login$/);
    await page.goto(`${BASE_URL}/org`);
    await page.waitForURL(/\/login$/);
  } finally {
    await page.close();
  }
});

test("a trainee signs in through the captcha, sets a password, and lands on his year", async () => {
  // Find a trainee: a normal person of 宜良县第一人民医院, his full ID number revealed by the unit.
  const ylyy = await apiToken("ylyy");
  const me = await api.get("/api/v1/me", ylyy);
  assert.equal(me.status, 200, me.text);
  const people = await api.get(`/api/v1/people?unit_id=${me.json.organisation.id}&status=normal&limit=20`, ylyy);
  assert.equal(people.status, 200, people.text);
  const person = people.json.items[0];
  assert.ok(person, `no normal person in ${people.text}`);
  const revealed = await api.post(`/api/v1/people/${person.id}/reveal-id-number`, { reason: "端到端测试" }, ylyy);
  assert.equal(revealed.status, 200, revealed.text);
  const idNumber = revealed.json.id_number;
  assert.match(idNumber, /^\d{17}[\dX]$/);

  const page = await browser.newPage();
  // The SPA may fetch more than one captcha (refresh, expiry); the last one counts.
  let captcha = null;
  let captchas = 0;
  page.on("response", async (response) => {
    if (response.url().endsWith("/api/v1/auth/captcha") && response.ok()) {
      captcha = await response.json().catch(() => captcha);
      captchas++;
    }
  });
  let used = 0;
  const fillCaptcha = async () => {
    await page.getByTestId("captcha-image").waitFor();
    const deadline = Date.now() + 10_000;
    while (captchas <= used && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    used = captchas;
    assert.ok(captcha?.test_answer, "the captcha carries test_answer under CME_TEST_CAPTCHA=1");
    await page.locator("#trainee_login_captcha_answer").fill(captcha.test_answer);
  };
  const newPassword = "Trainee2026pass";
  try {
    await page.goto(`${BASE_URL}/trainee/login`);
    await page.locator("#trainee_login_id_number").fill(idNumber);
    await page.locator("#trainee_login_name").fill(person.name);
    await fillCaptcha();
    // First sign-in: no password yet.
    await page.getByTestId("login-submit").click();
    await page.waitForURL(/\/account\/password$/);
    await page.getByTestId("password-forced").waitFor();
    assert.equal(await page.locator("#password_current_password").count(), 0, "no current password on the first sign-in");

    // Every other page waits for the password.
    await page.goto(`${BASE_URL}/me`);
    await page.waitForURL(/\/account\/password$/);
    // After a reload the session resumes from the refresh token, still forced.
    await page.reload();
    await page.waitForURL(/\/account\/password$/);
    await page.getByTestId("password-forced").waitFor();
    await page.locator("#password_new_password").fill(newPassword);
    await page.locator("#password_confirm").fill(newPassword);
    await page.getByTestId("password-submit").click();
    // He lands on his year, in the trainee's own frame: its tab bar, no menu of the offices.
    await page.waitForURL(/\/my-credits$/);
    await page.getByTestId("my-credits").waitFor();
    assert.deepEqual((await page.getByTestId("tab-bar").getByRole("link").allInnerTexts()).map((t) => t.trim()), ["学分", "签到", "证书", "我的"]);
    // 我的信息 is his 我的: who he is, no account internals.
    await page.goto(`${BASE_URL}/me`);
    await page.getByTestId("trainee-profile").waitFor();
    assert.match(page.url(), /\/my-profile$/);
    const profile = await page.getByTestId("trainee-profile").innerText();
    assert.match(profile, new RegExp(person.name));
    assert.doesNotMatch(profile, /权限|[0-9a-f]{8}-[0-9a-f]{4}-/);
    await page.screenshot({ path: join(OUT_DIR, "auth-trainee-me.png"), fullPage: true });

    // Signing out returns to the trainee sign-in; the new password works.
    await page.getByTestId("profile-sign-out").click();
    await page.waitForURL(/\/trainee\/login$/);
    await page.locator("#trainee_login_id_number").fill(idNumber);
    await page.locator("#trainee_login_name").fill(person.name);
    await page.locator("#trainee_login_password").fill(newPassword);
    await fillCaptcha();
    await page.getByTestId("login-submit").click();
    // Home, or back on the page he signed out from (RequireAuth remembers it).
    await page.waitForURL(/\/(my-credits|my-profile)$/);
  } finally {
    await page.close();
  }
});
