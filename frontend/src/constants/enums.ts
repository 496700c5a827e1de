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
