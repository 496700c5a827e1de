// Only Chinese, only people: every page of every demo account's menu is
// opened, screenshotted, and its visible text checked for what a person must
// never read: an internal id (a UUID), a login name, an English sentence, a
// code in backquotes. The list of pages checked is written to
// out/pages-checked.txt (and the screenshots beside it).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { menuLabels, signIn } from "../lib/auth.mjs";
import { OUT_DIR, openBrowser } from "../lib/browser.mjs";

const ACCOUNTS = ["admin", "kjc", "km", "yiliang", "ylyy", "ylyy-nk", "xscws"];
const LOGINS = ["admin", "kjc", "zyc", "km", "dl", "yiliang", "xuanwei", "ylyy", "ylyy-nk", "xscws"];
// The API reference is for programmers, in their language.
const SKIPPED = new Set(["API 文档"]);
// Where a login is the thing shown: the accounts an office manages (the
// name it tells a new user to sign in with) and one's own account.
const LOGINS_SHOWN = new Set(["/accounts", "/me"]);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
// Three or more English words in a row, lower-case after the first ("a
// title level is required"); names such as "PDF Excel" are not sentences.
const SENTENCE = /\b[A-Za-z][a-z]+(?:[ ,]+[a-z]{2,}){2,}\b/;
const SNAKE_CODE = /\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+(?:\.[a-z_]+){2,}\b/;

/** What in `text` a person must not read (empty when nothing). */
export function foreignWords(text, { logins = true } = {}) {
  const found = [];
  for (const [what, re] of [
    ["an id", UUID],
    ["an English sentence", SENTENCE],
    ["a code", SNAKE_CODE],
  ]) {
    const m = text.match(re);
    if (m) found.push(`${what}: "${m[0]}"`);
  }
  for (const login of logins ? LOGINS : []) {
    if (new RegExp(`(^|[^A-Za-z0-9-])${login}($|[^A-Za-z0-9-])`).test(text)) found.push(`a login: "${login}"`);
  }
  return found;
}

let browser;
const checked = [];
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  writeFileSync(join(OUT_DIR, "pages-checked.txt"), `${checked.join("\n")}\n`);
});

for (const username of ACCOUNTS) {
  test(`every page of ${username}'s menu speaks Chinese and names people`, async () => {
    const page = await browser.newPage();
    const problems = [];
    // An empty state is a state: no page asks the API for something that is not there.
    const missing = [];
    page.on("response", (r) => {
      if (r.status() === 404 && new URL(r.url()).pathname.startsWith("/api/")) missing.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    try {
      await signIn(page, username);
      const labels = await menuLabels(page);
      for (const [i, label] of labels.entries()) {
        if (SKIPPED.has(label)) continue;
        await page.getByTestId("main-menu").getByRole("menuitem").nth(i).click();
        await page.waitForLoadState("networkidle");
        // Lists and names arrive after the first paint.
        await page.waitForTimeout(300);
        const path = new URL(page.url()).pathname;
        const text = await page.locator("body").innerText();
        const found = foreignWords(text, { logins: !LOGINS_SHOWN.has(path) });
        if (missing.length) found.push(`404: ${missing.splice(0).join(", ")}`);
        if (found.length) problems.push(`${label} (${path}): ${found.join("; ")}`);
        const shot = `words-${username}-${i}.png`;
        await page.screenshot({ path: join(OUT_DIR, shot), fullPage: true });
        checked.push(`${username}\t${label}\t${path}\t${shot}\t${found.length ? "FAIL" : "ok"}`);
      }
    } finally {
      await page.close();
    }
    assert.deepEqual(problems, [], `pages a person cannot read as ${username}`);
  });
}

test("the checker itself catches what it is for", () => {
  assert.deepEqual(foreignWords("张三（宜良县第一人民医院） 2021 年度 PDF Excel IP 地址"), []);
  assert.equal(foreignWords("a title level is required").length, 1);
  assert.equal(foreignWords("记录 0190a3b4-1c2d-7e8f-9a0b-1c2d3e4f5a6b").length, 1);
  assert.equal(foreignWords("操作：auth.login.success").length, 1);
  assert.equal(foreignWords("权限 manage_seal").length, 1);
  assert.equal(foreignWords("上报人 ylyy").length, 1);
});
