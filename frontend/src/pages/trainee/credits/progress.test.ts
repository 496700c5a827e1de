import { describe, expect, it } from "vitest";
import { outcomeView, progressLines } from "./progress";

describe("the trainee's year", () => {
  it("is 进行中, never 不达标, while it is still being earned", () => {
    expect(outcomeView({ outcome: "non_compliant", in_progress: true }).label).toBe("进行中");
    expect(outcomeView({ outcome: "compliant", in_progress: true }).label).toBe("达标");
    expect(outcomeView({ outcome: "non_compliant", in_progress: false }).label).toBe("不达标");
  });

  it("measures I类, II类, 自管 and the total against the standard, skipping what it does not set", () => {
    const buckets = { i_subtotal: 4, ii_subtotal: 10, self_managed: 2, total: 16 } as never;
    const standard = { requirement: { total: 25, i_subtotal_min: 10, ii_subtotal_min: 15, self_managed_min: null } } as never;
    expect(progressLines({ buckets, standard }).map((l) => [l.label, l.value, l.target])).toEqual([
      ["I类学分", 4, 10],
      ["II类学分", 10, 15],
      ["总学分", 16, 25],
    ]);
    expect(progressLines({ buckets: null, standard: null })).toEqual([]);
  });
});
