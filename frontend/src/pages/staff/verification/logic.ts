// Pure helpers of the verification pages (windows, eligibility, batch selection,
// figures), kept apart from the components so they can be tested alone.
import dayjs, { type Dayjs } from "dayjs";
import type {
  Candidate,
  DecisionItem,
  ListKind,
  QueueSummaryRow,
  SubmissionWindow,
  Verification,
} from "../../../api/types";
import * as L from "../../../constants/labels.generated";
import { LIST_KIND_LABELS, VERIFICATION_STATE_LABELS } from "../../../constants/verification";
import { type EvidenceFault, evidenceFault } from "../../../utils/evidence";
import { formatDateTime, perMille } from "../../../utils/format";

// ---- windows ------------------------------------------------------------------

/** `domain::cycle::window::WindowStatus`: not on the wire, told here by the browser's clock. */
export type WindowStatus = keyof typeof L.WINDOW_STATUS;

export const WINDOW_STATUS_LABELS: Record<WindowStatus, string> = L.WINDOW_STATUS;
export const WINDOW_STATUS_COLORS: Record<WindowStatus, string> = {
  not_started: "default",
  open: "processing",
  closed: "error",
};

/**
 * Where `now` stands against a window: the server's rule (`Window::status`:
 * both ends inclusive, to the second), computed here rather than sent
 * because the page's tag follows the clock while it stays open.
 */
export function windowStatus(window: Pick<SubmissionWindow, "starts_at" | "ends_at">, now: Date = new Date()): WindowStatus {
  const t = now.getTime();
  if (t < new Date(window.starts_at).getTime()) return "not_started";
  if (Math.floor(t / 1000) * 1000 > new Date(window.ends_at).getTime()) return "closed";
  return "open";
}

/** A window's range in Beijing time, to the minute: `2022-01-01 00:00 至 2022-03-01 23:59`. */
export function windowRange(window: Pick<SubmissionWindow, "starts_at" | "ends_at">): string {
  return `${formatDateTime(window.starts_at).slice(0, 16)} 至 ${formatDateTime(window.ends_at).slice(0, 16)}`;
}

/** Whether `inner` lies inside `outer` (an office's window inside its parent's). */
export function insideWindow(
  inner: Pick<SubmissionWindow, "starts_at" | "ends_at">,
  outer: Pick<SubmissionWindow, "starts_at" | "ends_at">,
): boolean {
  return (
    new Date(inner.starts_at).getTime() >= new Date(outer.starts_at).getTime() &&
    new Date(inner.ends_at).getTime() <= new Date(outer.ends_at).getTime()
  );
}

/**
 * A wire instant as a picker value showing its Beijing wall-clock time (the
 * picker works in the browser's zone; windows are set in 北京时间 whatever
 * the browser's zone).
 */
export function toBeijingPicker(iso: string): Dayjs {
  return dayjs(formatDateTime(iso), "YYYY-MM-DD HH:mm:ss");
}

/** A picker's wall-clock value read as Beijing time, with its offset: `2022-01-01T00:00:00+08:00`. */
export function fromBeijingPicker(value: Dayjs, edge: "start" | "end"): string {
  const seconds = edge === "start" ? "00" : "59";
  return `${value.format("YYYY-MM-DDTHH:mm")}:${seconds}+08:00`;
}

// ---- candidates -----------------------------------------------------------------

export interface CandidateStatus {
  label: string;
  color: string;
  /** Why the person may not go on the list (shown next to the tag). */
  reason: string | null;
}

/** How a candidate shows in the submission table: may go on the list, already on one, or why not. */
export function candidateStatus(c: Pick<Candidate, "eligible" | "reason" | "state">): CandidateStatus {
  if (c.eligible) {
    if (c.state === "returned") return { label: "已退回，可重新上报", color: "warning", reason: null };
    if (c.state === "prepared") return { label: "科室已准备，可上报", color: "blue", reason: null };
    return { label: "可上报", color: "success", reason: null };
  }
  if (c.state) {
    return { label: `已在名单：${VERIFICATION_STATE_LABELS[c.state] ?? c.state}`, color: "default", reason: c.reason ?? null };
  }
  return { label: "不可上报", color: "error", reason: c.reason ?? "不符合上报条件" };
}

/** The years a list verifies in cycle `cycleYear`: its own; make-up Y−1 and Y−2 (SPEC §5). */
export function listYears(list: ListKind, cycleYear: number): number[] {
  return list === "make_up" ? [cycleYear - 1, cycleYear - 2] : [cycleYear];
}

/** Keeps only the selected people who may still go on the list (the table may have refreshed). */
export function selectableSelection(candidates: readonly Candidate[], selected: readonly string[]): string[] {
  const eligible = new Set(candidates.filter((c) => c.eligible).map((c) => c.person_id));
  return selected.filter((id) => eligible.has(id));
}

// ---- reviews --------------------------------------------------------------------

/**
 * The decision items of a batch: the selected records still in review, as the
 * reviewer saw them (their `row_version`), so a record changed meanwhile is refused.
 */
export function decisionItems(rows: readonly Verification[], selected: readonly string[]): DecisionItem[] {
  const chosen = new Set(selected);
  return rows.filter((r) => chosen.has(r.id) && r.state === "in_review").map((r) => ({ id: r.id, row_version: r.row_version }));
}

export interface UnitSummary {
  unit_id: string;
  unit_name: string;
  in_review: number;
  awaiting_number: number;
  /** Per list, only the lists with something waiting. */
  lists: { list: ListKind; label: string; in_review: number; awaiting_number: number }[];
}

/** The queue summary folded per unit, the busiest first. */
export function summaryByUnit(rows: readonly QueueSummaryRow[]): UnitSummary[] {
  const units = new Map<string, UnitSummary>();
  for (const row of rows) {
    let unit = units.get(row.unit_id);
    if (!unit) {
      unit = { unit_id: row.unit_id, unit_name: row.unit_name, in_review: 0, awaiting_number: 0, lists: [] };
      units.set(row.unit_id, unit);
    }
    unit.in_review += row.in_review;
    unit.awaiting_number += row.awaiting_number;
    if (row.in_review + row.awaiting_number > 0) {
      unit.lists.push({
        list: row.list,
        label: LIST_KIND_LABELS[row.list] ?? row.list,
        in_review: row.in_review,
        awaiting_number: row.awaiting_number,
      });
    }
  }
  return [...units.values()].sort(
    (a, b) => b.in_review + b.awaiting_number - (a.in_review + a.awaiting_number) || a.unit_name.localeCompare(b.unit_name, "zh-CN"),
  );
}

// ---- figures --------------------------------------------------------------------

/** A share in whole percent for a bar (0 when the whole is 0). */
export function percent(part: number, whole: number): number {
  return Math.min(100, (perMille(part, whole) ?? 0) / 10);
}

const EVIDENCE_PROBLEMS: Record<EvidenceFault, string> = {
  type: "只能上传 PDF、PNG 或 JPEG 文件",
  empty: "文件为空",
  too_large: "文件不能超过 10 MB",
};

/** Why a file may not be uploaded as a special claim's evidence, or null when it may. */
export function evidenceProblem(file: { type: string; size: number }): string | null {
  const fault = evidenceFault(file);
  return fault && EVIDENCE_PROBLEMS[fault];
}

/** A submission's refusal with `people[i]` replaced by the person's name. */
export function nameSubmissionErrors(
  errors: readonly { field: string; message: string }[],
  names: readonly string[],
): { who: string; message: string }[] {
  return errors.map((e) => {
    const m = /^people\[(\d+)\]/.exec(e.field);
    const who = m ? (names[Number(m[1])] ?? `第 ${Number(m[1]) + 1} 人`) : e.field;
    return { who, message: e.message };
  });
}

export interface BarSegment {
  key: "certified" | "approved" | "in_review" | "returned" | "missing";
  label: string;
  value: number;
  color: string;
}

/**
 * A row's people split for a stacked bar: certified, approved awaiting a
 * number, still in review, returned to the unit, and not submitted yet. On
 * the wire `approved` counts every passed record (numbered ones too) and
 * `submitted` every record past the unit (returned ones too).
 */
export function statsSegments(row: { submitted: number; returned: number; approved: number; certified: number; missing: number }): BarSegment[] {
  const awaitingNumber = Math.max(0, row.approved - row.certified);
  const inReview = Math.max(0, row.submitted - row.returned - row.approved);
  return [
    { key: "certified", label: "已发证书编号", value: row.certified, color: "#389e0d" },
    { key: "approved", label: "已通过待编号", value: awaitingNumber, color: "#95de64" },
    { key: "in_review", label: "审核中", value: inReview, color: "#1677ff" },
    { key: "returned", label: "已退回", value: row.returned, color: "#ff4d4f" },
    { key: "missing", label: "未上报", value: row.missing, color: "#d9d9d9" },
  ];
}
