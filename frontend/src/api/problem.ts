/** One failing field of a validation problem, e.g. `credits[1].amount`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem returned by the API (`application/problem+json`), or a
 * failure that never reached it (network down, a proxy's HTML error page),
 * normalised to the same shape so the UI handles one error type.
 */
export class ApiProblem extends Error {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string | null;
  readonly code: string;
  readonly errors: FieldError[];
  /** Seconds to wait before trying again (the Retry-After header of a 429 or 503). */
  readonly retryAfter: number | null;

  constructor(init: {
    type?: string;
    title: string;
    status: number;
    detail?: string | null;
    code: string;
    errors?: FieldError[];
    retryAfter?: number | null;
  }) {
    super(init.detail ? `${init.title}: ${init.detail}` : init.title);
    this.name = "ApiProblem";
    this.type = init.type ?? "about:blank";
    this.title = init.title;
    this.status = init.status;
    this.detail = init.detail ?? null;
    this.code = init.code;
    this.errors = init.errors ?? [];
    this.retryAfter = init.retryAfter ?? null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function parseFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    if (!isRecord(item)) return [];
    const field = asString(item.field);
    const message = asString(item.message);
    return field !== undefined && message !== undefined ? [{ field, message }] : [];
  });
}

/**
 * Turns an error body (already parsed by openapi-fetch, or raw text) and its
 * response into an ApiProblem. Tolerates bodies that are not problem+json.
 */
export function toApiProblem(
  body: unknown,
  response: Pick<Response, "status" | "statusText"> & { headers?: Pick<Headers, "get"> },
): ApiProblem {
  const status = response.status;
  const retryAfterHeader = response.headers?.get("Retry-After");
  const retryAfter = retryAfterHeader && /^\d+$/.test(retryAfterHeader.trim()) ? Number(retryAfterHeader) : null;
  if (isRecord(body)) {
    return new ApiProblem({
      type: asString(body.type),
      title: asString(body.title) ?? (response.statusText || `HTTP ${status}`),
      status: typeof body.status === "number" ? body.status : status,
      detail: asString(body.detail) ?? null,
      code: asString(body.code) ?? `http_${status}`,
      errors: parseFieldErrors(body.errors),
      retryAfter,
    });
  }
  return new ApiProblem({
    title: response.statusText || `HTTP ${status}`,
    status,
    detail: typeof body === "string" && body.length > 0 && body.length < 500 ? body : null,
    code: `http_${status}`,
    retryAfter,
  });
}

/** A request that never got an HTTP answer. */
export function networkProblem(cause: unknown): ApiProblem {
  const problem = new ApiProblem({
    title: "无法连接服务器",
    status: 0,
    detail: cause instanceof Error ? cause.message : String(cause),
    code: "network_error",
  });
  return problem;
}

/**
 * Splits a wire field path such as `credits[1].amount` into an antd form
 * name path `["credits", 1, "amount"]`.
 */
export function fieldPath(field: string): (string | number)[] {
  return field
    .split(/[.[\]]/)
    .filter((part) => part.length > 0)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}
