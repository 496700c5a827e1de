import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../App";
import type { Certificate } from "../../api/certificateTypes";
import type { Me } from "../../api/types";
import { authSession } from "../../auth/session";
import { buildRoutes } from "../../routes";

const ID_NUMBER = "53010219800101123X";

const unitMe: Me = {
  id: "acc-1",
  username: "unit-a",
  display_name: "甲县人民医院",
  role: "unit",
  role_label: "单位",
  organisation: { kind: "unit", id: "u1", name: "甲县人民医院" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self", "print_certificates"],
  manageable_roles: [],
};

function certificate(id: string, name: string): Certificate {
  return {
    id,
    verification_id: `v-${id}`,
    person_id: `p-${id}`,
    unit_id: "u1",
    year: 2021,
    number: `2021-530000-00000${id}`,
    version: 1,
    name,
    gender: "男",
    id_number: "5301**********123X",
    unit_name: "甲县人民医院",
    title: "主治医师",
    class1_tenths: 100,
    class2_tenths: 100,
    self_managed_tenths: 50,
    total_tenths: 250,
    verdict: "合格",
    path: "electronic",
    path_label: "电子验证",
    issuer: "甲县继续医学教育委员会",
    issued_by_office: "county_office",
    sealed: true,
    check_code: "ABCD2345",
    verify_url: `https://cme.example.cn/v/${id}`,
    issued_by: "甲县继教委",
    issued_at: "2022-03-01T01:00:00Z",
    status: "valid",
    status_label: "有效",
    superseded_at: null,
    revoked_at: null,
    revoked_by: null,
    revoke_reason: null,
    row_version: 1,
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function renderPage() {
  const urls: string[] = [];
  const searches: Record<string, unknown>[] = [];
  const fetch = vi.fn(async (request: Request) => {
    urls.push(request.url);
    const p = new URL(request.url).pathname;
    if (p === "/api/v1/me") return json(unitMe);
    if (p === "/api/v1/cycles") return json([{ year: 2021, phase: "submission", phase_label: "数据上报" }]);
    if (p === "/api/v1/units/u1/departments") return json([]);
    if (p === "/api/v1/certificates/search" && request.method === "POST") {
      const body = (await request.json()) as Record<string, unknown>;
      searches.push(body);
      const items = body.id_number ? [certificate("1", "张三")] : [certificate("1", "张三"), certificate("2", "李四")];
      return json({ items, next: null });
    }
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: ["/certificates"] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { urls, searches };
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("证书打印", { timeout: 120_000 }, () => {
  it("looks a person up by ID number in a POST body, never in a URL", async () => {
    const user = userEvent.setup();
    const { urls, searches } = renderPage();
    const table = await screen.findByTestId("certificates-table", {}, { timeout: 15_000 });
    await waitFor(() => expect(within(table).getAllByTestId("certificate-name")).toHaveLength(2));
    expect(searches[0]).toMatchObject({ year: 2021, limit: 200 });

    await user.type(screen.getByTestId("certificate-search-id"), ` ${ID_NUMBER.toLowerCase()} `);
    await user.click(screen.getByTestId("certificate-search"));
    await waitFor(() => expect(within(table).getAllByTestId("certificate-name")).toHaveLength(1));
    expect(searches.at(-1)).toEqual({ year: 2021, id_number: ID_NUMBER, limit: 200 });
    expect(urls.filter((u) => u.toUpperCase().includes(ID_NUMBER))).toEqual([]);
    expect(urls.some((u) => new URL(u).pathname === "/api/v1/certificates")).toBe(false);
  });
});
