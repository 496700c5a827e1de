// Pure helpers of 学分标准维护: the standard (in force or a draft) as the
// editor's rows and back, the numbers' validation, the profiles' coverage,
// and the preview's comparisons.
import type { Discipline, DraftInput, PreviewRow, StandardDto, TitleLevel, UnitLevel } from "../../../api/types";
import { LIMIT_FIELDS, type LimitField } from "../../../constants/compliance";
import { DISCIPLINE_LABELS, TITLE_LEVEL_LABELS, UNIT_LEVEL_LABELS } from "../../../constants/enums";

// The values in the Rust enums' order (the order of the standard's table).
export const DISCIPLINES = Object.keys(DISCIPLINE_LABELS) as readonly Discipline[];
export const UNIT_LEVELS = Object.keys(UNIT_LEVEL_LABELS) as readonly UnitLevel[];
export const TITLE_LEVELS = Object.keys(TITLE_LEVEL_LABELS) as readonly TitleLevel[];

/** Unit levels whose standard depends on the title (SPEC §4). */
export function titleMatters(level: UnitLevel): boolean {
  return level === "provincial" || level === "prefecture" || level === "county";
}

/** One row of the editor: a profile and its numbers (null: no constraint). */
export type EditorRow = {
  key: string;
  discipline: Discipline;
  unit_level: UnitLevel;
  /** null: any title. */
  title_level: TitleLevel | null;
} & Record<LimitField, number | null>;

export interface EditorState {
  /** The year's mandatory course (公需科目), or none. */
  course: { name: string; deadline: string } | null;
  rows: EditorRow[];
}

export function rowKey(discipline: Discipline, unitLevel: UnitLevel, title: TitleLevel | null): string {
  return `${discipline}:${unitLevel}:${title ?? "any"}`;
}

/** A profile in words: `临床、检验、放射等类 · 县级 · 中级`. */
export function profileLabel(discipline: string, unitLevel: string, title: string | null | undefined): string {
  const d = (DISCIPLINE_LABELS as Record<string, string>)[discipline] ?? discipline;
  const u = (UNIT_LEVEL_LABELS as Record<string, string>)[unitLevel] ?? unitLevel;
  const t = title ? ((TITLE_LEVEL_LABELS as Record<string, string>)[title] ?? title) : "不分职称";
  return `${d} · ${u} · ${t}`;
}

function order(row: Pick<EditorRow, "discipline" | "unit_level" | "title_level">): number {
  const d = DISCIPLINES.indexOf(row.discipline);
  const u = UNIT_LEVELS.indexOf(row.unit_level);
  const t = row.title_level === null ? 3 : TITLE_LEVELS.indexOf(row.title_level);
  return d * 100 + u * 10 + t;
}

export function sortRows<T extends Pick<EditorRow, "discipline" | "unit_level" | "title_level">>(rows: T[]): T[] {
  return [...rows].sort((a, b) => order(a) - order(b));
}

/** A standard (in force or a draft) as the editor's state. */
export function editorFromStandard(standard: Pick<StandardDto, "mandatory_course" | "rows">): EditorState {
  const rows: EditorRow[] = standard.rows.map((r) => {
    const title = r.title_level ?? null;
    const row = {
      key: rowKey(r.discipline, r.unit_level, title),
      discipline: r.discipline,
      unit_level: r.unit_level,
      title_level: title,
    } as EditorRow;
    for (const f of LIMIT_FIELDS) {
      const v = (r.requirement as Record<string, number | null | undefined>)[f];
      row[f] = v === undefined || v === null ? null : Number(v);
    }
    return row;
  });
  const course = standard.mandatory_course ? { name: standard.mandatory_course.name, deadline: standard.mandatory_course.deadline } : null;
  return { course, rows: sortRows(rows) };
}

/** A new, empty row of a profile. */
export function emptyRow(discipline: Discipline, unitLevel: UnitLevel, title: TitleLevel | null): EditorRow {
  const row = { key: rowKey(discipline, unitLevel, title), discipline, unit_level: unitLevel, title_level: title } as EditorRow;
  for (const f of LIMIT_FIELDS) row[f] = null;
  return row;
}

/** Why a limit is refused (≥ 0, at most one decimal; the total is required), or null. */
export function limitError(field: LimitField, value: number | null | undefined): string | null {
  if (value === null || value === undefined) return field === "total" ? "请填写总学分" : null;
  if (!Number.isFinite(value)) return "须为数字";
  if (value < 0) return "不能为负数";
  if (value > 1000) return "不超过 1000";
  if (Math.abs(value * 10 - Math.round(value * 10)) > 1e-9) return "最多一位小数";
  return null;
}

export interface RowError {
  key: string;
  field: LimitField | "course";
  message: string;
}

/** Every number of the editor that the server would refuse, and an incomplete course. */
export function validateEditor(state: EditorState): RowError[] {
  const errors: RowError[] = [];
  for (const row of state.rows) {
    for (const f of LIMIT_FIELDS) {
      const message = limitError(f, row[f]);
      if (message) errors.push({ key: row.key, field: f, message });
    }
  }
  if (state.course && (!state.course.name.trim() || !/^\d{4}-\d{2}-\d{2}$/.test(state.course.deadline))) {
    errors.push({ key: "course", field: "course", message: "公需科目须填写名称和截止日期" });
  }
  return errors;
}

/** The profiles no row covers, and those more than one row covers (the server refuses both with 422). */
export function coverage(rows: readonly Pick<EditorRow, "discipline" | "unit_level" | "title_level">[]): {
  missing: string[];
  duplicate: string[];
} {
  const missing: string[] = [];
  const duplicate: string[] = [];
  for (const d of DISCIPLINES) {
    for (const u of UNIT_LEVELS) {
      const titles: (TitleLevel | null)[] = titleMatters(u) ? [...TITLE_LEVELS] : [null];
      for (const t of titles) {
        const n = rows.filter((r) => r.discipline === d && r.unit_level === u && (r.title_level === null || r.title_level === t)).length;
        if (n === 0) missing.push(profileLabel(d, u, t));
        else if (n > 1) duplicate.push(profileLabel(d, u, t));
      }
    }
  }
  return { missing, duplicate };
}

/** Rounds to the one decimal the wire takes (floating input such as 0.30000000000000004). */
function tenth(v: number): number {
  return Math.round(v * 10) / 10;
}

/** The editor's state as the draft to save. */
export function draftInputOf(state: EditorState): DraftInput {
  return {
    mandatory_course: state.course ? { name: state.course.name.trim(), deadline: state.course.deadline } : null,
    rows: state.rows.map((r) => {
      const requirement = { total: tenth(r.total ?? 0) } as DraftInput["rows"][number]["requirement"];
      for (const f of LIMIT_FIELDS) {
        if (f === "total") continue;
        const v = r[f];
        (requirement as Record<string, number | null>)[f] = v === null ? null : tenth(v);
      }
      return { discipline: r.discipline, unit_level: r.unit_level, title_level: r.title_level, requirement };
    }),
  };
}

/** The rows whose numbers differ from the standard in force, by key and field. */
export function changedCells(state: EditorState, inForce: EditorState | null): Set<string> {
  const out = new Set<string>();
  if (!inForce) return out;
  const before = new Map(inForce.rows.map((r) => [r.key, r]));
  for (const row of state.rows) {
    const old = before.get(row.key);
    for (const f of LIMIT_FIELDS) {
      if (!old || (old[f] ?? null) !== (row[f] ?? null)) out.add(`${row.key}|${f}`);
    }
  }
  return out;
}

// ---- the preview -------------------------------------------------------------------

/** The change in compliant people under the draft, and whether it is a drop. */
export function previewDelta(row: Pick<PreviewRow, "compliant_now" | "compliant_draft" | "rate_now_permille" | "rate_draft_permille">): {
  people: number;
  permille: number;
  drop: boolean;
} {
  const people = Number(row.compliant_draft) - Number(row.compliant_now);
  return { people, permille: row.rate_draft_permille - row.rate_now_permille, drop: people < 0 };
}

/** A signed count: +3, −2, 0. */
export function signed(n: number): string {
  if (n > 0) return `+${n}`;
  if (n < 0) return `−${Math.abs(n)}`;
  return "0";
}

/** A signed change of rate in percentage points: −2.5 个百分点. */
export function signedPoints(permille: number): string {
  const points = Math.abs(permille) / 10;
  const text = Number.isInteger(points) ? String(points) : points.toFixed(1);
  if (permille > 0) return `+${text} 个百分点`;
  if (permille < 0) return `−${text} 个百分点`;
  return "持平";
}
