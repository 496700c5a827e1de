// File downloads (XLSX exports, registration forms, error reports) and
// uploads the typed client cannot describe (multipart, text/csv), through
// the same token and refresh handling as every other call.
import createClient from "openapi-fetch";
import { createAuthMiddleware } from "../auth/middleware";
import { authSession } from "../auth/session";
import { ApiProblem, networkProblem, toApiProblem } from "./problem";

type QueryValue = string | number | boolean | null | undefined;
export type QueryParams = Record<string, QueryValue>;

interface RawResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}
interface RawInit {
  params?: { query?: QueryParams };
  body?: unknown;
  headers?: Record<string, string>;
  parseAs?: "json" | "text" | "blob";
  bodySerializer?: (body: unknown) => BodyInit;
}
interface RawClient {
  GET(path: string, init?: RawInit): Promise<RawResult>;
  POST(path: string, init?: RawInit): Promise<RawResult>;
}

let raw: RawClient | null = null;

/** An untyped client on the app's session: for paths whose bodies are files. */
function rawClient(): RawClient {
  if (raw === null) {
    const client = createClient({
      baseUrl: globalThis.location?.origin ?? "",
      fetch: (input: Request) => globalThis.fetch(input),
    });
    client.use(createAuthMiddleware(authSession));
    raw = client as unknown as RawClient;
  }
  return raw;
}

/** Drops empty filters so the URL carries only what was chosen. */
export function cleanQuery(query: QueryParams): QueryParams {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== ""));
}

/**
 * The file name of a `Content-Disposition` header: `filename*=UTF-8''…`
 * (RFC 6266, for Chinese names) before `filename="…"`.
 */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
    } catch {
      // Fall through to the plain name.
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header);
  return plain?.[1]?.trim() || fallback;
}

async function problemOf(error: unknown, response: Response): Promise<ApiProblem> {
  let body = error;
  if (body instanceof Blob) {
    const text = await body.text();
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return toApiProblem(body, response);
}

async function call(method: "GET" | "POST", path: string, init: RawInit): Promise<RawResult> {
  try {
    return await rawClient()[method](path, init);
  } catch (cause) {
    throw cause instanceof ApiProblem ? cause : networkProblem(cause);
  }
}

/** Fetches a file; throws an ApiProblem for any non-2xx answer. */
export async function fetchFile(
  path: string,
  options: { query?: QueryParams; method?: "GET" | "POST"; body?: BodyInit; contentType?: string; fallbackName: string },
): Promise<{ blob: Blob; filename: string }> {
  const init: RawInit = { params: { query: cleanQuery(options.query ?? {}) }, parseAs: "blob" };
  if (options.body !== undefined) {
    init.body = options.body;
    init.bodySerializer = (b) => b as BodyInit;
    if (options.contentType) init.headers = { "Content-Type": options.contentType };
  }
  const { data, error, response } = await call(options.method ?? "GET", path, init);
  if (!response.ok || error !== undefined) throw await problemOf(error, response);
  return {
    blob: data as Blob,
    filename: filenameFromDisposition(response.headers.get("Content-Disposition"), options.fallbackName),
  };
}

/** Hands a blob to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.style.display = "none";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Fetches a file and saves it. */
export async function downloadFile(
  path: string,
  options: { query?: QueryParams; method?: "GET" | "POST"; body?: BodyInit; contentType?: string; fallbackName: string },
): Promise<string> {
  const { blob, filename } = await fetchFile(path, options);
  saveBlob(blob, filename);
  return filename;
}

/**
 * POSTs a raw body (a CSV text, a multipart form) and returns the JSON
 * answer; throws an ApiProblem for any non-2xx answer.
 */
export async function postRaw<T>(
  path: string,
  body: BodyInit,
  options: { query?: QueryParams; contentType?: string } = {},
): Promise<T> {
  const init: RawInit = {
    params: { query: cleanQuery(options.query ?? {}) },
    body,
    // A FormData body sets its own multipart boundary; a text body names its type.
    bodySerializer: (b) => b as BodyInit,
    ...(options.contentType ? { headers: { "Content-Type": options.contentType } } : {}),
  };
  const { data, error, response } = await call("POST", path, init);
  if (!response.ok || error !== undefined) throw await problemOf(error, response);
  return data as T;
}
