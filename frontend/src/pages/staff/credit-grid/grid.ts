// 纸质学分批量录入: the grid's rows, how a typed row becomes a request row,
// how the server's `rows[i].field` errors land on grid rows, and where the
// keyboard goes next. Pure: the page holds the state.
import type { ApiProblem } from "../../../api/client";
import type { CreditBatchCells, CreditBatchRow, CreditKind, CreditSource } from "../../../api/types";
import { idNumberProblem } from "../../../utils/idNumber";
import { MAX_AMOUNT, parseAmount } from "../credit-entry/mapping";

/** The most rows one save takes (the server's `MAX_BATCH_ROWS`). */
export const MAX_ROWS = 2000;

export const FIELDS = [
  "id_number",
  "name",
  "activity_name",
  "category",
  "amount",
  "earned_on",
  "certificate_no",
  "organiser",
  "note",
] as const;
export type GridField = (typeof FIELDS)[number];

export const COLUMNS: { field: GridField; label: string; required: boolean; width: number; placeholder?: string }[] = [
  { field: "id_number", label: "身份证号", required: true, width: 190 },
  { field: "name", label: "姓名", required: false, width: 90, placeholder: "可不填" },
  { field: "activity_name", label: "项目/活动名称", required: true, width: 220 },
  { field: "category", label: "学分类别", required: true, width: 110, placeholder: "1–6" },
  { field: "amount", label: "学分", required: true, width: 70 },
  { field: "earned_on", label: "获得日期", required: true, width: 120, placeholder: "2021-05-12" },
  { field: "certificate_no", label: "证书编号", required: true, width: 150 },
  { field: "organiser", label: "主办单位", required: false, width: 160 },
  { field: "note", label: "备注", required: false, width: 120 },
];

export const LABELS: Record<GridField, string> = Object.fromEntries(COLUMNS.map((c) => [c.field, c.label])) as Record<
  GridField,
  string
>;

/** 学分类别: what a cell may hold, its typing code (1–6) and its wire kind and source. */
export const CATEGORIES: { code: string; label: string; kind: CreditKind; source: CreditSource | null }[] = [
  { code: "1", label: "国家级", kind: "project", source: "national" },
  { code: "2", label: "省级", kind: "project", source: "provincial" },
  { code: "3", label: "远程I类", kind: "project", source: "distance_i" },
  { code: "4", label: "州市级", kind: "project", source: "prefecture" },
  { code: "5", label: "远程II类", kind: "project", source: "distance_ii" },
  { code: "6", label: "自管学分", kind: "self_managed", source: null },
];

export type GridRow = { key: string } & Record<GridField, string>;

let nextKey = 0;

export function emptyRow(): GridRow {
  nextKey += 1;
  return { key: `r${nextKey}`, ...(Object.fromEntries(FIELDS.map((f) => [f, ""])) as Record<GridField, string>) };
}

/** A row nobody typed into: left out of checks and saves. */
export function isBlank(row: GridRow): boolean {
  return FIELDS.every((f) => row[f].trim() === "");
}

/** What a row holds, to tell whether a check's answer is still about it. */
export function signature(row: GridRow): string {
  return FIELDS.map((f) => row[f].trim()).join("\u0001");
}

/** A 学分类别 as typed: its code (1–6), its label (省级, 省级 I类, 远程Ⅱ类…) or its wire name. */
export function parseCategory(text: string): (typeof CATEGORIES)[number] | null {
  const t = text
    .replace(/[\s·・()（）-]/g, "")
    .replace(/Ⅱ/g, "II")
    .replace(/Ⅰ/g, "I")
    .replace(/[ｉＩ]/g, "I");
  if (t === "") return null;
  return (
    CATEGORIES.find((c) => {
      const withClass = c.source ? `${c.label}${c.kind === "project" && ["national", "provincial", "distance_i"].includes(c.source) ? "I类" : "II类"}` : null;
      const wire = c.source ?? "self_managed";
      return t === c.code || t === c.label || t.toLowerCase() === wire || t === withClass || (c.source === null && (t === "自管" || t === "自管类"));
    }) ?? null
  );
}

/** A date as typed (2021-05-12, 2021/5/12, 2021.5.12, 20210512, 2021年5月12日) as YYYY-MM-DD, or null. */
export function parseDate(text: string): string | null {
  const t = text.trim();
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return `${String(y).padStart(4, "0")}-${String(mo).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The row tidied after a cell is left: a category code becomes its label, a date its ISO form. */
export function tidy(row: GridRow, field: GridField): GridRow {
  if (field === "category") {
    const c = parseCategory(row.category);
    return c && c.label !== row.category ? { ...row, category: c.label } : row;
  }
  if (field === "earned_on") {
    const d = parseDate(row.earned_on);
    return d && d !== row.earned_on ? { ...row, earned_on: d } : row;
  }
  if (field === "id_number") {
    const v = row.id_number.trim().toUpperCase();
    return v !== row.id_number ? { ...row, id_number: v } : row;
  }
  return row;
}

export type RowErrors = Partial<Record<GridField, string>>;

/** A typed row as the request's row, or why each cell cannot be sent. `today` is YYYY-MM-DD. */
export function parseRow(row: GridRow, today: string): { ok: CreditBatchRow } | { errors: RowErrors } {
  const errors: RowErrors = {};
  const id = idNumberProblem(row.id_number);
  if (id) errors.id_number = id;
  const activity = row.activity_name.trim();
  if (activity === "") errors.activity_name = "请填写项目/活动名称";
  else if (activity.length > 200) errors.activity_name = "项目/活动名称 200 字以内";
  const category = parseCategory(row.category);
  if (!category) errors.category = row.category.trim() === "" ? "请填写学分类别" : "学分类别须为 1–6 或其名称";
  const amount = parseAmount(row.amount);
  if ("error" in amount) errors.amount = amount.error;
  const date = parseDate(row.earned_on);
  if (row.earned_on.trim() === "") errors.earned_on = "请填写获得日期";
  else if (!date) errors.earned_on = "日期格式如 2021-05-12";
  else if (date > today) errors.earned_on = "日期不能晚于今天";
  const certificate = row.certificate_no.trim();
  if (certificate === "") errors.certificate_no = "请填写证书编号";
  else if (certificate.length > 64) errors.certificate_no = "证书编号 64 字以内";
  if (row.organiser.trim().length > 200) errors.organiser = "主办单位 200 字以内";
  if (row.note.trim().length > 500) errors.note = "备注 500 字以内";
  if (Object.keys(errors).length > 0 || !category || "error" in amount || !date) return { errors };
  const name = row.name.trim();
  const organiser = row.organiser.trim();
  const note = row.note.trim();
  return {
    ok: {
      id_number: row.id_number.trim().toUpperCase(),
      ...(name ? { name } : {}),
      kind: category.kind,
      ...(category.source ? { source: category.source } : {}),
      amount: amount.value,
      activity_name: activity,
      ...(organiser ? { organiser } : {}),
      earned_on: date,
      certificate_no: certificate,
      ...(note ? { note } : {}),
    },
  };
}

/** The rows to send: every non-blank row that parses, with the grid index of each; and the local errors. */
export function toBatch(rows: GridRow[], today: string): { body: CreditBatchRow[]; sent: number[]; local: Map<number, RowErrors> } {
  const body: CreditBatchRow[] = [];
  const sent: number[] = [];
  const local = new Map<number, RowErrors>();
  rows.forEach((row, i) => {
    if (isBlank(row)) return;
    const parsed = parseRow(row, today);
    if ("ok" in parsed) {
      body.push(parsed.ok);
      sent.push(i);
    } else {
      local.set(i, parsed.errors);
    }
  });
  return { body, sent, local };
}

/** A wire field of a batch row as the grid's column that shows it. */
const WIRE_TO_GRID: Record<string, GridField> = {
  kind: "category",
  source: "category",
  person_id: "id_number",
  year: "earned_on",
};

/**
 * The server's answer to a batch (`rows[i].field`, i counted among the rows
 * sent) as errors on grid rows; a problem about no row (a whole-batch
 * refusal) is returned as `general`.
 */
export function serverErrors(problem: ApiProblem, sent: number[]): { rows: Map<number, RowErrors>; general: string | null } {
  const rows = new Map<number, RowErrors>();
  let general: string | null = null;
  for (const e of problem.errors) {
    const m = /^rows\[(\d+)\](?:\.(\w+))?/.exec(e.field);
    const gridIndex = m ? sent[Number(m[1])] : undefined;
    if (!m || gridIndex === undefined) {
      general = general ?? e.message;
      continue;
    }
    const wire = m[2] ?? "id_number";
    const field: GridField = WIRE_TO_GRID[wire] ?? ((FIELDS as readonly string[]).includes(wire) ? (wire as GridField) : "id_number");
    const errors = rows.get(gridIndex) ?? {};
    // "本批第 N 条" counts the rows sent: say the grid's row instead.
    const message = e.message.replace(/本批第 (\d+) 条/g, (whole, n: string) => {
      const at = sent[Number(n) - 1];
      return at === undefined ? whole : `第 ${at + 1} 行`;
    });
    errors[field] = errors[field] ? `${errors[field]}；${message}` : message;
    rows.set(gridIndex, errors);
  }
  if (rows.size === 0 && general === null) general = problem.detail ?? problem.title;
  return { rows, general };
}

/** A file's row (from `/credits/batch/read`) as a grid row, its category and date tidied. */
export function fromCells(cells: CreditBatchCells): GridRow {
  let row: GridRow = { ...emptyRow() };
  for (const f of FIELDS) row[f] = (cells[f] ?? "").trim();
  row = tidy(tidy(tidy(row, "category"), "earned_on"), "id_number");
  return row;
}

/** A row's errors as one line people read: "学分：须大于 0；证书编号：…". */
export function errorText(errors: RowErrors | undefined): string {
  if (!errors) return "";
  return FIELDS.filter((f) => errors[f])
    .map((f) => `${LABELS[f]}：${errors[f]}`)
    .join("；");
}

/** Where the cursor goes from (row, col): forward (Enter, Tab) or back (with Shift); `append` when a new row is needed. */
export function nextCell(row: number, col: number, rowCount: number, back: boolean): { row: number; col: number; append: boolean } {
  const cols = FIELDS.length;
  if (back) {
    if (col > 0) return { row, col: col - 1, append: false };
    return row > 0 ? { row: row - 1, col: cols - 1, append: false } : { row, col, append: false };
  }
  if (col < cols - 1) return { row, col: col + 1, append: false };
  return { row: row + 1, col: 0, append: row + 1 >= rowCount };
}

/** The rows after an edit: one blank row always waits at the end (up to the limit). */
export function withTrailingBlank(rows: GridRow[]): GridRow[] {
  const last = rows[rows.length - 1];
  if (last && isBlank(last)) return rows;
  return rows.length >= MAX_ROWS ? rows : [...rows, emptyRow()];
}

export { MAX_AMOUNT };
