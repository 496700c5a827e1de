// Chinese labels for the wire enums: the labels come from the Rust enums
// (labels.generated.ts); typed as exhaustive records so a new
// enum value in the OpenAPI document fails the type check until labelled.
import * as L from "./labels.generated";
import type {
  CreditKind,
  CreditSource,
  Discipline,
  NotCountedReason,
  TitleLevel,
  UnitLevel,
} from "../api/types";
import type { Gender, Medicine, Operation, OrganisationKind, PersonStatus, RegionLevel, Role } from "../api/types";
import type { CreditState, EntryPath, ImportMode, Outcome, RosterOutcome, ShortfallCode } from "../api/types";
import type { components } from "../api/schema";

type NotificationKind = components["schemas"]["NotificationKind"];

export const UNIT_LEVEL_LABELS: Record<UnitLevel, string> = L.UNIT_LEVEL;

export const TITLE_LEVEL_LABELS: Record<TitleLevel, string> = L.TITLE_LEVEL;

export const DISCIPLINE_LABELS: Record<Discipline, string> = L.DISCIPLINE;

export const CREDIT_KIND_LABELS: Record<CreditKind, string> = L.CREDIT_KIND;

export const CREDIT_SOURCE_LABELS: Record<CreditSource, string> = L.CREDIT_SOURCE;

export const NOT_COUNTED_REASON_LABELS: Record<NotCountedReason, string> = L.NOT_COUNTED_REASON;

/** Unit levels whose standard does not depend on the title. */
export const TITLE_INDEPENDENT_UNIT_LEVELS: readonly UnitLevel[] = ["township", "village"];

export function options<K extends string>(labels: Record<K, string>): { value: K; label: string }[] {
  return (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));
}

// ---- accounts, hierarchy (issue 3) ------------------------------------------

export const ROLE_LABELS: Record<Role, string> = L.ROLE;

export const OPERATION_LABELS: Record<Operation, string> = L.OPERATION;

export const REGION_LEVEL_LABELS: Record<RegionLevel, string> = L.REGION_LEVEL;

export const MEDICINE_LABELS: Record<Medicine, string> = L.MEDICINE;

export const PERSON_STATUS_LABELS: Record<PersonStatus, string> = L.PERSON_STATUS;

export const PERSON_STATUS_COLORS: Record<PersonStatus, string> = {
  normal: "green",
  exempt: "orange",
  cancelled: "default",
};

export const GENDER_LABELS: Record<Gender, string> = L.GENDER;

export const ORGANISATION_KIND_LABELS: Record<OrganisationKind, string> = L.SCOPE_KIND;

export const NOTIFICATION_KIND_LABELS: Record<NotificationKind, string> = L.NOTIFICATION_KIND;

/** A label for a value the type may not know yet (a new enum value on the wire). */
export function labelOf<K extends string>(labels: Record<K, string>, value: string | null | undefined, empty = "—"): string {
  if (value === null || value === undefined || value === "") return empty;
  return (labels as Record<string, string>)[value] ?? value;
}

// ---- credits, compliance, activities (issue 4) ------------------------------

export const OUTCOME_LABELS: Record<Outcome, string> = L.OUTCOME;

export const OUTCOME_COLORS: Record<Outcome, string> = {
  compliant: "success",
  non_compliant: "error",
  not_counted: "default",
  undetermined: "warning",
};

export const CREDIT_STATE_LABELS: Record<CreditState, string> = L.CREDIT_STATE;

export const CREDIT_STATE_COLORS: Record<CreditState, string> = {
  draft: "default",
  pending: "processing",
  valid: "success",
  rejected: "error",
  reversed: "warning",
  reversal: "purple",
};

export const ENTRY_PATH_LABELS: Record<EntryPath, string> = L.ENTRY_PATH;

export const SHORTFALL_CODE_LABELS: Record<ShortfallCode, string> = L.SHORTFALL_CODE;

export const ROSTER_OUTCOME_LABELS: Record<RosterOutcome, string> = L.ROSTER_OUTCOME;

export const IMPORT_MODE_LABELS: Record<ImportMode, string> = L.IMPORT_MODE;

