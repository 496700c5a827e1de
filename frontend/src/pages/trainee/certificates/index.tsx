import { DownloadOutlined, EditOutlined, FilePdfOutlined, SafetyCertificateOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Empty, List, Space, Spin, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { Certificate } from "../../../api/certificateTypes";
import { cleanQuery, downloadFile } from "../../../api/download";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { MAX_PROOF_YEARS } from "../../../constants/certificates";
import { formatDateTime } from "../../../utils/format";
import { CertificateStatusTag } from "../../certificates/shared";
import { canTickYear, formatTenths, proofParam, proofYears, sortCertificates, toggleYear, verifyPath, versionLabel } from "../../certificates/logic";

/** One certificate of the trainee: what it says, its PDF, its public page. */
function CertificateItem({ c }: { c: Certificate }) {
  const { message } = App.useApp();
  const download = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/certificates/{id}/pdf", { params: { path: { id: c.id } }, parseAs: "blob" }),
        `${c.year}年度学分验证合格证书-${c.number}.pdf`,
      ),
    onSuccess: (name) => message.success(`已下载 ${name}`),
  });
  const path = verifyPath(c.verify_url);
  return (
    <List.Item data-testid="my-certificate" data-year={c.year} data-version={c.version} data-status={c.status}>
      <Space orientation="vertical" size={6} style={{ width: "100%" }}>
        <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {c.year} 年度 · {versionLabel(c.version)}
          </Typography.Text>
          <CertificateStatusTag certificate={c} />
        </Space>
        <Typography.Text>
          证书编号 <span style={{ fontFamily: "monospace" }} data-testid="certificate-number">{c.number}</span>
        </Typography.Text>
        <Typography.Text type="secondary">
          {c.title} · 总学分 {formatTenths(c.total_tenths)} 分（I类 {formatTenths(c.class1_tenths)}，II类 {formatTenths(c.class2_tenths)}，自管{" "}
          {formatTenths(c.self_managed_tenths)}）· {c.verdict}
        </Typography.Text>
        <Typography.Text type="secondary">
          {c.issuer} · {formatDateTime(c.issued_at).slice(0, 10)} 颁发{c.sealed ? "" : " · 须加盖印章"}
        </Typography.Text>
        {c.status === "revoked" && c.revoke_reason && <Typography.Text type="danger">撤销原因：{c.revoke_reason}</Typography.Text>}
        {c.status === "valid" && !c.sealed && (
          <Alert
            type="info"
            showIcon
            data-testid="certificate-unsealed"
            title="颁发机关尚未上传电子印章：此证书由所在单位统一打印，并到继续医学教育委员会加盖印章后方可使用（学员中心不能打印）。"
          />
        )}
        <Space wrap>
          {c.status === "valid" && c.sealed && (
            <Button
              type="primary"
              icon={<DownloadOutlined />}
              loading={download.isPending}
              onClick={() => download.mutate()}
              data-testid="certificate-download"
            >
              下载证书 PDF
            </Button>
          )}
          {path && (
            <Link to={path} target="_blank" data-testid="certificate-verify-link">
              <Button icon={<SafetyCertificateOutlined />}>查验页面</Button>
            </Link>
          )}
          {c.status === "valid" && (
            <Link to={`/title-corrections?year=${c.year}`}>
              <Button icon={<EditOutlined />} data-testid="certificate-correct">
                职称更正
              </Button>
            </Link>
          )}
        </Space>
        {download.isError && <ProblemAlert problem={download.error} />}
      </Space>
    </List.Item>
  );
}

/** 多年度合格证明: up to five years with a valid certificate, as one PDF. */
function ProofCard({ certificates }: { certificates: Certificate[] }) {
  const years = proofYears(certificates);
  const [chosen, setChosen] = useState<number[]>([]);
  const { message } = App.useApp();
  const proof = useMutation({
    mutationFn: (list: number[]) =>
      downloadFile(
        api.GET("/api/v1/me/certificates/proof", { params: { query: cleanQuery({ years: proofParam(list) }) }, parseAs: "blob" }),
        `继续医学教育学分验证合格证明-${proofParam(list)}.pdf`,
      ),
    onSuccess: (name) => message.success(`已下载 ${name}`),
  });
  if (years.length === 0) return null;
  return (
    <Card size="small" title="多年度合格证明" style={{ marginTop: 12 }} data-testid="proof-card">
      <Typography.Paragraph type="secondary">
        晋升、聘任时需要多个年度的证明：勾选年度（最多 {MAX_PROOF_YEARS} 个），合成一份 PDF。
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        {years.map((y) => (
          <Checkbox
            key={y}
            checked={chosen.includes(y)}
            disabled={!canTickYear(chosen, y)}
            onChange={() => setChosen(toggleYear(chosen, y))}
            data-testid="proof-year"
            data-year={y}
          >
            {y} 年度
          </Checkbox>
        ))}
      </Space>
      {chosen.length >= MAX_PROOF_YEARS && (
        <Alert type="info" showIcon style={{ marginBottom: 12 }} title={`一份证明最多包含 ${MAX_PROOF_YEARS} 个年度`} />
      )}
      <Button
        block
        icon={<FilePdfOutlined />}
        disabled={chosen.length === 0}
        loading={proof.isPending}
        onClick={() => proof.mutate(chosen)}
        data-testid="proof-download"
      >
        下载多年度合格证明（{chosen.length} 个年度）
      </Button>
      {proof.isError && <ProblemAlert problem={proof.error} />}
    </Card>
  );
}

/** 我的证书: every certificate of the trainee, every version, newest first. */
export default function MyCertificatesPage() {
  const { can } = useAuth();
  const list = useQuery({ queryKey: ["me", "certificates"], queryFn: () => unwrap(api.GET("/api/v1/me/certificates")) });
  const certificates = sortCertificates(list.data ?? []);
  return (
    <div style={{ maxWidth: 720, margin: "0 auto" }} data-testid="my-certificates">
      <Card
        title="我的证书"
        size="small"
        extra={
          can("request_title_correction") ? (
            <Link to="/title-corrections">
              <Button size="small" icon={<EditOutlined />}>
                职称更正
              </Button>
            </Link>
          ) : null
        }
      >
        {list.isLoading && <Spin />}
        {list.isError && <ProblemAlert problem={list.error} />}
        {list.data && certificates.length === 0 && (
          <Empty description="暂无学分验证合格证书：单位上报、逐级审核通过并生成证书编号后，证书会出现在这里。" />
        )}
        {certificates.length > 0 && <List<Certificate> dataSource={certificates} renderItem={(c) => <CertificateItem key={c.id} c={c} />} />}
      </Card>
      <ProofCard certificates={certificates} />
    </div>
  );
}
