import { describe, expect, it } from "vitest";
import { contentTypeOf } from ".";

describe("公需科目 file upload", () => {
  it("sends a workbook as XLSX and anything else as CSV (the server reads UTF-8 or GBK)", () => {
    expect(contentTypeOf({ name: "完成情况.XLSX" })).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    expect(contentTypeOf({ name: "完成情况.csv" })).toBe("text/csv");
  });
});
