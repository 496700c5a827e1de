import type { ApiProblem } from "../../../api/client";
import type { PublicCertificate } from "../../../api/certificateTypes";
import type { ReactNode } from "react";
import { Alert, Card, type TagTone } from "../../../light";
import { formatDateTime } from "../../../utils/format";
import { formatTenths, lookupFailure, publicVerdict, versionLabel } from "../../certificates/logic";

export { PublicFrame as PublicShell } from "../../../light/frames";
export { Loading } from "../../../light";

const MARKS: Record<ReturnType<typeof publicVerdict>["type"], { mark: string; tone: TagTone }> = {
  success: { mark: "✓", tone: "success" },
  warning: { mark: "!", tone: "warning" },
  error: { mark: "✕", tone: "error" },
  info: { mark: "i", tone: "processing" },
};

const TONE_COLOURS: Record<TagTone, string> = {
  success: "#237804",
  warning: "#ad4e00",
  error: "#cf1322",
  processing: "#0958d9",
  default: "rgba(0, 0, 0, 0.88)",
};

/** The verdict in big letters with a mark beside it. */
function Headline({ mark, tone, title, subtitle, testId }: { mark: string; tone: TagTone; title: string; subtitle: ReactNode; testId: string }) {
  return (
    <div style={{ textAlign: "center", padding: "8px 0 12px" }}>
      <div
        aria-hidden="true"
        style={{ width: 56, height: 56, margin: "0 auto 8px", borderRadius: "50%", background: TONE_COLOURS[tone], color: "#fff", fontSize: 30, lineHeight: "56px", fontWeight: 700 }}
      >
        {mark}
      </div>
      <div style={{ fontSize: 22, fontWeight: 600 }} data-testid={testId}>
        {title}
      </div>
      <div className="lk-muted">{subtitle}</div>
    </div>
  );
}

/** What the public may know of a certificate: its status first, then the facts. */
export function PublicCertificateView({ certificate: c }: { certificate: PublicCertificate }) {
  const verdict = publicVerdict(c);
  const { mark, tone } = MARKS[verdict.type];
  const facts: [string, ReactNode][] = [
    ["证书编号", <span className="lk-mono" data-testid="public-number">{c.number}</span>],
    [
      "版本",
      <>
        <span data-testid="public-version">{versionLabel(c.version)}</span>
        {c.current_version !== null && c.current_version !== undefined && c.current_version !== c.version && (
          <span style={{ color: "#ad4e00" }}>（当前有效：{versionLabel(c.current_version)}）</span>
        )}
      </>,
    ],
    ["验证年度", `${c.year} 年度`],
    ["姓名", <span data-testid="public-name">{c.name}</span>],
    ["身份证号", <span className="lk-mono">{c.id_number}</span>],
    ["单位", c.unit_name],
    ["职称", <span data-testid="public-title">{c.title}</span>],
    ["总学分", `${formatTenths(c.total_tenths)} 分`],
    ["验证结论", c.verdict],
    ["验证方式", <span data-testid="public-path">{c.path_label}</span>],
    ["颁发机构", c.issuer],
    ["颁发日期", formatDateTime(c.issued_at).slice(0, 10)],
  ];
  return (
    <Card testId="public-certificate" data-status={c.status}>
      <Headline
        mark={mark}
        tone={tone}
        title={verdict.title}
        testId="public-status"
        subtitle={
          <span data-testid="public-status-label">
            证书状态：{c.status_label}
            {c.genuine ? "（本系统签发）" : ""}
          </span>
        }
      />
      {verdict.detail && (
        <div style={{ marginBottom: 12 }}>
          <Alert type={verdict.type} title={<span data-testid="public-status-detail">{verdict.detail}</span>} />
        </div>
      )}
      <dl className="lk-facts" data-testid="public-facts">
        {facts.map(([label, value]) => (
          <div key={label} style={{ display: "contents" }}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

/** A lookup that failed: 查无此证书 (404), 查询过于频繁 (429), or why else. */
export function LookupFailed({ problem }: { problem: Pick<ApiProblem, "status" | "title" | "detail" | "retryAfter"> }) {
  const failure = lookupFailure(problem);
  const wait = failure.kind === "rate_limited" && problem.retryAfter ? `请 ${problem.retryAfter} 秒后再试。` : failure.detail;
  return (
    <Card testId="lookup-failed" data-kind={failure.kind}>
      <Headline
        mark={failure.kind === "not_found" ? "✕" : "!"}
        tone={failure.kind === "not_found" ? "error" : "warning"}
        title={failure.title}
        testId="lookup-failed-title"
        subtitle={wait}
      />
    </Card>
  );
}
