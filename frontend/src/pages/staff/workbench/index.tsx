import { ReloadOutlined } from "@ant-design/icons";
import { Badge, Button, Card, Col, Empty, List, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { Suspense, lazy } from "react";
import { Link } from "react-router";
import type { StatsRow, Workbench, WorkbenchTask } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageHeader } from "../../../components/PageHeader";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RateBar } from "../../../components/RateBar";
import { GROUPING_LABELS } from "../../../constants/verification";
import { formatDateTime, perMille } from "../../../utils/format";
import { daysLeftText, deadlineTone, taskLink } from "./logic";
import { useWorkbench } from "./useWorkbench";

// The chart library is loaded with the chart, not with the application.
const ProgressChart = lazy(() => import("./ProgressChart"));

function Tasks({ tasks, cycleYear }: { tasks: WorkbenchTask[]; cycleYear?: number }) {
  const waiting = tasks.filter((t) => t.count > 0);
  return (
    <Card title="待办事项" size="small" data-testid="workbench-tasks">
      {tasks.length === 0 ? (
        <Empty description="本账号没有需要处理的事项" />
      ) : (
        <List<WorkbenchTask>
          size="small"
          dataSource={[...waiting, ...tasks.filter((t) => t.count === 0)]}
          renderItem={(t) => (
            <List.Item
              extra={
                t.count > 0 ? (
                  <Link to={taskLink(t, cycleYear)} data-testid={`task-${t.kind}${t.list ? `-${t.list}` : ""}`}>
                    去处理
                  </Link>
                ) : null
              }
            >
              <Space>
                <Badge count={t.count} showZero overflowCount={99999} color={t.count > 0 ? "#cf1322" : "#595959"} />
                <span>{t.label}</span>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}

function CycleCard({ workbench }: { workbench: Workbench }) {
  const cycle = workbench.cycle;
  if (!cycle) {
    return (
      <Card title="验证周期" size="small">
        <Empty description="尚未开启任何年度的学分验证" />
      </Card>
    );
  }
  return (
    <Card title={`${cycle.year} 年度学分验证`} size="small" extra={<Tag color="blue">{cycle.phase_label}</Tag>} data-testid="workbench-cycle">
      <List
        size="small"
        dataSource={cycle.deadlines}
        renderItem={(d) => (
          <List.Item extra={<Tag color={deadlineTone(d.days_left)}>{daysLeftText(d.days_left)}</Tag>}>
            <List.Item.Meta title={d.own ? d.label : `${d.label}（上级）`} description={d.ends_label} />
          </List.Item>
        )}
      />
    </Card>
  );
}

function Totals({ total }: { total: StatsRow }) {
  return (
    <Row gutter={[16, 16]}>
      {(
        [
          ["应验证", total.to_verify],
          ["达标", total.compliant],
          ["已上报", total.submitted],
          ["审核通过", total.approved],
          ["已发证书编号", total.certified],
          ["未上报", total.missing],
        ] as const
      ).map(([title, value]) => (
        <Col key={title} xs={12} sm={8} lg={4}>
          <Statistic title={title} value={value} />
        </Col>
      ))}
    </Row>
  );
}

function BelowTable({ rows, by }: { rows: StatsRow[]; by: string }) {
  const columns: ColumnsType<StatsRow> = [
    { title: by, dataIndex: "name", ellipsis: true },
    { title: "应验证", dataIndex: "to_verify", width: 80, align: "right" },
    { title: "已上报", dataIndex: "submitted", width: 80, align: "right" },
    { title: "审核通过", dataIndex: "approved", width: 90, align: "right" },
    { title: "已发证书编号", dataIndex: "certified", width: 110, align: "right" },
    {
      title: "达标率",
      key: "compliance",
      width: 170,
      render: (_, r) => <RateBar permille={perMille(r.compliant, r.to_verify)} color="#237804" passLine={false} width={90} />,
    },
  ];
  return (
    <Table<StatsRow>
      rowKey={(r) => `${r.id}-${r.name}`}
      size="small"
      columns={columns}
      dataSource={rows}
      pagination={rows.length > 20 ? { pageSize: 20, showTotal: (t) => `共 ${t} 个` } : false}
      data-testid="workbench-below"
    />
  );
}

/** 工作台: what waits on me, my deadlines, and the progress of those below me. */
export default function WorkbenchPage() {
  const { me } = useAuth();
  const workbench = useWorkbench();
  const data = workbench.data;
  const by = data?.below_by ? GROUPING_LABELS[data.below_by] : undefined;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }} data-testid="workbench">
      <PageHeader
        title="工作台"
        description={me?.organisation.name}
        extra={
          <>
            {data?.figures_at && <Typography.Text type="secondary">统计于 {formatDateTime(data.figures_at)}</Typography.Text>}
            <Button icon={<ReloadOutlined />} onClick={() => void workbench.refetch()} loading={workbench.isFetching}>
              刷新
            </Button>
          </>
        }
      />
      {workbench.isError && <ProblemAlert problem={workbench.error} />}
      {workbench.isLoading && <Skeleton active />}
      {data && (
        <>
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={12}>
              <Tasks tasks={data.tasks} cycleYear={data.cycle?.year} />
            </Col>
            <Col xs={24} lg={12}>
              <CycleCard workbench={data} />
            </Col>
          </Row>
          {data.total && (
            <Card title="本辖区进度" size="small" data-testid="workbench-total">
              <Totals total={data.total} />
            </Card>
          )}
          {by && data.below.length > 0 && (
            <Card title={`各${by}进度（进度最慢的在前）`} size="small">
              <Suspense fallback={<Skeleton active />}>
                <ProgressChart rows={data.below} />
              </Suspense>
              <BelowTable rows={data.below} by={by} />
            </Card>
          )}
        </>
      )}
    </Space>
  );
}
