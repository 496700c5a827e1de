// Benchmark (issue 16): the pages a phone on a county link opens first, in
// Chromium with the link emulated (400 kbit/s each way, 400 ms round trips,
// cache disabled). Run by slow-link.sh, which starts the server; not part of
// `make test`.
//
//   BASE_URL=http://127.0.0.1:PORT LABEL=after node slow-link.mjs
//
// For each page it prints:
//   - js:    the scripts transferred (bytes on the wire, i.e. compressed)
//            before the page was usable;
//   - paint: first contentful paint (the inline splash counts: it is what
//            the user sees);
//   - usable: the page's own control or content is on screen (the sign-in
//            button, the verification form, the trainee's year), and how many
//            API calls it took;
//   - all:   everything the page loaded, scripts and API, once quiet.
// Targets (issue 16): js <= 150 KB on /login, /trainee/login and /verify;
// paint <= 3 s and usable <= 5 s on all four.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../e2e/package.json"));
const { chromium } = require("playwright-core");

const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1:8080";
const LABEL = process.env.LABEL ?? "";
const RUNS = Number(process.env.RUNS ?? 3);
const DEMO_PASSWORD = process.env.CME_DEMO_PASSWORD ?? "Demo@2026";
const LINK = { latency: 400, downloadThroughput: 400_000 / 8, uploadThroughput: 400_000 / 8 };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 3 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

async function call(method, path, body, token) {
  const res = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** A demo trainee with a password of his own; returns a function giving a fresh refresh token. */
async function trainee() {
  const unit = await call("POST", "/api/v1/auth/login", { username: "ylyy", password: DEMO_PASSWORD });
  const me = await call("GET", "/api/v1/me", undefined, unit.access_token);
  const people = await call("GET", `/api/v1/people?unit_id=${me.organisation.id}&status=normal&limit=50`, undefined, unit.access_token);
  // The last of the list: the browser tests sign in as the first ones.
  const person = people.items.at(-1);
  const { id_number } = await call("POST", `/api/v1/people/${person.id}/reveal-id-number`, { reason: "性能测试" }, unit.access_token);
  const password = "Bench#2026slow";
  const login = async (withPassword) => {
    const captcha = await call("GET", "/api/v1/auth/captcha");
    return call("POST", "/api/v1/auth/trainee/login", {
      id_number,
      name: person.name,
      captcha_id: captcha.captcha_id,
      captcha_answer: captcha.test_answer,
      ...(withPassword ? { password } : {}),
    });
  };
  let first;
  try {
    first = await login(false);
  } catch {
    first = await login(true);
  }
  if (first.must_change_password) {
    await call("POST", "/api/v1/auth/password", { new_password: password }, first.access_token);
  }
  return async () => (await login(true)).refresh_token;
}

const PAGES = [
  { path: "/login", device: DESKTOP, ready: '[data-testid="login-submit"]' },
  { path: "/trainee/login", device: PHONE, ready: '[data-testid="login-submit"]' },
  { path: "/verify", device: PHONE, ready: '[data-testid="lookup-submit"]' },
  // Usable: the year's "what is missing" (the phone home since issue 16), or
  // the list of years (the page before it, which showed nothing more).
  {
    path: "/my-credits",
    device: PHONE,
    signedIn: true,
    ready: () => {
      const current = document.querySelector('[data-testid="current-year"]');
      if (current) return current.querySelector('[data-testid="missing"]') !== null;
      return document.querySelector('[data-testid="my-year"]') !== null;
    },
  },
];

async function measure(browser, page, refreshToken) {
  const context = await browser.newContext(page.device);
  if (refreshToken) {
    // A reload of a signed-in tab: the SPA resumes from the refresh token.
    await context.addInitScript((token) => sessionStorage.setItem("cme.refresh_token", token), refreshToken);
  }
  // First contentful paint, as the page reports it (read once it is usable).
  await context.addInitScript(() => {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "first-contentful-paint") window.__fcp = e.startTime;
    }).observe({ type: "paint", buffered: true });
  });
  const tab = await context.newPage();
  const cdp = await context.newCDPSession(tab);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", { offline: false, ...LINK });
  const kinds = new Map();
  const done = [];
  cdp.on("Network.responseReceived", (e) => kinds.set(e.requestId, { type: e.type, url: e.response.url }));
  cdp.on("Network.loadingFinished", (e) => done.push({ ...kinds.get(e.requestId), bytes: e.encodedDataLength, at: Date.now() }));
  const start = Date.now();
  await tab.goto(`${BASE_URL}${page.path}`, { waitUntil: "commit" });
  if (typeof page.ready === "function") await tab.waitForFunction(page.ready, null, { timeout: 120_000, polling: 50 });
  else await tab.locator(page.ready).first().waitFor({ state: "visible", timeout: 120_000 });
  const usableAt = Date.now();
  await tab.waitForFunction(() => window.__fcp !== undefined, null, { timeout: 10_000 }).catch(() => undefined);
  const paint = await tab.evaluate(() => window.__fcp ?? NaN);
  await tab.waitForLoadState("networkidle").catch(() => {});
  const before = done.filter((d) => d.at <= usableAt);
  const sum = (list, type) => list.filter((d) => d.type === type).reduce((a, d) => a + d.bytes, 0);
  const apiCalls = before.filter((d) => (d.type === "Fetch" || d.type === "XHR") && d.url?.includes("/api/")).length;
  await context.close();
  return {
    js: sum(before, "Script"),
    scripts: before.filter((d) => d.type === "Script").length,
    paint,
    usable: usableAt - start,
    api: apiCalls,
    allJs: sum(done, "Script"),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--no-sandbox"] });
try {
  const freshToken = await trainee();
  console.log(
    `slow-link${LABEL ? ` [${LABEL}]` : ""}: 400 kbit/s, 400 ms RTT, cache off; median of ${RUNS} loads each\n` +
      `${"page".padEnd(16)}${"js before usable".padStart(18)}${"scripts".padStart(9)}${"paint".padStart(8)}${"usable".padStart(9)}${"api".padStart(5)}${"all js".padStart(9)}`,
  );
  for (const page of PAGES) {
    const runs = [];
    for (let i = 0; i < RUNS; i++) runs.push(await measure(browser, page, page.signedIn ? await freshToken() : null));
    const m = (k) => median(runs.map((r) => r[k]));
    console.log(
      `${page.path.padEnd(16)}${kb(m("js")).padStart(18)}${String(m("scripts")).padStart(9)}${s(m("paint")).padStart(8)}${s(m("usable")).padStart(9)}${String(m("api")).padStart(5)}${kb(m("allJs")).padStart(9)}`,
    );
  }
} finally {
  await browser.close();
}
