import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { RouterProvider, createMemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import type { PublicCertificate } from "../../../api/certificateTypes";
import { buildRoutes } from "../../../routes";

const TOKEN = "0123456789ABCDEFGHJKMNPQRS";

const certificate: PublicCertificate = {
  genuine: true,
  number: "2021-530000-000123",
  version: 1,
  year: 2021,
  name: "张*明",
  id_number: "530102********123X",
  unit_name: "宜良县第一人民医院",
  title: "主治医师",
  total_tenths: 255,
  verdict: "合格",
  path: "paper",
  path_label: "纸质验证",
  issuer: "云南省继续医学教育委员会",
  issued_at: "2022-03-01T02:00:00Z",
  status: "valid",
  status_label: "有效",
  current_version: null,
  revoke_reason: null,
};

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
  });
}

/** The SPA at `path` over a fake API answering the public lookups with `answer`. */
function renderAt(path: string, answer: (url: URL) => Response) {
  const calls: Request[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      calls.push(request);
      const url = new URL(request.url);
      if (url.pathname.startsWith("/api/v1/public/certificates")) return answer(url);
      return json({ title: "Unauthorized", status: 401, code: "unauthorized" }, 401);
    }),
  );
  const router = createMemoryRouter(buildRoutes(), { initialEntries: [path] });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <RouterProvider router={router} />
    </AppProviders>,
  );
  return { calls };
}

afterEach(() => {
  vi.unstubAllGlobals();
  sessionStorage.clear();
});

describe("public verification", { timeout: 30_000 }, () => {
  it("shows a valid certificate from its QR link, without signing in", async () => {
    const { calls } = renderAt(`/v/${TOKEN.toLowerCase()}`, () => json(certificate));
    expect(await screen.findByTestId("public-status")).toHaveTextContent("证书真实有效");
    expect(screen.getByTestId("public-number")).toHaveTextContent("2021-530000-000123");
    expect(screen.getByText("25.5 分")).toBeInTheDocument();
    expect(screen.getByTestId("public-path")).toHaveTextContent("纸质验证");
    // Only the lookup, by the normalised token, and no token sent.
    expect(calls.map((r) => new URL(r.url).pathname)).toEqual([`/api/v1/public/certificates/${TOKEN}`]);
    expect(calls[0]!.headers.get("Authorization")).toBeNull();
  });

  it("says a superseded certificate was replaced, naming the current version", async () => {
    renderAt(`/v/${TOKEN}`, () => json({ ...certificate, status: "superseded", status_label: "已被更正后的新版本取代", current_version: 2 }));
    expect(await screen.findByTestId("public-status")).toHaveTextContent("已被更正后的新版本取代");
    expect(screen.getByTestId("public-status-detail")).toHaveTextContent("第 2 版");
    expect(screen.getByTestId("public-certificate")).toHaveAttribute("data-status", "superseded");
  });

  it("says a revoked certificate is revoked, with the reason", async () => {
    renderAt(`/v/${TOKEN}`, () => json({ ...certificate, status: "revoked", status_label: "已撤销", revoke_reason: "学分材料不实" }));
    expect(await screen.findByTestId("public-status")).toHaveTextContent("已撤销");
    expect(screen.getByTestId("public-status-detail")).toHaveTextContent("撤销原因：学分材料不实");
  });

  it("says 查无此证书 for a 404", async () => {
    renderAt(`/v/${TOKEN}`, () => json({ title: "Not Found", status: 404, code: "not_found", detail: "查无此证书" }, 404));
    expect(await screen.findByTestId("lookup-failed-title")).toHaveTextContent("查无此证书");
  });

  it("asks to wait when rate-limited", async () => {
    renderAt(`/v/${TOKEN}`, () => json({ title: "Too Many Requests", status: 429, code: "rate_limited" }, 429, { "Retry-After": "30" }));
    expect(await screen.findByTestId("lookup-failed-title")).toHaveTextContent("查询过于频繁");
    expect(screen.getByText(/30 秒后再试/)).toBeInTheDocument();
  });

  it("does not ask the server about a link that cannot be a token", async () => {
    const { calls } = renderAt("/v/not-a-token", () => json(certificate));
    expect(await screen.findByTestId("lookup-failed-title")).toHaveTextContent("查无此证书");
    expect(calls).toHaveLength(0);
  });

  it("looks a certificate up by number and 验证码", async () => {
    const { calls } = renderAt("/verify", (url) => {
      expect(url.searchParams.get("number")).toBe("2021-530000-000123");
      expect(url.searchParams.get("code")).toBe("AB1CD0EF");
      return json(certificate);
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("证书编号"), "2021-530000-000123");
    await user.type(screen.getByLabelText("验证码"), "ablcd-oef");
    await user.click(screen.getByTestId("lookup-submit"));
    expect(await screen.findByTestId("public-status")).toHaveTextContent("证书真实有效");
    expect(calls).toHaveLength(1);
  });

  it("checks the 验证码 before asking", async () => {
    const { calls } = renderAt("/verify", () => json(certificate));
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText("证书编号"), "2021-530000-000123");
    await user.type(screen.getByLabelText("验证码"), "abc");
    await user.click(screen.getByTestId("lookup-submit"));
    expect(await screen.findByText("验证码为 8 位字母或数字")).toBeInTheDocument();
    await waitFor(() => expect(calls).toHaveLength(0));
  });
});
