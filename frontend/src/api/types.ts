// Wire types, named after the operations that use them. Derived from `paths`
// rather than from component names so they survive schema renames.
import type { paths } from "./schema";

type JsonBody<T> = T extends { content: { "application/json": infer B } } ? B : never;

type EvaluateOp = paths["/api/v1/compliance/evaluate"]["post"];
export type EvaluateRequest = JsonBody<NonNullable<EvaluateOp["requestBody"]>>;
export type EvaluateResponse = JsonBody<EvaluateOp["responses"][200]>;

export type CreditInput = EvaluateRequest["credits"][number];
export type UnitLevel = EvaluateRequest["unit_level"];
export type TitleLevel = NonNullable<EvaluateRequest["title_level"]>;
export type Discipline = EvaluateRequest["discipline"];
export type CreditKind = CreditInput["kind"];
export type CreditSource = NonNullable<CreditInput["source"]>;

export type Shortfall = EvaluateResponse["shortfalls"][number];
export type AppliedStandard = EvaluateResponse["standard"];
export type Requirement = AppliedStandard["requirement"];
export type Buckets = EvaluateResponse["buckets"];
export type Allocation = EvaluateResponse["allocation"][number];
export type NotCountedReason = NonNullable<Allocation["not_counted_reason"]>;

export type StandardSummary = JsonBody<paths["/api/v1/standards"]["get"]["responses"][200]>[number];
