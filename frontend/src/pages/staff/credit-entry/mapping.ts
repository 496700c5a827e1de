// The paper-credit wizard's choices and their wire form (向导录入).
import type { ApiProblem } from "../../../api/client";
import type { CreditEntryRequest, CreditKind, CreditSource } from "../../../api/types";

/** 学分类别 as the wizard asks it: I类 or II类 project credits, or 自管学分. */
export type CreditClass = "i" | "ii" | "self_managed";

export const CLASS_OPTIONS: { value: CreditClass; label: string; hint: string }[] = [
  { value: "i", label: "I类（项目学分）", hint: "国家级、省级或远程I类继续医学教育项目" },
  { value: "ii", label: "II类（项目学分）", hint: "州市级或远程II类继续医学教育项目" },
  { value: "self_managed", label: "自管学分", hint: "本单位组织的学术讲座、病例讨论等" },
];

export const LEVEL_OPTIONS: Record<"i" | "ii", { value: CreditSource; label: string }[]> = {
  i: [
    { value: "national", label: "国家级" },
    { value: "provincial", label: "省级" },
    { value: "distance_i", label: "远程I类" },
  ],
  ii: [
    { value: "prefecture", label: "州市级" },
    { value: "distance_ii", label: "远程II类" },
  ],
};

/** The wire kind and source of a class and level; null while the level is missing. */
export function toCategory(
  cls: CreditClass | undefined,
  level: CreditSource | undefined,
): { kind: CreditKind; source: CreditSource | null } | null {
  if (cls === "self_managed") return { kind: "self_managed", source: null };
  if (cls !== "i" && cls !== "ii") return null;
  if (!level || !LEVEL_OPTIONS[cls].some((o) => o.value === level)) return null;
  return { kind: "project", source: level };
}

/** The wizard's class and level of a wire source (the reverse of toCategory). */
export function classOf(source: CreditSource | null | undefined): CreditClass {
  if (!source) return "self_managed";
  return LEVEL_OPTIONS.i.some((o) => o.value === source) ? "i" : "ii";
}

/** A human label: "I类 · 国家级", "自管学分". */
export function categoryText(cls: CreditClass | undefined, level: CreditSource | undefined): string {
  if (cls === "self_managed") return "自管学分";
  if (cls !== "i" && cls !== "ii") return "—";
  const l = LEVEL_OPTIONS[cls].find((o) => o.value === level);
  return `${cls === "i" ? "I类" : "II类"} · ${l?.label ?? "—"}`;
}

/** The most one paper credit may award: the national ceiling per project (the server's `Credits::MAX_SINGLE`). */
export const MAX_AMOUNT = 25;

/**
 * A credit amount typed by hand: a positive number with at most one decimal
 * ("2", "2.5", "0.5"; not "2.55", "-1", "0", "abc"). Returns tenths-exact
 * numbers or an error message.
 */
export function parseAmount(text: string | undefined | null): { value: number } | { error: string } {
  const t = (text ?? "").trim().replace(/．/g, ".").replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10));
  if (t === "") return { error: "请填写学分" };
  if (!/^\d+(\.\d)?$/.test(t)) return { error: "学分为正数，最多一位小数" };
  const value = Number(t);
  if (value <= 0) return { error: "学分须大于 0" };
  if (value > MAX_AMOUNT) return { error: `单项学分不能超过 ${MAX_AMOUNT} 分` };
  return { value };
}

export interface WizardValues {
  year: number;
  credit_class: CreditClass;
  source?: CreditSource;
  activity_name: string;
  organiser?: string;
  earned_on: string;
  amount: string;
  certificate_no: string;
  note?: string;
}

/** The request body of the wizard's values; throws when a required choice is missing. */
export function toRequest(v: WizardValues): CreditEntryRequest {
  const category = toCategory(v.credit_class, v.source);
  if (!category) throw new Error("credit class and level are required");
  const amount = parseAmount(v.amount);
  if ("error" in amount) throw new Error(amount.error);
  const organiser = v.organiser?.trim();
  const note = v.note?.trim();
  return {
    year: v.year,
    kind: category.kind,
    ...(category.source ? { source: category.source } : {}),
    amount: amount.value,
    activity_name: v.activity_name.trim(),
    ...(organiser ? { organiser } : {}),
    earned_on: v.earned_on,
    certificate_no: v.certificate_no.trim(),
    ...(note ? { note } : {}),
  };
}

/** The wizard's steps and the form fields each holds. */
export const STEP_FIELDS: readonly (readonly string[])[] = [
  ["year", "credit_class", "source"],
  ["activity_name", "organiser", "earned_on", "amount", "certificate_no", "note"],
];

/** Wire field → form field (the wire's `kind` is the wizard's class). */
export const WIRE_TO_FORM: Record<string, string> = { kind: "credit_class" };

/** Conflicts that are about one field. */
export const CONFLICT_FIELDS: Record<string, string> = { duplicate_certificate: "certificate_no" };

/** The first step showing one of the problem's fields, or null when none does. */
export function stepOfProblem(problem: ApiProblem): number | null {
  const names = problem.errors.map((e) => WIRE_TO_FORM[e.field] ?? e.field.split(/[.[]/)[0] ?? e.field);
  const conflict = CONFLICT_FIELDS[problem.code];
  if (conflict) names.push(conflict);
  let best: number | null = null;
  for (const name of names) {
    const step = STEP_FIELDS.findIndex((fields) => fields.includes(name));
    if (step >= 0 && (best === null || step < best)) best = step;
  }
  return best;
}
