// The compliance query's filters live in the URL, so that a person's detail
// and the browser's back button return to the same list.
import type { ComplianceQuery, Discipline, Outcome } from "../../../api/types";

export interface ComplianceFilters {
  year: number;
  discipline?: Discipline;
  unit_id?: string;
  department_id?: string;
  region_id?: string;
  outcome?: Outcome;
  name?: string;
}

const OUTCOMES: readonly string[] = ["compliant", "non_compliant", "not_counted", "undetermined"];
const DISCIPLINES: readonly string[] = ["clinical", "nursing_public_health"];

function text(params: URLSearchParams, key: string): string | undefined {
  const v = params.get(key)?.trim();
  return v ? v : undefined;
}

/** Reads the filters from a URL's query; unknown values are dropped. */
export function filtersFromSearch(params: URLSearchParams, fallbackYear: number): ComplianceFilters {
  const year = Number(params.get("year"));
  const outcome = text(params, "outcome");
  const discipline = text(params, "discipline");
  return {
    year: Number.isInteger(year) && year >= 2015 && year <= 2100 ? year : fallbackYear,
    discipline: discipline && DISCIPLINES.includes(discipline) ? (discipline as Discipline) : undefined,
    unit_id: text(params, "unit_id"),
    department_id: text(params, "department_id"),
    region_id: text(params, "region_id"),
    outcome: outcome && OUTCOMES.includes(outcome) ? (outcome as Outcome) : undefined,
    name: text(params, "name"),
  };
}

/** Writes the filters back as a URL query, leaving out what is unset. */
export function filtersToSearch(filters: ComplianceFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== null && String(value).trim() !== "") params.set(key, String(value).trim());
  }
  return params;
}

/** The API query (list and export share it). */
export function toApiQuery(filters: ComplianceFilters): ComplianceQuery {
  return {
    year: filters.year,
    discipline: filters.discipline,
    unit_id: filters.unit_id,
    department_id: filters.department_id,
    region_id: filters.region_id,
    outcome: filters.outcome,
    name: filters.name,
  };
}
