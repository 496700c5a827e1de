import { describe, expect, it } from "vitest";
import { againstRequired } from "./reviewColumns";

describe("a figure against the standard", () => {
  it("shows counted / required and marks a shortfall", () => {
    expect(againstRequired(12, 10)).toEqual({ text: "12 / 10", short: false });
    expect(againstRequired("7.5", 10)).toEqual({ text: "7.5 / 10", short: true });
    expect(againstRequired(4, null)).toEqual({ text: "4", short: false });
  });
});
