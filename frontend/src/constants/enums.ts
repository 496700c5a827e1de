// Chinese labels for the wire enums. Typed as exhaustive records so a new
// enum value in the OpenAPI document fails the type check until labelled.
import type {
  CreditKind,
  CreditSource,
  Discipline,
  NotCountedReason,
  TitleLevel,
  UnitLevel,
} from "../api/types";
import type { Gender, Medicine, Operation, PersonStatus, RegionLevel, Role } from "../api/types";
import type { CreditState, EntryPath, ImportMode, Outcome, RosterOutcome, ShortfallCode } from "../api/types";

export const UNIT_LEVEL_LABELS: Record<UnitLevel, string> = {
  provincial: "省级机构",
  prefecture: "州市级",
  county: "县级",
  township: "乡镇/社区",
  village: "乡村医生",
};

export const TITLE_LEVEL_LABELS: Record<TitleLevel, string> = {
  senior: "高级",
  intermediate: "中级",
  junior: "初级",
};

export const DISCIPLINE_LABELS: Record<Discipline, string> = {
  clinical: "临床、检验、放射等类",
  nursing_public_health: "护理、公卫类",
};

export const CREDIT_KIND_LABELS: Record<CreditKind, string> = {
  project: "项目学分",
  self_managed: "自管学分",
};

export const CREDIT_SOURCE_LABELS: Record<CreditSource, string> = {
  national: "国家级 I类",
  provincial: "省级 I类",
  distance_i: "远程 I类",
  prefecture: "州市级 II类",
  distance_ii: "远程 II类",
};

export const NOT_COUNTED_REASON_LABELS: Record<NotCountedReason, string> = {
  over_cap: "超出上限",
  not_valid: "无效",
};

/** Unit levels whose standard does not depend on the title. */
export const TITLE_INDEPENDENT_UNIT_LEVELS: readonly UnitLevel[] = ["township", "village"];

export function options<K extends string>(labels: Record<K, string>): { value: K; label: string }[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}

// ---- accounts, hierarchy (issue 3) ------------------------------------------

export const ROLE_LABELS: Record<Role, string> = {
  system_admin: "系统管理员",
  province_western: "省继教委办公室(科教处)",
  province_tcm: "省继教委办公室(中医处)",
  prefecture_office: "州市继教委办公室",
  county_office: "县市区继教委办公室",
  unit: "单位",
  department: "科室",
  trainee: "学员",
  api_client: "外部系统",
};

export const OPERATION_LABELS: Record<Operation, string> = {
  read_hierarchy: "查看机构人员",
  reveal_id_number: "查看完整身份证号",
  manage_accounts: "管理下级账号",
  manage_api_clients: "管理接口客户端",
  read_audit: "查看审计日志",
  read_self: "查看本人信息",
  manage_people: "人员维护",
  enter_credits: "录入学分",
  review_credits: "审核学分",
  manage_activities: "管理继教活动",
  claim_activity: "活动签到",
  record_course: "登记公需科目",
  recompute_compliance: "重算达标情况",
  manage_cycle: "验证周期设置",
  set_windows: "截止时间设置",
  submit_verifications: "验证信息上报",
  review_verifications: "验证审核",
  issue_certificate_numbers: "生成证书编号",
};

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = {
  province: "省",
  prefecture: "州市",
  county: "县市区",
};

export const MEDICINE_LABELS: Record<Medicine, string> = {
  western: "西医",
  tcm: "中医",
};

export const PERSON_STATUS_LABELS: Record<PersonStatus, string> = {
  normal: "正常",
  exempt: "不计达标",
  cancelled: "注销",
};

export const PERSON_STATUS_COLORS: Record<PersonStatus, string> = {
  normal: "green",
  exempt: "orange",
  cancelled: "default",
};

export const GENDER_LABELS: Record<Gender, string> = {
  male: "男",
  female: "女",
};

/** A label for a value the type may not know yet (a new enum value on the wire). */
export function labelOf<K extends string>(labels: Record<K, string>, value: string | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  return (labels as Record<string, string>)[value] ?? value;
}

// ---- credits, compliance, activities (issue 4) ------------------------------

export const OUTCOME_LABELS: Record<Outcome, string> = {
  compliant: "达标",
  non_compliant: "不达标",
  not_counted: "不计达标",
  undetermined: "无法判定",
};

export const OUTCOME_COLORS: Record<Outcome, string> = {
  compliant: "success",
  non_compliant: "error",
  not_counted: "default",
  undetermined: "warning",
};

export const CREDIT_STATE_LABELS: Record<CreditState, string> = {
  draft: "科室草稿",
  pending: "待审核",
  valid: "有效",
  rejected: "审核不通过",
  reversed: "已冲销",
  reversal: "冲销记录",
};

export const CREDIT_STATE_COLORS: Record<CreditState, string> = {
  draft: "default",
  pending: "processing",
  valid: "success",
  rejected: "error",
  reversed: "warning",
  reversal: "purple",
};

export const ENTRY_PATH_LABELS: Record<EntryPath, string> = {
  electronic: "电子学分",
  paper_unit: "单位录入",
  paper_department: "科室录入",
  paper_verification: "纸质验证",
};

export const SHORTFALL_CODE_LABELS: Record<ShortfallCode, string> = {
  i_national: "I类国家级",
  i_provincial: "I类省级",
  i_national_provincial: "I类国家级+省级",
  i_subtotal: "I类小计",
  ii_subtotal: "II类小计",
  self_managed: "自管学分",
  total: "总学分",
  mandatory_course: "全员培训（公需科目）",
};

export const ROSTER_OUTCOME_LABELS: Record<RosterOutcome, string> = {
  credited: "已记入",
  invalid_id_number: "身份证号无效",
  unknown_person: "查无此人",
  out_of_jurisdiction: "不在管辖范围",
  already_signed_in: "已签到",
  duplicate_row: "重复行",
  locked: "年度已锁定",
};

export const IMPORT_MODE_LABELS: Record<ImportMode, string> = {
  check: "仅校验，不写入",
  all: "全部导入（有错误则不写入）",
  valid_only: "仅导入正确的行",
};

