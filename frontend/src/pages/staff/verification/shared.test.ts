import { describe, expect, it } from "vitest";
import type { VerificationDetail } from "../../../api/types";
import { chainCurrent } from "./shared";

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
