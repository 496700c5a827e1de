import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../App";
import type { Me, Operation, OrganisationKind, Role } from "../api/types";
import { homeFor, isMenuEntry, menuFor } from "../navigation";
import { ROUTE_TABLE, buildRoutes } from "../routes";
import { authSession } from "./session";

/** The backend's policy table (crates/domain/src/auth.rs `allows`), per role. */
const OFFICE_BASE: Operation[] = ["read_hierarchy", "reveal_id_number", "manage_accounts", "manage_api_clients", "read_audit", "read_self"];
const OFFICE_CYCLE: Operation[] = ["set_windows", "review_verifications", "issue_certificate_numbers"];
const PROVINCE_CYCLE: Operation[] = ["manage_cycle", ...OFFICE_CYCLE];
const PERMISSIONS: Record<Exclude<Role, "api_client">, Operation[]> = {
  // Accounts and settings, not the units' business (no reveal_id_number either).
  system_admin: [
    ...OFFICE_BASE.filter((op) => op !== "reveal_id_number"),
    "recompute_compliance",
    "manage_cycle",
    "set_windows",
  ],
  province_western: [...OFFICE_BASE, "manage_activities", "recompute_compliance", "record_course", ...PROVINCE_CYCLE],
  province_tcm: [...OFFICE_BASE, "manage_activities", "recompute_compliance", "record_course", ...PROVINCE_CYCLE],
  prefecture_office: [...OFFICE_BASE, "manage_activities", "record_course", ...OFFICE_CYCLE],
  county_office: [...OFFICE_BASE, "manage_activities", "record_course", ...OFFICE_CYCLE],
  unit: [
    "read_hierarchy",
    "reveal_id_number",
    "manage_accounts",
    "manage_api_clients",
    "read_self",
    "manage_people",
    "enter_credits",
    "review_credits",
    "manage_activities",
    "record_course",
    "submit_verifications",
  ],
  department: ["read_hierarchy", "read_self", "manage_people", "enter_credits", "submit_verifications"],
  trainee: ["read_self", "claim_activity"],
};

const ORGANISATION_KINDS: Record<keyof typeof PERMISSIONS, OrganisationKind> = {
  system_admin: "province",
  province_western: "province",
  province_tcm: "province",
  prefecture_office: "region",
  county_office: "region",
  unit: "unit",
  department: "department",
  trainee: "person",
};

function meFor(role: keyof typeof PERMISSIONS, overrides: Partial<Me> = {}): Me {
  return {
    id: `acc-${role}`,
    username: role,
    display_name: `${role} 用户`,
    role,
    role_label: role,
    organisation: { kind: ORGANISATION_KINDS[role] ?? "province", id: "org-1", name: "测试机构" },
    must_change_password: false,
    permissions: PERMISSIONS[role] ?? [],
    manageable_roles: [],
    ...overrides,
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const pair = { access_token: "a1", refresh_token: "r1", expires_in: 900, token_type: "Bearer", must_change_password: false };

/** Renders the whole app at `path`, signed in as `me` (or signed out), over a fake API. */
function renderApp(path: string, me: Me | null, handle: (path: string, request: Request) => Response | undefined = () => undefined) {
  sessionStorage.clear();
  let current = me;
  const fetch = vi.fn(async (request: Request) => {
    const p = new URL(request.url).pathname;
    const custom = handle(p, request);
    if (custom) return custom;
    if (p === "/api/v1/me" && current) return json(current);
    if (p === "/api/v1/regions") return json([]);
    if (p === "/api/v1/units" || p === "/api/v1/people" || p === "/api/v1/accounts") return json({ items: [], next_cursor: null });
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  // Pages call the app's one client and session, which read the global fetch.
  vi.stubGlobal("fetch", fetch);
  const session = authSession;
  if (me) session.setTokens(pair);
  const router = createMemoryRouter(buildRoutes(), { initialEntries: [path] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return {
    router,
    fetch,
    session,
    setMe: (next: Me) => {
      current = next;
    },
  };
}

function menuLabels(): string[] {
  const menu = screen.getByTestId("main-menu");
  return within(menu)
    .getAllByRole("menuitem")
    .map((item) => item.textContent?.trim() ?? "");
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("menu by permissions", () => {
  const office = ["工作台", "学分达标计算器", "机构人员", "达标情况查询", "截止时间设置", "验证审核", "生成证书编号", "验证统计", "继教活动", "公需科目", "账号管理", "接口客户端", "审计日志", "我的信息"];
  const province = [...office.slice(0, 4), "验证周期设置", ...office.slice(4)];
  const expected: Record<keyof typeof PERMISSIONS, string[]> = {
    system_admin: [
      "工作台",
      "学分达标计算器",
      "机构人员",
      "达标情况查询",
      "验证周期设置",
      "截止时间设置",
      "验证统计",
      "账号管理",
      "接口客户端",
      "审计日志",
      "我的信息",
    ],
    province_western: province,
    province_tcm: province,
    prefecture_office: office,
    county_office: office,
    unit: [
      "工作台",
      "学分达标计算器",
      "机构人员",
      "人员维护",
      "达标情况查询",
      "学分录入",
      "纸质学分批量录入",
      "学分审核",
      "验证信息上报",
      "验证统计",
      "继教活动",
      "公需科目",
      "账号管理",
      "接口客户端",
      "我的信息",
    ],
    department: ["工作台", "学分达标计算器", "机构人员", "人员维护", "达标情况查询", "学分录入", "纸质学分批量录入", "科室学分上报", "验证信息上报", "我的信息"],
    trainee: ["学分达标计算器", "我的学分", "我的证书", "活动签到", "我的信息"],
  };

  it.each(Object.keys(expected) as (keyof typeof PERMISSIONS)[])("%s sees only what it may do", (role) => {
    expect(menuFor(ROUTE_TABLE, meFor(role)).map((i) => i.label)).toEqual(expected[role]);
  });

  it("shows only the calculator when signed out", () => {
    expect(menuFor(ROUTE_TABLE, null).map((i) => i.label)).toEqual(["学分达标计算器"]);
  });

  it("every menu item but the calculator needs a permission", () => {
    expect(ROUTE_TABLE.filter(isMenuEntry).filter((i) => i.access === null).map((i) => i.path)).toEqual(["/calculator"]);
  });

  it("lands trainees on their year and staff on their first workspace", () => {
    expect(homeFor(ROUTE_TABLE, meFor("trainee"))).toBe("/my-credits");
    expect(homeFor(ROUTE_TABLE, meFor("county_office"))).toBe("/workbench");
    expect(homeFor(ROUTE_TABLE, null)).toBe("/calculator");
  });

  it("renders the menu of a unit account, with its role and organisation in the header", async () => {
    renderApp("/calculator", meFor("unit", { role_label: "单位", organisation: { kind: "unit", id: "u1", name: "宜良县第一人民医院" } }));
    await waitFor(() => expect(screen.getByTestId("header-organisation")).toHaveTextContent("宜良县第一人民医院"));
    expect(screen.getByTestId("header-role")).toHaveTextContent("单位");
    expect(menuLabels()).toEqual([
      "工作台",
      "学分达标计算器",
      "机构人员",
      "人员维护",
      "达标情况查询",
      "学分录入",
      "纸质学分批量录入",
      "学分审核",
      "验证信息上报",
      "验证统计",
      "继教活动",
      "公需科目",
      "账号管理",
      "接口客户端",
      "我的信息",
      "API 文档",
    ]);
  });

  it("highlights a detail page's list in the menu", async () => {
    renderApp("/staff/import", meFor("unit"));
    const menu = await screen.findByTestId("main-menu");
    await waitFor(() => expect(menu.querySelector(".ant-menu-item-selected")).toHaveTextContent("人员维护"));
  });

  it("renders the calculator alone for a visitor and sends protected pages to sign-in", async () => {
    const { router } = renderApp("/accounts", null);
    await waitFor(() => expect(router.state.location.pathname).toBe("/login"));
    await router.navigate("/calculator");
    await waitFor(() => expect(menuLabels()).toEqual(["学分达标计算器", "API 文档"]));
  });

  it("answers a page the role may not use with 无权访问", async () => {
    renderApp("/audit", meFor("department"));
    expect(await screen.findByText("无权访问")).toBeInTheDocument();
  });
});

describe("forced password change", () => {
  it("redirects every page to 修改密码 until the password is changed", async () => {
    const sent: unknown[] = [];
    const forced = meFor("county_office", { must_change_password: true });
    const app = renderApp("/org", forced, (p, request) => {
      if (p === "/api/v1/auth/password") {
        void request.clone().json().then((b) => sent.push(b));
        app.setMe({ ...forced, must_change_password: false });
        return json({ ...pair, access_token: "a2", refresh_token: "r2" });
      }
      return undefined;
    });
    await waitFor(() => expect(app.router.state.location.pathname).toBe("/account/password"));
    expect(await screen.findByTestId("password-forced")).toBeInTheDocument();

    // Even the public calculator waits.
    await app.router.navigate("/calculator");
    await waitFor(() => expect(app.router.state.location.pathname).toBe("/account/password"));

    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("当前密码"), "Init1234567");
    await user.type(screen.getByLabelText("新密码"), "NewPass2026x");
    await user.type(screen.getByLabelText("确认新密码"), "NewPass2026x");
    await user.click(screen.getByTestId("password-submit"));

    await waitFor(() => expect(app.fetch.mock.calls.map(([r]) => new URL(r.url).pathname)).toContain("/api/v1/auth/password"));
    await waitFor(() => expect(app.router.state.location.pathname).toBe("/workbench"));
    expect(sent).toEqual([{ current_password: "Init1234567", new_password: "NewPass2026x" }]);
    expect(app.session.accessToken).toBe("a2");
    await app.router.navigate("/calculator");
    await waitFor(() => expect(app.router.state.location.pathname).toBe("/calculator"));
  });

  it("checks the new password's strength before sending it", async () => {
    const app = renderApp("/account/password", meFor("unit", { must_change_password: true }));
    await screen.findByTestId("password-forced");
    const user = userEvent.setup();
    await user.type(screen.getByLabelText("当前密码"), "Init1234567");
    await user.type(screen.getByLabelText("新密码"), "short1");
    await user.type(screen.getByLabelText("确认新密码"), "short1");
    await user.click(screen.getByTestId("password-submit"));
    expect(await screen.findByText("新密码至少 10 位")).toBeInTheDocument();
    expect(app.fetch.mock.calls.some(([r]) => new URL(r.url).pathname === "/api/v1/auth/password")).toBe(false);
  });
});
