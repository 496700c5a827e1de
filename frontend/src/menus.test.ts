import { describe, expect, it } from "vitest";
import type { Operation, OrganisationKind } from "./api/types";
import { isMenuEntry, menuFor } from "./navigation";
import { ROUTE_TABLE } from "./routes";
import { KINDS, type RoleName, meFor } from "./test/policy";

// A role sees exactly what it may use: every menu entry is walked against
// every demo account (crates/server/src/demo.rs DEMO_ACCOUNTS, and a trainee,
// whose account a first sign-in creates).

/**
 * What each menu page needs of the API, read from the handlers its work calls
 * (crates/api/src/routes), independently of the route table's `access`: the
 * operation, and the organisations the handler serves when it checks that too.
 */
const PAGE_NEEDS: Record<string, { op: Operation | null; kinds?: OrganisationKind[]; calls: string }> = {
  "/calculator": { op: null, calls: "POST /compliance/evaluate (public)" },
  "/workbench": { op: "read_hierarchy", calls: "GET /workbench" },
  "/org": { op: "read_hierarchy", calls: "GET /regions, /units, /people" },
  "/staff": { op: "manage_people", calls: "POST /people, PUT /people/{id}, titles, status" },
  "/compliance": { op: "read_hierarchy", calls: "GET /compliance, /compliance/export" },
  "/credit-entry": { op: "enter_credits", calls: "POST /people/{id}/credits" },
  "/credit-grid": { op: "enter_credits", calls: "POST /credits/batch, /credits/batch/read, GET /credits/batch/template" },
  // A unit's entries count at once: only a department has drafts to report (`department_of`).
  "/credit-drafts": { op: "enter_credits", kinds: ["department"], calls: "GET /credit-drafts, POST /credit-reports" },
  "/credit-reports": { op: "review_credits", calls: "POST /credit-reports/{id}/decisions" },
  "/verification-cycle": { op: "manage_cycle", calls: "PUT /cycles/{year}" },
  "/verification-windows": { op: "set_windows", calls: "PUT /cycles/{year}/windows/{tier}" },
  // `submitter`: a unit or a department, whoever else holds the operation.
  "/verification-submit": { op: "submit_verifications", kinds: ["unit", "department"], calls: "GET /verifications/candidates, POST /verifications" },
  "/verification-review": { op: "review_verifications", calls: "GET /reviews/queue, /reviews/summary, POST /reviews/decisions" },
  "/certificate-numbers": { op: "issue_certificate_numbers", calls: "POST /certificate-numbers" },
  // `office_scope` serves departments too; their figures are 统计报表's (below), so 验证统计 is not listed for them.
  "/verification-stats": { op: "read_hierarchy", kinds: ["province", "region", "unit"], calls: "GET /verification-stats" },
  "/seal": { op: "manage_seal", calls: "GET/PUT/DELETE /seals/mine" },
  "/certificates": { op: "print_certificates", calls: "POST /certificates/search, /certificates/print" },
  "/title-correction-review": { op: "review_title_corrections", calls: "GET /title-corrections, POST /title-corrections/{id}/decisions" },
  "/title-corrections": { op: "request_title_correction", calls: "POST /title-corrections" },
  "/spot-checks": { op: "spot_check", calls: "GET/POST /spot-checks" },
  "/reports": { op: "read_reports", calls: "GET /verification-stats, /verification-stats/export" },
  "/standard-editor": { op: "edit_standards", calls: "GET/PUT /standards/{year}/draft, publish" },
  "/activities": { op: "manage_activities", calls: "GET/POST /activities" },
  "/courses": { op: "record_course", calls: "POST /course-completions/import" },
  "/units": { op: "manage_units", calls: "GET/POST /units, /units/{id}/move, merge, close, /units/import" },
  "/departments": { op: "manage_departments", calls: "GET/POST /units/{id}/departments, PATCH /departments/{id}, close" },
  "/accounts": { op: "manage_accounts", calls: "GET/POST /accounts" },
  "/api-clients": { op: "manage_api_clients", calls: "GET/POST /api-clients" },
  "/audit": { op: "read_audit", calls: "GET /audit" },
  "/support-desk": { op: "edit_support", calls: "GET /support/mine, PUT /support/{id}" },
  // The trainee's own pages answer 403 to anyone but a person (`Scope::Person`).
  "/my-credits": { op: "read_self", kinds: ["person"], calls: "GET /me/compliance" },
  "/my-certificates": { op: "read_self", kinds: ["person"], calls: "GET /me/certificates" },
  "/m/sign-in": { op: "claim_activity", calls: "POST /activities/sign-in" },
  "/me": { op: "read_self", calls: "GET /me" },
};

const CALCULATOR = "学分达标计算器";
const WORKBENCH = "工作台";
const ADMIN = [WORKBENCH, CALCULATOR, "机构人员", "达标情况查询", "验证周期设置", "截止时间设置", "验证统计", "统计报表", "学分标准维护", "账号管理", "接口客户端", "审计日志", "我的信息"];
const PROVINCE = [
  WORKBENCH, CALCULATOR, "机构人员", "达标情况查询", "验证周期设置", "截止时间设置", "验证审核", "生成证书编号", "验证统计", "电子印章", "证书打印",
  "职称更正审核", "抽验", "统计报表", "学分标准维护", "继教活动", "公需科目", "单位管理", "账号管理", "接口客户端", "审计日志", "技术支持维护", "我的信息",
];
const PREFECTURE = PROVINCE.filter((l) => l !== "验证周期设置" && l !== "学分标准维护");
const COUNTY = PREFECTURE.filter((l) => l !== "抽验");
const UNIT = [
  WORKBENCH, CALCULATOR, "机构人员", "人员维护", "达标情况查询", "学分录入", "纸质学分批量录入", "学分审核", "验证信息上报", "验证统计", "证书打印", "职称更正审核",
  "职称更正申请", "统计报表", "继教活动", "公需科目", "科室管理", "账号管理", "接口客户端", "我的信息",
];
const DEPARTMENT = [WORKBENCH, CALCULATOR, "机构人员", "人员维护", "达标情况查询", "学分录入", "纸质学分批量录入", "科室学分上报", "验证信息上报", "证书打印", "统计报表", "我的信息"];
const TRAINEE = [CALCULATOR, "职称更正申请", "我的学分", "我的证书", "活动签到", "我的信息"];

/** Every demo account: its role, its organisation, the menu it must see. */
const DEMO_ACCOUNTS: [username: string, role: RoleName, organisation: string, menu: string[]][] = [
  ["admin", "system_admin", "云南省", ADMIN],
  ["kjc", "province_western", "云南省", PROVINCE],
  ["zyc", "province_tcm", "云南省", PROVINCE],
  ["km", "prefecture_office", "昆明市", PREFECTURE],
  ["dl", "prefecture_office", "大理州", PREFECTURE],
  ["yiliang", "county_office", "宜良县", COUNTY],
  ["xuanwei", "county_office", "宣威市", COUNTY],
  ["ylyy", "unit", "宜良县第一人民医院", UNIT],
  ["ylyy-nk", "department", "宜良县第一人民医院内科", DEPARTMENT],
  ["ylzyy", "unit", "宜良县中医医院", UNIT],
  ["gjwsy", "unit", "宜良县狗街镇卫生院", UNIT],
  // A village clinic holds the unit role, so the server grants it 继教活动 and 接口客户端
  // like a hospital (`allows` knows roles, not unit levels, and /me does not carry the
  // level): the menu follows the grant. Narrowing it is the server's policy to change.
  ["xscws", "unit", "宜良县狗街镇小哨村卫生室", UNIT],
  ["trainee", "trainee", "宜良县第一人民医院", TRAINEE],
];

function allowed(role: RoleName, path: string): boolean {
  const needs = PAGE_NEEDS[path]!;
  const me = meFor(role);
  if (needs.op !== null && !me.permissions.includes(needs.op)) return false;
  return !needs.kinds || needs.kinds.includes(KINDS[role]);
}

describe("each demo account's menu", () => {
  it("names every menu page's needs", () => {
    expect(Object.keys(PAGE_NEEDS).sort()).toEqual(ROUTE_TABLE.filter(isMenuEntry).map((e) => e.path).sort());
  });

  it.each(DEMO_ACCOUNTS)("%s (%s, %s) sees exactly its pages", (username, role, organisation, menu) => {
    const me = meFor(role, username, organisation);
    const listed = menuFor(ROUTE_TABLE, me);
    expect(listed.map((e) => e.label)).toEqual(menu);
    // Exactly what it may use: every page listed answers it, every page that would is listed.
    const usable = ROUTE_TABLE.filter(isMenuEntry)
      .filter((e) => allowed(role, e.path))
      .map((e) => e.path);
    expect(listed.map((e) => e.path)).toEqual(usable);
  });

  it("lists 验证信息上报 for no province account", () => {
    for (const role of ["system_admin", "province_western", "province_tcm"] as const) {
      expect(menuFor(ROUTE_TABLE, meFor(role)).map((e) => e.path)).not.toContain("/verification-submit");
    }
  });
});
