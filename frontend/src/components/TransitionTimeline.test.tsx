import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { TransitionTimeline, type Transition } from "./TransitionTimeline";

const transitions: Transition[] = [
  { key: 1, event: "提交", actorName: "王芳", actorTier: "单位", at: "2026-03-01T00:30:00Z", from: null, to: "审核中", color: "blue" },
  {
    key: 2,
    event: "退回",
    actorName: "李强",
    actorTier: "县市区继教委办公室",
    at: "2026-03-02T08:00:00Z",
    from: "审核中",
    to: "已退回",
    reason: "证明材料不清晰",
    color: "red",
  },
];

describe("TransitionTimeline", () => {
  it("tells who did what, when, from which state to which, and why", () => {
    render(
      <TransitionTimeline transitions={transitions} reasonLabel="原因" testId="log" entryTestId="entry" reasonTestId="reason" />,
    );
    const entries = screen.getAllByTestId("entry");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toHaveTextContent("提交王芳（单位）2026-03-01 08:30:00 · — → 审核中");
    expect(entries[1]).toHaveTextContent("退回李强（县市区继教委办公室）2026-03-02 16:00:00 · 审核中 → 已退回");
    // Only a transition with a reason says one.
    expect(screen.getAllByTestId("reason").map((r) => r.textContent)).toEqual(["原因：证明材料不清晰"]);
    const dots = [...screen.getByTestId("log").querySelectorAll(".ant-timeline-item")].map((item) =>
      ["blue", "red", "green"].find((c) => item.classList.contains(`ant-timeline-item-color-${c}`)),
    );
    expect(dots).toEqual(["blue", "red"]);
  });
});
