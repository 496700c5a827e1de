// Chinese labels for the verification cycle's wire enums (exhaustive over the generated types).
import type { ListKind, ReviewDecision, ReviewTier, SpecialReason, VerificationState, WindowTier } from "../api/types";

export const LIST_KIND_LABELS: Record<ListKind, string> = {
  normal: "正常验证",
  make_up: "补验",
  special: "特殊人员",
};

export const VERIFICATION_STATE_LABELS: Record<VerificationState, string> = {
  prepared: "待上报",
  in_review: "审核中",
  returned: "已退回",
  approved: "已通过",
  certified: "已发证书编号",
};

export const VERIFICATION_STATE_COLORS: Record<VerificationState, string> = {
  prepared: "default",
  in_review: "processing",
  returned: "error",
  approved: "success",
  certified: "green",
};

export const WINDOW_TIER_LABELS: Record<WindowTier, string> = {
  county_and_above: "县级以上学分验证上报",
  township: "乡镇级学分验证上报",
  village: "村级学分验证上报",
};

export const SPECIAL_REASON_LABELS: Record<SpecialReason, string> = {
  further_study: "进修",
  rural_service: "下乡",
  residency: "规培",
  front_line: "援外或抗疫一线（视为合格）",
};

export const REVIEW_TIER_LABELS: Record<ReviewTier, string> = {
  department: "科室",
  unit: "单位",
  county_office: "县市区继教委办公室",
  prefecture_office: "州市继教委办公室",
  province_western: "省科教处",
  province_tcm: "省中医处",
  system_admin: "系统管理员",
  trainee: "学员",
};

export const DECISION_LABELS: Record<ReviewDecision, string> = {
  approve: "通过",
  return: "退回",
};

/** The pass rate below which an institution goes back to re-verify (SPEC §5): the 95% line. */
export const PASS_LINE_PERMILLE = 950;

/** The statistics' groupings. */
export const STATS_BY_LABELS = { unit: "按单位", county: "按县市区", prefecture: "按州市" } as const;
export type StatsBy = keyof typeof STATS_BY_LABELS;
