import { describe, expect, it } from "vitest";
import { ApiProblem } from "../../../api/client";
import { classOf, parseAmount, stepOfProblem, toCategory, toRequest } from "./mapping";

describe("class and level → kind and source", () => {
  it("maps I类 and II类 levels to project credits of that source", () => {
    expect(toCategory("i", "national")).toEqual({ kind: "project", source: "national" });
    expect(toCategory("i", "distance_i")).toEqual({ kind: "project", source: "distance_i" });
    expect(toCategory("ii", "prefecture")).toEqual({ kind: "project", source: "prefecture" });
    expect(toCategory("ii", "distance_ii")).toEqual({ kind: "project", source: "distance_ii" });
  });

  it("maps 自管学分 to self-managed without a source, whatever level was left over", () => {
    expect(toCategory("self_managed", undefined)).toEqual({ kind: "self_managed", source: null });
    expect(toCategory("self_managed", "national")).toEqual({ kind: "self_managed", source: null });
  });

  it("refuses a level of the other class and a missing level", () => {
    expect(toCategory("i", "prefecture")).toBeNull();
    expect(toCategory("ii", "national")).toBeNull();
    expect(toCategory("i", undefined)).toBeNull();
    expect(toCategory(undefined, "national")).toBeNull();
  });

  it("round-trips through classOf", () => {
    for (const source of ["national", "provincial", "distance_i", "prefecture", "distance_ii"] as const) {
      expect(toCategory(classOf(source), source)?.source).toBe(source);
    }
    expect(classOf(null)).toBe("self_managed");
  });
});

describe("parseAmount", () => {
  it.each([
    ["2", 2],
    ["2.5", 2.5],
    [" 0.5 ", 0.5],
    ["１０", 10],
    ["3．5", 3.5],
    ["25", 25],
  ])("accepts %j", (text, value) => {
    expect(parseAmount(text)).toEqual({ value });
  });

  it.each([
    ["", "请填写学分"],
    ["2.55", "学分为正数，最多一位小数"],
    ["-1", "学分为正数，最多一位小数"],
    ["abc", "学分为正数，最多一位小数"],
    [".5", "学分为正数，最多一位小数"],
    ["0", "学分须大于 0"],
    ["0.0", "学分须大于 0"],
    ["25.1", "单项学分不能超过 25 分"],
    ["250", "单项学分不能超过 25 分"],
  ])("refuses %j", (text, error) => {
    expect(parseAmount(text)).toEqual({ error });
  });
});

describe("toRequest", () => {
  const base = {
    year: 2021,
    activity_name: "  合理用药培训班 ",
    earned_on: "2021-05-12",
    amount: "2.5",
    certificate_no: " YN2021-0001 ",
  };

  it("sends a project credit with its source, trimmed, without empty optionals", () => {
    expect(toRequest({ ...base, credit_class: "i", source: "provincial", organiser: "  ", note: "" })).toEqual({
      year: 2021,
      kind: "project",
      source: "provincial",
      amount: 2.5,
      activity_name: "合理用药培训班",
      earned_on: "2021-05-12",
      certificate_no: "YN2021-0001",
    });
  });

  it("sends a self-managed credit without any source", () => {
    const body = toRequest({ ...base, credit_class: "self_managed", source: "national", organiser: "本院", note: " 补录 " });
    expect(body).toMatchObject({ kind: "self_managed", organiser: "本院", note: "补录" });
    expect(body).not.toHaveProperty("source");
  });

  it("throws when the level is missing", () => {
    expect(() => toRequest({ ...base, credit_class: "ii" })).toThrow();
  });
});

describe("stepOfProblem", () => {
  const problem = (code: string, fields: string[]) =>
    new ApiProblem({ title: "t", status: 422, code, errors: fields.map((field) => ({ field, message: "m" })) });

  it("sends the user back to the step that shows the failing field", () => {
    expect(stepOfProblem(problem("validation_failed", ["earned_on"]))).toBe(1);
    expect(stepOfProblem(problem("validation_failed", ["source"]))).toBe(0);
    expect(stepOfProblem(problem("validation_failed", ["kind"]))).toBe(0);
    expect(stepOfProblem(problem("validation_failed", ["amount", "year"]))).toBe(0);
  });

  it("puts a duplicate certificate on the certificate's step", () => {
    expect(stepOfProblem(new ApiProblem({ title: "t", status: 409, code: "duplicate_certificate" }))).toBe(1);
  });

  it("has no step for a problem about no field", () => {
    expect(stepOfProblem(new ApiProblem({ title: "t", status: 409, code: "person_year_locked" }))).toBeNull();
  });
});
