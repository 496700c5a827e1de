import { describe, expect, it } from "vitest";
import { filtersFromSearch, filtersToSearch } from "./filters";

describe("compliance filters in the URL", () => {
  it("round-trips every filter", () => {
    const filters = {
      year: 2021,
      discipline: "clinical" as const,
      unit_id: "u1",
      department_id: "d1",
      region_id: "r1",
      outcome: "non_compliant" as const,
      name: "张",
    };
    expect(filtersFromSearch(filtersToSearch(filters), 2026)).toEqual(filters);
  });

  it("drops unknown values and falls back to the default year", () => {
    const parsed = filtersFromSearch(new URLSearchParams("year=abc&outcome=maybe&discipline=x&name=%20"), 2024);
    expect(parsed).toEqual({
      year: 2024,
      discipline: undefined,
      unit_id: undefined,
      department_id: undefined,
      region_id: undefined,
      outcome: undefined,
      name: undefined,
    });
  });

  it("leaves unset filters out of the URL", () => {
    expect(filtersToSearch({ year: 2021, name: "" }).toString()).toBe("year=2021");
  });
});
