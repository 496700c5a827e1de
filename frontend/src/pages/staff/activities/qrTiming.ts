// When the event screen fetches the next sign-in code, and what its
// countdown shows. A code is accepted from its minute's start until
// `expires_at` (the end of the next minute), so fetching once a minute
// always shows a code that works; the screen fetches right after the
// next minute begins, and never waits past the code's expiry.
import type { SignInCode } from "../../../api/types";

/** Wait this long after a minute begins, so the server surely issues the new code. */
export const AFTER_ROTATION_MS = 1_000;
/** Fetch at least this long before the shown code expires. */
export const BEFORE_EXPIRY_MS = 5_000;
/** Never poll faster than this (a wrong clock must not cause a request storm). */
export const MIN_DELAY_MS = 2_000;
/** After a failed fetch, try again after this. */
export const RETRY_MS = 5_000;

type Timing = Pick<SignInCode, "window_started_at" | "expires_at" | "rotates_every_seconds">;

/**
 * Milliseconds from `now` until the next fetch. `skewMs` is the server's
 * clock minus this one (from the answer's Date header), so a wrong phone or
 * PC clock does not shift the schedule.
 */
export function nextRefreshDelay(code: Timing, now: number, skewMs = 0): number {
  const serverNow = now + skewMs;
  const rotateMs = Math.max(code.rotates_every_seconds, 1) * 1000;
  const nextWindow = Date.parse(code.window_started_at) + rotateMs + AFTER_ROTATION_MS;
  const latest = Date.parse(code.expires_at) - BEFORE_EXPIRY_MS;
  let target = Math.min(nextWindow, latest);
  if (!Number.isFinite(target)) target = serverNow + rotateMs;
  return Math.min(Math.max(target - serverNow, MIN_DELAY_MS), rotateMs + AFTER_ROTATION_MS);
}

/** Whole seconds left on the countdown (never negative). */
export function secondsLeft(dueAt: number, now: number): number {
  return Math.max(0, Math.ceil((dueAt - now) / 1000));
}

/** The server's clock minus ours, from an answer's Date header (second precision); 0 when unknown. */
export function clockSkew(dateHeader: string | null | undefined, receivedAt: number): number {
  if (!dateHeader) return 0;
  const server = Date.parse(dateHeader);
  if (!Number.isFinite(server)) return 0;
  const skew = server - receivedAt;
  // The header has whole seconds: ignore what that rounding alone explains.
  return Math.abs(skew) < 2_000 ? 0 : skew;
}

/** The absolute URL a phone opens: the site's origin in front of the server's `/m/sign-in?code=…`. */
export function absoluteSignInUrl(url: string, origin: string): string {
  return new URL(url, origin).toString();
}
