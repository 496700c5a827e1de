import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../../../App";
import { AuthProvider } from "../../../auth/AuthProvider";
import { compliant, nonCompliant } from "../../../test/fixtures";
import { ResultView } from "./components/ResultView";
import CalculatorPage from "./index";

function renderWithProviders(ui: React.ReactElement) {
  return render(
    <AppProviders queryClient={createQueryClient()}>
      <MemoryRouter>
        <AuthProvider>{ui}</AuthProvider>
      </MemoryRouter>
    </AppProviders>,
  );
}

describe("ResultView", () => {
  it("renders 不达标 with the reasons, the standard and the allocation", () => {
    renderWithProviders(<ResultView result={nonCompliant} />);
    const verdict = screen.getByTestId("verdict");
    expect(verdict).toHaveTextContent("不达标");
    expect(verdict).toHaveAttribute("data-compliant", "false");
    const shortfalls = screen.getByTestId("shortfalls");
    expect(within(shortfalls).getByText("I类学分差 10 分")).toBeInTheDocument();
    expect(within(shortfalls).getByText("自管学分差 2.5 分")).toBeInTheDocument();
    expect(screen.getByTestId("requirement")).toHaveTextContent("卫生健康行业生物安全（截止 2022-03-01）");
    // A null requirement is "no constraint", not zero.
    expect(screen.getByTestId("requirement")).toHaveTextContent("不要求");
    const table = screen.getByTestId("allocation");
    expect(within(table).getByText("国家级 I类")).toBeInTheDocument();
    expect(within(table).getAllByText("2.5").length).toBeGreaterThan(0);
  });

  it("renders 达标 without a shortfall list", () => {
    renderWithProviders(<ResultView result={compliant} />);
    expect(screen.getByTestId("verdict")).toHaveTextContent(/^达标/);
    expect(screen.queryByTestId("shortfalls")).toBeNull();
  });
});

describe("CalculatorPage", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("posts the form and shows the verdict", async () => {
    const fetchMock = vi.fn(async (req: Request) => {
      // The year picker lists the years with a standard and opens on the working year.
      const body = new URL(req.url).pathname === "/api/v1/standards" ? [{ year: 2021, version: 1, mandatory_course: null }] : nonCompliant;
      return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
    });
    vi.stubGlobal("fetch", fetchMock);
    const user = userEvent.setup();
    renderWithProviders(<CalculatorPage />);

    await waitFor(() => expect(screen.getByTestId("calculator-year")).toHaveTextContent("2021 年度"));
    await user.type(screen.getByPlaceholderText("学分"), "5");
    await user.click(screen.getByTestId("calculate-submit"));

    await waitFor(() => expect(screen.getByTestId("verdict")).toHaveTextContent("不达标"));
    const req = fetchMock.mock.calls.map((c) => c[0]).find((r) => new URL(r.url).pathname !== "/api/v1/standards")!;
    expect(new URL(req.url).pathname).toBe("/api/v1/compliance/evaluate");
    expect(await req.json()).toEqual({
      year: 2021,
      unit_level: "county",
      title_level: "senior",
      discipline: "clinical",
      mandatory_course_completed: false,
      credits: [{ kind: "project", source: "national", amount: 5 }],
    });
  });

  it("lists the field errors of a 422 problem", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () =>
        new Response(
          JSON.stringify({
            type: "about:blank",
            title: "请求参数无效",
            status: 422,
            code: "validation_failed",
            errors: [{ field: "credits[0].amount", message: "学分超出范围" }],
          }),
          { status: 422, headers: { "Content-Type": "application/problem+json" } },
        ),
      ),
    );
    const user = userEvent.setup();
    renderWithProviders(<CalculatorPage />);
    await waitFor(() => expect(screen.getByTestId("calculator-year")).toHaveTextContent(/\d{4} 年度/));
    await user.type(screen.getByPlaceholderText("学分"), "5");
    await user.click(screen.getByTestId("calculate-submit"));

    const errors = await screen.findByTestId("field-errors");
    expect(errors).toHaveTextContent("credits[0].amount");
    expect(errors).toHaveTextContent("学分超出范围");
    expect(screen.getByTestId("problem")).toHaveTextContent("请求参数无效（422）");
  });
});
