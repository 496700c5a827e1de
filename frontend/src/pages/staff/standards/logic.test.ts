import { describe, expect, it } from "vitest";
import {
  changedCells,
  coverage,
  draftInputOf,
  editorFromStandard,
  emptyRow,
  limitError,
  previewDelta,
  profileLabel,
  signed,
  signedPoints,
  validateEditor,
  type EditorState,
} from "./logic";

type Row = Parameters<typeof editorFromStandard>[0]["rows"][number];

/** A full standard: every profile, title rows where the title matters. */
function fullStandard(): { mandatory_course: { name: string; deadline: string } | null; rows: Row[] } {
  const rows: Row[] = [];
  for (const discipline of ["clinical", "nursing_public_health"] as const) {
    for (const unit_level of ["provincial", "prefecture", "county"] as const) {
      for (const title_level of ["senior", "intermediate", "junior"] as const) {
        rows.push({ discipline, unit_level, title_level, requirement: { total: 25, i_subtotal_min: 10, ii_subtotal_min: 10, self_managed_min: 5, i_distance_cap: null } });
      }
    }
    rows.push({ discipline, unit_level: "township", title_level: null, requirement: { total: 15, ii_subtotal_min: 12, self_managed_min: 3 } });
    rows.push({ discipline, unit_level: "village", title_level: null, requirement: { total: 10, i_subtotal_min: 0, ii_subtotal_min: 10, self_managed_min: 0 } });
  }
  return { mandatory_course: { name: "卫生健康行业生物安全", deadline: "2022-03-01" }, rows };
}

describe("standard ⇄ editor", () => {
  it("round-trips a standard through the editor unchanged", () => {
    const standard = fullStandard();
    const state = editorFromStandard(standard);
    expect(state.rows).toHaveLength(22);
    expect(state.rows[0]).toMatchObject({ key: "clinical:provincial:senior", total: 25, i_national_min: null, i_distance_cap: null });
    // Zero is a constraint (不要求), not empty.
    expect(state.rows.find((r) => r.key === "clinical:village:any")?.i_subtotal_min).toBe(0);
    const draft = draftInputOf(state);
    expect(draft.mandatory_course).toEqual({ name: "卫生健康行业生物安全", deadline: "2022-03-01" });
    expect(draft.rows).toHaveLength(22);
    const village = draft.rows.find((r) => r.discipline === "clinical" && r.unit_level === "village");
    expect(village).toEqual({
      discipline: "clinical",
      unit_level: "village",
      title_level: null,
      requirement: {
        total: 10,
        i_national_min: null,
        i_provincial_min: null,
        i_national_provincial_min: null,
        i_distance_cap: null,
        i_subtotal_min: 0,
        ii_subtotal_min: 10,
        ii_distance_cap: null,
        self_managed_min: 0,
      },
    });
    expect(editorFromStandard({ mandatory_course: draft.mandatory_course, rows: draft.rows })).toEqual(state);
  });
  it("sorts by discipline, unit level, title", () => {
    const standard = fullStandard();
    const state = editorFromStandard({ ...standard, rows: [...standard.rows].reverse() });
    expect(state.rows.slice(0, 4).map((r) => r.key)).toEqual([
      "clinical:provincial:senior",
      "clinical:provincial:intermediate",
      "clinical:provincial:junior",
      "clinical:prefecture:senior",
    ]);
  });
  it("no course: null both ways; rounds to one decimal", () => {
    const state = editorFromStandard({ ...fullStandard(), mandatory_course: null });
    expect(state.course).toBeNull();
    state.rows[0]!.total = 0.1 + 0.2;
    const draft = draftInputOf(state);
    expect(draft.mandatory_course).toBeNull();
    expect(draft.rows[0]!.requirement.total).toBe(0.3);
  });
});

describe("validation", () => {
  it("numbers: ≥ 0, one decimal, a total", () => {
    expect(limitError("total", null)).toBe("请填写总学分");
    expect(limitError("i_national_min", null)).toBeNull();
    expect(limitError("i_national_min", -1)).toBe("不能为负数");
    expect(limitError("i_national_min", 2.25)).toBe("最多一位小数");
    expect(limitError("i_national_min", 2.5)).toBeNull();
    expect(limitError("total", 0)).toBeNull();
  });
  it("the editor's errors by row and field", () => {
    const state: EditorState = editorFromStandard(fullStandard());
    state.rows[1]!.total = null;
    state.rows[2]!.ii_subtotal_min = 1.25;
    state.course = { name: " ", deadline: "2022-03-01" };
    expect(validateEditor(state)).toEqual([
      { key: "clinical:provincial:intermediate", field: "total", message: "请填写总学分" },
      { key: "clinical:provincial:junior", field: "ii_subtotal_min", message: "最多一位小数" },
      { key: "course", field: "course", message: "公需科目须填写名称和截止日期" },
    ]);
  });
  it("profiles: each exactly once; an any-title row covers all titles", () => {
    const state = editorFromStandard(fullStandard());
    expect(coverage(state.rows)).toEqual({ missing: [], duplicate: [] });
    const without = state.rows.filter((r) => r.key !== "nursing_public_health:county:junior");
    expect(coverage(without).missing).toEqual([profileLabel("nursing_public_health", "county", "junior")]);
    expect(profileLabel("nursing_public_health", "county", "junior")).toBe("护理、公卫类 · 县级 · 初级");
    const withAny = [...state.rows, emptyRow("clinical", "county", null)];
    expect(coverage(withAny).duplicate).toHaveLength(3);
  });
  it("marks the cells that differ from the standard in force", () => {
    const inForce = editorFromStandard(fullStandard());
    const state = editorFromStandard(fullStandard());
    state.rows[0]!.total = 30;
    state.rows[3]!.i_national_min = 2;
    expect([...changedCells(state, inForce)]).toEqual(["clinical:provincial:senior|total", "clinical:prefecture:senior|i_national_min"]);
    expect(changedCells(state, null).size).toBe(0);
  });
});

describe("preview", () => {
  it("the change and whether it drops", () => {
    expect(previewDelta({ compliant_now: 10, compliant_draft: 7, rate_now_permille: 500, rate_draft_permille: 350 })).toEqual({ people: -3, permille: -150, drop: true });
    expect(previewDelta({ compliant_now: 10, compliant_draft: 10, rate_now_permille: 500, rate_draft_permille: 500 }).drop).toBe(false);
    expect(signed(3)).toBe("+3");
    expect(signed(-2)).toBe("−2");
    expect(signed(0)).toBe("0");
    expect(signedPoints(-25)).toBe("−2.5 个百分点");
    expect(signedPoints(100)).toBe("+10 个百分点");
    expect(signedPoints(0)).toBe("持平");
  });
});
