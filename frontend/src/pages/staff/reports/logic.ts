// Pure helpers of 统计报表: the rates, the query both the table and the export use, the bars.
import type { Discipline, Grouping } from "../../../api/types";
import { GROUPING_LABELS, PASS_LINE_PERMILLE } from "../../../constants/verification";

/** The report's rows are the statistics' (`by` of `/verification-stats`). */
export type ReportBy = Grouping;
export type DisciplineFilter = Discipline | "all";

export const REPORT_BY_LABELS: Record<ReportBy, string> = GROUPING_LABELS;

/** The figures a rate is drawn from (a row of the statistics). */
export interface RateFigures {
  to_verify: number;
  compliant: number;
  submitted: number;
  approved: number;
  pass_rate_per_mille?: number | null;
}

/** n over `of` in per mille, rounded down as the server does; null when nothing to divide by. */
export function permilleOf(n: number, of: number): number | null {
  if (!(of > 0)) return null;
  return Math.min(1000, Math.floor((n * 1000) / of));
}

/** 达标率: compliant over people to verify. */
export function complianceRate(row: RateFigures): number | null {
  return permilleOf(row.compliant, row.to_verify);
}

/** 审核通过率: approved over submitted (the server's figure when it gives one). */
export function passRate(row: RateFigures): number | null {
  return row.pass_rate_per_mille ?? permilleOf(row.approved, row.submitted);
}

/** The query of the statistics and of their export: the same filters for both. */
export function reportQuery(cycleYear: number, by: ReportBy, discipline: DisciplineFilter): {
  cycle_year: number;
  by: ReportBy;
  discipline?: Discipline;
} {
  return discipline === "all" ? { cycle_year: cycleYear, by } : { cycle_year: cycleYear, by, discipline };
}

/** The file name offered when the server names none. */
export function exportFileName(cycleYear: number, by: ReportBy, discipline: DisciplineFilter): string {
  const d = discipline === "all" ? "" : discipline === "clinical" ? "-临床检验放射等类" : "-护理公卫类";
  return `${cycleYear}年度学分验证统计-按${REPORT_BY_LABELS[by]}${d}.xlsx`;
}

/** The printed report's file name when the server names none. */
export function pdfFileName(cycleYear: number, by: ReportBy, discipline: DisciplineFilter): string {
  return exportFileName(cycleYear, by, discipline).replace(/\.xlsx$/, ".pdf");
}

/** A bar's colour against the 95% line. */
export function barColor(permille: number | null): string {
  if (permille === null) return "#d9d9d9";
  return permille >= PASS_LINE_PERMILLE ? "#52c41a" : permille >= 800 ? "#faad14" : "#ff4d4f";
}
