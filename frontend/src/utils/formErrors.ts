import type { FormInstance } from "antd";
import { type ApiProblem, fieldPath } from "../api/client";

/** A field error placed on a form field, or left over for an alert. */
export interface PlacedErrors {
  /** antd `setFields` entries for the fields the form has. */
  fields: { name: (string | number)[]; errors: string[] }[];
  /** Messages for fields the form does not show (and problems without fields). */
  rest: string[];
}

/**
 * Splits a problem's field errors into those a form can show next to its
 * fields (`known`, wire names; `rename` maps a wire name to a form name)
 * and the rest. A 409 naming a field by its code (duplicate_certificate →
 * certificate_no) goes on that field too.
 */
export function placeErrors(
  problem: ApiProblem,
  known: readonly string[],
  options: { rename?: Record<string, string>; conflicts?: Record<string, string> } = {},
): PlacedErrors {
  const byField = new Map<string, string[]>();
  const rest: string[] = [];
  const add = (wire: string, message: string) => {
    const name = options.rename?.[wire] ?? wire;
    const top = String(fieldPath(name)[0] ?? name);
    if (!known.includes(top)) {
      rest.push(message);
      return;
    }
    byField.set(name, [...(byField.get(name) ?? []), message]);
  };
  for (const e of problem.errors) add(e.field, e.message);
  const conflictField = options.conflicts?.[problem.code];
  if (conflictField) add(conflictField, problem.detail ?? problem.title);
  else if (problem.errors.length === 0) rest.push(problem.detail ?? problem.title);
  return {
    fields: [...byField.entries()].map(([name, errors]) => ({ name: fieldPath(name), errors })),
    rest,
  };
}

/** Puts a problem's field errors on `form`; returns what did not fit any field. */
export function applyProblem<T>(
  form: FormInstance<T>,
  problem: ApiProblem,
  known: readonly string[],
  options?: { rename?: Record<string, string>; conflicts?: Record<string, string> },
): string[] {
  const placed = placeErrors(problem, known, options);
  if (placed.fields.length > 0) form.setFields(placed.fields as Parameters<FormInstance<T>["setFields"]>[0]);
  return placed.rest;
}
