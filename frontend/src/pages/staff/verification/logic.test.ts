import dayjs from "dayjs";
import { describe, expect, it } from "vitest";
import type { Candidate, QueueSummaryRow, Verification } from "../../../api/types";
import {
  candidateStatus,
  decisionItems,
  evidenceProblem,
  fromBeijingPicker,
  insideWindow,
  listYears,
  nameSubmissionErrors,
  percent,
  selectableSelection,
  statsSegments,
  summaryByUnit,
  toBeijingPicker,
  windowRange,
  windowStatus,
} from "./logic";

// 2022-01-01 00:00 to 2022-03-01 23:59:59, Beijing time.
const WINDOW = { starts_at: "2021-12-31T16:00:00Z", ends_at: "2022-03-01T15:59:59Z" };

describe("submission windows", () => {
  it("tells not started, open (both ends inclusive) and closed apart", () => {
    expect(windowStatus(WINDOW, new Date("2021-12-31T15:59:59Z"))).toBe("not_started");
    expect(windowStatus(WINDOW, new Date("2021-12-31T16:00:00Z"))).toBe("open");
    expect(windowStatus(WINDOW, new Date("2022-03-01T15:59:59Z"))).toBe("open");
    expect(windowStatus(WINDOW, new Date("2022-03-01T16:00:00Z"))).toBe("closed");
  });

  it("shows the range in Beijing time to the minute", () => {
    expect(windowRange(WINDOW)).toBe("2022-01-01 00:00 至 2022-03-01 23:59");
  });

  it("checks an office's window lies inside its parent's", () => {
    expect(insideWindow({ starts_at: "2022-01-10T00:00:00Z", ends_at: "2022-02-01T00:00:00Z" }, WINDOW)).toBe(true);
    expect(insideWindow(WINDOW, WINDOW)).toBe(true);
    expect(insideWindow({ starts_at: "2021-12-31T15:00:00Z", ends_at: "2022-02-01T00:00:00Z" }, WINDOW)).toBe(false);
    expect(insideWindow({ starts_at: "2022-01-10T00:00:00Z", ends_at: "2022-03-02T00:00:00Z" }, WINDOW)).toBe(false);
  });

  it("reads picker values as Beijing wall-clock time whatever the browser's zone", () => {
    const picked = dayjs("2022-02-15 23:59", "YYYY-MM-DD HH:mm");
    expect(fromBeijingPicker(picked, "start")).toBe("2022-02-15T23:59:00+08:00");
    expect(fromBeijingPicker(picked, "end")).toBe("2022-02-15T23:59:59+08:00");
    expect(toBeijingPicker(WINDOW.starts_at).format("YYYY-MM-DD HH:mm")).toBe("2022-01-01 00:00");
    // Round trip: what the page shows is what it sends back.
    expect(new Date(fromBeijingPicker(toBeijingPicker(WINDOW.ends_at), "end")).toISOString()).toBe("2022-03-01T15:59:59.000Z");
  });
});

const candidate = (over: Partial<Candidate>): Candidate => ({
  person_id: "p1",
  name: "张三",
  id_number_masked: "5301**********0001",
  department_id: null,
  department_name: null,
  outcome: "compliant",
  eligible: true,
  reason: null,
  verification_id: null,
  state: null,
  ...over,
});

describe("candidates", () => {
  it("shows who may go on the list, who is already on one, and why not", () => {
    expect(candidateStatus(candidate({}))).toEqual({ label: "可上报", color: "success", reason: null });
    expect(candidateStatus(candidate({ state: "returned" })).label).toBe("已退回，可重新上报");
    const refused = candidateStatus(
      candidate({ eligible: false, outcome: "non_compliant", reason: "不达标，不能列入正常验证名单：自管学分差 2 分" }),
    );
    expect(refused).toEqual({ label: "不可上报", color: "error", reason: "不达标，不能列入正常验证名单：自管学分差 2 分" });
    const onList = candidateStatus(candidate({ eligible: false, state: "in_review", reason: "2021 年度已上报" }));
    expect(onList.label).toBe("已在名单：审核中");
    expect(onList.reason).toBe("2021 年度已上报");
    // A refusal without a reason still says something.
    expect(candidateStatus(candidate({ eligible: false })).reason).toBe("不符合上报条件");
  });

  it("offers Y−1 and Y−2 for make-up and the cycle's own year otherwise", () => {
    expect(listYears("make_up", 2021)).toEqual([2020, 2019]);
    expect(listYears("normal", 2021)).toEqual([2021]);
    expect(listYears("special", 2021)).toEqual([2021]);
  });

  it("keeps only selected people who are still eligible", () => {
    const list = [candidate({ person_id: "a" }), candidate({ person_id: "b", eligible: false }), candidate({ person_id: "c" })];
    expect(selectableSelection(list, ["a", "b", "gone"])).toEqual(["a"]);
  });

  it("names the refused people of a submission", () => {
    const named = nameSubmissionErrors(
      [
        { field: "people[1].person_id", message: "不达标" },
        { field: "people[5].special", message: "缺少证明材料" },
        { field: "year", message: "补验只限前两年" },
      ],
      ["张三", "李四"],
    );
    expect(named).toEqual([
      { who: "李四", message: "不达标" },
      { who: "第 6 人", message: "缺少证明材料" },
      { who: "year", message: "补验只限前两年" },
    ]);
  });
});

const record = (id: string, state: Verification["state"], row_version = 1) => ({ id, state, row_version }) as Verification;

describe("batch decisions", () => {
  it("sends the selected records still in review, with the version the reviewer saw", () => {
    const rows = [record("a", "in_review", 3), record("b", "in_review", 1), record("c", "approved", 7)];
    expect(decisionItems(rows, ["a", "c", "missing"])).toEqual([{ id: "a", row_version: 3 }]);
    expect(decisionItems(rows, [])).toEqual([]);
  });

  it("folds the queue summary per unit, busiest first, with only the lists that wait", () => {
    const rows: QueueSummaryRow[] = [
      { unit_id: "u1", unit_name: "乙医院", list: "normal", in_review: 1, awaiting_number: 0 },
      { unit_id: "u2", unit_name: "甲医院", list: "normal", in_review: 3, awaiting_number: 1 },
      { unit_id: "u2", unit_name: "甲医院", list: "special", in_review: 0, awaiting_number: 0 },
      { unit_id: "u2", unit_name: "甲医院", list: "make_up", in_review: 2, awaiting_number: 0 },
    ];
    const units = summaryByUnit(rows);
    expect(units.map((u) => [u.unit_name, u.in_review, u.awaiting_number])).toEqual([
      ["甲医院", 5, 1],
      ["乙医院", 1, 0],
    ]);
    expect(units[0]!.lists.map((l) => l.label)).toEqual(["正常验证", "补验"]);
  });
});

describe("figures and files", () => {
  it("splits a row for its bar (approved counts numbered records too)", () => {
    const segments = statsSegments({ submitted: 10, returned: 2, approved: 5, certified: 3, missing: 4 });
    expect(Object.fromEntries(segments.map((s) => [s.key, s.value]))).toEqual({
      certified: 3,
      approved: 2,
      in_review: 3,
      returned: 2,
      missing: 4,
    });
  });

  it("computes shares without dividing by zero", () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    expect(percent(5, 0)).toBe(0);
    expect(percent(7, 5)).toBe(100);
  });

  it("checks evidence files before uploading them", () => {
    expect(evidenceProblem({ type: "application/pdf", size: 1000 })).toBeNull();
    expect(evidenceProblem({ type: "image/gif", size: 1000 })).toMatch(/PDF/);
    expect(evidenceProblem({ type: "image/png", size: 10 * 1024 * 1024 + 1 })).toMatch(/10 MB/);
    expect(evidenceProblem({ type: "image/jpeg", size: 0 })).toBe("文件为空");
  });
});
