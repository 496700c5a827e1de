import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Col, Progress, Row, Segmented, Space, Statistic, Table, Tooltip } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { Grouping, StatsRow } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { GROUPING_LABELS, PASS_LINE_PERMILLE } from "../../../constants/verification";
import { percent, statsSegments, windowStatus } from "./logic";
import { CycleSelect, NoCycle, useCycleYear } from "./shared";
import { pagesOf } from "../../../components/paging";

/** A stacked bar of one row's people (plain CSS: no chart library for five numbers). */
export function StackedBar({ row }: { row: StatsRow }) {
  const segments = statsSegments(row);
  const whole = segments.reduce((n, s) => n + s.value, 0);
  return (
    <div style={{ display: "flex", height: 14, width: "100%", minWidth: 160, background: "#f5f5f5", borderRadius: 3, overflow: "hidden" }} data-testid="stats-bar">
      {segments
        .filter((s) => s.value > 0)
        .map((s) => (
          <Tooltip key={s.key} title={`${s.label} ${s.value} 人`}>
            <div style={{ width: `${percent(s.value, whole)}%`, background: s.color }} />
          </Tooltip>
        ))}
    </div>
  );
}

function Legend() {
  return (
    <Space wrap size="middle" style={{ marginBottom: 8 }}>
      {statsSegments({ submitted: 0, returned: 0, approved: 0, certified: 0, missing: 0 }).map((s) => (
        <Space key={s.key} size={4}>
          <span style={{ display: "inline-block", width: 12, height: 12, background: s.color, borderRadius: 2 }} />
          {s.label}
        </Space>
      ))}
    </Space>
  );
}

/** 统计: the cycle's figures in the caller's jurisdiction, per unit, county or prefecture; a unit sees its own and its deadline. */
export default function StatsPage() {
  const { me } = useAuth();
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const isUnit = me?.organisation.kind === "unit" || me?.organisation.kind === "department";
  const [by, setBy] = useState<Grouping>("unit");
  const stats = useQuery({
    queryKey: ["verification-stats", cycleYear, by],
    queryFn: () => unwrap(api.GET("/api/v1/verification-stats", { params: { query: { cycle_year: cycleYear!, by } } })),
    enabled: cycleYear !== undefined,
  });
  const data = stats.data;
  const total = data?.total;

  const columns: ColumnsType<StatsRow> = [
    { title: by === "unit" ? "单位" : "地区", dataIndex: "name", width: 200, fixed: "left" },
    { title: "应验证", dataIndex: "to_verify", width: 80, align: "right" },
    { title: "达标", dataIndex: "compliant", width: 70, align: "right" },
    { title: "已上报", dataIndex: "submitted", width: 80, align: "right" },
    { title: "已退回", dataIndex: "returned", width: 80, align: "right" },
    { title: "已通过", dataIndex: "approved", width: 80, align: "right" },
    { title: "已发编号", dataIndex: "certified", width: 90, align: "right" },
    { title: "未上报", dataIndex: "missing", width: 80, align: "right" },
    { title: "纸质验证上报", dataIndex: "paper_submitted", width: 110, align: "right" },
    { title: "纸质验证通过", dataIndex: "paper_approved", width: 110, align: "right" },
    {
      title: "通过率",
      dataIndex: "pass_rate_per_mille",
      width: 140,
      render: (v: number | null | undefined, r) =>
        v == null ? "—" : <Progress percent={v / 10} size="small" format={() => r.pass_rate ?? `${v / 10}%`} status={v < PASS_LINE_PERMILLE ? "exception" : "success"} />,
    },
    { title: "进度", key: "bar", width: 220, render: (_, r) => <StackedBar row={r} /> },
  ];

  return (
    <Card
      title="验证统计"
      extra={
        <Space wrap>
          {!isUnit && (
            <Segmented<Grouping>
              value={by}
              onChange={setBy}
              options={(Object.keys(GROUPING_LABELS) as Grouping[]).map((k) => ({ value: k, label: `按${GROUPING_LABELS[k]}` }))}
              data-testid="stats-by"
            />
          )}
          <CycleSelect value={cycleYear} onChange={setCycleYear} />
        </Space>
      }
      data-testid="verification-stats"
    >
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {stats.isError && <ProblemAlert problem={stats.error} />}
      {data?.deadline && (
        <Alert
          type={windowStatus({ starts_at: data.deadline, ends_at: data.deadline }) === "closed" ? "warning" : "info"}
          showIcon
          style={{ marginBottom: 16 }}
          title={`本单位上报截止时间：${data.deadline_label ?? data.deadline}（北京时间）`}
          data-testid="stats-deadline"
        />
      )}
      {total && (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="stats-total">
          {[
            { label: "应验证", value: total.to_verify },
            { label: "达标", value: total.compliant },
            { label: "已上报", value: total.submitted },
            { label: "已通过", value: total.approved },
            { label: "已发证书编号", value: total.certified },
            { label: "未上报", value: total.missing },
          ].map((c) => (
            <Col key={c.label} xs={12} sm={8} md={4}>
              <Card size="small">
                <Statistic title={c.label} value={c.value} />
              </Card>
            </Col>
          ))}
          <Col xs={24} md={12}>
            <Card size="small" title="上报进度">
              <Progress percent={percent(total.submitted, total.to_verify)} data-testid="stats-submitted-progress" />
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small" title="通过率（95% 合格线）">
              {total.pass_rate_per_mille == null ? (
                "尚无审核结果"
              ) : (
                <Progress
                  percent={total.pass_rate_per_mille / 10}
                  format={() => total.pass_rate ?? ""}
                  status={total.pass_rate_per_mille < PASS_LINE_PERMILLE ? "exception" : "success"}
                />
              )}
            </Card>
          </Col>
        </Row>
      )}
      <Legend />
      <Table<StatsRow>
        rowKey={(r) => `${r.id}:${r.name}`}
        size="small"
        columns={columns}
        dataSource={data?.rows ?? []}
        loading={stats.isLoading}
        pagination={pagesOf(data?.rows.length ?? 0, 20)}
        scroll={{ x: "max-content" }}
        data-testid="stats-table"
      />
    </Card>
  );
}
