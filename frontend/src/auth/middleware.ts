import type { Middleware } from "openapi-fetch";
import { REFRESH_PATH, type AuthSession } from "./session";

/**
 * Paths that authenticate by their body (or not at all): they never carry the
 * bearer token, and their 401 means "wrong credentials", not "token expired".
 */
const PUBLIC_AUTH_PATHS = new Set<string>([
  "/api/v1/auth/login",
  "/api/v1/auth/trainee/login",
  REFRESH_PATH,
  "/api/v1/auth/logout",
  "/api/v1/auth/captcha",
  "/api/v1/auth/token",
]);

function bearerOf(request: Request): string | null {
  const header = request.headers.get("Authorization");
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : null;
}

/**
 * Adds `Authorization: Bearer` and, on a 401, refreshes the session once and
 * retries the request once with the new token. Concurrent 401s share the
 * session's one refresh; a 401 for a token that has already been replaced is
 * retried with the current one without refreshing again. A refresh the server
 * rejects signs the session out (AuthSession.clear), which sends the UI to the
 * sign-in page.
 */
export function createAuthMiddleware(session: AuthSession): Middleware {
  // The body of a sent Request is consumed; keep a copy to retry with.
  const pending = new Map<string, Request>();

  return {
    onRequest({ request, schemaPath, id }) {
      if (PUBLIC_AUTH_PATHS.has(schemaPath)) return undefined;
      const token = session.accessToken;
      if (token) request.headers.set("Authorization", `Bearer ${token}`);
      if (token || session.refreshToken) pending.set(id, request.clone());
      return request;
    },

    async onResponse({ response, id, options }) {
      const original = pending.get(id);
      pending.delete(id);
      if (response.status !== 401 || !original) return undefined;

      const used = bearerOf(original);
      const current = session.accessToken;
      const token = current !== null && current !== used ? current : await session.refresh();
      if (token === null) return undefined;

      const retry = original.clone();
      retry.headers.set("Authorization", `Bearer ${token}`);
      return options.fetch(retry);
    },

    onError({ id }) {
      pending.delete(id);
      return undefined;
    },
  };
}
