import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { RateBar, barWidth } from "./RateBar";

describe("RateBar", () => {
  it("fills to the rate, with its caption, its value and the 95% line", () => {
    const { container } = render(<RateBar permille={953} color="#52c41a" label="达标率" testId="bar" valueTestId="value" />);
    expect(screen.getByTestId("bar")).toHaveAttribute("data-permille", "953");
    expect(screen.getByTestId("bar")).toHaveTextContent("达标率");
    expect(screen.getByTestId("value")).toHaveTextContent("95.3%");
    const fill = container.querySelector<HTMLElement>(".rate-bar");
    expect(fill?.style.width).toBe("95.3%");
    expect(fill?.style.background).toBe("rgb(82, 196, 26)");
    expect(screen.getByTestId("rate-bar-pass-line")).toHaveAttribute("title", "95% 合格线");
    expect(screen.getByTestId("rate-bar-pass-line").style.left).toBe("95%");
  });

  it("shows no rate as an empty bar and a dash", () => {
    const { container } = render(<RateBar permille={null} color="#d9d9d9" valueTestId="value" />);
    expect(container.querySelector<HTMLElement>(".rate-bar")?.style.width).toBe("0%");
    expect(screen.getByTestId("value")).toHaveTextContent("—");
  });

  it("leaves out the value and the line when asked, and keeps a fixed width", () => {
    const { container } = render(<RateBar permille={500} color="#1677ff" showValue={false} passLine={false} width={120} />);
    expect(container.textContent).toBe("");
    expect(screen.queryByTestId("rate-bar-pass-line")).toBeNull();
    expect(container.querySelector<HTMLElement>(".rate-bar-track")?.style.width).toBe("120px");
  });

  it("keeps the fill within its track", () => {
    expect(barWidth(953)).toBeCloseTo(95.3);
    expect(barWidth(null)).toBe(0);
    expect(barWidth(1200)).toBe(100);
    expect(barWidth(-5)).toBe(0);
  });
});
