import { FileExcelOutlined, FilePdfOutlined, PrinterOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { App, Button, Card, Col, Empty, Row, Segmented, Space, Statistic, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import { downloadFile } from "../../../api/download";
import type { StatsRow } from "../../../api/types";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RateBar } from "../../../components/RateBar";
import { formatDateTime, formatRate } from "../../../utils/format";
import { CycleSelect, NoCycle, useCycleYear } from "../verification/shared";
import {
  type DisciplineFilter,
  REPORT_BY_LABELS,
  type ReportBy,
  barColor,
  complianceRate,
  exportFileName,
  passRate,
  pdfFileName,
  reportQuery,
} from "./logic";
import "./print.css";

const DISCIPLINE_OPTIONS: { value: DisciplineFilter; label: string }[] = [
  { value: "all", label: "全部" },
  { value: "clinical", label: "临床、检验、放射等类" },
  { value: "nursing_public_health", label: "护理、公卫类" },
];

/** A rate of the report, coloured green, amber or red against the 95% line. */
function ReportBar({ permille, label, testId }: { permille: number | null; label: string; testId: string }) {
  return <RateBar permille={permille} color={barColor(permille)} label={label} height={12} testId={testId} />;
}

/** The two rates of every row as bars. */
function RateChart({ rows }: { rows: StatsRow[] }) {
  if (rows.length === 0) return <Empty description="没有数据" />;
  return (
    <div data-testid="report-chart">
      <Space wrap size="large" style={{ marginBottom: 8, fontSize: 12 }}>
        <span>竖线：95% 合格线</span>
        <span>
          <span style={{ display: "inline-block", width: 10, height: 10, background: "#52c41a", marginInlineEnd: 4 }} />
          ≥95%
        </span>
        <span>
          <span style={{ display: "inline-block", width: 10, height: 10, background: "#faad14", marginInlineEnd: 4 }} />
          80%–95%
        </span>
        <span>
          <span style={{ display: "inline-block", width: 10, height: 10, background: "#ff4d4f", marginInlineEnd: 4 }} />
          &lt;80%
        </span>
      </Space>
      {rows.map((r) => (
        <div key={`${r.id}:${r.name}`} className="report-chart-row" style={{ display: "grid", gridTemplateColumns: "minmax(120px, 220px) 1fr", gap: 12, padding: "6px 0", borderBottom: "1px solid #f5f5f5" }} data-testid="chart-row">
          <div style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} title={r.name}>
            {r.name}
          </div>
          <div>
            <ReportBar permille={complianceRate(r)} label="达标率" testId="bar-compliance" />
            <ReportBar permille={passRate(r)} label="审核通过率" testId="bar-pass" />
          </div>
        </div>
      ))}
    </div>
  );
}

/** 统计报表 (SPEC §10): by jurisdiction, year and discipline; a table, bars, XLSX, an A4 PDF, print. */
export default function ReportsPage() {
  const { message } = App.useApp();
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [by, setBy] = useState<ReportBy>("unit");
  const [discipline, setDiscipline] = useState<DisciplineFilter>("all");
  const stats = useQuery({
    queryKey: ["verification-stats", "report", cycleYear, by, discipline],
    queryFn: () => unwrap(api.GET("/api/v1/verification-stats", { params: { query: reportQuery(cycleYear!, by, discipline) } })),
    enabled: cycleYear !== undefined,
  });
  const exporting = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/verification-stats/export", { params: { query: reportQuery(cycleYear!, by, discipline) }, parseAs: "blob" }),
        exportFileName(cycleYear!, by, discipline),
      ),
    onSuccess: (name) => message.success(`已导出 ${name}`),
  });
  const printing = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/verification-stats/export", {
          params: { query: { ...reportQuery(cycleYear!, by, discipline), format: "pdf" } },
          parseAs: "blob",
        }),
        pdfFileName(cycleYear!, by, discipline),
      ),
    onSuccess: (name) => message.success(`已生成 ${name}`),
  });
  const data = stats.data;
  const total = data?.total;
  const disciplineLabel = DISCIPLINE_OPTIONS.find((o) => o.value === discipline)?.label ?? "";

  const count = (title: string, key: keyof StatsRow, width = 80) => ({ title, dataIndex: key, width, align: "right" as const });
  const columns: ColumnsType<StatsRow> = [
    { title: REPORT_BY_LABELS[by], dataIndex: "name", width: 220, fixed: "left" },
    count("应验证", "to_verify"),
    count("达标", "compliant", 70),
    { title: "达标率", key: "compliance_rate", width: 80, align: "right", render: (_, r) => formatRate(complianceRate(r)) },
    count("已上报", "submitted"),
    count("退回", "returned", 70),
    count("审核通过", "approved"),
    { title: "审核通过率", key: "pass_rate", width: 100, align: "right", render: (_, r) => formatRate(passRate(r)) },
    count("已发证书", "certified"),
    count("未上报", "missing"),
  ];

  return (
    <Card
      className="report-page"
      title="统计报表"
      extra={
        <Space wrap className="no-print">
          <Button
            icon={<FileExcelOutlined />}
            disabled={cycleYear === undefined}
            loading={exporting.isPending}
            onClick={() => exporting.mutate()}
            data-testid="report-export"
          >
            导出 XLSX
          </Button>
          <Button
            icon={<FilePdfOutlined />}
            disabled={cycleYear === undefined}
            loading={printing.isPending}
            onClick={() => printing.mutate()}
            data-testid="report-pdf"
          >
            打印 PDF
          </Button>
          <Button icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="report-print">
            打印
          </Button>
        </Space>
      }
      data-testid="reports"
    >
      <Space wrap size="middle" style={{ marginBottom: 16 }} className="no-print">
        <CycleSelect value={cycleYear} onChange={setCycleYear} />
        <Segmented<ReportBy>
          value={by}
          onChange={setBy}
          options={(Object.keys(REPORT_BY_LABELS) as ReportBy[]).map((k) => ({ value: k, label: `按${REPORT_BY_LABELS[k]}` }))}
          data-testid="report-by"
        />
        <Segmented<DisciplineFilter> value={discipline} onChange={setDiscipline} options={DISCIPLINE_OPTIONS} data-testid="report-discipline" />
      </Space>
      {cycleYear !== undefined && (
        <Typography.Title level={5} style={{ marginTop: 0 }} data-testid="report-heading">
          {cycleYear} 年度学分验证统计（按{REPORT_BY_LABELS[by]}，{discipline === "all" ? "全部专业" : disciplineLabel}）
        </Typography.Title>
      )}
      {stats.data?.figures_at && (
        <Typography.Paragraph type="secondary" data-testid="report-figures-at">
          统计于 {formatDateTime(stats.data.figures_at)}
        </Typography.Paragraph>
      )}
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {stats.isError && <ProblemAlert problem={stats.error} />}
      {exporting.isError && <ProblemAlert problem={exporting.error} />}
      {printing.isError && <ProblemAlert problem={printing.error} />}
      {total && (
        <Row gutter={[12, 12]} style={{ marginBottom: 16 }} data-testid="report-total">
          {[
            { label: "应验证", value: total.to_verify },
            { label: "达标", value: total.compliant },
            { label: "达标率", value: formatRate(complianceRate(total)) },
            { label: "已上报", value: total.submitted },
            { label: "审核通过", value: total.approved },
            { label: "审核通过率", value: formatRate(passRate(total)) },
            { label: "已发证书", value: total.certified },
            { label: "未上报", value: total.missing },
          ].map((c) => (
            <Col key={c.label} xs={12} sm={6} lg={3}>
              <Card size="small">
                <Statistic title={c.label} value={c.value} />
              </Card>
            </Col>
          ))}
        </Row>
      )}
      <Table<StatsRow>
        rowKey={(r) => `${r.id}:${r.name}`}
        size="small"
        bordered
        columns={columns}
        dataSource={data?.rows ?? []}
        loading={stats.isLoading}
        pagination={false}
        scroll={{ x: "max-content" }}
        data-testid="report-table"
        summary={() =>
          total ? (
            <Table.Summary fixed>
              <Table.Summary.Row data-testid="report-total-row" style={{ fontWeight: 600, background: "#fafafa" }}>
                <Table.Summary.Cell index={0}>合计</Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">{total.to_verify}</Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">{total.compliant}</Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">{formatRate(complianceRate(total))}</Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">{total.submitted}</Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">{total.returned}</Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">{total.approved}</Table.Summary.Cell>
                <Table.Summary.Cell index={7} align="right">{formatRate(passRate(total))}</Table.Summary.Cell>
                <Table.Summary.Cell index={8} align="right">{total.certified}</Table.Summary.Cell>
                <Table.Summary.Cell index={9} align="right">{total.missing}</Table.Summary.Cell>
              </Table.Summary.Row>
            </Table.Summary>
          ) : null
        }
      />
      <Card size="small" title="达标率与审核通过率" style={{ marginTop: 16 }} className="report-chart-card">
        <RateChart rows={data?.rows ?? []} />
      </Card>
    </Card>
  );
}
