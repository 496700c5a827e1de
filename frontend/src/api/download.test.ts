import { describe, expect, it } from "vitest";
import { cleanQuery, filenameFromDisposition } from "./download";

describe("filenameFromDisposition", () => {
  it("prefers the UTF-8 name (Chinese survives)", () => {
    const header = `attachment; filename="registration-form-2021.pdf"; filename*=UTF-8''${encodeURIComponent("张三-2021年度学分登记表.pdf")}`;
    expect(filenameFromDisposition(header, "x.pdf")).toBe("张三-2021年度学分登记表.pdf");
  });

  it("falls back to the plain name, then to the given one", () => {
    expect(filenameFromDisposition('attachment; filename="compliance-2021.xlsx"', "x")).toBe("compliance-2021.xlsx");
    expect(filenameFromDisposition(null, "x.xlsx")).toBe("x.xlsx");
  });
});

describe("cleanQuery", () => {
  it("drops unset and empty filters", () => {
    expect(cleanQuery({ year: 2021, name: "", unit_id: undefined, outcome: null, mode: "check" })).toEqual({ year: 2021, mode: "check" });
  });
});
