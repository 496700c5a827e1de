import { useMutation, useQuery } from "@tanstack/react-query";
import { useParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import { downloadFile } from "../../../api/download";
import type { CreditLine, PersonYear } from "../../../api/types";
import { byDate, categoryLabel, countedWhere } from "../../../components/creditWords";
import { CREDIT_STATE_LABELS, DISCIPLINE_LABELS, TITLE_LEVEL_LABELS, UNIT_LEVEL_LABELS } from "../../../constants/enums";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Alert, Button, ButtonLink, Card, Loading, Tag, type TagTone } from "../../../light";
import { Problem } from "../../../light/Problem";
import { formatCredits } from "../../../utils/format";
import { plainShortfall, verdictSentence } from "../../../utils/shortfall";
import { OutcomeTag, YearProgress } from "./progress";

const STATE_TONES: Record<CreditLine["state"], TagTone> = {
  draft: "default",
  pending: "processing",
  valid: "success",
  rejected: "error",
  reversed: "warning",
  reversal: "default",
};

function Verdict({ data }: { data: PersonYear }) {
  const profile = data.standard
    ? [
        UNIT_LEVEL_LABELS[data.standard.unit_level],
        data.standard.title_level ? TITLE_LEVEL_LABELS[data.standard.title_level] : "不分职称",
        DISCIPLINE_LABELS[data.standard.discipline],
      ].join(" · ")
    : null;
  return (
    <Card testId="verdict" data-outcome={data.outcome} data-in-progress={String(data.in_progress)}>
      <div className="lk-stack" style={{ gap: 6 }}>
        <div>
          <OutcomeTag year={data} large />
        </div>
        <div>
          {data.in_progress && data.outcome !== "compliant"
            ? "本年度仍在累计学分，年度学分验证开始前均可补足。"
            : verdictSentence(data.outcome, data.shortfalls)}
        </div>
        {profile && <div className="lk-muted">适用标准：{profile}</div>}
        {data.undetermined_reason && <div style={{ color: "#ad4e00" }}>{data.undetermined_reason}</div>}
        {data.locked && <Alert type="info" title="本年度学分验证已提交，学分已锁定，不能再录入或冲销。" />}
      </div>
    </Card>
  );
}

function Shortfalls({ data }: { data: PersonYear }) {
  if (data.shortfalls.length === 0) return null;
  const course = data.course ?? data.standard?.mandatory_course ?? null;
  return (
    <Card title="还差什么">
      <ul data-testid="shortfalls" style={{ margin: 0, paddingInlineStart: 20 }}>
        {data.shortfalls.map((s) => (
          <li key={s.code} data-code={s.code} style={{ padding: "4px 0" }} className="lk-danger">
            {plainShortfall(s, course)}
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** One record as a card line: what, when, how much, where it counted. */
function CreditItem({ line }: { line: CreditLine }) {
  return (
    <li data-testid="credit-line" data-state={line.state} className="lk-stack" style={{ gap: 2 }}>
      <div className="lk-row lk-between" style={{ flexWrap: "nowrap", alignItems: "flex-start" }}>
        <strong style={{ minWidth: 0 }}>{line.activity_name}</strong>
        <Tag tone={STATE_TONES[line.state]}>{CREDIT_STATE_LABELS[line.state]}</Tag>
      </div>
      {line.organiser && <span className="lk-muted">{line.organiser}</span>}
      <span className="lk-muted">{[line.earned_on, categoryLabel(line), `${formatCredits(line.amount)} 分`].filter(Boolean).join(" · ")}</span>
      <span>计入：{countedWhere(line)}</span>
      {line.decision_reason && <span className="lk-danger">审核意见：{line.decision_reason}</span>}
    </li>
  );
}

type Format = "pdf" | "xlsx";

/** 学分登记表 as PDF or XLSX, of the trainee himself. */
function RegistrationForm({ year, name }: { year: number; name: string }) {
  const download = useMutation({
    mutationFn: (format: Format) =>
      downloadFile(api.GET("/api/v1/me/registration-form/{year}", { params: { path: { year }, query: { format } }, parseAs: "blob" }), `学分登记表_${name}${year}.${format}`),
  });
  const pending = download.isPending ? download.variables : null;
  return (
    <Card title="学分登记表">
      <div className="lk-row">
        <Button loading={pending === "pdf"} onClick={() => download.mutate("pdf")} data-testid="registration-form-pdf">
          下载 PDF
        </Button>
        <Button loading={pending === "xlsx"} onClick={() => download.mutate("xlsx")} data-testid="registration-form-xlsx">
          下载 Excel
        </Button>
      </div>
      {download.isError && (
        <div style={{ marginTop: 8 }}>
          <Problem problem={download.error} title="下载失败" />
        </div>
      )}
    </Card>
  );
}

/** The trainee's own year: the verdict, progress, what is missing, every record as a card. */
export default function MyYearPage() {
  const { year: yearParam = "" } = useParams();
  const year = Number(yearParam);
  const valid = Number.isInteger(year) && year > 1900;
  const detail = useQuery({
    queryKey: ["me", "compliance", year],
    queryFn: () => unwrap(api.GET("/api/v1/me/compliance/{year}", { params: { path: { year } } })),
    enabled: valid,
  });
  return (
    <TraineeLayout title={valid ? `${year} 年度学分` : "年度学分"}>
      <div className="lk-stack" data-testid="my-year-page">
        <div>
          <ButtonLink to="/my-credits">‹ 全部年度</ButtonLink>
        </div>
        {!valid && <Alert type="error" title="年度有误" />}
        {detail.isLoading && <Loading />}
        {detail.isError && <Problem problem={detail.error} />}
        {detail.data && (
          <>
            <Verdict data={detail.data} />
            <Shortfalls data={detail.data} />
            {detail.data.buckets && (
              <Card title="学分进度">
                <YearProgress data={detail.data} />
              </Card>
            )}
            <Card title={`学分记录（${detail.data.credits.length} 条）`}>
              {detail.data.credits.length === 0 ? (
                <p className="lk-muted" style={{ margin: 0 }}>
                  本年度还没有学分记录
                </p>
              ) : (
                <ul className="lk-list" data-testid="credit-list">
                  {byDate(detail.data.credits).map((l) => (
                    <CreditItem key={l.id} line={l} />
                  ))}
                </ul>
              )}
            </Card>
            <RegistrationForm year={year} name={detail.data.person.name} />
          </>
        )}
      </div>
    </TraineeLayout>
  );
}
