import { Alert, Card, Descriptions, List, Result, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { ReactNode } from "react";
import type { CreditLine, PersonYear } from "../api/types";
import { BUCKET_LABELS, REQUIREMENT_LABELS } from "../constants/compliance";
import {
  CREDIT_STATE_COLORS,
  CREDIT_STATE_LABELS,
  DISCIPLINE_LABELS,
  ENTRY_PATH_LABELS,
  NOT_COUNTED_REASON_LABELS,
  OUTCOME_COLORS,
  OUTCOME_LABELS,
  TITLE_LEVEL_LABELS,
  UNIT_LEVEL_LABELS,
  labelOf,
} from "../constants/enums";
import { formatCredits } from "../utils/format";
import { byDate, categoryLabel, countedWhere } from "./creditWords";

export { byDate, categoryLabel, countedWhere } from "./creditWords";
import { plainShortfall, verdictSentence } from "../utils/shortfall";

function Verdict({ data, plain }: { data: PersonYear; plain: boolean }) {
  const ok = data.outcome === "compliant";
  const status = ok ? "success" : data.outcome === "non_compliant" ? "error" : "info";
  const profile = data.standard
    ? [
        `${data.year} 年度`,
        UNIT_LEVEL_LABELS[data.standard.unit_level],
        data.standard.title_level ? TITLE_LEVEL_LABELS[data.standard.title_level] : "不分职称",
        DISCIPLINE_LABELS[data.standard.discipline],
      ].join(" · ")
    : `${data.year} 年度`;
  return (
    <div data-testid="verdict" data-outcome={data.outcome}>
      <Result
        status={status}
        title={
          <span style={{ fontSize: plain ? 26 : 30 }}>
            <Tag color={OUTCOME_COLORS[data.outcome]} style={{ fontSize: "inherit", padding: "4px 12px", lineHeight: 1.3 }}>
              {OUTCOME_LABELS[data.outcome]}
            </Tag>
          </span>
        }
        subTitle={
          <Space orientation="vertical" size={2}>
            <span>{profile}</span>
            {plain && <span>{verdictSentence(data.outcome, data.shortfalls)}</span>}
            {data.undetermined_reason && <Typography.Text type="warning">{data.undetermined_reason}</Typography.Text>}
          </Space>
        }
        style={{ padding: "12px 0" }}
      />
      {data.locked && (
        <Alert type="info" showIcon title="本年度学分验证已提交，学分已锁定，不能再录入或冲销。" style={{ marginBottom: 16 }} />
      )}
    </div>
  );
}

function Shortfalls({ data, plain }: { data: PersonYear; plain: boolean }) {
  if (data.shortfalls.length === 0) return null;
  const course = data.course ?? data.standard?.mandatory_course ?? null;
  return (
    <Card title={plain ? "还差什么" : "不达标原因"} size="small" style={{ marginBottom: 16 }}>
      <ul data-testid="shortfalls" style={{ margin: 0, paddingInlineStart: 20 }}>
        {data.shortfalls.map((s) => (
          <li key={s.code} data-code={s.code} style={{ padding: "4px 0" }}>
            <Typography.Text type="danger">{plain ? plainShortfall(s, course) : s.message}</Typography.Text>
          </li>
        ))}
      </ul>
    </Card>
  );
}

function Standard({ data }: { data: PersonYear }) {
  if (!data.standard) return null;
  const requirement = data.standard.requirement;
  return (
    <Card title="适用标准" size="small" style={{ marginBottom: 16 }}>
      <Descriptions
        data-testid="requirement"
        size="small"
        bordered
        column={{ xs: 1, sm: 2, md: 3 }}
        items={[
          ...REQUIREMENT_LABELS.filter(([key]) => requirement[key] !== null && requirement[key] !== undefined).map(
            ([key, label]) => ({ key, label, children: formatCredits(requirement[key]) }),
          ),
          {
            key: "mandatory_course",
            label: "全员培训（公需科目）",
            children: data.course
              ? `${data.course.name}（截止 ${data.course.deadline}）：${data.course.completed ? "已完成" : "未完成"}`
              : "本年度无",
          },
        ]}
      />
    </Card>
  );
}

function BucketsCard({ data }: { data: PersonYear }) {
  if (!data.buckets) return null;
  const buckets = data.buckets;
  return (
    <Card title="计入学分" size="small" style={{ marginBottom: 16 }}>
      <Descriptions
        data-testid="buckets"
        size="small"
        bordered
        column={{ xs: 1, sm: 2, md: 3 }}
        items={BUCKET_LABELS.map(([key, label]) => ({ key, label, children: formatCredits(buckets[key]) }))}
      />
    </Card>
  );
}

function creditColumns(actions?: (line: CreditLine) => ReactNode): TableColumnsType<CreditLine> {
  const columns: TableColumnsType<CreditLine> = [
    { title: "日期", dataIndex: "earned_on", width: 110, render: (d: string | null) => d ?? "—" },
    { title: "活动/项目名称", dataIndex: "activity_name", render: (name: string, l) => (
      <Space orientation="vertical" size={0}>
        <span>{name}</span>
        {l.organiser && <Typography.Text type="secondary">{l.organiser}</Typography.Text>}
      </Space>
    ) },
    { title: "类别", key: "category", width: 120, render: (_, l) => categoryLabel(l) },
    { title: "学分", dataIndex: "amount", align: "right", width: 70, render: (v: number) => formatCredits(v) },
    {
      title: "状态",
      dataIndex: "state",
      width: 110,
      render: (s: CreditLine["state"]) => <Tag color={CREDIT_STATE_COLORS[s]}>{CREDIT_STATE_LABELS[s]}</Tag>,
    },
    { title: "来源", dataIndex: "entry_path", width: 90, render: (p: string) => labelOf(ENTRY_PATH_LABELS, p) },
    { title: "证书编号", dataIndex: "certificate_no", render: (c: string | null) => c ?? "—" },
    { title: "计入I类", dataIndex: "counted_i", align: "right", width: 80, render: (v: number) => formatCredits(v) },
    { title: "计入II类", dataIndex: "counted_ii", align: "right", width: 80, render: (v: number) => formatCredits(v) },
    { title: "计入自管", dataIndex: "counted_self_managed", align: "right", width: 80, render: (v: number) => formatCredits(v) },
    {
      title: "未计入",
      key: "not_counted",
      width: 120,
      render: (_, l) =>
        l.not_counted > 0 ? (
          <Tag color="warning">
            {formatCredits(l.not_counted)}
            {l.not_counted_reason ? `（${labelOf(NOT_COUNTED_REASON_LABELS, l.not_counted_reason)}）` : ""}
          </Tag>
        ) : (
          "—"
        ),
    },
    {
      title: "说明",
      key: "note",
      render: (_, l) => (
        <Space orientation="vertical" size={0}>
          {l.note && <span>{l.note}</span>}
          {l.decision_reason && <Typography.Text type="danger">审核意见：{l.decision_reason}</Typography.Text>}
          {!l.note && !l.decision_reason && "—"}
        </Space>
      ),
    },
  ];
  if (actions) columns.push({ title: "操作", key: "actions", width: 90, fixed: "right", render: (_, l) => actions(l) });
  return columns;
}

/** The records as cards, for a phone. */
function CreditCards({ credits }: { credits: CreditLine[] }) {
  return (
    <List<CreditLine>
      data-testid="credit-list"
      dataSource={credits}
      locale={{ emptyText: "本年度还没有学分记录" }}
      renderItem={(l) => (
        <List.Item key={l.id} data-testid="credit-line" data-state={l.state}>
          <Space orientation="vertical" size={2} style={{ width: "100%" }}>
            <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
              <Typography.Text strong>{l.activity_name}</Typography.Text>
              <Tag color={CREDIT_STATE_COLORS[l.state]}>{CREDIT_STATE_LABELS[l.state]}</Tag>
            </Space>
            <Typography.Text type="secondary">
              {[l.earned_on, categoryLabel(l), `${formatCredits(l.amount)} 分`].filter(Boolean).join(" · ")}
            </Typography.Text>
            <span>计入：{countedWhere(l)}</span>
            {l.decision_reason && <Typography.Text type="danger">审核意见：{l.decision_reason}</Typography.Text>}
          </Space>
        </List.Item>
      )}
    />
  );
}

/**
 * A person's year: the verdict, what is missing, the standard, the counted
 * buckets and every record with where it counted. `plain` says it to the
 * trainee himself, on a phone.
 */
export function PersonYearView({
  data,
  plain = false,
  actions,
}: {
  data: PersonYear;
  plain?: boolean;
  actions?: (line: CreditLine) => ReactNode;
}) {
  return (
    <div data-testid="person-year">
      <Verdict data={data} plain={plain} />
      <Shortfalls data={data} plain={plain} />
      <Card title={`学分记录（${data.credits.length} 条）`} size="small" style={{ marginBottom: 16 }}>
        {plain ? (
          <CreditCards credits={byDate(data.credits)} />
        ) : (
          <Table<CreditLine>
            data-testid="credits"
            size="small"
            rowKey="id"
            columns={creditColumns(actions)}
            dataSource={byDate(data.credits)}
            pagination={false}
            scroll={{ x: 1400 }}
            locale={{ emptyText: "本年度还没有学分记录" }}
          />
        )}
      </Card>
      <BucketsCard data={data} />
      <Standard data={data} />
    </div>
  );
}
