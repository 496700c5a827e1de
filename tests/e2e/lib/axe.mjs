// axe-core in the browser: the accessibility check the specs share.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Waits until nothing moves (an antd motion still running would skew contrast), spinners aside. */
export async function settled(page) {
  await page.waitForLoadState("networkidle");
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== "running" || a.effect?.getComputedTiming().iterations === Infinity),
  );
}

/**
 * Runs axe on the page as shown and fails on any critical or serious
 * violation, naming each with its rule, help and the elements it found.
 */
export async function assertAccessible(page, label) {
  await settled(page);
  // script-src 'self' forbids an injected <script>; evaluating is not subject to it.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
  const blocking = violations.filter((v) => v.impact === "critical" || v.impact === "serious");
  const report = blocking
    .map((v) => {
      const nodes = v.nodes.map((n) => `    ${n.target.join(" ")}\n      ${n.failureSummary?.replace(/\n/g, "\n      ")}`);
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes.join("\n")}`;
    })
    .join("\n");
  assert.equal(blocking.length, 0, `${label}: ${blocking.length} critical/serious axe violation(s):\n${report}`);
}
