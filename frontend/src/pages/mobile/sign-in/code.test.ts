import { describe, expect, it } from "vitest";
import { ApiProblem } from "../../../api/client";
import { extractCode, signInOutcome } from "./code";

describe("extractCode", () => {
  it("takes the code out of the QR code's URL", () => {
    expect(extractCode("https://cme.example.cn/m/sign-in?code=AbC-_12")).toBe("AbC-_12");
    expect(extractCode("/m/sign-in?x=1&code=AbC")).toBe("AbC");
  });

  it("takes a bare code as it is, trimmed", () => {
    expect(extractCode("  AbC-_12\n")).toBe("AbC-_12");
  });

  it("refuses nothing and non-codes", () => {
    expect(extractCode("")).toBeNull();
    expect(extractCode(null)).toBeNull();
    expect(extractCode("hello world")).toBeNull();
    expect(extractCode("https://x.cn/m/sign-in?code=")).toBeNull();
  });
});

describe("signInOutcome", () => {
  const field = (message: string) =>
    new ApiProblem({ title: "请求有误", status: 422, code: "validation_failed", errors: [{ field: "code", message }] });

  it("tells an expired code from an invalid one", () => {
    expect(signInOutcome(field("签到码已过期"))).toEqual({ kind: "expired", message: "签到码已过期" });
    expect(signInOutcome(field("签到码无效"))).toEqual({ kind: "invalid", message: "签到码无效" });
  });

  it("says a second sign-in is already recorded", () => {
    const p = new ApiProblem({ title: "冲突", status: 409, code: "already_signed_in", detail: "已签到，本活动的学分已记入" });
    expect(signInOutcome(p)).toEqual({ kind: "already", message: "已签到，本活动的学分已记入" });
  });

  it("passes anything else through with its detail", () => {
    const p = new ApiProblem({ title: "冲突", status: 409, code: "person_year_locked", detail: "年度已锁定" });
    expect(signInOutcome(p)).toEqual({ kind: "other", message: "年度已锁定" });
  });
});
