import createClient from "openapi-fetch";
import { createAuthMiddleware } from "../auth/middleware";
import { authSession, type AuthSession } from "../auth/session";
import type { ApiPaths } from "./paths";
import { ApiProblem, networkProblem, toApiProblem } from "./problem";

export { ApiProblem, fieldPath, toApiProblem } from "./problem";
export type { FieldError } from "./problem";
export type { paths, components } from "./schema";
export type { ApiPaths } from "./paths";

export interface ClientOptions {
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  /** Whose tokens to send and refresh; the app's one session by default. */
  session?: AuthSession;
}

/** The raw typed client; prefer `unwrap(api.GET(...))`. */
export function createApiClient(options: ClientOptions = {}) {
  const client = createClient<ApiPaths>({
    // Absolute, because Request() outside a browser (tests) rejects relative URLs.
    baseUrl: options.baseUrl ?? globalThis.location?.origin ?? "",
    // Resolve the global lazily so tests can stub it after import.
    fetch: options.fetch ?? ((input: Request) => globalThis.fetch(input)),
  });
  client.use(createAuthMiddleware(options.session ?? authSession));
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
