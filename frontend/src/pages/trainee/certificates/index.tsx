import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { Certificate } from "../../../api/certificateTypes";
import { cleanQuery, downloadFile } from "../../../api/download";
import { useAuth } from "../../../auth/AuthProvider";
import { CERTIFICATE_STATUS_LABELS } from "../../../constants/certificates";
import { MAX_PROOF_YEARS } from "../../../constants/certificates";
import { labelOf } from "../../../constants/enums";
import TraineeLayout from "../../../layouts/TraineeLayout";
import { Alert, Button, ButtonLink, Card, Loading, Tag, Toast, useToast, type TagTone } from "../../../light";
import { Problem } from "../../../light/Problem";
import { formatDateTime } from "../../../utils/format";
import { canTickYear, formatTenths, proofParam, proofYears, sortCertificates, toggleYear, verifyPath, versionLabel } from "../../certificates/logic";
import { useCertificateDownload } from "./download";

const STATUS_TONES: Record<Certificate["status"], TagTone> = { valid: "success", superseded: "default", revoked: "error", held: "warning" };

/** One certificate of the trainee: what it says, its PDF, its public page. */
function CertificateItem({ c, onSaved }: { c: Certificate; onSaved: (name: string) => void }) {
  const download = useCertificateDownload(c, onSaved);
  const path = verifyPath(c.verify_url);
  return (
    <li data-testid="my-certificate" data-year={c.year} data-version={c.version} data-status={c.status} className="lk-stack" style={{ gap: 6 }}>
      <div className="lk-row lk-between">
        <strong style={{ fontSize: 16 }}>
          {c.year} 年度 · {versionLabel(c.version)}
        </strong>
        <Tag tone={STATUS_TONES[c.status] ?? "default"} testId="certificate-status">
          {c.status_label || labelOf(CERTIFICATE_STATUS_LABELS, c.status)}
        </Tag>
      </div>
      <span>
        证书编号{" "}
        <span className="lk-mono" data-testid="certificate-number">
          {c.number}
        </span>
      </span>
      <span className="lk-muted">
        {c.title} · 总学分 {formatTenths(c.total_tenths)} 分（I类 {formatTenths(c.class1_tenths)}，II类 {formatTenths(c.class2_tenths)}，自管{" "}
        {formatTenths(c.self_managed_tenths)}）· {c.verdict}
      </span>
      <span className="lk-muted">
        {c.issuer} · {formatDateTime(c.issued_at).slice(0, 10)} 颁发{c.sealed ? "" : " · 须加盖印章"}
      </span>
      {c.status === "revoked" && c.revoke_reason && <span className="lk-danger">撤销原因：{c.revoke_reason}</span>}
      {c.status === "valid" && !c.sealed && (
        <div data-testid="certificate-unsealed">
          <Alert
            type="info"
            title="颁发机关尚未上传电子印章：此证书由所在单位统一打印，并到继续医学教育委员会加盖印章后方可使用（学员中心不能打印）。"
          />
        </div>
      )}
      <div className="lk-row">
        {c.status === "valid" && c.sealed && (
          <Button variant="primary" loading={download.isPending} onClick={() => download.mutate()} data-testid="certificate-download">
            下载证书 PDF
          </Button>
        )}
        {path && (
          <ButtonLink to={path} target="_blank" data-testid="certificate-verify-link">
            查验页面
          </ButtonLink>
        )}
        {c.status === "valid" && (
          <ButtonLink to={`/title-corrections?year=${c.year}`} data-testid="certificate-correct">
            职称更正
          </ButtonLink>
        )}
      </div>
      {download.isError && <Problem problem={download.error} title="证书下载失败" />}
    </li>
  );
}

/** 多年度合格证明: up to five years with a valid certificate, as one PDF. */
function ProofCard({ certificates, onSaved }: { certificates: Certificate[]; onSaved: (name: string) => void }) {
  const years = proofYears(certificates);
  const [chosen, setChosen] = useState<number[]>([]);
  const proof = useMutation({
    mutationFn: (list: number[]) =>
      downloadFile(
        api.GET("/api/v1/me/certificates/proof", { params: { query: cleanQuery({ years: proofParam(list) }) }, parseAs: "blob" }),
        `继续医学教育学分验证合格证明-${proofParam(list)}.pdf`,
      ),
    onSuccess: onSaved,
  });
  if (years.length === 0) return null;
  return (
    <Card title="多年度合格证明" testId="proof-card">
      <p className="lk-muted" style={{ marginTop: 0 }}>
        晋升、聘任时需要多个年度的证明：勾选年度（最多 {MAX_PROOF_YEARS} 个），合成一份 PDF。
      </p>
      <fieldset style={{ border: 0, padding: 0, margin: "0 0 12px" }}>
        <legend className="lk-sr-only">年度</legend>
        <div className="lk-row">
          {years.map((y) => (
            <label key={y} className="lk-btn" style={{ gap: 8 }}>
              <input
                type="checkbox"
                checked={chosen.includes(y)}
                disabled={!canTickYear(chosen, y)}
                onChange={() => setChosen(toggleYear(chosen, y))}
                data-testid="proof-year"
                data-year={y}
                style={{ width: 20, height: 20 }}
              />
              {y} 年度
            </label>
          ))}
        </div>
      </fieldset>
      {chosen.length >= MAX_PROOF_YEARS && (
        <div style={{ marginBottom: 12 }}>
          <Alert type="info" title={`一份证明最多包含 ${MAX_PROOF_YEARS} 个年度`} />
        </div>
      )}
      <Button block disabled={chosen.length === 0} loading={proof.isPending} onClick={() => proof.mutate(chosen)} data-testid="proof-download">
        下载多年度合格证明（{chosen.length} 个年度）
      </Button>
      {proof.isError && <Problem problem={proof.error} title="下载失败" />}
    </Card>
  );
}

/** 我的证书: every certificate of the trainee, every version, newest first. */
export default function MyCertificatesPage() {
  const { can } = useAuth();
  const list = useQuery({ queryKey: ["me", "certificates"], queryFn: () => unwrap(api.GET("/api/v1/me/certificates")) });
  const certificates = sortCertificates(list.data ?? []);
  const [toast, showToast, clearToast] = useToast();
  const saved = (name: string) => showToast(`已下载 ${name}`);
  return (
    <TraineeLayout title="我的证书">
      <div className="lk-stack" data-testid="my-certificates">
        <Card
          title="学分验证合格证书"
          extra={
            can("request_title_correction") ? (
              <Link to="/title-corrections" className="lk-btn">
                职称更正
              </Link>
            ) : null
          }
        >
          {list.isLoading && <Loading />}
          {list.isError && <Problem problem={list.error} />}
          {list.data && certificates.length === 0 && (
            <p className="lk-muted" style={{ margin: 0 }}>
              暂无学分验证合格证书：单位上报、逐级审核通过并生成证书编号后，证书会出现在这里。
            </p>
          )}
          {certificates.length > 0 && (
            <ul className="lk-list">
              {certificates.map((c) => (
                <CertificateItem key={c.id} c={c} onSaved={saved} />
              ))}
            </ul>
          )}
        </Card>
        <ProofCard certificates={certificates} onSaved={saved} />
      </div>
      <Toast message={toast} onDone={clearToast} />
    </TraineeLayout>
  );
}
