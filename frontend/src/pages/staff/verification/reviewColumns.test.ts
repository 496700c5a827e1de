import { describe, expect, it } from "vitest";
import { againstRequired, reviewColumns } from "./reviewColumns";
import { columnsWidth } from "./shared";

describe("a figure against the standard", () => {
  it("shows counted / required and marks a shortfall", () => {
    expect(againstRequired(12, 10)).toEqual({ text: "12 / 10", short: false });
    expect(againstRequired("7.5", 10)).toEqual({ text: "7.5 / 10", short: true });
    expect(againstRequired(4, null)).toEqual({ text: "4", short: false });
  });
});

describe("the review queue's columns", () => {
  it("show the verdict and its reasons at 1280 px without scrolling, the unit's name keeping 120 px", () => {
    // As shared.test.ts: the card's table is 969 px wide at 1280 px.
    const columns = reviewColumns({ onOpen: () => {}, onApprove: () => {}, onReturn: () => {}, busy: false });
    expect(columnsWidth(columns, true) + 120).toBeLessThanOrEqual(969);
    for (const c of columns) expect(c.fixed, String(c.title)).toBeUndefined();
  });
});
