// The help desk (技术支持服务): a worker on a phone finds it from the sign-in
// page and finds his prefecture's QQ group; 昆明市's office adds a contact
// and the public page shows it at once. The demo loads notice-2017 附件 4.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { signIn } from "../lib/auth.mjs";
import { BASE_URL, OUT_DIR, openBrowser } from "../lib/browser.mjs";

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

let phone;
let desktop;
before(async () => {
  phone = await openBrowser(PHONE);
  desktop = await openBrowser();
});
after(async () => {
  await phone?.close();
  await desktop?.close();
});

test("a worker finds the help desk from the sign-in page and his prefecture's QQ group", async () => {
  const page = await phone.newPage();
  try {
    await page.goto(`${BASE_URL}/trainee/login`);
    await page.getByRole("link", { name: "技术支持服务" }).click();
    await page.waitForURL((url) => url.pathname === "/support");
    await page.getByRole("heading", { level: 1, name: "技术支持服务" }).waitFor();
    await page.getByText("0871-63575660").first().waitFor();
    const kunming = page.locator('[data-testid="support-entry"][data-area="昆明市"]');
    assert.match(await kunming.innerText(), /457728944/);
    await page.getByLabel("所在州市或县区").fill("曲靖");
    const shown = page.getByTestId("support-entry");
    await shown.first().waitFor();
    assert.equal(await shown.count(), 1);
    assert.match(await shown.first().innerText(), /莫云淞[\s\S]*13698775159[\s\S]*472635848/);
    // The phone number dials.
    assert.equal(await shown.first().getByRole("link", { name: "13698775159" }).getAttribute("href"), "tel:13698775159");
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page overflows the phone: ${width}px`);
    await page.screenshot({ path: join(OUT_DIR, "support-phone.png"), fullPage: true });
  } finally {
    await page.close();
  }
});

test("昆明市's office adds a contact to its entry and the public page shows it", async () => {
  const page = await desktop.newPage();
  try {
    await signIn(page, "km");
    await page.waitForURL((url) => url.pathname === "/workbench");
    await page.getByRole("menuitem", { name: "技术支持维护" }).click();
    await page.waitForURL((url) => url.pathname === "/support-desk");
    const form = page.getByTestId("support-form");
    await form.waitFor();
    await page.getByRole("button", { name: "添加联系人" }).click();
    await page.getByLabel("联系人姓名").last().fill("周敏");
    await page.getByLabel("联系人电话").last().fill("0871-6410000");
    await page.getByTestId("support-save").click();
    await page.getByText("技术支持信息已保存").waitFor();
    // A bad number is refused next to the field, in Chinese.
    await page.getByLabel("联系人电话").last().fill("0871 641");
    await page.getByTestId("support-save").click();
    await page.getByText("电话号码格式不正确").waitFor();

    await page.goto(`${BASE_URL}/support`);
    const kunming = page.locator('[data-testid="support-entry"][data-area="昆明市"]');
    await kunming.getByText("周敏").waitFor();
    assert.match(await kunming.innerText(), /0871-6410000/);
  } finally {
    await page.close();
  }
});
