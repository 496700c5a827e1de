import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { Candidate, Me } from "../../../api/types";
import { authSession } from "../../../auth/session";
import { buildRoutes } from "../../../routes";

const unitMe: Me = {
  id: "acc-1",
  username: "ylyy",
  display_name: "宜良县第一人民医院科教科",
  role: "unit",
  role_label: "单位",
  organisation: { kind: "unit", id: "unit-1", name: "宜良县第一人民医院" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self", "submit_verifications"],
  manageable_roles: [],
};

const candidates: Candidate[] = [
  {
    person_id: "p-ok",
    name: "周婷",
    id_number_masked: "5301**********9823",
    department_id: "d1",
    department_name: "急诊科",
    outcome: "compliant",
    eligible: true,
    reason: null,
    verification_id: null,
    state: null,
  },
  {
    person_id: "p-short",
    name: "李欣辉",
    id_number_masked: "5301**********9747",
    department_id: "d2",
    department_name: "检验科",
    outcome: "non_compliant",
    eligible: false,
    reason: "不达标，不能列入正常验证名单：II类学分差 8 分",
    verification_id: null,
    state: null,
  },
];

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

/** The page over a fake API; `onSubmit` answers POST /verifications. */
function renderPage(onSubmit: (body: unknown) => Response) {
  const sent: unknown[] = [];
  const fetch = vi.fn(async (request: Request) => {
    const url = new URL(request.url);
    const p = url.pathname;
    if (p === "/api/v1/me") return json(unitMe);
    if (p === "/api/v1/cycles") return json([{ year: 2021, phase: "submission", phase_label: "数据上报" }]);
    if (p === "/api/v1/cycles/2021/windows") {
      return json({
        year: 2021,
        region_id: null,
        region_name: null,
        tiers: [],
        unit_window: {
          tier: "county_and_above",
          starts_at: "2021-12-31T16:00:00Z",
          ends_at: "2099-03-01T15:59:59Z",
          label: "县级以上学分验证上报 2022-01-01 00:00 至 2099-03-01 23:59",
          set_by: null,
          set_at: null,
        },
        open_now: true,
      });
    }
    if (p === "/api/v1/units/unit-1/departments") return json([]);
    if (p === "/api/v1/verifications/candidates") {
      expect(url.searchParams.get("cycle_year")).toBe("2021");
      // On paper the system's verdict does not bar anyone.
      const paper = url.searchParams.get("path") === "paper";
      return json({ items: candidates.map((c) => (paper ? { ...c, eligible: true, reason: null } : c)), next_cursor: null });
    }
    if (p === "/api/v1/evidence" && request.method === "POST") {
      return json({
        id: "e1",
        file_name: url.searchParams.get("file_name"),
        content_type: "application/pdf",
        size_bytes: 30,
        uploaded_by: "ylyy",
        uploaded_at: "2022-01-05T02:00:00Z",
      });
    }
    if (p === "/api/v1/verifications" && request.method === "POST") {
      const body = await request.json();
      sent.push(body);
      return onSubmit(body);
    }
    return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
  });
  vi.stubGlobal("fetch", fetch);
  authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  const router = createMemoryRouter(buildRoutes(), { initialEntries: ["/verification-submit"] });
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

describe("验证信息上报", { timeout: 60_000 }, () => {
  it("shows each candidate's verdict and why someone may not go on the list", async () => {
    renderPage(() => json({ prepared: 1, submitted: 1, ids: ["v1"] }));
    const table = await screen.findByTestId("candidates-table", {}, { timeout: 15_000 });
    const ok = (await within(table).findByText("周婷", {}, { timeout: 10_000 })).closest("tr")!;
    const short = within(table).getByText("李欣辉").closest("tr")!;
    expect(within(ok).getByText("可上报")).toBeInTheDocument();
    expect(within(short).getByText("不可上报")).toBeInTheDocument();
    expect(within(short).getByText(/II类学分差 8 分/)).toBeInTheDocument();
    // Only the eligible may be selected.
    expect(within(short).getByRole("checkbox")).toBeDisabled();
    expect(within(ok).getByRole("checkbox")).toBeEnabled();
    expect(screen.getByTestId("unit-window")).toHaveTextContent("上报中");
  });

  it("submits the selected people and names those refused", async () => {
    const user = userEvent.setup();
    const { sent } = renderPage(() =>
      json(
        {
          title: "请求参数不合法",
          status: 422,
          code: "validation_failed",
          detail: "people[0].person_id: 不达标",
          errors: [{ field: "people[0].person_id", message: "不达标，不能列入正常验证名单：总学分差 1 分" }],
        },
        422,
      ),
    );
    const table = await screen.findByTestId("candidates-table", {}, { timeout: 15_000 });
    const ok = (await within(table).findByText("周婷", {}, { timeout: 10_000 })).closest("tr")!;
    await user.click(within(ok).getByRole("checkbox"));
    await waitFor(() => expect(screen.getByTestId("submit-selected")).toHaveTextContent("上报所选（1）"));
    await user.click(screen.getByTestId("submit-selected"));
    await user.click(await screen.findByRole("button", { name: "确认上报" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ cycle_year: 2021, list: "normal", people: [{ person_id: "p-ok" }] });
    expect(await screen.findByTestId("field-errors")).toHaveTextContent("周婷：不达标，不能列入正常验证名单：总学分差 1 分");
  });

  it("submits a worker the system finds short on paper, with the scan of his certificates", async () => {
    const user = userEvent.setup();
    const { sent } = renderPage(() => json({ prepared: 1, submitted: 1, ids: ["v2"] }));
    await screen.findByTestId("candidates-table", {}, { timeout: 15_000 });
    await user.click(await screen.findByText("纸质验证", {}, { timeout: 10_000 }));
    const table = screen.getByTestId("candidates-table");
    await waitFor(() => expect(within(within(table).getByText("李欣辉").closest("tr")!).getByRole("radio")).toBeEnabled());
    await user.click(within(within(table).getByText("李欣辉").closest("tr")!).getByRole("radio"));
    await user.click(screen.getByTestId("submit-selected"));
    const scans = await screen.findByTestId("paper-scans");
    // No scan yet: the OK button waits for one.
    expect(screen.getByRole("button", { name: "确认上报" })).toBeDisabled();
    const file = new File(["%PDF-1.4 scan"], "证书.pdf", { type: "application/pdf" });
    await user.upload(scans.querySelector('input[type="file"]') as HTMLInputElement, file);
    await within(scans).findByText("证书.pdf");
    await user.click(screen.getByRole("button", { name: "确认上报" }));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({ cycle_year: 2021, list: "normal", path: "paper", people: [{ person_id: "p-short", evidence_ids: ["e1"] }] });
    // Nine steps through antd on a loaded CI machine: more than the others' minute.
  }, 180_000);
});
