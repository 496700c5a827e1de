import { describe, expect, it } from "vitest";
import { MIN_DELAY_MS, absoluteSignInUrl, clockSkew, nextRefreshDelay, secondsLeft } from "./qrTiming";

const code = {
  window_started_at: "2026-05-08T02:00:00Z",
  expires_at: "2026-05-08T02:02:00Z",
  rotates_every_seconds: 60,
};
const at = (iso: string) => Date.parse(iso);

describe("nextRefreshDelay", () => {
  it("fetches one second after the next minute begins", () => {
    expect(nextRefreshDelay(code, at("2026-05-08T02:00:00Z"))).toBe(61_000);
    expect(nextRefreshDelay(code, at("2026-05-08T02:00:45Z"))).toBe(16_000);
  });

  it("never polls faster than the floor, even late in the window", () => {
    expect(nextRefreshDelay(code, at("2026-05-08T02:01:00.500Z"))).toBe(MIN_DELAY_MS);
    expect(nextRefreshDelay(code, at("2026-05-08T02:05:00Z"))).toBe(MIN_DELAY_MS);
  });

  it("follows the server's clock, not a wrong local one", () => {
    // This clock is 30 s behind the server: the server is at 02:00:30.
    const local = at("2026-05-08T02:00:00Z");
    expect(nextRefreshDelay(code, local, 30_000)).toBe(31_000);
    // A clock an hour fast would otherwise poll every 2 s; with the skew it waits as it should.
    expect(nextRefreshDelay(code, local + 3_600_000, -3_600_000)).toBe(61_000);
  });

  it("never waits past the shown code's expiry, nor more than one rotation", () => {
    const short = { ...code, expires_at: "2026-05-08T02:00:30Z" };
    expect(nextRefreshDelay(short, at("2026-05-08T02:00:00Z"))).toBe(25_000);
    const odd = { ...code, window_started_at: "2026-05-08T03:00:00Z", expires_at: "2026-05-08T03:02:00Z" };
    expect(nextRefreshDelay(odd, at("2026-05-08T02:00:00Z"))).toBe(61_000);
  });
});

describe("countdown and clocks", () => {
  it("rounds the seconds left up and stops at zero", () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
  });

  it("takes the skew from the Date header, ignoring its rounding", () => {
    const received = at("2026-05-08T02:00:00.900Z");
    expect(clockSkew("Fri, 08 May 2026 02:00:00 GMT", received)).toBe(0);
    expect(clockSkew("Fri, 08 May 2026 02:00:30 GMT", received)).toBe(29_100);
    expect(clockSkew(null, received)).toBe(0);
    expect(clockSkew("not a date", received)).toBe(0);
  });

  it("puts the site's origin in front of the server's relative URL", () => {
    expect(absoluteSignInUrl("/m/sign-in?code=abc_-1", "https://cme.example.cn")).toBe(
      "https://cme.example.cn/m/sign-in?code=abc_-1",
    );
  });
});
