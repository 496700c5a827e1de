// Sign-in helpers: over the API (to find test data) and through the SPA.
import { BASE_URL } from "./browser.mjs";

export const DEMO_PASSWORD = process.env.CME_DEMO_PASSWORD ?? "Demo@2026";

async function request(method, path, { token, body } = {}) {
  const response = await fetch(`${BASE_URL}${path}`, {
    method,
    headers: {
      Accept: "application/json",
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/** The API, answering {status, json, text}; throws on nothing. */
export const api = {
  get: (path, token) => request("GET", path, { token }),
  post: (path, body, token) => request("POST", path, { token, body }),
  put: (path, body, token) => request("PUT", path, { token, body }),
};

/** Signs a demo account in over the API and returns its access token. */
export async function apiToken(username, password = DEMO_PASSWORD) {
  const { status, json, text } = await api.post("/api/v1/auth/login", { username, password });
  if (status !== 200) throw new Error(`login ${username}: ${status} ${text}`);
  return json.access_token;
}

/** Signs in at /login and waits until the SPA has left the sign-in page. */
export async function signIn(page, username, password = DEMO_PASSWORD) {
  await page.goto(`${BASE_URL}/login`);
  await page.locator("#login_username").fill(username);
  await page.locator("#login_password").fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith("/api/v1/auth/login"));
  await page.getByTestId("login-submit").click();
  const response = await answer;
  if (response.status() !== 200) throw new Error(`sign-in ${username}: ${response.status()} ${await response.text()}`);
  await page.waitForURL((url) => !url.pathname.endsWith("/login"));
  await page.getByTestId("header-role").waitFor();
}

/** The labels of the main menu, in order. */
export async function menuLabels(page) {
  const items = page.getByTestId("main-menu").getByRole("menuitem");
  await items.first().waitFor();
  // A menu item may carry a badge with the count of work waiting there: the label is the text before it.
  return (await items.allInnerTexts()).map((t) => t.replace(/\s*\d+\+?\s*$/, "").trim());
}

/** Opens the user menu in the header and clicks `label` (退出登录, 退出所有设备, 修改密码). */
export async function userMenu(page, label) {
  await page.getByTestId("user-menu").click();
  await page.locator(".ant-dropdown:not(.ant-dropdown-hidden) .ant-dropdown-menu-item").filter({ hasText: label }).click();
}
