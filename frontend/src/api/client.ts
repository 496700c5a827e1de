import createClient, { type Middleware } from "openapi-fetch";
import type { paths } from "./schema";
import { ApiProblem, networkProblem, toApiProblem } from "./problem";

export { ApiProblem, fieldPath, toApiProblem } from "./problem";
export type { FieldError } from "./problem";
export type { paths, components } from "./schema";

const TOKEN_KEY = "cme.access_token";

/** The bearer token of the signed-in user, if any (no login pages yet). */
export function getAccessToken(): string | null {
  try {
    return window.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setAccessToken(token: string | null): void {
  if (token === null) window.sessionStorage.removeItem(TOKEN_KEY);
  else window.sessionStorage.setItem(TOKEN_KEY, token);
}

const authMiddleware: Middleware = {
  onRequest({ request }) {
    const token = getAccessToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    return request;
  },
};

export interface ClientOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
}

/** The raw typed client; prefer `unwrap(api.GET(...))`. */
export function createApiClient(options: ClientOptions = {}) {
  const client = createClient<paths>({
    // Absolute, because Request() outside a browser (tests) rejects relative URLs.
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? "",
    // Resolve the global lazily so tests can stub it after import.
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
  });
  client.use(authMiddleware);
  return client;
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The shared client; same-origin, the server (or Vite's proxy) serves `/api`. */
export const api: ApiClient = createApiClient();

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiProblem
 * for any non-2xx answer (problem+json or not) and for network failures.
 */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (cause) {
    throw cause instanceof ApiProblem ? cause : networkProblem(cause);
  }
  const { data, error, response } = result;
  if (!response.ok || error !== undefined) throw toApiProblem(error, response);
  return data as T;
}
