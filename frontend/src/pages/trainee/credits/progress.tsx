// The trainee's year at a glance: a ring for the total, bars for the rest,
// each against his standard; and the verdict as a tag (进行中 while the year
// is still being earned, never 不达标).
import type { PersonYear, YearSummary } from "../../../api/types";
import { OUTCOME_LABELS } from "../../../constants/enums";
import { ProgressBar, ProgressRing, Tag, type TagTone } from "../../../light";
import { formatCredits } from "../../../utils/format";

const OUTCOME_TONES: Record<YearSummary["outcome"], TagTone> = {
  compliant: "success",
  non_compliant: "error",
  not_counted: "default",
  undetermined: "warning",
};

/** The year's verdict as a trainee should read it: an open year is 进行中 unless already met. */
export function outcomeView(y: Pick<YearSummary, "outcome" | "in_progress">): { label: string; tone: TagTone } {
  if (y.in_progress && y.outcome !== "compliant") return { label: "进行中", tone: "processing" };
  return { label: OUTCOME_LABELS[y.outcome], tone: OUTCOME_TONES[y.outcome] };
}

export function OutcomeTag({ year, large = false }: { year: Pick<YearSummary, "outcome" | "in_progress">; large?: boolean }) {
  const { label, tone } = outcomeView(year);
  return (
    <Tag tone={tone} large={large} testId="outcome">
      {label}
    </Tag>
  );
}

/** One line of progress: what he has, what he needs. */
export interface ProgressLine {
  key: string;
  label: string;
  value: number;
  target: number;
}

/** The requirement's lines the standard sets (I类, II类, 自管, 总), in that order. */
export function progressLines(data: Pick<PersonYear, "buckets" | "standard">): ProgressLine[] {
  if (!data.buckets || !data.standard) return [];
  const b = data.buckets;
  const r = data.standard.requirement;
  const lines: (ProgressLine | null)[] = [
    r.i_subtotal_min != null ? { key: "i", label: "I类学分", value: b.i_subtotal, target: r.i_subtotal_min } : null,
    r.ii_subtotal_min != null ? { key: "ii", label: "II类学分", value: b.ii_subtotal, target: r.ii_subtotal_min } : null,
    r.self_managed_min != null ? { key: "self", label: "自管学分", value: b.self_managed, target: r.self_managed_min } : null,
    { key: "total", label: "总学分", value: b.total, target: r.total },
  ];
  return lines.filter((l): l is ProgressLine => l !== null);
}

/** The ring (the total) and a bar for each other requirement and the mandatory course. */
export function YearProgress({ data }: { data: PersonYear }) {
  const lines = progressLines(data);
  const total = lines.find((l) => l.key === "total");
  const course = data.course ?? null;
  if (!total) return null;
  return (
    <div className="lk-stack" data-testid="year-progress">
      <div className="lk-row" style={{ gap: 16, flexWrap: "nowrap" }}>
        <ProgressRing value={total.value} target={total.target} label={`总学分 ${formatCredits(total.value)} 分，要求 ${formatCredits(total.target)} 分`}>
          <span style={{ fontSize: 26, fontWeight: 600 }}>{formatCredits(total.value)}</span>
          <span className="lk-muted" style={{ fontSize: 13 }}>
            / {formatCredits(total.target)} 分
          </span>
        </ProgressRing>
        <div style={{ minWidth: 0 }}>
          <div style={{ fontWeight: 600 }}>总学分</div>
          <div className="lk-muted">
            {total.value >= total.target ? "已达到要求" : `还差 ${formatCredits(total.target - total.value)} 分`}
          </div>
        </div>
      </div>
      <ul className="lk-list" data-testid="progress-lines">
        {lines
          .filter((l) => l.key !== "total")
          .map((l) => (
            <li key={l.key} data-key={l.key} className="lk-stack" style={{ gap: 4 }}>
              <div className="lk-row lk-between">
                <span>{l.label}</span>
                <span className="lk-muted">
                  {formatCredits(l.value)} / {formatCredits(l.target)} 分
                </span>
              </div>
              <ProgressBar value={l.value} target={l.target} label={`${l.label} ${formatCredits(l.value)} 分，要求 ${formatCredits(l.target)} 分`} />
            </li>
          ))}
        {course && (
          <li key="course" data-key="course" className="lk-stack" style={{ gap: 4 }}>
            <div className="lk-row lk-between">
              <span>全员培训（公需科目）</span>
              <span className={course.completed ? undefined : "lk-danger"}>{course.completed ? "已完成" : `未完成，截止 ${course.deadline}`}</span>
            </div>
            <ProgressBar value={course.completed ? 1 : 0} target={1} label={`全员培训${course.completed ? "已完成" : "未完成"}`} />
          </li>
        )}
      </ul>
    </div>
  );
}
