import { describe, expect, it } from "vitest";

import { formatRate, formatSize, perMille } from "./format";

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

describe("formatSize", () => {
  it("says a size in B, KB or MB", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(12_600)).toBe("12.3 KB");
    expect(formatSize(1_572_864)).toBe("1.5 MB");
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
