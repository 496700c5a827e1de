import { render, screen, waitFor, within } from "@testing-library/react";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { ComplianceRow, Me } from "../../../api/types";
import { authSession } from "../../../auth/session";
import { buildRoutes } from "../../../routes";
import { type Viewer, complianceColumns, minimumWidth } from "./columns";

/**
 * The table's width at a 1280 px screen: the window less a classic scroll bar (15), the menu
 * (200), the content's padding (2 × 24) and the card's (2 × 12, a small card).
 */
const TABLE_WIDTH_AT_1280 = 1280 - 15 - 200 - 48 - 24;

const countyMe: Me = {
  id: "acc-1",
  username: "yiliang",
  display_name: "宜良县继教委办公室",
  role: "county_office",
  role_label: "县市区继教委办公室",
  organisation: { kind: "region", id: "r1", name: "宜良县" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self"],
  manageable_roles: [],
};

function row(id: string, name: string, outcome: ComplianceRow["outcome"]): ComplianceRow {
  return {
    person_id: id,
    name,
    id_number_masked: "5301**********123X",
    unit_id: "u1",
    unit_name: "宜良县狗街镇小哨村卫生室",
    department_id: null,
    department_name: null,
    discipline: "clinical",
    title_name: "乡村医生",
    title_level: "junior",
    status: "normal",
    counted_i: 5,
    counted_ii: 2.5,
    self_managed: 0,
    total: 7.5,
    outcome,
    shortfalls: outcome === "non_compliant" ? [{ code: "total", missing: 2.5, message: "总学分差 2.5 分" }] : [],
    note: null,
  } as ComplianceRow;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function renderPage(url = "/compliance") {
  const queries: URLSearchParams[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const u = new URL(request.url);
      if (u.pathname === "/api/v1/me") return json(countyMe);
      if (u.pathname === "/api/v1/standards") return json([2021, 2020].map((year) => ({ year, version: 1, mandatory_course: null })));
      if (u.pathname === "/api/v1/cycles") return json([{ year: 2021, phase: "review", phase_label: "审验" }]);
      if (u.pathname === "/api/v1/regions") return json([]);
      if (u.pathname === "/api/v1/units") return json({ items: [], next_cursor: null });
      if (u.pathname === "/api/v1/compliance") {
        queries.push(u.searchParams);
        return json({
          items: [row("p1", "张三", "non_compliant"), row("p2", "李四", "compliant")],
          next_cursor: "p2",
          counts: { compliant: 30, non_compliant: 12, not_counted: 1, undetermined: 0 },
        });
      }
      return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
    }),
  );
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: [url] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { queries };
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("达标情况查询", { timeout: 120_000 }, () => {
  it("opens on the year the open cycle verifies, with the verdict, its reasons and the total", async () => {
    const { queries } = renderPage();
    const table = await screen.findByTestId("compliance-table", {}, { timeout: 15_000 });
    await waitFor(() => expect(within(table).getAllByTestId("outcome-tag")).toHaveLength(2));
    expect(queries[0]!.get("year")).toBe("2021");
    expect(screen.getByRole("heading", { level: 1 })).toHaveTextContent("人员达标情况查询");
    expect(within(table).getByTestId("row-shortfalls")).toHaveTextContent("总学分差 2.5 分");
    expect(within(table).getAllByTestId("row-classes")[0]).toHaveTextContent("5 / 2.5 / 0");
    const headers = within(table)
      .getAllByRole("columnheader")
      .map((h) => h.textContent);
    expect(headers).toEqual(["姓名 / 身份证号", "单位 / 科室", "职称 / 类别", "I类 / II类 / 自管", "总学分", "结果", "不达标原因"]);
    expect(screen.getByText("查询结果（共 43 人）")).toBeInTheDocument();
    expect(screen.getByTestId("load-more-bar")).toHaveTextContent("已显示 2 条，共 43 条");
  });

  it("keeps the year of the URL", async () => {
    const { queries } = renderPage("/compliance?year=2020&outcome=non_compliant");
    await screen.findByTestId("compliance-table", {}, { timeout: 15_000 });
    await waitFor(() => expect(queries.length).toBeGreaterThan(0));
    expect(queries[0]!.get("year")).toBe("2020");
    // The total of one outcome is that outcome's count.
    expect(await screen.findByText("查询结果（共 12 人）")).toBeInTheDocument();
  });

  it.each<Viewer>(["office", "unit", "department"])("fits a 1280 px screen for the %s's list", (viewer) => {
    expect(minimumWidth(complianceColumns(viewer, 2021))).toBeLessThanOrEqual(TABLE_WIDTH_AT_1280);
  });
});
