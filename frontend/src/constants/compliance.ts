// Labels of the standard's requirements and the counted buckets, shared by
// the calculator and the person-year pages.
import type { Buckets, Requirement } from "../api/types";

export const REQUIREMENT_LABELS: [keyof Requirement, string][] = [
  ["total", "总学分 ≥"],
  ["i_national_min", "I类国家级 ≥"],
  ["i_provincial_min", "I类省级 ≥"],
  ["i_national_provincial_min", "I类国家级+省级 ≥"],
  ["i_distance_cap", "I类远程 ≤（计入上限）"],
  ["i_subtotal_min", "I类小计 ≥"],
  ["ii_subtotal_min", "II类小计 ≥"],
  ["ii_distance_cap", "II类远程 ≤（计入上限）"],
  ["self_managed_min", "自管学分 ≥"],
];

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
