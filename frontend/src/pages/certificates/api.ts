// Calls the typed client cannot describe well: a raw image body (PUT), an
// image fetched with the bearer token for an <img>, and the public lookups,
// which go out without any token.
import { useQuery } from "@tanstack/react-query";
import createClient from "openapi-fetch";
import { ApiProblem, unwrap } from "../../api/client";
import type { PublicCertificate } from "../../api/certificateTypes";
import { fetchFile } from "../../api/download";
import type { ApiPaths } from "../../api/paths";
import { networkProblem, toApiProblem } from "../../api/problem";
import { createAuthMiddleware } from "../../auth/middleware";
import { authSession } from "../../auth/session";

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}
interface RawClient {
  PUT(path: string, init: { body: unknown; bodySerializer: (b: unknown) => BodyInit; headers: Record<string, string> }): Promise<RawResult>;
}

let raw: RawClient | null = null;
function rawClient(): RawClient {
  if (raw === null) {
    const client = createClient({ baseUrl: globalThis.location?.origin ?? "", fetch: (input: Request) => globalThis.fetch(input) });
    client.use(createAuthMiddleware(authSession));
    raw = client as unknown as RawClient;
  }
  return raw;
}

/** PUTs a raw body (an image) and returns the JSON answer; throws an ApiProblem otherwise. */
export async function putRaw<T>(path: string, body: Blob, contentType: string): Promise<T> {
  let result: RawResult;
  try {
    result = await rawClient().PUT(path, { body, bodySerializer: (b) => b as BodyInit, headers: { "Content-Type": contentType } });
  } catch (cause) {
    throw cause instanceof ApiProblem ? cause : networkProblem(cause);
  }
  if (!result.response.ok || result.error !== undefined) throw toApiProblem(result.error, result.response);
  return result.data as T;
}

/** A blob as a `data:` URL (the server's CSP allows `data:` images, not `blob:` ones). */
export function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error("read failed"));
    reader.readAsDataURL(blob);
  });
}

/** A `data:` URL of an image the API serves only with a token. */
export function useImageUrl(path: string | null | undefined) {
  const image = useQuery({
    queryKey: ["image", path],
    queryFn: async () => dataUrlOf((await fetchFile(path!, { fallbackName: "image.png" })).blob),
    enabled: Boolean(path),
    staleTime: Infinity,
  });
  return { ...image, url: image.data ?? null };
}

/** A client for the public pages: no token, no refresh, nothing stored. */
const publicClient = createClient<ApiPaths>({
  baseUrl: globalThis.location?.origin ?? "",
  fetch: (input: Request) => globalThis.fetch(input),
});

/** The public answer for a QR code's token. */
export function publicByToken(token: string): Promise<PublicCertificate> {
  return unwrap(publicClient.GET("/api/v1/public/certificates/{token}", { params: { path: { token } } }));
}

/** The public answer for a certificate number and its printed 验证码. */
export function publicByNumber(number: string, code: string): Promise<PublicCertificate> {
  return unwrap(publicClient.GET("/api/v1/public/certificates", { params: { query: { number, code } } }));
}
