// Launching Debian's chromium through playwright-core: no browser download,
// no network beyond the server under test.
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "out");

export const BASE_URL = (process.env.BASE_URL ?? "http://127.0.0.1:8080").replace(/\/$/, "");

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * A fresh browser profile per run; returns a page and a close() that cleans up.
 * `device` overrides the desktop viewport (a phone: viewport, isMobile, hasTouch).
 */
export async function openBrowser(device = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const userDataDir = mkdtempSync(join(tmpdir(), "cme-e2e-profile-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    locale: "zh-CN",
    viewport: { width: 1440, height: 1000 },
    ...device,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  // Surface page errors in the test output; they are usually the real cause.
  page.on("pageerror", (err) => console.error(`[pageerror] ${err.message}`));
  return {
    page,
    context,
    /** A new tab: its own sessionStorage, so its own signed-in session. */
    async newPage() {
      const tab = await context.newPage();
      tab.setDefaultTimeout(15_000);
      tab.on("pageerror", (err) => console.error(`[pageerror] ${err.message}`));
      return tab;
    },
    async close() {
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Clicks a button inside a modal once no modal is zooming in or out. antd
 * zooms a modal in (0.3 s): under load, a click whose point was computed
 * mid-zoom lands beside the button, and the OK is silently lost (seen in CI
 * on the submission and title-correction modals).
 */
export async function clickSettled(locator) {
  await locator.page().waitForFunction(() => !document.querySelector(".ant-zoom-appear, .ant-zoom-enter, .ant-zoom-leave"));
  await locator.click();
}
