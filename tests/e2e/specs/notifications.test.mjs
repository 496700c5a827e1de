// Reminders (SPEC §12): a county returns a unit's record and the unit's
// bell rings with one unread reminder; the unit opens it from the bell, is
// taken to the page it is about, and the reminder is marked read. Its
// preferences page lists every kind.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

const CYCLE = 2021;

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

/** Submits one eligible person of the first of `units` that has one; the unit, its token and the record. */
async function submitOne(units) {
  for (const username of units) {
    const token = await apiToken(username);
    const list = await api.get(`/api/v1/verifications/candidates?cycle_year=${CYCLE}&list=normal&eligible_only=true`, token);
    assert.equal(list.status, 200, list.text);
    const candidate = list.json.items[0];
    if (!candidate) continue;
    const submitted = await api.post("/api/v1/verifications", { cycle_year: CYCLE, list: "normal", people: [{ person_id: candidate.person_id }] }, token);
    assert.equal(submitted.status, 200, submitted.text);
    return { username, token, id: submitted.json.ids[0] };
  }
  throw new Error(`none of ${units.join(", ")} has an eligible person left`);
}

test("a county returns a record: the unit's bell shows 1, the unit opens it and it is read", async () => {
  const { username, token, id } = await submitOne(["ylzyy", "xscws", "gjwsy", "ylyy"]);
  // What other specs raised for this unit is read already: the bell starts at nothing.
  assert.equal((await api.post("/api/v1/notifications/read-all", undefined, token)).status, 200);
  const county = await apiToken("yiliang");
  const record = await api.get(`/api/v1/verifications/${id}`, county);
  assert.equal(record.status, 200, record.text);
  const returned = await api.post(
    "/api/v1/reviews/decisions",
    { decision: "return", reason: "继续教育登记表缺单位盖章", items: [{ id, row_version: record.json.record.row_version }] },
    county,
  );
  assert.equal(returned.status, 200, returned.text);

  const page = await browser.newPage();
  try {
    await signIn(page, username);
    const count = page.getByTestId("bell-count");
    await count.locator(".ant-badge-count, sup").first().waitFor();
    assert.equal((await count.locator("sup").first().innerText()).trim(), "1");
    await page.screenshot({ path: join(OUT_DIR, "notifications-bell.png") });

    await page.getByTestId("bell").click();
    await page.waitForURL((url) => url.pathname === "/notifications");
    const item = page.getByTestId("notification-item").first();
    await item.waitFor();
    assert.equal(await item.getAttribute("data-read"), "false");
    const text = await item.innerText();
    assert.match(text, /1 条验证记录被退回/);
    assert.match(text, /宜良县继教委办公室退回了 1 条验证记录/);
    assert.match(text, /继续教育登记表缺单位盖章/);
    await page.screenshot({ path: join(OUT_DIR, "notifications-list.png"), fullPage: true });

    const read = page.waitForResponse((r) => /\/api\/v1\/notifications\/[^/]+\/read$/.test(r.url()));
    await item.getByTestId("notification-open").click();
    assert.equal((await read).status(), 200);
    await page.waitForURL((url) => url.pathname === "/verification-submit");
    // The badge is gone; the reminder stays, read.
    await count.locator("sup").waitFor({ state: "detached" });
    const after = await api.get("/api/v1/notifications", token);
    assert.equal(after.json.unread, 0);
    assert.ok(after.json.items[0].read_at, "marked read");

    await page.goto(`${BASE_URL}/notifications/preferences`);
    const prefs = page.getByTestId("notification-preferences");
    await prefs.getByText("验证记录被退回").waitFor();
    await prefs.getByText("上报截止提醒").waitFor();
    await page.screenshot({ path: join(OUT_DIR, "notifications-preferences.png"), fullPage: true });
  } finally {
    await page.close();
  }
});
