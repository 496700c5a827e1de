// The workbench (工作台) every office lands on, and a county's queue of
// thousands cleared in a handful of actions. `run.sh` loads the demo with
// `--queue-people 4500`: 4,500 generated people of 宣威市人民医院, the
// compliant ones submitted and waiting on 宣威市's office (xuanwei); no
// other spec acts in that county.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { join } from "node:path";
import { api, apiToken, signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, clickSettled, openBrowser } from "../lib/browser.mjs";

let browser;
before(async () => {
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
});

for (const username of ["kjc", "km", "yiliang", "ylyy", "ylyy-nk"]) {
  test(`${username} lands on a workbench that says what waits and when`, async () => {
    const page = await browser.newPage();
    try {
      await signIn(page, username);
      await page.waitForURL((url) => url.pathname === "/workbench");
      await page.getByTestId("workbench-tasks").waitFor();
      const cycle = page.getByTestId("workbench-cycle");
      await cycle.getByText("2021 年度学分验证").waitFor();
      assert.match(await cycle.innerText(), /数据报送省级截止/);
      assert.match(await cycle.innerText(), /还剩 \d+ 天|今天截止|已截止/);
      await page.getByTestId("workbench-total").waitFor();
      if (["kjc", "km", "yiliang"].includes(username)) await page.getByTestId("progress-chart").locator("canvas").waitFor();
      await page.screenshot({ path: join(OUT_DIR, `workbench-${username}.png`), fullPage: true });
    } finally {
      await page.close();
    }
  });
}

test("xuanwei clears a generated county's queue of thousands in a few actions", async () => {
  const token = await apiToken("xuanwei");
  const before = await api.get("/api/v1/workbench", token);
  assert.equal(before.status, 200, before.text);
  const waiting = before.json.tasks.find((t) => t.kind === "review_records" && t.list === "normal").count;
  assert.ok(waiting >= 2500, `a queue of thousands: ${waiting}`);

  const page = await browser.newPage();
  const started = Date.now();
  let actions = 0;
  try {
    await signIn(page, "xuanwei");
    // The menu's badge and the workbench say the same count.
    const badge = page.getByTestId("menu-badge-verification-review");
    await badge.waitFor();
    assert.match(await badge.innerText(), new RegExp(`${waiting > 999 ? "999\\+" : waiting}`));
    // 1: from the workbench into the queue, filtered to the normal list.
    await page.getByTestId("task-review_records-normal").click();
    actions += 1;
    await page.waitForURL((url) => url.pathname === "/verification-review" && url.searchParams.get("list") === "normal");
    const queue = page.getByTestId("review-queue");
    await queue.locator("tr.ant-table-row").first().waitFor();
    assert.equal((await page.getByTestId("queue-total").innerText()).trim(), `共 ${waiting} 条`);
    // Each row shows what is reviewed: the title, the figures, the verdict.
    const first = queue.locator("tr.ant-table-row").first();
    assert.match(await first.getByTestId("figure-total").innerText(), /\d+ \/ \d+/);
    assert.equal((await first.getByTestId("verdict-outcome").innerText()).trim(), "达标");
    await page.screenshot({ path: join(OUT_DIR, "review-queue-thousands.png") });

    // The keyboard: j moves to the second row, a approves it.
    const one = page.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions"));
    await page.keyboard.press("j");
    await page.keyboard.press("a");
    actions += 2;
    assert.equal((await one).status(), 200);
    await page.getByTestId("queue-total").getByText(`共 ${waiting - 1} 条`).waitFor();

    // 2–3: approve all that match, the count confirmed first.
    await page.getByTestId("approve-all").click();
    const confirm = page.locator(".ant-modal-confirm:visible");
    await confirm.locator(".ant-modal-confirm-title").getByText(`全部通过 ${waiting - 1} 条记录？`).waitFor();
    const all = page.waitForResponse((r) => r.url().endsWith("/api/v1/reviews/decisions/matching"), { timeout: 60_000 });
    await clickSettled(confirm.locator(".ant-btn-primary"));
    actions += 2;
    const response = await all;
    // More than the server approves in one request (1,000): a background job with progress.
    assert.equal(response.status(), 202, await response.text());
    const result = await response.json();
    assert.equal(result.decided, 0);
    assert.equal(result.job.total, waiting - 1);
    assert.deepEqual(result.changed, []);
    await page.getByTestId("matching-job").locator(".ant-progress").waitFor();
    await page.getByTestId("matching-result").getByText(`已通过 ${waiting - 1} 条`).waitFor({ timeout: 120_000 });
    const jobSeconds = ((Date.now() - started) / 1000).toFixed(1);
    await page.getByRole("button", { name: "知道了" }).click();
    actions += 1;
    await queue.getByText("没有等待本机构审核的记录").waitFor();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`e2e: xuanwei cleared ${waiting} records in ${actions} actions, ${seconds} s (the job done at ${jobSeconds} s)`);
  } finally {
    await page.close();
  }
  const after = await api.get("/api/v1/workbench", token);
  assert.equal(after.json.tasks.find((t) => t.kind === "review_records" && t.list === "normal").count, 0);
});
