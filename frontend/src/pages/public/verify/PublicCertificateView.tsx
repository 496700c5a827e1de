import { CheckCircleFilled, CloseCircleFilled, ExclamationCircleFilled, SafetyCertificateOutlined } from "@ant-design/icons";
import { Alert, Card, Descriptions, Layout, Result, Space, Spin, Typography } from "antd";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { ApiProblem } from "../../../api/client";
import type { PublicCertificate } from "../../../api/certificateTypes";
import { formatDateTime } from "../../../utils/format";
import { formatTenths, lookupFailure, publicVerdict, versionLabel } from "../../certificates/logic";

/** The public pages' frame: a title bar and a narrow column that fits a phone. */
export function PublicShell({ children }: { children: ReactNode }) {
  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Header style={{ display: "flex", alignItems: "center", paddingInline: 16 }}>
        <Typography.Title level={5} style={{ color: "#fff", margin: 0, whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis" }}>
          <SafetyCertificateOutlined /> 云南省继续医学教育学分验证合格证书查验
        </Typography.Title>
      </Layout.Header>
      <Layout.Content style={{ padding: 12 }}>
        <div style={{ maxWidth: 640, margin: "0 auto" }}>{children}</div>
      </Layout.Content>
      <Layout.Footer style={{ textAlign: "center", padding: "12px 16px" }}>
        <Space orientation="vertical" size={4}>
          <Link to="/verify">按证书编号和验证码查验</Link>
          <Typography.Text type="secondary">云南省继续医学教育学分管理系统</Typography.Text>
        </Space>
      </Layout.Footer>
    </Layout>
  );
}

const ICONS = {
  success: <CheckCircleFilled style={{ color: "#52c41a" }} />,
  warning: <ExclamationCircleFilled style={{ color: "#faad14" }} />,
  error: <CloseCircleFilled style={{ color: "#ff4d4f" }} />,
  info: <ExclamationCircleFilled style={{ color: "#1677ff" }} />,
};

/** What the public may know of a certificate: its status first, then the facts. */
export function PublicCertificateView({ certificate: c }: { certificate: PublicCertificate }) {
  const verdict = publicVerdict(c);
  return (
    <Card size="small" data-testid="public-certificate" data-status={c.status}>
      <Result
        style={{ padding: "16px 0" }}
        icon={ICONS[verdict.type]}
        title={<span data-testid="public-status">{verdict.title}</span>}
        subTitle={
          <span data-testid="public-status-label">
            证书状态：{c.status_label}
            {c.genuine ? "（本系统签发）" : ""}
          </span>
        }
      />
      {verdict.detail && (
        <Alert type={verdict.type} showIcon style={{ marginBottom: 12 }} title={<span data-testid="public-status-detail">{verdict.detail}</span>} />
      )}
      <Descriptions size="small" column={1} bordered data-testid="public-facts">
        <Descriptions.Item label="证书编号">
          <span style={{ fontFamily: "monospace" }} data-testid="public-number">
            {c.number}
          </span>
        </Descriptions.Item>
        <Descriptions.Item label="版本">
          <span data-testid="public-version">{versionLabel(c.version)}</span>
          {c.current_version !== null && c.current_version !== undefined && c.current_version !== c.version && (
            <Typography.Text type="warning">（当前有效：{versionLabel(c.current_version)}）</Typography.Text>
          )}
        </Descriptions.Item>
        <Descriptions.Item label="验证年度">{c.year} 年度</Descriptions.Item>
        <Descriptions.Item label="姓名">
          <span data-testid="public-name">{c.name}</span>
        </Descriptions.Item>
        <Descriptions.Item label="身份证号">
          <span style={{ fontFamily: "monospace" }}>{c.id_number}</span>
        </Descriptions.Item>
        <Descriptions.Item label="单位">{c.unit_name}</Descriptions.Item>
        <Descriptions.Item label="职称">
          <span data-testid="public-title">{c.title}</span>
        </Descriptions.Item>
        <Descriptions.Item label="总学分">{formatTenths(c.total_tenths)} 分</Descriptions.Item>
        <Descriptions.Item label="验证结论">{c.verdict}</Descriptions.Item>
        <Descriptions.Item label="颁发机构">{c.issuer}</Descriptions.Item>
        <Descriptions.Item label="颁发日期">{formatDateTime(c.issued_at).slice(0, 10)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

/** A lookup that failed: 查无此证书 (404), 查询过于频繁 (429), or why else. */
export function LookupFailed({ problem }: { problem: Pick<ApiProblem, "status" | "title" | "detail" | "retryAfter"> }) {
  const failure = lookupFailure(problem);
  const wait = failure.kind === "rate_limited" && problem.retryAfter ? `请 ${problem.retryAfter} 秒后再试。` : failure.detail;
  return (
    <Card size="small" data-testid="lookup-failed" data-kind={failure.kind}>
      <Result
        style={{ padding: "16px 0" }}
        status={failure.kind === "not_found" ? "error" : "warning"}
        title={<span data-testid="lookup-failed-title">{failure.title}</span>}
        subTitle={wait}
      />
    </Card>
  );
}

export function Loading() {
  return (
    <div style={{ textAlign: "center", padding: 48 }}>
      <Spin size="large" />
    </div>
  );
}
