import type { Me, Operation } from "../api/types";

/** A page of the main menu and the operation it needs (null: everyone, signed in or not). */
export interface NavItem {
  path: string;
  label: string;
  permission: Operation | null;
  /** Only for accounts of these organisation kinds (e.g. a department's own report page). */
  kinds?: readonly string[];
}

/** The main menu, in order. A role sees the items its permissions allow. */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: "/calculator", label: "学分达标计算器", permission: null },
  { path: "/org", label: "机构人员", permission: "read_hierarchy" },
  { path: "/staff", label: "人员维护", permission: "manage_people" },
  { path: "/compliance", label: "达标情况查询", permission: "read_hierarchy" },
  { path: "/credit-entry", label: "学分录入", permission: "enter_credits" },
  { path: "/credit-drafts", label: "科室学分上报", permission: "enter_credits", kinds: ["department"] },
  { path: "/credit-reports", label: "学分审核", permission: "review_credits" },
  { path: "/verification-cycle", label: "验证周期设置", permission: "manage_cycle" },
  { path: "/verification-windows", label: "截止时间设置", permission: "set_windows" },
  { path: "/verification-submit", label: "验证信息上报", permission: "submit_verifications" },
  { path: "/verification-review", label: "验证审核", permission: "review_verifications" },
  { path: "/certificate-numbers", label: "生成证书编号", permission: "issue_certificate_numbers" },
  { path: "/verification-stats", label: "验证统计", permission: "read_hierarchy", kinds: ["province", "region", "unit"] },
  { path: "/seal", label: "电子印章", permission: "manage_seal" },
  { path: "/certificates", label: "证书打印", permission: "print_certificates" },
  { path: "/title-correction-review", label: "职称更正审核", permission: "review_title_corrections" },
  { path: "/title-corrections", label: "职称更正申请", permission: "request_title_correction" },
  { path: "/spot-checks", label: "抽验", permission: "spot_check" },
  { path: "/reports", label: "统计报表", permission: "read_reports" },
  { path: "/standard-editor", label: "学分标准维护", permission: "edit_standards" },
  { path: "/activities", label: "继教活动", permission: "manage_activities" },
  { path: "/courses", label: "公需科目", permission: "record_course" },
  { path: "/accounts", label: "账号管理", permission: "manage_accounts" },
  { path: "/api-clients", label: "接口客户端", permission: "manage_api_clients" },
  { path: "/audit", label: "审计日志", permission: "read_audit" },
  { path: "/my-credits", label: "我的学分", permission: "claim_activity" },
  { path: "/my-certificates", label: "我的证书", permission: "claim_activity" },
  { path: "/m/sign-in", label: "活动签到", permission: "claim_activity" },
  { path: "/me", label: "我的信息", permission: "read_self" },
];

export function can(me: Me | null | undefined, operation: Operation): boolean {
  return me?.permissions.includes(operation) ?? false;
}

export function navFor(me: Me | null | undefined): NavItem[] {
  return NAV_ITEMS.filter(
    (item) =>
      (item.permission === null || can(me, item.permission)) &&
      (!item.kinds || (me !== null && me !== undefined && item.kinds.includes(me.organisation.kind))),
  );
}

/** Where a user lands after signing in: trainees on 我的信息, staff on their first workspace. */
export function homeFor(me: Me | null | undefined): string {
  if (!me) return "/calculator";
  if (me.role === "trainee") return can(me, "read_self") ? "/me" : "/calculator";
  const first = navFor(me).find((item) => item.permission !== null && item.permission !== "read_self");
  return first?.path ?? (can(me, "read_self") ? "/me" : "/calculator");
}

/** The sign-in page for a kind of user. */
export function loginPathFor(role: string | null | undefined): string {
  return role === "trainee" ? "/trainee/login" : "/login";
}

export const PASSWORD_PATH = "/account/password";
