import { usePrefetchQuery, useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, unwrap } from "../../../api/client";
import { yearInShanghai } from "../../../hooks/workingYear";
import type { PersonYear, YearSummary } from "../../../api/types";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Alert, Button, ButtonLink, Card, Loading, Toast, useToast } from "../../../light";
import { Problem } from "../../../light/Problem";
import { formatCredits } from "../../../utils/format";
import { plainShortfall } from "../../../utils/shortfall";
import { printableCertificate, useCertificateDownload } from "../certificates/download";
import { OutcomeTag, YearProgress } from "./progress";

/** What the year still needs, as sentences; or that nothing is missing. */
export function Missing({ data }: { data: PersonYear }) {
  const course = data.course ?? data.standard?.mandatory_course ?? null;
  if (data.outcome === "compliant") return <Alert type="success" title={`${data.year} 年度学分已达标。`} />;
  if (data.outcome === "not_counted") return <Alert type="info" title="本年度不计达标（如免考核、已注销等）。" />;
  if (data.outcome === "undetermined")
    return <Alert type="warning" title="本年度暂无法判定，请联系本单位继教管理员。">{data.undetermined_reason}</Alert>;
  return (
    <div data-testid="missing">
      <h3 style={{ margin: "0 0 4px", fontSize: 15 }}>还差什么（{data.shortfalls.length} 项）</h3>
      <ul style={{ margin: 0, paddingInlineStart: 20 }}>
        {data.shortfalls.map((s) => (
          <li key={s.code} data-code={s.code} style={{ padding: "2px 0" }}>
            {plainShortfall(s, course)}
          </li>
        ))}
      </ul>
    </div>
  );
}

function CurrentYear({ summary }: { summary: YearSummary }) {
  const year = summary.year;
  const detail = useQuery({
    queryKey: ["me", "compliance", year],
    queryFn: () => unwrap(api.GET("/api/v1/me/compliance/{year}", { params: { path: { year } } })),
  });
  return (
    <Card
      title={`${year} 年度`}
      extra={<OutcomeTag year={summary} />}
      testId="current-year"
      data-year={year}
      data-outcome={summary.outcome}
      data-in-progress={String(summary.in_progress)}
    >
      <div className="lk-stack">
        {summary.in_progress && <p className="lk-muted" style={{ margin: 0 }}>本年度仍在累计学分，年度学分验证开始前均可补足。</p>}
        {detail.isLoading && <Loading />}
        {detail.isError && <Problem problem={detail.error} />}
        {detail.data && (
          <>
            <YearProgress data={detail.data} />
            <Missing data={detail.data} />
          </>
        )}
        <ButtonLink to={`/my-credits/${year}`} block>
          查看 {year} 年度学分明细
        </ButtonLink>
      </div>
    </Card>
  );
}

/** One tap to the newest certificate he may print himself, and to the activity sign-in. */
function QuickActions() {
  const list = useQuery({ queryKey: ["me", "certificates"], queryFn: () => unwrap(api.GET("/api/v1/me/certificates")) });
  const printable = printableCertificate(list.data ?? []);
  return (
    <div className="lk-stack" style={{ gap: 8 }}>
      <ButtonLink to="/m/sign-in" variant="primary" block data-testid="home-sign-in">
        扫码签到，领取活动学分
      </ButtonLink>
      {printable ? <DownloadLatest certificate={printable} /> : (
        <ButtonLink to="/my-certificates" block>
          我的证书
        </ButtonLink>
      )}
    </div>
  );
}

function DownloadLatest({ certificate }: { certificate: { id: string; year: number; number: string } }) {
  const [toast, showToast, clearToast] = useToast();
  const download = useCertificateDownload(certificate, (name) => showToast(`已下载 ${name}`));
  return (
    <>
      <Button block loading={download.isPending} onClick={() => download.mutate()} data-testid="home-certificate-download">
        下载 {certificate.year} 年度合格证书 PDF
      </Button>
      {download.isError && <Problem problem={download.error} title="证书下载失败" />}
      <Toast message={toast} onDone={clearToast} />
    </>
  );
}

function EarlierYears({ years }: { years: YearSummary[] }) {
  if (years.length === 0) return null;
  return (
    <Card title="往年">
      <ul className="lk-list">
        {years.map((y) => (
          <li key={y.year} data-testid="my-year" data-year={y.year} data-outcome={y.outcome}>
            <Link to={`/my-credits/${y.year}`} className="lk-row lk-between" style={{ color: "inherit", textDecoration: "none", minHeight: 44 }}>
              <span>
                <strong>{y.year} 年度</strong>
                <span className="lk-muted"> · 已计入 {formatCredits(y.total)} 分</span>
              </span>
              <span className="lk-row" style={{ gap: 4 }}>
                <OutcomeTag year={y} />
                <span aria-hidden="true">›</span>
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </Card>
  );
}

/** 我的学分, the trainee's home: this year's progress and what is missing, then earlier years. */
export default function MyCreditsPage() {
  const years = useQuery({ queryKey: ["me", "compliance"], queryFn: () => unwrap(api.GET("/api/v1/me/compliance")) });
  // This year's detail alongside the list, not after it (the list always has this year): one round trip less.
  const thisYear = yearInShanghai();
  usePrefetchQuery({
    queryKey: ["me", "compliance", thisYear],
    queryFn: () => unwrap(api.GET("/api/v1/me/compliance/{year}", { params: { path: { year: thisYear } } })),
  });
  // Newest first: the current year is always there (the API adds it).
  const [current, ...earlier] = years.data ?? [];
  return (
    <TraineeLayout title="我的学分">
      <div className="lk-stack" data-testid="my-credits">
        {years.isLoading && <Loading />}
        {years.isError && <Problem problem={years.error} />}
        {current && <CurrentYear summary={current} />}
        <QuickActions />
        <EarlierYears years={earlier} />
      </div>
    </TraineeLayout>
  );
}
