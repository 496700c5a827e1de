import { describe, expect, it } from "vitest";
import type { VerificationDetail } from "../../../api/types";
import { chainCurrent, columnsWidth, verificationColumns } from "./shared";

const chain = ["初审", "再审核", "复核", "最终复验"].map((stage_label) => ({ stage_label })) as VerificationDetail["chain"];
const at = (state: VerificationDetail["record"]["state"], step: number | null = null) =>
  chainCurrent({ chain, record: { state, step } as VerificationDetail["record"] });

describe("a record's place on its chain", () => {
  it("follows the office awaited while in review", () => {
    expect(at("in_review", 1)).toEqual({ current: 1, status: "process" });
    expect(at("in_review", 3)).toEqual({ current: 3, status: "process" });
  });

  it("marks the unit's step for prepared and returned records", () => {
    expect(at("prepared")).toEqual({ current: 0, status: "wait" });
    expect(at("returned")).toEqual({ current: 0, status: "error" });
  });

  it("finishes on the final office once approved or numbered", () => {
    expect(at("approved")).toEqual({ current: 3, status: "finish" });
    expect(at("certified")).toEqual({ current: 3, status: "finish" });
  });
});

describe("the lists of records", () => {
  // A 1280 px screen leaves a card's table 1280 - 15 (scroll bar) - 200 (menu) - 48 - 48 (paddings).
  const TABLE_WIDTH_AT_1280 = 969;
  const onOpen = () => {};

  it("fit a 1280 px screen with a selection and the actions, without scrolling sideways", () => {
    // 验证审核: units, no numbers yet, 通过/退回 (128).
    expect(columnsWidth(verificationColumns({ showUnit: true, showCertificate: false, onOpen }), true) + 128).toBeLessThanOrEqual(TABLE_WIDTH_AT_1280);
    // 生成证书编号 (已生成): units and numbers.
    expect(columnsWidth(verificationColumns({ showUnit: true, onOpen }))).toBeLessThanOrEqual(TABLE_WIDTH_AT_1280);
    // 验证信息上报's records: numbers, 上报 (96).
    expect(columnsWidth(verificationColumns({ showUnit: false, onOpen }), true) + 96).toBeLessThanOrEqual(TABLE_WIDTH_AT_1280);
  });

  it("keep no column fixed over the values", () => {
    for (const c of verificationColumns({ showUnit: true, onOpen })) expect(c.fixed, String(c.title)).toBeUndefined();
  });
});
