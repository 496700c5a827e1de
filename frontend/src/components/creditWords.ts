// A credit record in words, shared by the staff's tables and the trainee's
// cards (no antd here: the trainee's pages load without it).
import type { CreditLine } from "../api/types";
import { CREDIT_KIND_LABELS, CREDIT_SOURCE_LABELS, CREDIT_STATE_LABELS, NOT_COUNTED_REASON_LABELS, labelOf } from "../constants/enums";
import { formatCredits } from "../utils/format";

/** 国家级 I类 / 自管学分: the class and level of a record. */
export function categoryLabel(c: Pick<CreditLine, "kind" | "source">): string {
  return c.kind === "self_managed" ? "自管学分" : labelOf(CREDIT_SOURCE_LABELS, c.source ?? null, labelOf(CREDIT_KIND_LABELS, c.kind));
}

/** Where one record counted, in words: "I类 2 分", "未计入（超出上限）". */
export function countedWhere(line: CreditLine): string {
  const parts: string[] = [];
  if (line.counted_i > 0) parts.push(`I类 ${formatCredits(line.counted_i)}`);
  if (line.counted_ii > 0) parts.push(`II类 ${formatCredits(line.counted_ii)}`);
  if (line.counted_self_managed > 0) parts.push(`自管 ${formatCredits(line.counted_self_managed)}`);
  if (line.not_counted > 0) {
    const why = line.not_counted_reason
      ? labelOf(NOT_COUNTED_REASON_LABELS, line.not_counted_reason)
      : labelOf(CREDIT_STATE_LABELS, line.state);
    parts.push(`未计入 ${formatCredits(line.not_counted)}（${why}）`);
  }
  return parts.length > 0 ? parts.join("，") : "—";
}

/** Records by date (undated ones last), the server's order kept among equals. */
export function byDate(credits: readonly CreditLine[]): CreditLine[] {
  return [...credits].sort((a, b) => (a.earned_on ?? "9999").localeCompare(b.earned_on ?? "9999"));
}

