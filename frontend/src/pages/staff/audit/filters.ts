import { AUDIT_ACTION, AUDIT_TARGET } from "../../../constants/labels.generated";

/** The audit log's filters, as the URL keeps them (and the API takes them). */
export interface AuditFilters {
  actor?: string;
  action?: string;
  target_type?: string;
  /** Beijing days, YYYY-MM-DD, inclusive. */
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filters from the URL, dropping what the API would refuse. */
export function auditFilters(search: URLSearchParams): AuditFilters {
  const day = (v: string | null) => (v && DAY.test(v) ? v : undefined);
  const action = search.get("action") ?? undefined;
  const target = search.get("target_type") ?? undefined;
  return {
    actor: search.get("actor")?.trim() || undefined,
    action: action && action in AUDIT_ACTION ? action : undefined,
    target_type: target && target in AUDIT_TARGET ? target : undefined,
    from: day(search.get("from")),
    to: day(search.get("to")),
  };
}

/** The filters as URL search parameters (empty ones left out). */
export function auditSearch(filters: AuditFilters): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) out.set(k, v);
  return out;
}
