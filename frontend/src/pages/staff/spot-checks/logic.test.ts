import { describe, expect, it } from "vitest";
import {
  closeSummary,
  drawRequestOf,
  formatSamplingRate,
  markPassed,
  rateError,
  redrawForm,
  resultsToSave,
  seedError,
  serializeDrawRequest,
  tally,
  toPermille,
  unitOutcome,
} from "./logic";

describe("sampling rate", () => {
  it("reads percent and per mille as the wire's per mille", () => {
    expect(toPermille(100, "percent")).toBe(1000);
    expect(toPermille(12.5, "percent")).toBe(125);
    expect(toPermille(0.1, "percent")).toBe(1);
    expect(toPermille(5, "permille")).toBe(5);
    expect(toPermille(1000, "permille")).toBe(1000);
  });
  it("refuses what the server would", () => {
    expect(toPermille(0, "permille")).toBeNull();
    expect(toPermille(1001, "permille")).toBeNull();
    expect(toPermille(100.1, "percent")).toBeNull();
    expect(toPermille(12.55, "percent")).toBeNull();
    expect(toPermille(2.5, "permille")).toBeNull();
    expect(toPermille(null, "percent")).toBeNull();
    expect(rateError(undefined, "percent")).toBe("请填写抽样比例");
    expect(rateError(0.05, "percent")).toMatch(/0.1%/);
    expect(rateError(2.5, "permille")).toMatch(/1‰/);
    expect(rateError(30, "percent")).toBeNull();
  });
  it("formats", () => {
    expect(formatSamplingRate(1000)).toBe("100%（1000‰）");
    expect(formatSamplingRate(125)).toBe("12.5%（125‰）");
  });
});

describe("seed", () => {
  it("takes digits up to 2^63−1, or nothing", () => {
    expect(seedError("")).toBeNull();
    expect(seedError(undefined)).toBeNull();
    expect(seedError("42")).toBeNull();
    expect(seedError("9223372036854775807")).toBeNull();
    expect(seedError("9223372036854775808")).toMatch(/过大/);
    expect(seedError("-1")).toMatch(/非负整数/);
    expect(seedError("1e5")).toMatch(/非负整数/);
  });
  it("writes a large seed exactly, as a JSON number", () => {
    const { body, seed } = drawRequestOf({ kind: "sample", year: 2021, rate: 100, rateUnit: "percent", seed: " 9007199254740993 " });
    const json = serializeDrawRequest(body, seed);
    expect(json).toBe('{"kind":"sample","year":2021,"rate_permille":1000,"per_unit_min":0,"seed":9007199254740993}');
    // JSON.parse would round it; the digits on the wire are exact.
    expect(json).toContain("9007199254740993");
  });
  it("leaves the seed out when none is given", () => {
    const { body, seed } = drawRequestOf({ kind: "sample", year: 2021, rate: 50, rateUnit: "permille", perUnitMin: 2, seed: "" });
    expect(seed).toBeNull();
    expect(JSON.parse(serializeDrawRequest(body, seed))).toEqual({ kind: "sample", year: 2021, rate_permille: 50, per_unit_min: 2 });
  });
  it("rejects a seed that is not digits", () => {
    expect(() => serializeDrawRequest({ kind: "sample", year: 2021, rate_permille: 1, per_unit_min: 0 }, "1,2")).toThrow();
  });
});

describe("draw request", () => {
  it("on-site: institutions, or one unit re-inspected instead", () => {
    const drawn = drawRequestOf({ kind: "on_site", year: 2021, rate: 20, rateUnit: "percent", institutions: 3, note: " 现场 " });
    expect(drawn.body).toEqual({ kind: "on_site", year: 2021, rate_permille: 200, per_unit_min: 0, institutions: 3, note: "现场" });
    const again = drawRequestOf({ kind: "on_site", year: 2021, rate: 100, rateUnit: "percent", institutions: 3, unitId: "u1" });
    expect(again.body).toEqual({ kind: "on_site", year: 2021, rate_permille: 1000, per_unit_min: 0, unit_id: "u1" });
  });
  it("sample: no institutions nor unit", () => {
    const drawn = drawRequestOf({ kind: "sample", year: 2021, rate: 10, rateUnit: "percent", institutions: 3, unitId: "u1" });
    expect(drawn.body).toEqual({ kind: "sample", year: 2021, rate_permille: 100, per_unit_min: 0 });
  });
  it("a check's parameters redraw the same sample", () => {
    const form = redrawForm({ kind: "sample", year: 2021, rate_permille: 125, per_unit_min: 2, institutions: null, only_unit_id: null, seed: "12345678901234567890" });
    const { body, seed } = drawRequestOf(form);
    expect(body).toEqual({ kind: "sample", year: 2021, rate_permille: 125, per_unit_min: 2 });
    expect(seed).toBe("12345678901234567890");
  });
});

const items = [
  { id: "a", unit_id: "u1", name: "张三", result: "pending" as const, note: null },
  { id: "b", unit_id: "u1", name: "李四", result: "pending" as const, note: null },
  { id: "c", unit_id: "u2", name: "王五", result: "pass" as const, note: null },
];

describe("results", () => {
  it("saves the changed results; a failure needs a reason", () => {
    const edits = { a: { result: "fail" as const, note: "" }, b: { result: "pass" as const, note: "" }, c: { result: "pass" as const, note: "" } };
    const { results, missingReason } = resultsToSave(items, edits);
    expect(missingReason).toEqual(["张三"]);
    expect(results).toEqual([{ item_id: "b", result: "pass", note: null }]);
    const fixed = resultsToSave(items, { ...edits, a: { result: "fail", note: " 学分证明与登记不符 " } });
    expect(fixed.missingReason).toEqual([]);
    expect(fixed.results).toEqual([
      { item_id: "a", result: "fail", note: "学分证明与登记不符" },
      { item_id: "b", result: "pass", note: null },
    ]);
  });
  it("marks the pending as passed, keeping failures", () => {
    const edits = markPassed(items, { a: { result: "fail", note: "缺证明" } });
    expect(edits.a).toEqual({ result: "fail", note: "缺证明" });
    expect(edits.b).toEqual({ result: "pass", note: "" });
    expect(edits.c).toBeUndefined();
    // Chosen rows are set to pass whatever they were.
    expect(markPassed(items, edits, ["a"]).a).toEqual({ result: "pass", note: "" });
  });
  it("tallies an institution and projects its outcome", () => {
    const edits = { a: { result: "fail" as const, note: "x" } };
    expect(tally(items, edits, "u1")).toEqual({ pass: 0, fail: 1, pending: 1, permille: null });
    const all = { ...edits, b: { result: "pass" as const, note: "" } };
    expect(tally(items, all, "u1")).toEqual({ pass: 1, fail: 1, pending: 0, permille: 500 });
    expect(unitOutcome({ outcome: null, pass_permille: null }, 500)).toMatchObject({ text: "预计退回（合格率低于95%）", final: false });
    expect(unitOutcome({ outcome: null, pass_permille: null }, 950).text).toBe("预计通过");
    expect(unitOutcome({ outcome: null, pass_permille: null }, null).text).toBe("待检查");
    expect(unitOutcome({ outcome: "sent_back", pass_permille: 500 }, null)).toEqual({ text: "合格率低于95%，退回单位重新验证", color: "error", final: true });
    expect(unitOutcome({ outcome: "passed", pass_permille: 1000 }, null).text).toBe("通过");
  });
});

describe("closing", () => {
  it("names the institutions sent back and released", () => {
    const summary = closeSummary({
      check: { units: [{ unit_id: "u1", unit_name: "普吉街道社区卫生服务中心" }, { unit_id: "u2", unit_name: "狗街镇卫生院" }] },
      sent_back: [{ unit_id: "u1", records: 5 }],
      released: ["u2", "u3"],
    });
    expect(summary.sentBack).toEqual([{ unitId: "u1", name: "普吉街道社区卫生服务中心", records: 5 }]);
    expect(summary.released).toEqual([
      { unitId: "u2", name: "狗街镇卫生院" },
      { unitId: "u3", name: "u3" },
    ]);
  });
});
