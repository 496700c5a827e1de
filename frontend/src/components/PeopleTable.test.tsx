import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import type { PersonSummary } from "../api/types";
import { PeopleTable, idNumberColumn, titleText } from "./PeopleTable";

const people = [
  {
    id: "p1",
    name: "王芳",
    gender: "female",
    id_number_masked: "530102********0021",
    department_id: "d1",
    discipline: "clinical",
    title: { name: "主治医师", level: "intermediate" },
    status: "normal",
  },
  {
    id: "p2",
    name: "李强",
    gender: "male",
    id_number_masked: "530102********0035",
    department_id: null,
    discipline: "nursing_public_health",
    title: null,
    status: "cancelled",
  },
] as unknown as PersonSummary[];

function headers(): string[] {
  return screen.getAllByRole("columnheader").map((h) => h.textContent ?? "");
}

describe("PeopleTable", () => {
  it("lists people with their ID number, department, discipline, title and status, and opens one", async () => {
    const onOpen = vi.fn();
    render(
      <PeopleTable people={people} loading={false} onOpen={onOpen} departmentNames={new Map([["d1", "内科"]])} openTestId="open" testId="table" />,
    );
    expect(headers()).toEqual(["姓名", "性别", "身份证号", "科室", "类别", "职称", "状态"]);
    const [first, second] = screen.getAllByRole("row").slice(1);
    expect(within(first!).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "王芳",
      "女",
      "530102********0021",
      "内科",
      "临床、检验、放射等类",
      "主治医师（中级）",
      "正常",
    ]);
    expect(within(second!).getAllByRole("cell").map((c) => c.textContent)).toEqual([
      "李强",
      "男",
      "530102********0035",
      "—",
      "护理、公卫类",
      "—",
      "注销",
    ]);
    expect(within(first!).getByText("530102********0021")).toHaveStyle({ fontFamily: "monospace" });
    await userEvent.setup().click(screen.getAllByTestId("open")[1]!);
    expect(onOpen).toHaveBeenCalledWith("p2");
  });

  it("leaves out the department column for a department's own people, and names the discipline column as asked", () => {
    render(<PeopleTable people={people} loading={false} onOpen={() => {}} disciplineTitle="专业类别" openTestId="open" testId="table" />);
    expect(headers()).toEqual(["姓名", "性别", "身份证号", "专业类别", "职称", "状态"]);
  });
});

describe("person columns", () => {
  it("builds the 身份证号 column over any field", () => {
    expect(idNumberColumn({ dataIndex: "id_number", width: 180 })).toMatchObject({ title: "身份证号", dataIndex: "id_number", width: 180 });
    expect(idNumberColumn()).toMatchObject({ dataIndex: "id_number_masked" });
  });

  it("writes a title with its level", () => {
    expect(titleText("主治医师", "intermediate")).toBe("主治医师（中级）");
    expect(titleText(null, null)).toBe("—");
  });
});
