// No page overflows a phone: every public page and every trainee page at
// 360, 390 and 414 px. A page fails when the document is wider than the
// viewport, or when a visible control (button, input, link, select,
// textarea) reaches past the viewport's right edge. The pages checked are
// printed, and written to out/widths-checked.txt.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { api, apiToken } from "../lib/auth.mjs";
import { calculate, fillCalculator } from "../lib/calculator.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";
import { captchaWatcher, freshTrainee, traineeSignIn } from "../lib/trainee.mjs";

const WIDTHS = [360, 390, 414];
const YEAR = 2021;

// [path, what shows when the page is drawn (a test id)]
const PUBLIC_PAGES = [
  ["/login", "login-submit"],
  ["/trainee/login", "captcha-image"],
  ["/verify", "lookup-submit"],
  [`/v/${"0".repeat(26)}`, "lookup-failed"],
  ["/calculator", "calculate-submit"],
  // With a credit row and a result: the widest the calculator gets.
  ["/calculator", "calculate-submit", async (page) => {
    await fillCalculator(page, {
      year: 2021,
      unit: "县级",
      title: "高级",
      discipline: "临床、检验、放射等类",
      mandatory: true,
      credits: [
        { kind: "项目学分", source: "国家级 I类", amount: 5 },
        { kind: "自管学分", amount: 5 },
      ],
    });
    await calculate(page);
  }],
];
const TRAINEE_PAGES = [
  ["/my-credits", "year-progress"],
  [`/my-credits/${YEAR}`, "verdict"],
  ["/my-certificates", "my-certificates"],
  ["/m/sign-in", "mobile-sign-in"],
  ["/my-profile", "trainee-profile"],
];

let browser;
const checked = [];
before(async () => {
  browser = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
});
after(async () => {
  await browser?.close();
  writeFileSync(join(OUT_DIR, "widths-checked.txt"), `${checked.join("\n")}\n`);
  console.log(`pages checked:\n${checked.join("\n")}`);
});

/** What overflows the viewport: the document's width, and each control cut by the right edge. */
function overflowOf(page) {
  return page.evaluate(() => {
    const found = [];
    const vw = window.innerWidth;
    const doc = document.documentElement.scrollWidth;
    if (doc > vw) found.push(`document ${doc} px wide`);
    for (const el of document.querySelectorAll("button, input, a, select, textarea, [role=button]")) {
      const r = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (r.width === 0 || r.height === 0 || style.visibility === "hidden" || style.display === "none") continue;
      // A control hidden on purpose (visually hidden inputs of custom checkboxes and the like).
      if (style.opacity === "0" || (r.width <= 1 && r.height <= 1)) continue;
      if (r.right > vw + 0.5 || r.left < -0.5) {
        const name = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("name") || el.id || el.tagName).trim().slice(0, 30);
        found.push(`${el.tagName.toLowerCase()} "${name}" spans ${Math.round(r.left)}–${Math.round(r.right)} px`);
      }
    }
    return found;
  });
}

async function checkPage(page, path, ready, who, act) {
  const problems = [];
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 844 });
    await page.goto(`${BASE_URL}${path}`);
    await (ready ? page.getByTestId(ready).first() : page.locator("h1").first()).waitFor();
    await page.waitForLoadState("networkidle");
    if (act) await act(page);
    const found = await overflowOf(page);
    checked.push(`${who}\t${path}${act ? " (filled in)" : ""}\t${width}px\t${found.length ? `FAIL: ${found.join("; ")}` : "ok"}`);
    if (found.length) {
      problems.push(`${path} at ${width} px: ${found.join("; ")}`);
      await page.screenshot({ path: join(OUT_DIR, `widths-${path.replace(/\W+/g, "_")}-${width}.png`), fullPage: true });
    }
  }
  return problems;
}

test("public pages fit 360, 390 and 414 px", async () => {
  const page = await browser.newPage();
  const problems = [];
  for (const [path, ready, act] of PUBLIC_PAGES) problems.push(...(await checkPage(page, path, ready, "public", act)));
  await page.close();
  assert.deepEqual(problems, []);
});

test("a trainee's pages fit 360, 390 and 414 px", async () => {
  // A person of the TCM hospital who has never signed in (the other specs sign in people of ylyy).
  const unit = await apiToken("ylzyy");
  const org = (await api.get("/api/v1/me", unit)).json.organisation;
  const people = await api.get(`/api/v1/people?unit_id=${org.id}&status=normal&limit=50`, unit);
  assert.equal(people.status, 200, people.text);
  // The a11y spec signs in the last of these: leave him to it.
  const items = people.json.items.slice(0, -1);
  const { person, idNumber } = await freshTrainee(unit, items);
  const page = await browser.newPage();
  const fillCaptcha = captchaWatcher(page);
  await traineeSignIn(page, { idNumber, name: person.name, newPassword: "Trainee2026widths", fillCaptcha });
  const problems = [];
  for (const [path, ready] of TRAINEE_PAGES) problems.push(...(await checkPage(page, path, ready, "trainee")));
  await page.close();
  assert.deepEqual(problems, []);
});
