// The signed-in session's tokens. The access token lives in memory only; the
// refresh token in sessionStorage, so a reload (same tab) resumes the session
// with one refresh while closing the tab ends it. Refresh tokens rotate on the
// server and replaying a used one revokes its whole family, so every refresh
// goes through one in-flight promise: concurrent callers share it.
import type { TokenPair } from "../api/types";

export const REFRESH_TOKEN_KEY = "cme.refresh_token";
export const REFRESH_PATH = "/api/v1/auth/refresh";

/** Refresh this long before the access token expires. */
const PROACTIVE_MARGIN_MS = 60_000;
/** After a refresh that failed for a transient reason (network, 5xx), try again after this. */
const RETRY_AFTER_FAILURE_MS = 15_000;

export type SignOutReason = "user" | "expired";

export type SessionEvent = { type: "tokens" } | { type: "signed_out"; reason: SignOutReason };

export interface SessionOptions {
  /** The API origin, resolved lazily (tests set it after import). */
  baseUrl?: () => string;
  fetch?: (request: Request) => Promise<Response>;
  /** Where the refresh token is kept; null keeps it in memory only. */
  storage?: () => Storage | null;
  /** Schedule refreshes before expiry (off in unit tests that do not want timers). */
  proactive?: boolean;
}

function defaultStorage(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null;
  }
}

export class AuthSession {
  private access: string | null = null;
  private memoryRefresh: string | null = null;
  private inflight: Promise<string | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<(event: SessionEvent) => void>();
  private readonly baseUrl: () => string;
  private readonly doFetch: (request: Request) => Promise<Response>;
  private readonly storage: () => Storage | null;
  private readonly proactive: boolean;

  constructor(options: SessionOptions = {}) {
    this.baseUrl = options.baseUrl ?? (() => globalThis.location?.origin ?? "");
    this.doFetch = options.fetch ?? ((request) => globalThis.fetch(request));
    this.storage = options.storage ?? defaultStorage;
    this.proactive = options.proactive ?? true;
  }

  get accessToken(): string | null {
    return this.access;
  }

  get refreshToken(): string | null {
    const storage = this.storage();
    if (!storage) return this.memoryRefresh;
    try {
      return storage.getItem(REFRESH_TOKEN_KEY);
    } catch {
      return this.memoryRefresh;
    }
  }

  private storeRefreshToken(token: string | null): void {
    this.memoryRefresh = token;
    const storage = this.storage();
    if (!storage) return;
    try {
      if (token === null) storage.removeItem(REFRESH_TOKEN_KEY);
      else storage.setItem(REFRESH_TOKEN_KEY, token);
    } catch {
      // Private mode and the like: memory only.
    }
  }

  /** Whether there is anything to resume a session from. */
  hasSession(): boolean {
    return this.access !== null || this.refreshToken !== null;
  }

  subscribe(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SessionEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  /** The account the last token pair described (`me`), until it is taken. */
  private pairMe: TokenPair["me"] | null = null;

  /**
   * The account as the last token pair described it, once: a session
   * resumed or begun needs no `GET /me` (one round trip less on a slow link).
   */
  takeMe(): TokenPair["me"] | null {
    const me = this.pairMe;
    this.pairMe = null;
    return me;
  }

  /** Takes a token pair from a sign-in, a refresh or a password change. */
  setTokens(pair: Pick<TokenPair, "access_token" | "refresh_token" | "expires_in"> & { me?: TokenPair["me"] }): void {
    this.access = pair.access_token;
    this.pairMe = pair.me ?? null;
    this.storeRefreshToken(pair.refresh_token);
    this.schedule(Math.max(pair.expires_in * 1000 - PROACTIVE_MARGIN_MS, 5_000));
    this.emit({ type: "tokens" });
  }

  /** Forgets every token; listeners learn why (a user's sign-out, or a session that ended). */
  clear(reason: SignOutReason): void {
    const had = this.hasSession();
    this.access = null;
    this.pairMe = null;
    this.storeRefreshToken(null);
    this.inflight = null;
    this.cancelTimer();
    if (had || reason === "user") this.emit({ type: "signed_out", reason });
  }

  private cancelTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delayMs: number): void {
    this.cancelTimer();
    if (!this.proactive) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, delayMs);
  }

  /**
   * Exchanges the refresh token for a new pair. Resolves to the new access
   * token, or null when there is none: a rejected refresh token signs out
   * (reason "expired"); a transient failure keeps the session and retries later.
   * Concurrent calls share one request.
   */
  refresh(): Promise<string | null> {
    if (this.inflight) return this.inflight;
    const token = this.refreshToken;
    if (token === null) return Promise.resolve(null);
    const run = this.exchange(token).finally(() => {
      if (this.inflight === run) this.inflight = null;
    });
    this.inflight = run;
    return run;
  }

  private async exchange(refreshToken: string): Promise<string | null> {
    let response: Response;
    try {
      response = await this.doFetch(
        new Request(`${this.baseUrl()}${REFRESH_PATH}`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ refresh_token: refreshToken }),
        }),
      );
    } catch {
      this.schedule(RETRY_AFTER_FAILURE_MS);
      return null;
    }
    // Signed out (or signed in as someone else) while this was in flight.
    if (this.refreshToken !== refreshToken) return this.access;
    if (response.ok) {
      const pair = (await response.json()) as TokenPair;
      this.setTokens(pair);
      return pair.access_token;
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 429) {
      this.clear("expired");
      return null;
    }
    this.schedule(RETRY_AFTER_FAILURE_MS);
    return null;
  }
}

/** The app's one session. */
export const authSession = new AuthSession();
