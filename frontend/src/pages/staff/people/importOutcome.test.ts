import { describe, expect, it } from "vitest";
import { importOutcome } from "./ImportPage";

describe("importOutcome", () => {
  it("says a check writes nothing, and how many rows are bad", () => {
    expect(importOutcome({ mode: "check", rows: 3, valid_rows: 2, created: 0, written: false })).toEqual({
      type: "warning",
      text: "校验发现 1 行有问题（共 3 行），未写入任何数据。",
    });
    expect(importOutcome({ mode: "check", rows: 3, valid_rows: 3, created: 0, written: false }).type).toBe("success");
  });

  it("says an all-or-nothing import with a bad row wrote nothing", () => {
    expect(importOutcome({ mode: "all", rows: 3, valid_rows: 2, created: 0, written: false })).toEqual({
      type: "error",
      text: "文件有 1 行错误，未写入任何数据。",
    });
  });

  it("counts what an import of the valid rows skipped", () => {
    expect(importOutcome({ mode: "valid_only", rows: 3, valid_rows: 2, created: 2, written: true })).toEqual({
      type: "warning",
      text: "已导入正确的 2 人，跳过 1 行有问题的数据。",
    });
  });
});
