import type {
  CreditInput,
  CreditKind,
  CreditSource,
  Discipline,
  EvaluateRequest,
  TitleLevel,
  UnitLevel,
} from "../../../api/types";
import { TITLE_INDEPENDENT_UNIT_LEVELS } from "../../../constants/enums";

/** One editable credit row of the calculator form. */
export interface CreditRow {
  kind?: CreditKind;
  source?: CreditSource;
  amount?: number | null;
}

/** The calculator form's values as antd Form holds them. */
export interface CalculatorFormValues {
  year: number;
  unit_level: UnitLevel;
  title_level?: TitleLevel;
  discipline: Discipline;
  mandatory_course_completed: boolean;
  credits?: CreditRow[];
}

/** The form's starting values; the year is the working year, set once known. */
export const INITIAL_VALUES: Omit<CalculatorFormValues, "year"> = {
  unit_level: "county",
  title_level: "senior",
  discipline: "clinical",
  mandatory_course_completed: false,
  credits: [{ kind: "project", source: "national", amount: null }],
};

export function titleApplies(unitLevel: UnitLevel | undefined): boolean {
  return unitLevel === undefined || !TITLE_INDEPENDENT_UNIT_LEVELS.includes(unitLevel);
}

/**
 * Maps the form to the request body: the source is sent only for project
 * credits and the title only where the standard depends on it. Row indices are
 * kept so that `credits[i]` in a field error points at the i-th form row.
 */
export function toEvaluateRequest(values: CalculatorFormValues): EvaluateRequest {
  const credits: CreditInput[] = (values.credits ?? []).map((row) => {
    const kind: CreditKind = row.kind ?? "project";
    const amount = row.amount ?? 0;
    return kind === "project" && row.source !== undefined
      ? { kind, source: row.source, amount }
      : { kind, amount };
  });
  const body: EvaluateRequest = {
    year: values.year,
    unit_level: values.unit_level,
    discipline: values.discipline,
    mandatory_course_completed: values.mandatory_course_completed,
    credits,
  };
  if (titleApplies(values.unit_level) && values.title_level !== undefined) {
    body.title_level = values.title_level;
  }
  return body;
}
