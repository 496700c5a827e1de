import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { TransitionTimeline, type Transition } from "./TransitionTimeline";

const transitions: Transition[] = [
  { key: 1, event: "提交", actorName: "xscws", actorTier: "单位", at: "2026-03-01T00:30:00Z", from: null, to: "审核中", color: "blue" },
  {
    key: 2,
    event: "退回",
    actorName: "gone",
    actorTier: "县市区继教委办公室",
    at: "2026-03-02T08:00:00Z",
    from: "审核中",
    to: "已退回",
    reason: "证明材料不清晰",
    color: "red",
  },
];

afterEach(() => vi.unstubAllGlobals());

describe("TransitionTimeline", () => {
  it("tells who did what by name and organisation, never by login, when, and why", async () => {
    const asked: string[][] = [];
    vi.stubGlobal(
      "fetch",
      vi.fn(async (request: Request) => {
        const body = (await request.json()) as { logins: string[] };
        asked.push(body.logins);
        return new Response(JSON.stringify({ names: { xscws: "王芳（宣威市人民医院）" } }), {
          headers: { "Content-Type": "application/json" },
        });
      }),
    );
    render(
      <QueryClientProvider client={new QueryClient()}>
        <TransitionTimeline transitions={transitions} reasonLabel="原因" testId="log" entryTestId="entry" reasonTestId="reason" />
      </QueryClientProvider>,
    );
    const entries = screen.getAllByTestId("entry");
    expect(entries).toHaveLength(2);
    await waitFor(() => expect(entries[0]).toHaveTextContent("提交王芳（宣威市人民医院）2026-03-01 08:30:00 · — → 审核中"));
    // An account the server does not know reads as its tier, not its login.
    expect(entries[1]).toHaveTextContent("退回县市区继教委办公室2026-03-02 16:00:00 · 审核中 → 已退回");
    expect(screen.getByTestId("log")).not.toHaveTextContent("xscws");
    // Both names went in one request.
    expect(asked).toEqual([["xscws", "gone"]]);
    expect(screen.getAllByTestId("reason").map((r) => r.textContent)).toEqual(["原因：证明材料不清晰"]);
    const dots = [...screen.getByTestId("log").querySelectorAll(".ant-timeline-item")].map((item) =>
      ["blue", "red", "green"].find((c) => item.classList.contains(`ant-timeline-item-color-${c}`)),
    );
    expect(dots).toEqual(["blue", "red"]);
  });
});
