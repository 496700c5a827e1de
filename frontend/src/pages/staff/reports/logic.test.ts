import { describe, expect, it } from "vitest";
import { barColor, complianceRate, exportFileName, passRate, pdfFileName, permilleOf, reportQuery } from "./logic";

describe("rates", () => {
  it("divides in per mille, rounded down, null over nothing", () => {
    expect(permilleOf(19, 20)).toBe(950);
    expect(permilleOf(2, 3)).toBe(666);
    expect(permilleOf(0, 0)).toBeNull();
    expect(permilleOf(5, 4)).toBe(1000);
  });
  it("compliance over people to verify, pass over submitted (the server's when given)", () => {
    const row = { to_verify: 8, compliant: 6, submitted: 4, approved: 3, pass_rate_per_mille: null };
    expect(complianceRate(row)).toBe(750);
    expect(passRate(row)).toBe(750);
    expect(passRate({ ...row, pass_rate_per_mille: 500 })).toBe(500);
    expect(passRate({ ...row, submitted: 0, approved: 0 })).toBeNull();
  });
});

describe("query and export", () => {
  it("the same filters for the table and the file; 全部 sends no discipline", () => {
    expect(reportQuery(2021, "unit", "all")).toEqual({ cycle_year: 2021, by: "unit" });
    expect(reportQuery(2021, "prefecture", "nursing_public_health")).toEqual({ cycle_year: 2021, by: "prefecture", discipline: "nursing_public_health" });
    expect(exportFileName(2021, "county", "all")).toBe("2021年度学分验证统计-按县市区.xlsx");
    expect(exportFileName(2021, "unit", "clinical")).toBe("2021年度学分验证统计-按单位-临床检验放射等类.xlsx");
    expect(pdfFileName(2021, "prefecture", "all")).toBe("2021年度学分验证统计-按州市.pdf");
  });
});

describe("bars", () => {
  it("colour against the 95% line", () => {
    expect(barColor(950)).toBe("#52c41a");
    expect(barColor(900)).toBe("#faad14");
    expect(barColor(100)).toBe("#ff4d4f");
    expect(barColor(null)).toBe("#d9d9d9");
  });
});
