import { describe, expect, it } from "vitest";
import { ApiProblem } from "../../../api/client";
import {
  FIELDS,
  type GridRow,
  emptyRow,
  errorText,
  fromCells,
  isBlank,
  nextCell,
  parseCategory,
  parseDate,
  parseRow,
  serverErrors,
  signature,
  tidy,
  toBatch,
  withTrailingBlank,
} from "./grid";

const ID = "11010519491231002X";
const TODAY = "2026-03-01";

function row(values: Partial<GridRow>): GridRow {
  return { ...emptyRow(), ...values };
}

const GOOD = {
  id_number: ID,
  activity_name: " 县级医院临床路径管理培训班 ",
  category: "2",
  amount: "2.5",
  earned_on: "2021/5/12",
  certificate_no: "YN-1",
};

describe("the grid's cells", () => {
  it("reads categories by code, label or wire name", () => {
    expect(parseCategory("1")?.source).toBe("national");
    expect(parseCategory("省级 I类")?.source).toBe("provincial");
    expect(parseCategory("远程Ⅱ类")?.source).toBe("distance_ii");
    expect(parseCategory("远程I类")?.source).toBe("distance_i");
    expect(parseCategory("自管学分")?.kind).toBe("self_managed");
    expect(parseCategory("6")?.kind).toBe("self_managed");
    expect(parseCategory("prefecture")?.label).toBe("州市级");
    expect(parseCategory("县级")).toBeNull();
    expect(parseCategory("7")).toBeNull();
  });

  it("reads dates people type, and only real ones", () => {
    expect(parseDate("2021/5/12")).toBe("2021-05-12");
    expect(parseDate("2021.05.12")).toBe("2021-05-12");
    expect(parseDate("20210512")).toBe("2021-05-12");
    expect(parseDate("2021年5月12日")).toBe("2021-05-12");
    expect(parseDate("2021-02-30")).toBeNull();
    expect(parseDate("5/12/2021")).toBeNull();
  });

  it("tidies a cell when it is left", () => {
    const r = row({ category: "2", earned_on: "2021/5/12", id_number: "11010519491231002x" });
    expect(tidy(r, "category").category).toBe("省级");
    expect(tidy(r, "earned_on").earned_on).toBe("2021-05-12");
    expect(tidy(r, "id_number").id_number).toBe(ID);
    expect(tidy(r, "amount")).toBe(r);
  });
});

describe("a typed row", () => {
  it("becomes the request's row", () => {
    const parsed = parseRow(row(GOOD), TODAY);
    expect(parsed).toEqual({
      ok: {
        id_number: ID,
        kind: "project",
        source: "provincial",
        amount: 2.5,
        activity_name: "县级医院临床路径管理培训班",
        earned_on: "2021-05-12",
        certificate_no: "YN-1",
      },
    });
    const self = parseRow(row({ ...GOOD, category: "自管学分", name: "张三", note: " 补录 " }), TODAY);
    expect("ok" in self && self.ok).toMatchObject({ kind: "self_managed", name: "张三", note: "补录" });
    expect("ok" in self && "source" in self.ok).toBe(false);
  });

  it("names every bad cell in Chinese", () => {
    const parsed = parseRow(row({ id_number: "123", category: "县级", amount: "2.55", earned_on: "2027-01-01" }), TODAY);
    expect("errors" in parsed).toBe(true);
    const errors = "errors" in parsed ? parsed.errors : {};
    expect(Object.keys(errors).sort()).toEqual(["activity_name", "amount", "category", "certificate_no", "earned_on", "id_number"]);
    expect(errors.earned_on).toBe("日期不能晚于今天");
    expect(Object.values(errors).every((m) => /[\u4e00-\u9fff]/.test(m!))).toBe(true);
    expect(errorText(errors)).toMatch(/^身份证号：.*；项目\/活动名称：/);
  });

  it("sends only filled rows that parse, remembering where each came from", () => {
    const rows = [row(GOOD), emptyRow(), row({ ...GOOD, amount: "" }), row({ ...GOOD, certificate_no: "YN-2" })];
    const batch = toBatch(rows, TODAY);
    expect(batch.sent).toEqual([0, 3]);
    expect(batch.body.map((r) => r.certificate_no)).toEqual(["YN-1", "YN-2"]);
    expect([...batch.local.keys()]).toEqual([2]);
    expect(batch.local.get(2)?.amount).toBe("请填写学分");
  });
});

describe("the server's answer", () => {
  it("lands on the grid rows that were sent", () => {
    const problem = new ApiProblem({
      title: "请求有误",
      status: 422,
      code: "validation_failed",
      detail: "2 行有误，整批未保存",
      errors: [
        { field: "rows[1].certificate_no", message: "证书编号 YN-2 已录入" },
        { field: "rows[1].year", message: "2021 年度的学分验证已上报，已锁定" },
        { field: "rows[0].source", message: "项目学分须选择来源级别" },
        { field: "rows[0].id_number", message: "查无此人或不在本辖区" },
        { field: "rows[2].certificate_no", message: "与本批第 1 条为同一人的同一张证书" },
      ],
    });
    const { rows, general } = serverErrors(problem, [0, 3, 5]);
    expect(rows.get(5)?.certificate_no).toBe("与第 1 行为同一人的同一张证书");
    expect(general).toBeNull();
    expect(rows.get(3)).toEqual({ certificate_no: "证书编号 YN-2 已录入", earned_on: "2021 年度的学分验证已上报，已锁定" });
    expect(rows.get(0)).toEqual({ category: "项目学分须选择来源级别", id_number: "查无此人或不在本辖区" });
  });

  it("keeps a problem about no row as a general message", () => {
    const problem = new ApiProblem({ title: "请求有误", status: 422, code: "validation_failed", errors: [{ field: "rows", message: "每批 1–2000 行" }] });
    expect(serverErrors(problem, [0]).general).toBe("每批 1–2000 行");
  });

  it("a file's rows fill the grid, tidied", () => {
    const r = fromCells({ row: 2, id_number: ID.toLowerCase(), name: "", activity_name: "培训", category: "省级 I类", amount: "1", earned_on: "2021/5/12", certificate_no: "F-1", organiser: "", note: "" });
    expect([r.id_number, r.category, r.earned_on]).toEqual([ID, "省级", "2021-05-12"]);
  });
});

describe("the keyboard", () => {
  it("moves along the row, then to the next row, appending at the end", () => {
    const last = FIELDS.length - 1;
    expect(nextCell(0, 0, 2, false)).toEqual({ row: 0, col: 1, append: false });
    expect(nextCell(0, last, 2, false)).toEqual({ row: 1, col: 0, append: false });
    expect(nextCell(1, last, 2, false)).toEqual({ row: 2, col: 0, append: true });
    expect(nextCell(1, 0, 2, true)).toEqual({ row: 0, col: last, append: false });
    expect(nextCell(0, 0, 2, true)).toEqual({ row: 0, col: 0, append: false });
  });

  it("always leaves one blank row at the end", () => {
    const rows = [row(GOOD)];
    const grown = withTrailingBlank(rows);
    expect(grown).toHaveLength(2);
    expect(isBlank(grown[1]!)).toBe(true);
    expect(withTrailingBlank(grown)).toBe(grown);
    expect(signature(grown[0]!)).not.toEqual(signature(grown[1]!));
  });
});
