// The audit log as an auditor reads it: names and organisations, the action
// in words, filters kept in the URL, and the same entries as XLSX.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { apiToken, signIn } from "../lib/auth.mjs";
import { OUT_DIR, openBrowser } from "../lib/browser.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

test("yiliang reads who signed in by name, filters to sign-ins, and exports them", async () => {
  // A sign-in of the county hospital's office, to find.
  await apiToken("ylyy");
  const page = await browser.newPage();
  try {
    await signIn(page, "yiliang");
    await page.goto(new URL("/audit", page.url()).toString());
    const table = page.getByTestId("audit-table");
    await table.locator("tbody tr").first().waitFor();
    // Filter: 操作 = 登录.
    // The list of actions is long (and virtual): search it.
    await page.getByRole("combobox", { name: "操作", exact: true }).click();
    await page.keyboard.type("登录");
    await page.locator(".ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option").filter({ hasText: /^登录$/ }).click();
    // Wait for the filtered page itself: the unfiltered rows are on screen until it arrives.
    const filtered = page.waitForResponse((r) => r.url().includes("/api/v1/audit?") && r.url().includes("action=auth.login.success"));
    await page.getByRole("button", { name: "查 询" }).or(page.getByRole("button", { name: "查询" })).click();
    await page.waitForURL((url) => url.searchParams.get("action") === "auth.login.success");
    assert.equal((await filtered).status(), 200);
    const dataRows = table.locator("tbody tr.ant-table-row");
    await dataRows.filter({ hasText: "宜良县第一人民医院" }).first().waitFor();
    const text = await table.innerText();
    assert.doesNotMatch(text, /auth\.login|ylyy|yiliang/, "no codes, no logins");
    for (const row of await dataRows.allInnerTexts()) assert.match(row, /登录/);
    // The filter survives a reload (it lives in the URL).
    await page.reload();
    await dataRows.filter({ hasText: "宜良县第一人民医院" }).first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get("action"), "auth.login.success");
    await page.screenshot({ path: join(OUT_DIR, "audit-yiliang.png"), fullPage: true });
    // The export: an XLSX named in Chinese.
    const download = page.waitForEvent("download");
    await page.getByTestId("audit-export").click();
    const file = await download;
    assert.equal(file.suggestedFilename(), "审计日志.xlsx");
    const bytes = readFileSync(await file.path());
    assert.equal(bytes.subarray(0, 2).toString(), "PK", "an XLSX (zip) file");
  } finally {
    await page.close();
  }
});
