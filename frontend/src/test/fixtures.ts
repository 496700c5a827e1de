import type { EvaluateResponse } from "../api/types";

/** The contract's example: county senior clinical, 5 national + 2.5 self-managed. */
export const nonCompliant: EvaluateResponse = {
  compliant: false,
  shortfalls: [
    { code: "i_subtotal", missing: 10, message: "I类学分差 10 分" },
    { code: "ii_subtotal", missing: 5, message: "II类学分差 5 分" },
    { code: "self_managed", missing: 2.5, message: "自管学分差 2.5 分" },
  ],
  standard: {
    year: 2021,
    version: 1,
    unit_level: "county",
    title_level: "senior",
    discipline: "clinical",
    mandatory_course: { name: "卫生健康行业生物安全", deadline: "2022-03-01" },
    requirement: {
      total: 25,
      i_national_min: null,
      i_provincial_min: null,
      i_national_provincial_min: 5,
      i_distance_cap: 10,
      i_subtotal_min: 15,
      ii_subtotal_min: 5,
      ii_distance_cap: null,
      self_managed_min: 5,
    },
  },
  buckets: {
    i_national: 5,
    i_provincial: 0,
    i_national_provincial: 5,
    i_distance: 0,
    i_subtotal: 5,
    i_surplus_to_ii: 0,
    ii_prefecture: 0,
    ii_distance: 0,
    ii_subtotal: 0,
    self_managed: 2.5,
    total: 7.5,
  },
  allocation: [
    {
      index: 0,
      kind: "project",
      source: "national",
      amount: 5,
      counted_i: 5,
      counted_ii: 0,
      counted_self_managed: 0,
      not_counted: 0,
      not_counted_reason: null,
    },
    {
      index: 1,
      kind: "self_managed",
      source: null,
      amount: 2.5,
      counted_i: 0,
      counted_ii: 0,
      counted_self_managed: 2.5,
      not_counted: 0,
      not_counted_reason: null,
    },
  ],
};

export const compliant: EvaluateResponse = {
  ...nonCompliant,
  compliant: true,
  shortfalls: [],
};
