import { render, screen, waitFor } from "@testing-library/react";
import { MemoryRouter } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AppProviders, createQueryClient } from "../App";
import type { Cycle, Me } from "../api/types";
import { AuthProvider } from "../auth/AuthProvider";
import { authSession } from "../auth/session";
import { isOpenPhase, useWorkingYear, workingYear, yearInShanghai } from "./workingYear";

type Phase = Cycle["phase"];
const cycle = (year: number, phase: Phase) => ({ year, phase });
/** 2026-01-15 noon in Beijing. */
const JAN_2026 = new Date("2026-01-15T04:00:00Z");
const STANDARDS = [2021, 2020, 2019];

describe("the working year", () => {
  it("is the year of the open cycle, whatever the calendar says", () => {
    for (const phase of ["submission", "review", "inspection", "questions", "winding_up"] as const) {
      expect(workingYear([cycle(2021, phase)], STANDARDS, JAN_2026), phase).toBe(2021);
    }
  });

  it("takes the latest of two open cycles", () => {
    expect(workingYear([cycle(2025, "submission"), cycle(2024, "winding_up")], [2025, 2024], JAN_2026)).toBe(2025);
  });

  it("passes over a closed cycle and one not open yet", () => {
    // 2025's scheduled but not open, 2024's closed, 2023's still winding up.
    const cycles = [cycle(2025, "not_open"), cycle(2024, "closed"), cycle(2023, "winding_up")];
    expect(workingYear(cycles, [2025, 2024, 2023], JAN_2026)).toBe(2023);
  });

  it("falls back to last calendar year, the year a verification opened now would cover", () => {
    expect(workingYear([cycle(2024, "closed")], [2026, 2025, 2024], JAN_2026)).toBe(2025);
    expect(workingYear([], [2026, 2025], new Date("2026-12-31T15:00:00Z"))).toBe(2025);
    expect(workingYear(undefined, undefined, JAN_2026)).toBe(2025);
  });

  it("brings the fallback down to the latest year with a standard", () => {
    expect(workingYear([cycle(2021, "closed")], STANDARDS, JAN_2026)).toBe(2021);
    expect(workingYear(undefined, [2024, 2022], JAN_2026)).toBe(2024);
    // Only later standards: the earliest of them, the nearest.
    expect(workingYear(undefined, [2028, 2027], JAN_2026)).toBe(2027);
  });

  it("keeps an open cycle's year even without a standard listed", () => {
    expect(workingYear([cycle(2025, "review")], STANDARDS, JAN_2026)).toBe(2025);
  });

  it("counts the calendar in Beijing time", () => {
    // 31 Dec 2025 17:00 UTC is already 1 Jan 2026 in Beijing.
    expect(yearInShanghai(new Date("2025-12-31T17:00:00Z"))).toBe(2026);
    expect(workingYear(undefined, undefined, new Date("2025-12-31T17:00:00Z"))).toBe(2025);
  });

  it("calls only the phases between opening and close open", () => {
    expect(isOpenPhase("not_open")).toBe(false);
    expect(isOpenPhase("closed")).toBe(false);
    expect(isOpenPhase(undefined)).toBe(false);
    expect(isOpenPhase("submission")).toBe(true);
  });
});

function me(role: Me["role"], permissions: Me["permissions"]): Me {
  return {
    id: "acc-1",
    username: role,
    display_name: role,
    role,
    role_label: role,
    organisation: { kind: role === "trainee" ? "person" : "unit", id: "org-1", name: "测试机构" },
    must_change_password: false,
    permissions,
    manageable_roles: [],
  };
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json" },
  });
}

function Probe() {
  const year = useWorkingYear();
  return <span data-testid="year">{year ?? "…"}</span>;
}

/** Renders the hook for `account` (null: signed out); returns the paths asked for. */
function renderFor(account: Me | null, cycles: unknown, cyclesStatus = 200) {
  const paths: string[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (request: Request) => {
      const p = new URL(request.url).pathname;
      paths.push(p);
      if (p === "/api/v1/me") return json(account);
      if (p === "/api/v1/standards") return json(STANDARDS.map((year) => ({ year, version: 1, mandatory_course: null })));
      if (p === "/api/v1/cycles") return json(cycles, cyclesStatus);
      return json({ title: "Not Found", status: 404, code: "not_found" }, 404);
    }),
  );
  if (account) authSession.setTokens({ access_token: "a1", refresh_token: "r1", expires_in: 900 });
  render(
    <AppProviders queryClient={createQueryClient()}>
      <MemoryRouter>
        <AuthProvider>
          <Probe />
        </AuthProvider>
      </MemoryRouter>
    </AppProviders>,
  );
  return paths;
}

describe("useWorkingYear", () => {
  afterEach(() => {
    authSession.clear("user");
    vi.unstubAllGlobals();
    sessionStorage.clear();
  });

  it("reads the open cycle for staff", async () => {
    const paths = renderFor(me("unit", ["read_hierarchy", "read_self"]), [cycle(2021, "submission"), cycle(2020, "closed")]);
    await waitFor(() => expect(screen.getByTestId("year")).toHaveTextContent("2021"));
    expect(paths).toContain("/api/v1/cycles");
  });

  it("falls back without asking for the cycles when the account may not read them", async () => {
    const paths = renderFor(me("trainee", ["read_self", "claim_activity"]), [cycle(2030, "submission")]);
    await waitFor(() => expect(screen.getByTestId("year")).toHaveTextContent(String(workingYear(undefined, STANDARDS))));
    expect(paths).not.toContain("/api/v1/cycles");
  });

  it("falls back for visitors", async () => {
    const paths = renderFor(null, []);
    await waitFor(() => expect(screen.getByTestId("year")).toHaveTextContent(String(workingYear(undefined, STANDARDS))));
    expect(paths).not.toContain("/api/v1/cycles");
  });

  it("falls back when the cycles cannot be read", async () => {
    renderFor(me("unit", ["read_hierarchy", "read_self"]), { title: "Forbidden", status: 403, code: "forbidden" }, 403);
    await waitFor(() => expect(screen.getByTestId("year")).toHaveTextContent(String(workingYear(undefined, STANDARDS))));
  });
});
