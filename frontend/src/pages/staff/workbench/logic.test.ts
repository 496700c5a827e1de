import { describe, expect, it } from "vitest";
import type { WorkbenchTask } from "../../../api/types";
import { daysLeftText, deadlineTone, menuBadges, taskLink } from "./logic";

const task = (kind: WorkbenchTask["kind"], count: number, list: WorkbenchTask["list"] = null): WorkbenchTask => ({ kind, list, label: "", count });

describe("the workbench's links and badges", () => {
  it("links each task into its page, filtered", () => {
    expect(taskLink(task("review_records", 3, "make_up"), 2021)).toBe("/verification-review?cycle_year=2021&list=make_up");
    expect(taskLink(task("returned_records", 1), 2021)).toBe("/verification-submit?cycle_year=2021&state=returned");
    expect(taskLink(task("credit_reports", 2), 2021)).toBe("/credit-reports");
    expect(taskLink(task("transfers", 2), undefined)).toBe("/staff?tab=transfers");
  });

  it("sums the counts of a page into its menu badge and leaves progress out", () => {
    const badges = menuBadges({
      cycle: null,
      tasks: [task("review_records", 3, "normal"), task("review_records", 2, "special"), task("not_submitted", 40), task("transfers", 0)],
      below: [],
      below_by: null,
      total: null,
      figures_at: null,
    });
    expect(badges).toEqual({ "/verification-review": 5 });
  });

  it("says how near a deadline is", () => {
    expect(daysLeftText(9)).toBe("还剩 9 天");
    expect(daysLeftText(0)).toBe("今天截止");
    expect(daysLeftText(-3)).toBe("已截止 3 天");
    expect(deadlineTone(3)).toBe("warning");
    expect(deadlineTone(30)).toBe("processing");
    expect(deadlineTone(-1)).toBe("error");
  });
});
