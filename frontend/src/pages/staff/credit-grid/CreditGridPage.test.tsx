import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { Me } from "../../../api/types";
import { authSession } from "../../../auth/session";
import { buildRoutes } from "../../../routes";

const ID = "11010519491231002X";

const departmentMe: Me = {
  id: "acc-1",
  username: "dept-a",
  display_name: "内科",
  role: "department",
  role_label: "科室",
  organisation: { kind: "department", id: "d1", name: "甲县人民医院 内科" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self", "enter_credits"],
  manageable_roles: [],
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

interface Batch {
  dryRun: boolean;
  rows: Record<string, unknown>[];
}

function renderPage() {
  const batches: Batch[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const url = new URL(request.url);
    if (url.pathname === "/api/v1/me") return json(departmentMe);
    if (url.pathname === "/api/v1/credits/batch" && request.method === "POST") {
      const body = (await request.json()) as { rows: Record<string, unknown>[] };
      const dryRun = url.searchParams.get("dry_run") === "true";
      batches.push({ dryRun, rows: body.rows });
      const taken = body.rows.findIndex((r) => r.certificate_no === "TAKEN");
      if (taken >= 0) {
        return json(
          {
            title: "请求有误",
            status: 422,
            code: "validation_failed",
            detail: "1 行有误，整批未保存",
            errors: [{ field: `rows[${taken}].certificate_no`, message: "证书编号 TAKEN 已录入" }],
          },
          422,
        );
      }
      return json({ rows: body.rows.length, saved: !dryRun, credits: dryRun ? [] : body.rows.map(() => ({ state: "draft" })) }, dryRun ? 200 : 201);
    }
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: ["/credit-grid"] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { batches };
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

/** Types a row's cells from its first, Enter after each. */
async function typeRow(user: ReturnType<typeof userEvent.setup>, row: number, cells: string[]) {
  await user.click(screen.getByTestId(`cell-${row}-id_number`));
  for (const text of cells) {
    if (text) await user.keyboard(text);
    await user.keyboard("{Enter}");
  }
}

describe("纸质学分批量录入", { timeout: 120_000 }, () => {
  it("is typed with the keyboard, checked as typed, and saved in one request with Ctrl+Enter", async () => {
    const user = userEvent.setup();
    const { batches } = renderPage();
    await screen.findByTestId("credit-grid", {}, { timeout: 15_000 });

    await typeRow(user, 0, [ID, "", "培训班", "2", "2", "2021/5/12", "C-1", "", ""]);
    // Enter on the last cell went to the next row, which appeared by itself.
    expect(document.activeElement).toBe(screen.getByTestId("cell-1-id_number"));
    expect((screen.getByTestId("cell-0-category") as HTMLInputElement).value).toBe("省级");
    await typeRow(user, 1, [ID, "", "讲座", "6", "2.55", "2021-06-01", "C-2", "", ""]);
    // The bad amount is named on its row, in Chinese; the good row passes the server's dry run.
    await waitFor(() => expect(screen.getByTestId("row-status-1").textContent).toContain("学分："));
    await waitFor(() => expect(screen.getByTestId("row-status-0").textContent).toContain("可保存"), { timeout: 5_000 });
    expect(batches.at(-1)).toMatchObject({ dryRun: true, rows: [{ id_number: ID, source: "provincial", amount: 2, earned_on: "2021-05-12" }] });

    // A row the server refuses: named on that grid row.
    await typeRow(user, 2, [ID, "", "会议", "1", "1", "2021-07-01", "TAKEN", "", ""]);
    await waitFor(() => expect(screen.getByTestId("row-status-2").textContent).toContain("已录入"), { timeout: 5_000 });

    // Ctrl+Enter with a bad row left: nothing is sent.
    const sent = batches.length;
    await user.keyboard("{Control>}{Enter}{/Control}");
    expect(batches.filter((b) => !b.dryRun)).toHaveLength(0);

    await user.clear(screen.getByTestId("cell-1-amount"));
    await user.type(screen.getByTestId("cell-1-amount"), "2");
    await user.clear(screen.getByTestId("cell-2-certificate_no"));
    await user.type(screen.getByTestId("cell-2-certificate_no"), "C-3{Control>}{Enter}{/Control}");
    await screen.findByTestId("grid-saved");
    const saves = batches.filter((b) => !b.dryRun);
    expect(saves).toHaveLength(1);
    expect(saves[0]!.rows.map((r) => r.certificate_no)).toEqual(["C-1", "C-2", "C-3"]);
    expect(batches.length).toBeGreaterThan(sent);
    expect(screen.getByTestId("grid-saved").textContent).toContain("已保存 3 条，为科室草稿");
  });
});
