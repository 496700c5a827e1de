import { describe, expect, it } from "vitest";
import { ApiProblem } from "../api/client";
import { placeErrors } from "./formErrors";

describe("placeErrors", () => {
  it("puts field errors on the form's fields and keeps the others for an alert", () => {
    const problem = new ApiProblem({
      title: "请求有误",
      status: 422,
      code: "validation_failed",
      errors: [
        { field: "earned_on", message: "日期须在 2021 年内" },
        { field: "kind", message: "自管学分不能选择来源级别" },
        { field: "person_id", message: "人员不存在" },
      ],
    });
    expect(placeErrors(problem, ["earned_on", "credit_class"], { rename: { kind: "credit_class" } })).toEqual({
      fields: [
        { name: ["earned_on"], errors: ["日期须在 2021 年内"] },
        { name: ["credit_class"], errors: ["自管学分不能选择来源级别"] },
      ],
      rest: ["人员不存在"],
    });
  });

  it("splits nested paths into antd name paths", () => {
    const problem = new ApiProblem({
      title: "t",
      status: 422,
      code: "validation_failed",
      errors: [{ field: "credits[1].amount", message: "最多一位小数" }],
    });
    expect(placeErrors(problem, ["credits"]).fields).toEqual([{ name: ["credits", 1, "amount"], errors: ["最多一位小数"] }]);
  });

  it("puts a conflict about one field on that field", () => {
    const problem = new ApiProblem({ title: "冲突", status: 409, code: "duplicate_certificate", detail: "证书编号 X 已录入" });
    expect(placeErrors(problem, ["certificate_no"], { conflicts: { duplicate_certificate: "certificate_no" } })).toEqual({
      fields: [{ name: ["certificate_no"], errors: ["证书编号 X 已录入"] }],
      rest: [],
    });
  });

  it("leaves a problem without fields for the alert", () => {
    const problem = new ApiProblem({ title: "冲突", status: 409, code: "person_year_locked", detail: "已锁定" });
    expect(placeErrors(problem, ["certificate_no"])).toEqual({ fields: [], rest: ["已锁定"] });
  });
});
