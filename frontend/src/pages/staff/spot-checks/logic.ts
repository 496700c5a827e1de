// Pure helpers of the spot-check pages (抽验 / 现场抽验): the sampling rate,
// the seed, the draw request's body, the results to save and what closing did.
import { perMille } from "../../../utils/format";
import type { CheckItem, CheckUnit, CloseResult, DrawRequest, ItemResult, ResultInput } from "../../../api/types";
import { PASS_LINE_PERMILLE } from "../../../constants/verification";

// ---- rates ------------------------------------------------------------------

export type RateUnit = "percent" | "permille";

/**
 * A sampling rate as typed (in % or ‰) as the wire's per mille, or null when
 * it is not a rate the server takes (1‰–1000‰, whole per mille).
 */
export function toPermille(value: number | null | undefined, unit: RateUnit): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const permille = unit === "percent" ? value * 10 : value;
  // 12.5% is 125‰; 12.55% is not a whole per mille.
  const rounded = Math.round(permille * 1000) / 1000;
  if (!Number.isInteger(rounded)) return null;
  if (rounded < 1 || rounded > 1000) return null;
  return rounded;
}

/** The message for a rate that `toPermille` refuses, or null. */
export function rateError(value: number | null | undefined, unit: RateUnit): string | null {
  if (value === null || value === undefined) return "请填写抽样比例";
  if (toPermille(value, unit) !== null) return null;
  return unit === "percent" ? "抽样比例须在 0.1% 至 100% 之间，最多一位小数" : "抽样比例须在 1‰ 至 1000‰ 之间的整数";
}

/** A sampling rate for people: 1000 → `100%（1000‰）`, 125 → `12.5%（125‰）`. */
export function formatSamplingRate(permille: number): string {
  const percent = permille / 10;
  return `${Number.isInteger(percent) ? percent : percent.toFixed(1)}%（${permille}‰）`;
}

// ---- the seed -----------------------------------------------------------------

/** The largest seed the server keeps (a signed 64-bit integer). */
export const MAX_SEED = 9223372036854775807n;

/** A seed as typed: empty (a random one), or digits up to MAX_SEED. Returns the message, or null. */
export function seedError(seed: string | null | undefined): string | null {
  const s = (seed ?? "").trim();
  if (s === "") return null;
  if (!/^\d+$/.test(s)) return "种子须为非负整数";
  if (BigInt(s) > MAX_SEED) return "种子过大（不超过 9223372036854775807）";
  return null;
}

/** What the draw form holds. */
export interface DrawForm {
  kind: "sample" | "on_site";
  year: number;
  rate: number;
  rateUnit: RateUnit;
  perUnitMin?: number | null;
  institutions?: number | null;
  unitId?: string | null;
  seed?: string | null;
  note?: string | null;
}

/** The draw form as the request (the seed stays a string here: see `serializeDrawRequest`). */
export function drawRequestOf(form: DrawForm): { body: Omit<DrawRequest, "seed">; seed: string | null } {
  const rate = toPermille(form.rate, form.rateUnit);
  if (rate === null) throw new Error(rateError(form.rate, form.rateUnit) ?? "invalid rate");
  const body: Omit<DrawRequest, "seed"> = {
    kind: form.kind,
    year: form.year,
    rate_permille: rate,
    per_unit_min: form.perUnitMin ?? 0,
  };
  if (form.kind === "on_site") {
    if (form.unitId) body.unit_id = form.unitId;
    else if (form.institutions) body.institutions = form.institutions;
  }
  const note = form.note?.trim();
  if (note) body.note = note;
  const seed = form.seed?.trim() ? form.seed.trim() : null;
  return { body, seed };
}

/**
 * The draw request as JSON, the seed written as a bare integer: seeds go up
 * to 2^63−1, beyond what a JavaScript number holds exactly, so it cannot go
 * through JSON.stringify as a number.
 */
export function serializeDrawRequest(body: Omit<DrawRequest, "seed">, seed: string | null): string {
  const json = JSON.stringify(body);
  if (seed === null) return json;
  if (!/^\d+$/.test(seed)) throw new Error("invalid seed");
  // The seed's digits as they are, without leading zeros.
  const digits = BigInt(seed).toString();
  return `${json.slice(0, -1)}${json.length > 2 ? "," : ""}"seed":${digits}}`;
}

/** The form that redraws a check: same kind, year, parameters and seed. */
export function redrawForm(check: {
  kind: DrawForm["kind"];
  year: number;
  rate_permille: number;
  per_unit_min: number;
  institutions?: number | null;
  only_unit_id?: string | null;
  seed: string;
}): DrawForm {
  return {
    kind: check.kind,
    year: check.year,
    rate: check.rate_permille,
    rateUnit: "permille",
    perUnitMin: check.per_unit_min,
    institutions: check.institutions ?? null,
    unitId: check.only_unit_id ?? null,
    seed: check.seed,
    note: null,
  };
}

// ---- results ------------------------------------------------------------------

/** A result being edited on the page. */
export interface ResultEdit {
  result: ItemResult;
  note: string;
}

/** The item as shown: the saved result, or the edit over it. */
export function effectiveResult(item: Pick<CheckItem, "id" | "result" | "note">, edits: Record<string, ResultEdit>): ResultEdit {
  return edits[item.id] ?? { result: item.result, note: item.note ?? "" };
}

/** Whether an edit differs from what is saved. */
function changed(item: Pick<CheckItem, "result" | "note">, edit: ResultEdit): boolean {
  return edit.result !== item.result || (edit.note.trim() || null) !== (item.note?.trim() || null);
}

/** The edits to save (changed, not pending), and the names of those failed without a reason. */
export function resultsToSave(
  items: readonly Pick<CheckItem, "id" | "name" | "result" | "note">[],
  edits: Record<string, ResultEdit>,
): { results: ResultInput[]; missingReason: string[] } {
  const results: ResultInput[] = [];
  const missingReason: string[] = [];
  for (const item of items) {
    const edit = edits[item.id];
    if (!edit || edit.result === "pending" || !changed(item, edit)) continue;
    const note = edit.note.trim();
    if (edit.result === "fail" && note === "") {
      missingReason.push(item.name);
      continue;
    }
    results.push({ item_id: item.id, result: edit.result, note: note === "" ? null : note });
  }
  return { results, missingReason };
}

/** Sets every pending item (or every item of `ids`) to pass, keeping failures as they are. */
export function markPassed(
  items: readonly Pick<CheckItem, "id" | "result" | "note">[],
  edits: Record<string, ResultEdit>,
  ids?: readonly string[],
): Record<string, ResultEdit> {
  const next = { ...edits };
  const only = ids ? new Set(ids) : null;
  for (const item of items) {
    if (only && !only.has(item.id)) continue;
    const current = effectiveResult(item, edits);
    if (only || current.result === "pending") next[item.id] = { result: "pass", note: current.result === "fail" ? "" : current.note };
  }
  return next;
}

/** Counts of an institution's sample under the results shown (saved or edited). */
export function tally(
  items: readonly Pick<CheckItem, "id" | "unit_id" | "result" | "note">[],
  edits: Record<string, ResultEdit>,
  unitId?: string,
): { pass: number; fail: number; pending: number; permille: number | null } {
  let pass = 0;
  let fail = 0;
  let pending = 0;
  for (const item of items) {
    if (unitId !== undefined && item.unit_id !== unitId) continue;
    const r = effectiveResult(item, edits).result;
    if (r === "pass") pass++;
    else if (r === "fail") fail++;
    else pending++;
  }
  const decided = pass + fail;
  return { pass, fail, pending, permille: pending > 0 ? null : perMille(pass, decided) };
}

// ---- institutions and closing -------------------------------------------------------

export const OUTCOME_TEXT = {
  passed: "通过",
  sent_back: "合格率低于95%，退回单位重新验证",
} as const;

/** An institution's outcome as shown: closed (the server's), or the projection from the results so far. */
export function unitOutcome(
  unit: Pick<CheckUnit, "outcome" | "pass_permille">,
  projected: number | null,
): { text: string; color: string; final: boolean } {
  if (unit.outcome) {
    return { text: OUTCOME_TEXT[unit.outcome] ?? unit.outcome, color: unit.outcome === "passed" ? "success" : "error", final: true };
  }
  if (projected === null) return { text: "待检查", color: "default", final: false };
  return projected >= PASS_LINE_PERMILLE
    ? { text: "预计通过", color: "processing", final: false }
    : { text: "预计退回（合格率低于95%）", color: "warning", final: false };
}

/** What closing did, by institution name. */
export function closeSummary(result: Pick<CloseResult, "sent_back" | "released"> & { check: { units: Pick<CheckUnit, "unit_id" | "unit_name">[] } }): {
  sentBack: { unitId: string; name: string; records: number }[];
  released: { unitId: string; name: string }[];
} {
  const names = new Map(result.check.units.map((u) => [u.unit_id, u.unit_name]));
  return {
    sentBack: result.sent_back.map((s) => ({ unitId: s.unit_id, name: names.get(s.unit_id) ?? s.unit_id, records: Number(s.records) })),
    released: result.released.map((id) => ({ unitId: id, name: names.get(id) ?? id })),
  };
}
