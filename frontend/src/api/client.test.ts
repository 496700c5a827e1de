import { describe, expect, it } from "vitest";
import { ApiProblem, createApiClient, fieldPath, toApiProblem, unwrap } from "./client";
import type { EvaluateRequest } from "./types";

function problemResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/problem+json" },
  });
}

const validation = {
  type: "about:blank",
  title: "请求参数无效",
  status: 422,
  detail: "2 个字段未通过校验",
  code: "validation_failed",
  errors: [
    { field: "credits[1].amount", message: "学分必须大于 0" },
    { field: "year", message: "没有该年度的标准" },
  ],
};

describe("toApiProblem", () => {
  it("keeps every problem+json field", () => {
    const p = toApiProblem(validation, { status: 422, statusText: "Unprocessable Entity" });
    expect(p).toBeInstanceOf(ApiProblem);
    expect(p).toMatchObject({
      type: "about:blank",
      title: "请求参数无效",
      status: 422,
      detail: "2 个字段未通过校验",
      code: "validation_failed",
    });
    expect(p.errors).toEqual(validation.errors);
  });

  it("falls back to the HTTP status for a body that is not a problem", () => {
    const p = toApiProblem("<html>Bad Gateway</html>", { status: 502, statusText: "Bad Gateway" });
    expect(p).toMatchObject({ status: 502, title: "Bad Gateway", code: "http_502", errors: [] });
  });

  it("drops malformed field errors", () => {
    const p = toApiProblem({ ...validation, errors: [{ field: 1 }, "x", { field: "year", message: "m" }] }, { status: 422, statusText: "" });
    expect(p.errors).toEqual([{ field: "year", message: "m" }]);
  });
});

describe("fieldPath", () => {
  it("splits wire paths into antd name paths", () => {
    expect(fieldPath("credits[1].amount")).toEqual(["credits", 1, "amount"]);
    expect(fieldPath("year")).toEqual(["year"]);
  });
});

describe("unwrap", () => {
  const body: EvaluateRequest = {
    year: 2021,
    unit_level: "county",
    discipline: "clinical",
    mandatory_course_completed: true,
    credits: [{ kind: "self_managed", amount: 2.5 }],
  };

  it("throws an ApiProblem for a problem+json answer", async () => {
    const client = createApiClient({ baseUrl: "http://test", fetch: async () => problemResponse(422, validation) });
    const err = await unwrap(client.POST("/api/v1/compliance/evaluate", { body })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect((err as ApiProblem).code).toBe("validation_failed");
    expect((err as ApiProblem).errors[0]?.field).toBe("credits[1].amount");
  });

  it("throws a network ApiProblem when fetch fails", async () => {
    const client = createApiClient({
      baseUrl: "http://test",
      fetch: async () => {
        throw new TypeError("fetch failed");
      },
    });
    const err = await unwrap(client.GET("/api/v1/health")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiProblem);
    expect((err as ApiProblem).code).toBe("network_error");
  });

  it("sends snake_case bodies untouched and returns the data", async () => {
    let sent: unknown;
    const client = createApiClient({
      baseUrl: "http://test",
      fetch: async (req) => {
        sent = await (req as Request).json();
        return new Response(JSON.stringify({ status: "ok" }), { headers: { "Content-Type": "application/json" } });
      },
    });
    await unwrap(client.POST("/api/v1/compliance/evaluate", { body }));
    expect(sent).toEqual(body);
  });
});
