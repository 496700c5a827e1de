import { describe, expect, it } from "vitest";
import { plainShortfall, verdictSentence } from "./shortfall";

describe("plainShortfall", () => {
  it("says how much is missing and where such credits come from", () => {
    expect(plainShortfall({ code: "ii_subtotal", missing: 2.5, message: "II类学分差 2.5 分" })).toBe(
      "II类学分还差 2.5 分：参加州市级或远程II类项目可获得；超出要求的I类学分也可折抵II类。",
    );
    expect(plainShortfall({ code: "total", missing: 1, message: "总学分差 1 分" })).toMatch(/^总学分还差 1 分/);
  });

  it("names the mandatory course and its deadline", () => {
    expect(
      plainShortfall(
        { code: "mandatory_course", missing: 0, message: "未完成全员培训" },
        { name: "卫生健康行业生物安全", deadline: "2022-03-01" },
      ),
    ).toBe("尚未完成全员培训（公需科目）“卫生健康行业生物安全”，请在 2022-03-01 前完成。");
  });

  it("counts what is missing in the verdict", () => {
    expect(verdictSentence("non_compliant", [{ code: "total", missing: 1, message: "" }])).toBe("本年度尚未达标，还差 1 项。");
    expect(verdictSentence("compliant", [])).toBe("本年度学分已达标。");
  });
});
