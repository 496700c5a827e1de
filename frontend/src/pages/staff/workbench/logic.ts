import type { Workbench, WorkbenchTask } from "../../../api/types";

/** Where each kind of waiting work is done (the page the workbench links to, the menu item that carries its badge). */
export const TASK_PAGES: Record<WorkbenchTask["kind"], string> = {
  review_records: "/verification-review",
  awaiting_numbers: "/certificate-numbers",
  returned_records: "/verification-submit",
  prepared_records: "/verification-submit",
  not_submitted: "/verification-submit",
  credit_reports: "/credit-reports",
  transfers: "/staff",
  title_corrections: "/title-correction-review",
};

/** The kinds whose count is a badge on their menu item (not_submitted and prepared are progress, not a queue). */
const BADGED: ReadonlySet<WorkbenchTask["kind"]> = new Set([
  "review_records",
  "awaiting_numbers",
  "returned_records",
  "credit_reports",
  "transfers",
  "title_corrections",
]);

/** The link into the page, filtered to the task: the cycle's year, the list, the state. */
export function taskLink(task: WorkbenchTask, cycleYear: number | undefined): string {
  const page = TASK_PAGES[task.kind];
  const query = new URLSearchParams();
  const yearly = ["review_records", "awaiting_numbers", "returned_records", "prepared_records", "not_submitted"].includes(task.kind);
  if (yearly && cycleYear !== undefined) query.set("cycle_year", String(cycleYear));
  if (task.kind === "review_records" && task.list) query.set("list", task.list);
  if (task.kind === "returned_records") query.set("state", "returned");
  if (task.kind === "transfers") query.set("tab", "transfers");
  const q = query.toString();
  return q ? `${page}?${q}` : page;
}

/** Menu path → the count of work waiting there. */
export function menuBadges(workbench: Workbench | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const task of workbench?.tasks ?? []) {
    if (!BADGED.has(task.kind) || task.count === 0) continue;
    const page = TASK_PAGES[task.kind];
    out[page] = (out[page] ?? 0) + task.count;
  }
  return out;
}

/** How urgent a deadline looks: past, within a week, or later. */
export function deadlineTone(daysLeft: number): "error" | "warning" | "processing" {
  if (daysLeft < 0) return "error";
  if (daysLeft <= 7) return "warning";
  return "processing";
}

/** "还剩 9 天", "今天截止", "已过 3 天". */
export function daysLeftText(daysLeft: number): string {
  if (daysLeft > 0) return `还剩 ${daysLeft} 天`;
  if (daysLeft === 0) return "今天截止";
  return `已截止 ${-daysLeft} 天`;
}
