import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { DraftInput, Me, StandardDto } from "../../../api/types";
import { authSession } from "../../../auth/session";
import { buildRoutes } from "../../../routes";

const provinceMe: Me = {
  id: "acc-1",
  username: "kjc",
  display_name: "省卫生健康委科教处",
  role: "province_western",
  role_label: "省继教委办公室(科教处)",
  organisation: { kind: "province", id: "prov", name: "云南省" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self", "edit_standards"],
  manageable_roles: [],
};

function standard(): StandardDto {
  const rows: StandardDto["rows"] = [];
  for (const discipline of ["clinical", "nursing_public_health"] as const) {
    for (const unit_level of ["provincial", "prefecture", "county"] as const) {
      for (const title_level of ["senior", "intermediate", "junior"] as const) {
        rows.push({ discipline, unit_level, title_level, requirement: { total: 25, ii_subtotal_min: 10, self_managed_min: 5 } });
      }
    }
    rows.push({ discipline, unit_level: "township", title_level: null, requirement: { total: 15, ii_subtotal_min: 12, self_managed_min: 3 } });
    rows.push({ discipline, unit_level: "village", title_level: null, requirement: { total: 10, ii_subtotal_min: 10, self_managed_min: 0 } });
  }
  return { year: 2021, version: 1, mandatory_course: null, rows };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function renderPage() {
  const saved: DraftInput[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const p = new URL(request.url).pathname;
    if (p === "/api/v1/me") return json(provinceMe);
    if (p === "/api/v1/standards") return json([{ year: 2021, version: 1, mandatory_course: null }]);
    if (p === "/api/v1/standards/2021") return json(standard());
    // No draft: the page asks which years have one, never for a draft that is not there.
    if (p === "/api/v1/standards/drafts") return json([]);
    if (p === "/api/v1/standards/2021/draft" && request.method === "GET") throw new Error("asked for a draft not listed");
    if (p === "/api/v1/standards/2021/draft" && request.method === "PUT") {
      const body = (await request.json()) as DraftInput;
      saved.push(body);
      if (body.rows.length < 22) {
        return json(
          {
            title: "请求参数不合法",
            status: 422,
            code: "validation_failed",
            errors: [{ field: "rows", message: "缺少 护理、公卫类 县级 初级 的标准" }],
          },
          422,
        );
      }
      return json({ year: 2021, version: 2, mandatory_course: null, rows: body.rows });
    }
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: ["/standard-editor"] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { saved };
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("学分标准维护", { timeout: 120_000 }, () => {
  it("starts a draft from the standard in force, shows the 422 of a missing profile, saves a raised total", async () => {
    const user = userEvent.setup();
    const { saved } = renderPage();
    await user.click(await screen.findByTestId("start-draft", {}, { timeout: 15_000 }));
    const table = await screen.findByTestId("standard-rows");
    const row = (key: string) => table.querySelector(`tr[data-row-key="${key}"]`) as HTMLElement;

    // Without one profile: warned on the page, refused by the server.
    await user.click(within(row("nursing_public_health:county:junior")).getByTestId("remove-row"));
    expect(await screen.findByTestId("coverage")).toHaveTextContent("护理、公卫类 · 县级 · 初级");
    await user.click(screen.getByTestId("save-draft"));
    expect(await screen.findByTestId("field-errors")).toHaveTextContent("rows：缺少 护理、公卫类 县级 初级 的标准");
    expect(saved[0]!.rows).toHaveLength(21);

    // Back to the standard in force, one total raised.
    await user.click(screen.getByTestId("reset-to-in-force"));
    await waitFor(() => expect(screen.queryByTestId("coverage")).not.toBeInTheDocument());
    const total = within(row("clinical:county:intermediate")).getByTestId("limit-total");
    await user.clear(total);
    await user.type(total, "30");
    await waitFor(() => expect(total).toHaveAttribute("data-changed", "true"));
    await user.click(screen.getByTestId("save-draft"));
    await waitFor(() => expect(saved).toHaveLength(2));
    const raised = saved[1]!.rows.find((r) => r.discipline === "clinical" && r.unit_level === "county" && r.title_level === "intermediate");
    expect(raised!.requirement).toMatchObject({ total: 30, ii_subtotal_min: 10, self_managed_min: 5, i_national_min: null });
    expect(saved[1]!.rows).toHaveLength(22);
    expect(await screen.findByTestId("draft-status")).toHaveTextContent("已保存草稿");
    expect(screen.getByTestId("preview-draft")).toBeEnabled();
  });
});
