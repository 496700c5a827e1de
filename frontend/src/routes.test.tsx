import { Suspense, isValidElement, type ReactElement, type ReactNode } from "react";
import { matchRoutes, type RouteObject } from "react-router";
import { describe, expect, it } from "vitest";
import { homeFor, isMenuEntry, menuFor, menuKeyOf, type RouteHandle } from "./navigation";
import { ROUTE_TABLE, buildRoutes } from "./routes";
import { ROLES, type RoleName, meFor } from "./test/policy";

// The expectations below were written from the code before the route table
// (routes.tsx, permissions.ts NAV_ITEMS, BasicLayout's ICONS and selectedKey):
// the table must change nothing a user can see or reach.

/**
 * Every route: [path, frame, access enforced by RequireAuth ("-": none), page
 * (its module's file, or its folder for an index)]. Changed since the table:
 * the trainee's pages left the shell for their own frame (TraineeLayout, "bare"),
 * and 我的 (/my-profile) is new; so are the bell's pages (/notifications…).
 */
const ROUTES_BEFORE: [string, string, string, string][] = [
  ["/v/:token", "public", "-", "TokenPage"],
  ["/verify", "public", "-", "VerifyPage"],
  ["/support", "public", "-", "support"],
  ["/login", "bare", "-", "login"],
  ["/trainee/login", "bare", "-", "trainee-login"],
  ["/m/sign-in", "bare", "-", "sign-in"],
  ["/activities/:activityId/screen", "bare", "manage_activities", "SignInScreen"],
  ["/", "menu", "-", "Home"],
  ["/calculator", "menu", "-", "calculator"],
  ["/workbench", "menu", "read_hierarchy", "workbench"],
  ["/account/password", "menu", "signed_in", "password"],
  ["/me", "menu", "read_self", "me"],
  ["/org", "menu", "read_hierarchy", "org"],
  ["/org/units/:unitId", "menu", "read_hierarchy", "UnitPage"],
  ["/staff", "menu", "manage_people", "people"],
  ["/staff/import", "menu", "manage_people", "ImportPage"],
  ["/compliance", "menu", "read_hierarchy", "compliance"],
  ["/compliance/people/:personId/:year", "menu", "read_hierarchy", "PersonYearPage"],
  ["/credit-entry", "menu", "enter_credits", "credit-entry"],
  ["/credit-grid", "menu", "enter_credits", "credit-grid"],
  ["/credit-drafts", "menu", "enter_credits", "credit-drafts"],
  ["/credit-reports", "menu", "review_credits", "credit-reports"],
  ["/credit-reports/:reportId", "menu", "read_hierarchy", "ReportPage"],
  ["/verification-cycle", "menu", "manage_cycle", "CyclePage"],
  ["/verification-windows", "menu", "set_windows", "WindowsPage"],
  ["/verification-submit", "menu", "submit_verifications", "SubmitPage"],
  ["/verification-review", "menu", "review_verifications", "ReviewPage"],
  ["/certificate-numbers", "menu", "issue_certificate_numbers", "NumbersPage"],
  ["/verification-stats", "menu", "read_hierarchy", "StatsPage"],
  ["/spot-checks", "menu", "spot_check", "spot-checks"],
  ["/spot-checks/:checkId", "menu", "spot_check", "CheckPage"],
  ["/reports", "menu", "read_reports", "reports"],
  ["/standard-editor", "menu", "edit_standards", "standards"],
  ["/seal", "menu", "manage_seal", "SealPage"],
  ["/certificates", "menu", "print_certificates", "PrintPage"],
  ["/my-certificates", "bare", "claim_activity", "certificates"],
  ["/title-corrections", "menu", "request_title_correction", "RequestPage"],
  ["/title-correction-review", "menu", "review_title_corrections", "ReviewPage"],
  ["/activities", "menu", "manage_activities", "activities"],
  ["/activities/:activityId", "menu", "manage_activities", "ActivityPage"],
  ["/courses", "menu", "record_course", "courses"],
  ["/my-credits", "bare", "claim_activity", "credits"],
  ["/my-credits/:year", "bare", "claim_activity", "YearPage"],
  ["/units", "menu", "manage_units", "units"],
  ["/units/import", "menu", "manage_units", "ImportPage"],
  ["/departments", "menu", "manage_departments", "departments"],
  ["/accounts", "menu", "manage_accounts", "accounts"],
  ["/api-clients", "menu", "manage_api_clients", "api-clients"],
  ["/audit", "menu", "read_audit", "audit"],
  ["/support-desk", "menu", "edit_support", "support"],
  ["/*", "menu", "-", "denied"],
  ["/my-profile", "bare", "claim_activity", "profile"],
  // The bell's pages (issue 17): every signed-in account's, the trainee's in his frame.
  ["/notifications", "menu", "signed_in", "notifications"],
  ["/notifications/preferences", "menu", "signed_in", "PreferencesPage"],
  ["/my-notifications", "bare", "claim_activity", "notifications"],
];

/** The menu before the table (permissions.ts NAV_ITEMS and BasicLayout ICONS): [path, label, access, icon, kinds]. */
const MENU_BEFORE: [string, string, string | null, string, string[] | null][] = [
  ["/workbench", "工作台", "read_hierarchy", "DashboardOutlined", null],
  ["/calculator", "学分达标计算器", null, "CalculatorOutlined", null],
  ["/org", "机构人员", "read_hierarchy", "ClusterOutlined", null],
  ["/staff", "人员维护", "manage_people", "SolutionOutlined", null],
  ["/compliance", "达标情况查询", "read_hierarchy", "FileSearchOutlined", null],
  ["/credit-entry", "学分录入", "enter_credits", "EditOutlined", null],
  ["/credit-grid", "纸质学分批量录入", "enter_credits", "TableOutlined", null],
  ["/credit-drafts", "科室学分上报", "enter_credits", "SendOutlined", ["department"]],
  ["/credit-reports", "学分审核", "review_credits", "CheckSquareOutlined", null],
  ["/verification-cycle", "验证周期设置", "manage_cycle", "CalendarOutlined", null],
  ["/verification-windows", "截止时间设置", "set_windows", "FieldTimeOutlined", null],
  // Since issue 15: listed for units and departments only, as the API submits for nobody else.
  ["/verification-submit", "验证信息上报", "submit_verifications", "CloudUploadOutlined", ["unit", "department"]],
  ["/verification-review", "验证审核", "review_verifications", "SafetyCertificateOutlined", null],
  ["/certificate-numbers", "生成证书编号", "issue_certificate_numbers", "NumberOutlined", null],
  ["/verification-stats", "验证统计", "read_hierarchy", "BarChartOutlined", ["province", "region", "unit"]],
  ["/seal", "电子印章", "manage_seal", "CopyrightOutlined", null],
  ["/certificates", "证书打印", "print_certificates", "PrinterOutlined", null],
  ["/title-correction-review", "职称更正审核", "review_title_corrections", "AuditOutlined", null],
  ["/title-corrections", "职称更正申请", "request_title_correction", "FormOutlined", null],
  ["/spot-checks", "抽验", "spot_check", "ExperimentOutlined", null],
  ["/reports", "统计报表", "read_reports", "FundOutlined", null],
  ["/standard-editor", "学分标准维护", "edit_standards", "SlidersOutlined", null],
  ["/activities", "继教活动", "manage_activities", "NotificationOutlined", null],
  ["/courses", "公需科目", "record_course", "ReadOutlined", null],
  ["/units", "单位管理", "manage_units", "ApartmentOutlined", null],
  ["/departments", "科室管理", "manage_departments", "PartitionOutlined", null],
  ["/accounts", "账号管理", "manage_accounts", "TeamOutlined", null],
  ["/api-clients", "接口客户端", "manage_api_clients", "KeyOutlined", null],
  ["/audit", "审计日志", "read_audit", "AuditOutlined", null],
  ["/support-desk", "技术支持维护", "edit_support", "CustomerServiceOutlined", null],
  ["/my-credits", "我的学分", "claim_activity", "TrophyOutlined", null],
  ["/my-certificates", "我的证书", "claim_activity", "SafetyCertificateOutlined", null],
  ["/m/sign-in", "活动签到", "claim_activity", "QrcodeOutlined", null],
  ["/me", "我的信息", "read_self", "IdcardOutlined", null],
];

/** Each role's menu and home page before the table, under the backend's whole policy. */
const MENUS_BEFORE: Record<RoleName | "signed_out", { menu: string[]; home: string }> = {
  system_admin: {
    menu: ["/workbench",  "/calculator",  "/org",  "/compliance",  "/verification-cycle",  "/verification-windows",  "/verification-stats",  "/reports",  "/standard-editor",  "/accounts",  "/api-clients",  "/audit",  "/me"],
    home: "/workbench",
  },
  province_western: {
    menu: ["/workbench",  "/calculator",  "/org",  "/compliance",  "/verification-cycle",  "/verification-windows",  "/verification-review",  "/certificate-numbers",  "/verification-stats",  "/seal",  "/certificates",  "/title-correction-review",  "/spot-checks",  "/reports",  "/standard-editor",  "/activities",  "/courses",  "/units",  "/accounts",  "/api-clients",  "/audit",  "/support-desk",  "/me"],
    home: "/workbench",
  },
  province_tcm: {
    menu: ["/workbench",  "/calculator",  "/org",  "/compliance",  "/verification-cycle",  "/verification-windows",  "/verification-review",  "/certificate-numbers",  "/verification-stats",  "/seal",  "/certificates",  "/title-correction-review",  "/spot-checks",  "/reports",  "/standard-editor",  "/activities",  "/courses",  "/units",  "/accounts",  "/api-clients",  "/audit",  "/support-desk",  "/me"],
    home: "/workbench",
  },
  prefecture_office: {
    menu: ["/workbench",  "/calculator",  "/org",  "/compliance",  "/verification-windows",  "/verification-review",  "/certificate-numbers",  "/verification-stats",  "/seal",  "/certificates",  "/title-correction-review",  "/spot-checks",  "/reports",  "/activities",  "/courses",  "/units",  "/accounts",  "/api-clients",  "/audit",  "/support-desk",  "/me"],
    home: "/workbench",
  },
  county_office: {
    menu: ["/workbench",  "/calculator",  "/org",  "/compliance",  "/verification-windows",  "/verification-review",  "/certificate-numbers",  "/verification-stats",  "/seal",  "/certificates",  "/title-correction-review",  "/reports",  "/activities",  "/courses",  "/units",  "/accounts",  "/api-clients",  "/audit",  "/support-desk",  "/me"],
    home: "/workbench",
  },
  unit: {
    menu: ["/workbench",  "/calculator",  "/org",  "/staff",  "/compliance",  "/credit-entry",  "/credit-grid",  "/credit-reports",  "/verification-submit",  "/verification-stats",  "/certificates",  "/title-correction-review",  "/title-corrections",  "/reports",  "/activities",  "/courses",  "/departments",  "/accounts",  "/api-clients",  "/me"],
    home: "/workbench",
  },
  department: {
    menu: ["/workbench",  "/calculator",  "/org",  "/staff",  "/compliance",  "/credit-entry",  "/credit-grid",  "/credit-drafts",  "/verification-submit",  "/certificates",  "/reports",  "/me"],
    home: "/workbench",
  },
  trainee: {
    menu: ["/calculator",  "/title-corrections",  "/my-credits",  "/my-certificates",  "/m/sign-in",  "/me"],
    // Since the phone app: his year, what is still missing.
    home: "/my-credits",
  },
  signed_out: {
    menu: ["/calculator"],
    home: "/calculator",
  },
};

/** A lazy page's module as its loader names it (`./pages/staff/org/UnitPage`, or vitest's `/src/…`); null when not lazy. */
function lazyModule(type: unknown): string | null {
  const loader = (type as { _payload?: { _result?: unknown } } | null)?._payload?._result;
  if (typeof loader !== "function") return null;
  const spec = /["'](?:\.|\/src)\/([^"']+)["']/.exec(String(loader))?.[1];
  return spec ? spec.replace(/\.tsx?$/, "").replace(/\/index$/, "") : "?";
}

/** A component's name: a lazy page's file (`UnitPage`, `org` for an index), or its function's name. */
function nameOf(type: unknown): string {
  if (typeof type === "string") return type;
  if (type === Suspense) return "Suspense";
  const module = lazyModule(type);
  if (module) return module === "antd" ? "AntdProviders" : module.split("/").at(-1)!;
  const t = type as { displayName?: string; name?: string };
  return t.displayName ?? t.name ?? "?";
}

/** The page inside a route's element: through Suspense and antd's providers. */
function pageElement(element: ReactElement<{ children?: ReactNode }>): ReactElement<{ children?: ReactNode }> {
  const name = nameOf(element.type);
  if ((name === "Suspense" || name === "AntdProviders") && isValidElement(element.props.children)) {
    return pageElement(element.props.children as ReactElement<{ children?: ReactNode }>);
  }
  return element;
}

interface Flat {
  path: string;
  frame: string;
  access: string;
  page: string;
  route: RouteObject;
}

/** The router's leaves with their absolute paths and the frame (the layout routes above them). */
function flatten(routes: RouteObject[], base = "", layouts: string[] = []): Flat[] {
  return routes.flatMap((r) => {
    const path = r.index ? base || "/" : r.path === undefined ? base : r.path.startsWith("/") ? r.path : `${base === "/" ? "" : base}/${r.path}`;
    const element = isValidElement(r.element) ? (r.element as ReactElement<{ permission?: string; children?: ReactNode }>) : null;
    if (r.children) return flatten(r.children, path, [...layouts, element ? nameOf(pageElement(element).type) : "-"]);
    let access = "-";
    let page = element ? nameOf(element.type) : "-";
    if (element && page === "RequireAuth") {
      access = element.props.permission ?? "signed_in";
      page = nameOf(pageElement(element.props.children as ReactElement<{ children?: ReactNode }>).type);
    } else if (element) {
      page = nameOf(pageElement(element).type);
    }
    const frame = layouts.includes("BasicLayout") ? "menu" : layouts.includes("AuthProvider") ? "bare" : "public";
    return [{ path, frame, access, page, route: r }];
  });
}

/** The old menu's highlighted key: the first path segment (`/m/sign-in` whole). */
function selectedKeyBefore(pathname: string): string {
  const parts = pathname.split("/").filter(Boolean);
  if (parts[0] === "m" && parts[1]) return `/m/${parts[1]}`;
  return parts[0] ? `/${parts[0]}` : "/";
}

/** A URL of a route pattern: `/org/units/:unitId` → `/org/units/x1`. */
function sample(path: string): string {
  return path.replace(/:\w+/g, "x1").replace("/*", "/no-such-page");
}

describe("the route table", () => {
  const flat = flatten(buildRoutes());

  it("derives the same routes, frames, guards and pages as before", () => {
    const byPath = (a: [string, ...unknown[]], b: [string, ...unknown[]]) => a[0].localeCompare(b[0]);
    expect(flat.map((f) => [f.path, f.frame, f.access, f.page] as [string, string, string, string]).sort(byPath)).toEqual(
      [...ROUTES_BEFORE].sort(byPath),
    );
  });

  it("derives the same menu items, labels, icons and order as before", () => {
    const menu = ROUTE_TABLE.filter(isMenuEntry).map((e) => [
      e.path,
      e.label,
      e.access,
      e.icon,
      e.kinds ? [...e.kinds] : null,
    ]);
    expect(menu).toEqual(MENU_BEFORE);
  });

  it.each([...ROLES, "signed_out" as const])("gives %s the same menu and home page as before", (role) => {
    const me = role === "signed_out" ? null : meFor(role);
    expect(menuFor(ROUTE_TABLE, me).map((e) => e.path)).toEqual(MENUS_BEFORE[role].menu);
    expect(homeFor(ROUTE_TABLE, me)).toBe(MENUS_BEFORE[role].home);
  });

  it("routes every menu item's path, and every path once", () => {
    const paths = flat.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const entry of ROUTE_TABLE.filter(isMenuEntry)) expect(paths).toContain(entry.path);
  });

  it("has each route carry its table row, which its URL matches", () => {
    const routes = buildRoutes();
    for (const entry of ROUTE_TABLE) {
      const matches = matchRoutes(routes, sample(entry.path)) ?? [];
      expect((matches.at(-1)?.route.handle as RouteHandle | undefined)?.entry, entry.path).toBe(entry);
    }
  });

  it("places hidden pages under a menu item, highlighting what the old menu highlighted", () => {
    const menuPaths = new Set(ROUTE_TABLE.filter(isMenuEntry).map((e) => e.path));
    for (const entry of ROUTE_TABLE) {
      if (!isMenuEntry(entry) && entry.parent !== undefined) expect(menuPaths, entry.path).toContain(entry.parent);
      // Only the shell shows the menu. The old key of a page outside the menu (`/account`, `/`) highlighted
      // nothing, and neither does the table; on the 404 page it now highlights nothing either.
      if (entry.frame !== "menu" || entry.path === "/*") continue;
      const before = selectedKeyBefore(sample(entry.path));
      expect(menuKeyOf(entry), entry.path).toBe(menuPaths.has(before) ? before : undefined);
    }
  });
});
