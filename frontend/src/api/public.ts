// The client of the public pages (certificate checks, the help desk): no
// token, no refresh, nothing stored.
import createClient from "openapi-fetch";
import type { ApiPaths } from "./paths";

/** A client for the public pages: no token, no refresh, nothing stored. */
export const publicClient = createClient<ApiPaths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: (input: Request) => globalThis.fetch(input),
});
