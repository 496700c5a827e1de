// File downloads (PDFs, XLSX exports, registration forms, error reports)
// and file uploads through the one typed client: the OpenAPI document says
// every file body is `format: binary`, which schema.d.ts types as a Blob
// (scripts/api-types.mjs). A download is `api.GET(path, { ..., parseAs:
// "blob" })` handed to `fileOf` or `downloadFile`; an upload passes
// `bodySerializer: fileBody` (or `formData` for multipart) and names its
// `Content-Type`, and its JSON answer goes through `unwrap`.
import { ApiProblem, networkProblem, toApiProblem } from "./problem";

/** What an openapi-fetch call settles to, whatever its path. */
interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** Drops empty filters so the URL carries only what was chosen. */
export function cleanQuery<T extends object>(query: T): T {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== "")) as T;
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

/**
 * The file of a typed call made with `parseAs: "blob"`, named by its
 * `Content-Disposition` (or `fallbackName`); throws an ApiProblem for any
 * non-2xx answer and for network failures.
 */
export async function fileOf(call: Promise<Answer<Blob>>, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  let answer: Answer<Blob>;
  try {
    answer = await call;
  } catch (cause) {
    throw cause instanceof ApiProblem ? cause : networkProblem(cause);
  }
  const { data, error, response } = answer;
  if (!response.ok || error !== undefined) throw await problemOf(error, response);
  // An empty answer (Content-Length: 0) is an empty file.
  return { blob: data ?? new Blob(), filename: filenameFromDisposition(response.headers.get("Content-Disposition"), fallbackName) };
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

/** Saves the file of a typed call made with `parseAs: "blob"`; returns its name. */
export async function downloadFile(call: Promise<Answer<Blob>>, fallbackName: string): Promise<string> {
  const { blob, filename } = await fileOf(call, fallbackName);
  saveBlob(blob, filename);
  return filename;
}

/**
 * A `bodySerializer` for bodies that may be files: openapi-fetch would
 * JSON-encode a Blob (an uploaded file, a CSV text), so it goes as it is;
 * anything else is JSON. The call names the file's `Content-Type`.
 */
export function fileBody<T>(body: T): Blob | string {
  return body instanceof Blob ? body : JSON.stringify(body);
}

/** A `bodySerializer` for `multipart/form-data`: one part per field (a File keeps its name). */
export function formData(body: Record<string, Blob | string>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(body)) data.append(name, value);
  return data;
}
