// Labels of the standard's requirements and the counted buckets, shared by
// the calculator, the person-year pages and the standard's editor.
import type { Buckets, Requirement } from "../api/types";
import * as L from "./labels.generated";

/** A number of the standard's requirement (`domain::standard::Limit`). */
export type LimitField = keyof typeof L.STANDARD_LIMIT;

/** The requirement's numbers, labelled, in the order of the standard's table. */
export const LIMIT_LABELS: Record<keyof Requirement, string> = L.STANDARD_LIMIT;

export const LIMIT_FIELDS = Object.keys(L.STANDARD_LIMIT) as LimitField[];

export const REQUIREMENT_LABELS: [keyof Requirement, string][] = LIMIT_FIELDS.map((f) => [f, L.STANDARD_LIMIT[f]]);

export const BUCKET_LABELS: [keyof Buckets, string][] = [
  ["i_national", "I类国家级"],
  ["i_provincial", "I类省级"],
  ["i_national_provincial", "I类国家级+省级"],
  ["i_distance", "I类远程（计入）"],
  ["i_subtotal", "I类小计"],
  ["i_surplus_to_ii", "I类超出部分计入II类"],
  ["ii_prefecture", "II类州市级"],
  ["ii_distance", "II类远程（计入）"],
  ["ii_subtotal", "II类小计（含I类折抵）"],
  ["self_managed", "自管学分"],
  ["total", "计入总学分"],
];
