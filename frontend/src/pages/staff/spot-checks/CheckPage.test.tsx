import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { CloseResult, Me, SpotCheck } from "../../../api/types";
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
  permissions: ["read_hierarchy", "read_self", "spot_check"],
  manageable_roles: [],
};

function item(id: string, unit: string, name: string): SpotCheck["items"][number] {
  return {
    id,
    verification_id: `v-${id}`,
    unit_id: unit,
    person_id: `p-${id}`,
    name,
    id_number: "5301**********1234",
    result: "pending",
    note: null,
    recorded_by: null,
    recorded_at: null,
  };
}

const check: SpotCheck = {
  id: "chk-1",
  kind: "sample",
  year: 2021,
  office: "province_western",
  seed: "12345678901234567890",
  rate_permille: 1000,
  per_unit_min: 1,
  institutions: null,
  only_unit_id: null,
  candidates: 3,
  closed: false,
  owned: true,
  note: null,
  created_by: "省卫生健康委科教处",
  created_at: "2026-03-01T01:00:00Z",
  closed_by: null,
  closed_at: null,
  row_version: 1,
  units: [
    { unit_id: "u1", unit_name: "普吉街道社区卫生服务中心", finalised: 2, sampled: 2, passed: null, failed: null, pass_permille: null, outcome: null },
    { unit_id: "u2", unit_name: "狗街镇卫生院", finalised: 1, sampled: 1, passed: null, failed: null, pass_permille: null, outcome: null },
  ],
  items: [item("a", "u1", "张三"), item("b", "u1", "李四"), item("c", "u2", "王五")],
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function renderPage() {
  const sent: { path: string; body: unknown }[] = [];
  let current: SpotCheck = structuredClone(check);
  const fetch = vi.fn(async (request: Request) => {
    const p = new URL(request.url).pathname;
    if (p === "/api/v1/me") return json(provinceMe);
    if (p === "/api/v1/spot-checks/chk-1" && request.method === "GET") return json(current);
    if (p === "/api/v1/spot-checks/chk-1/results") {
      const body = (await request.json()) as { results: { item_id: string; result: "pass" | "fail"; note: string | null }[] };
      sent.push({ path: p, body });
      current = {
        ...current,
        items: current.items.map((i) => {
          const r = body.results.find((x) => x.item_id === i.id);
          return r ? { ...i, result: r.result, note: r.note, recorded_by: "省卫生健康委科教处", recorded_at: "2026-03-01T02:00:00Z" } : i;
        }),
      };
      return json(current);
    }
    if (p === "/api/v1/spot-checks/chk-1/close") {
      sent.push({ path: p, body: await request.json() });
      current = {
        ...current,
        closed: true,
        row_version: 2,
        units: [
          { ...current.units[0]!, passed: 1, failed: 1, pass_permille: 500, outcome: "sent_back" },
          { ...current.units[1]!, passed: 1, failed: 0, pass_permille: 1000, outcome: "passed" },
        ],
      };
      const result: CloseResult = { check: current, sent_back: [{ unit_id: "u1", records: 2 }], released: ["u2"] };
      return json(result);
    }
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: ["/spot-checks/chk-1"] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { sent };
}

afterEach(() => {
  authSession.clear("user");
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("抽验", { timeout: 120_000 }, () => {
  it("records a failure with its reason and the rest as passed, closes, and names the institutions sent back and released", async () => {
    const user = userEvent.setup();
    const { sent } = renderPage();
    const items = await screen.findByTestId("check-items", {}, { timeout: 15_000 });
    // The seed is shown as it came (beyond 2^53, not rounded).
    expect(screen.getAllByTestId("check-seed")[0]).toHaveTextContent("12345678901234567890");

    const zhang = within(items).getByText("张三").closest("tr")!;
    await user.click(within(zhang).getByTestId("result-fail"));
    await user.click(screen.getByTestId("mark-rest-pass"));
    await user.click(screen.getByTestId("save-results"));
    // A failure without its reason is not sent.
    expect(await screen.findByTestId("missing-reason")).toHaveTextContent("张三");
    expect(sent).toHaveLength(0);

    await user.type(within(zhang).getByTestId("result-note"), "学分证明不符");
    // Before closing, the institution's projection: 1 of 2.
    const pjRow = () => within(screen.getByTestId("check-units")).getByText("普吉街道社区卫生服务中心").closest("tr")!;
    const pj = pjRow();
    expect(within(pj).getByTestId("unit-outcome")).toHaveTextContent("预计退回（合格率低于95%）");
    expect(within(pj).getByTestId("unit-rate")).toHaveTextContent("50.0%");

    await user.click(screen.getByTestId("save-results"));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.body).toEqual({
      results: [
        { item_id: "a", result: "fail", note: "学分证明不符" },
        { item_id: "b", result: "pass", note: null },
        { item_id: "c", result: "pass", note: null },
      ],
    });

    await waitFor(() => expect(screen.getByTestId("close-check")).toBeEnabled());
    await user.click(screen.getByTestId("close-check"));
    await user.click(await screen.findByRole("button", { name: "确认结束" }));
    await waitFor(() => expect(sent).toHaveLength(2));
    expect(sent[1]!.body).toEqual({ row_version: 1 });
    expect(await screen.findByTestId("close-sent-back")).toHaveTextContent("普吉街道社区卫生服务中心（2 条记录）");
    expect(screen.getByTestId("close-released")).toHaveTextContent("狗街镇卫生院");
    await waitFor(() => expect(within(pjRow()).getByTestId("unit-outcome")).toHaveTextContent("合格率低于95%，退回单位重新验证"));
    // The province may re-inspect the sent-back institution on site.
    expect(within(pjRow()).getByTestId("reinspect")).toHaveAttribute("href", expect.stringContaining("unit_id=u1"));
  });
});
