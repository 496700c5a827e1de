import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiProblem, createApiClient, unwrap } from "../api/client";
import type { Me } from "../api/types";
import { AuthSession, REFRESH_TOKEN_KEY, type SessionEvent } from "./session";

const me: Me = {
  id: "a1",
  username: "kjc",
  display_name: "科教处",
  role: "province_western",
  role_label: "省继教委办公室(科教处)",
  organisation: { kind: "province", id: "p1", name: "云南省" },
  must_change_password: false,
  permissions: ["read_hierarchy", "read_self"],
  manageable_roles: [],
};

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function problem(status: number, code: string): Response {
  return new Response(JSON.stringify({ type: "about:blank", title: "未登录", status, code }), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

function pair(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, expires_in: 900, token_type: "Bearer", must_change_password: false };
}

/**
 * A fake server: accepts only the current access token, rotates refresh
 * tokens, and counts refreshes. `refreshOk: false` rejects every refresh.
 */
function fakeServer({ refreshOk = true, refreshDelayMs = 0 } = {}) {
  let generation = 1;
  const calls: { path: string; auth: string | null; body?: unknown }[] = [];
  let refreshes = 0;
  const fetch = vi.fn(async (request: Request) => {
    const path = new URL(request.url).pathname;
    const auth = request.headers.get("Authorization");
    const body = request.method === "GET" ? undefined : await request.clone().json().catch(() => undefined);
    calls.push({ path, auth, body });
    if (path === "/api/v1/auth/refresh") {
      refreshes++;
      if (refreshDelayMs) await new Promise((r) => setTimeout(r, refreshDelayMs));
      const sent = (body as { refresh_token: string }).refresh_token;
      if (!refreshOk || sent !== `refresh-${generation}`) return problem(401, "invalid_refresh_token");
      generation++;
      return json(pair(generation));
    }
    if (auth !== `Bearer access-${generation}`) return problem(401, "unauthorized");
    if (path === "/api/v1/me") return json(me);
    if (path === "/api/v1/people/p1/reveal-id-number") return json({ id_number: "53012119800101123X", echo: body });
    return problem(404, "not_found");
  });
  return { fetch, calls, refreshes: () => refreshes };
}

function setup(server: ReturnType<typeof fakeServer>) {
  sessionStorage.clear();
  const session = new AuthSession({ baseUrl: () => "http://test", fetch: server.fetch, proactive: false });
  session.setTokens(pair(1));
  const events: SessionEvent[] = [];
  session.subscribe((e) => events.push(e));
  const client = createApiClient({ baseUrl: "http://test", fetch: server.fetch as typeof fetch, session });
  return { session, client, events };
}

describe("auth middleware", () => {
  afterEach(() => sessionStorage.clear());

  it("sends the bearer token and keeps the refresh token in sessionStorage", async () => {
    const server = fakeServer();
    const { client } = setup(server);
    await expect(unwrap(client.GET("/api/v1/me"))).resolves.toEqual(me);
    expect(server.calls[0]?.auth).toBe("Bearer access-1");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-1");
    expect(server.refreshes()).toBe(0);
  });

  it("answers a 401 with one refresh, then retries the request with the new token", async () => {
    const server = fakeServer();
    const { session, client } = setup(server);
    // The access token has expired on the server; the refresh token is still good.
    session.setTokens({ access_token: "expired", refresh_token: "refresh-1", expires_in: 900 });

    const result = await unwrap(
      client.POST("/api/v1/people/{id}/reveal-id-number", { params: { path: { id: "p1" } }, body: { reason: "核对" } }),
    );
    expect(result.id_number).toBe("53012119800101123X");
    expect(server.calls.map((c) => c.path)).toEqual([
      "/api/v1/people/p1/reveal-id-number",
      "/api/v1/auth/refresh",
      "/api/v1/people/p1/reveal-id-number",
    ]);
    // The retry carries the new token and the original body.
    expect(server.calls[0]?.auth).toBe("Bearer expired");
    expect(server.calls[2]?.auth).toBe("Bearer access-2");
    expect(server.calls[2]?.body).toEqual({ reason: "核对" });
    expect(server.refreshes()).toBe(1);
    expect(session.accessToken).toBe("access-2");
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBe("refresh-2");
  });

  it("shares one refresh between concurrent 401s", async () => {
    const server = fakeServer({ refreshDelayMs: 20 });
    const { session, client } = setup(server);
    session.setTokens({ access_token: "stale", refresh_token: "refresh-1", expires_in: 900 });

    const results = await Promise.all([
      unwrap(client.GET("/api/v1/me")),
      unwrap(client.GET("/api/v1/me")),
      unwrap(client.GET("/api/v1/me")),
    ]);
    expect(results).toEqual([me, me, me]);
    expect(server.refreshes()).toBe(1);
    const retried = server.calls.filter((c) => c.path === "/api/v1/me" && c.auth === "Bearer access-2");
    expect(retried).toHaveLength(3);
  });

  it("retries a late 401 with the already refreshed token instead of refreshing again", async () => {
    const server = fakeServer();
    const { session, client } = setup(server);
    session.setTokens({ access_token: "stale", refresh_token: "refresh-1", expires_in: 900 });
    const inner = server.fetch.getMockImplementation()!;
    let first = true;
    server.fetch.mockImplementation(async (request: Request) => {
      // The first request's 401 arrives only after the second one has refreshed.
      if (first && new URL(request.url).pathname === "/api/v1/me") {
        first = false;
        const answer = await inner(request);
        await new Promise((r) => setTimeout(r, 50));
        return answer;
      }
      return inner(request);
    });
    const slow = unwrap(client.GET("/api/v1/me"));
    await new Promise((r) => setTimeout(r, 5));
    await unwrap(client.GET("/api/v1/me"));
    expect(server.refreshes()).toBe(1);
    await expect(slow).resolves.toEqual(me);
    expect(server.refreshes()).toBe(1);
  });

  it("signs out when the refresh is rejected, and returns the 401", async () => {
    const server = fakeServer({ refreshOk: false });
    const { session, client, events } = setup(server);
    session.setTokens({ access_token: "stale", refresh_token: "refresh-1", expires_in: 900 });

    const err = await unwrap(client.GET("/api/v1/me")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect((err as ApiProblem).status).toBe(401);
    expect(server.refreshes()).toBe(1);
    expect(session.accessToken).toBeNull();
    expect(session.refreshToken).toBeNull();
    expect(sessionStorage.getItem(REFRESH_TOKEN_KEY)).toBeNull();
    expect(events).toContainEqual({ type: "signed_out", reason: "expired" });
  });

  it("does not refresh on a failed sign-in", async () => {
    const server = fakeServer();
    const { client } = setup(server);
    server.calls.length = 0;
    server.fetch.mockImplementationOnce(async (request: Request) => {
      server.calls.push({ path: new URL(request.url).pathname, auth: request.headers.get("Authorization") });
      return problem(401, "invalid_credentials");
    });
    const err = await unwrap(client.POST("/api/v1/auth/login", { body: { username: "x", password: "y" } })).catch(
      (e: unknown) => e,
    );
    expect((err as ApiProblem).code).toBe("invalid_credentials");
    expect(server.calls).toEqual([{ path: "/api/v1/auth/login", auth: null }]);
  });
});

describe("proactive refresh", () => {
  afterEach(() => {
    vi.useRealTimers();
    sessionStorage.clear();
  });

  it("refreshes 60 s before the access token expires", async () => {
    vi.useFakeTimers();
    const server = fakeServer();
    const session = new AuthSession({ baseUrl: () => "http://test", fetch: server.fetch });
    session.setTokens({ access_token: "access-1", refresh_token: "refresh-1", expires_in: 900 });
    await vi.advanceTimersByTimeAsync(839_000);
    expect(server.refreshes()).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.refreshes()).toBe(1);
    expect(session.accessToken).toBe("access-2");
    session.clear("user");
  });
});
