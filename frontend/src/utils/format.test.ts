import { describe, expect, it } from "vitest";

import { formatRate, perMille } from "./format";

describe("perMille", () => {
  it("rounds half up on integers, as the API does", () => {
    expect(perMille(3, 7)).toBe(429);
    expect(perMille(2, 11)).toBe(182);
    expect(perMille(1, 2000)).toBe(1);
    expect(perMille(1899, 2000)).toBe(950);
    expect(perMille(1898, 2000)).toBe(949);
    expect(perMille(7, 7)).toBe(1000);
    expect(perMille(0, 7)).toBe(0);
    expect(perMille(1, 0)).toBeNull();
  });
});

describe("formatRate", () => {
  it("shows a per mille as a percentage with one decimal", () => {
    expect(formatRate(953)).toBe("95.3%");
    expect(formatRate(950)).toBe("95.0%");
    expect(formatRate(833)).toBe("83.3%");
    expect(formatRate(1000)).toBe("100.0%");
    expect(formatRate(null)).toBe("—");
  });
});
