import { describe, expect, it } from "vitest";
import { INITIAL_VALUES, toEvaluateRequest } from "./mapping";

describe("toEvaluateRequest", () => {
  it("omits the source of self-managed credits", () => {
    const body = toEvaluateRequest({
      ...INITIAL_VALUES,
      year: 2021,
      mandatory_course_completed: true,
      credits: [
        { kind: "project", source: "national", amount: 5 },
        // A source left over from before the kind was switched must not leak.
        { kind: "self_managed", source: "provincial", amount: 2.5 },
      ],
    });
    expect(body).toEqual({
      year: 2021,
      unit_level: "county",
      title_level: "senior",
      discipline: "clinical",
      mandatory_course_completed: true,
      credits: [
        { kind: "project", source: "national", amount: 5 },
        { kind: "self_managed", amount: 2.5 },
      ],
    });
    expect(body.credits[1]).not.toHaveProperty("source");
  });

  it("omits the title for township and village workers", () => {
    for (const unit_level of ["township", "village"] as const) {
      const body = toEvaluateRequest({ ...INITIAL_VALUES, year: 2021, unit_level, title_level: "junior", credits: [] });
      expect(body).not.toHaveProperty("title_level");
      expect(body.unit_level).toBe(unit_level);
    }
  });

  it("keeps row order so credits[i] errors map back to form rows", () => {
    const body = toEvaluateRequest({
      ...INITIAL_VALUES,
      year: 2021,
      credits: [
        { kind: "project", source: "prefecture", amount: 1 },
        { kind: "project", source: "distance_ii", amount: null },
      ],
    });
    expect(body.credits.map((c) => c.amount)).toEqual([1, 0]);
  });
});
