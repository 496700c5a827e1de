import { Card, Descriptions, Result, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { Allocation, EvaluateResponse } from "../../../../api/types";
import { BUCKET_LABELS, REQUIREMENT_LABELS } from "../../../../constants/compliance";
import {
  CREDIT_KIND_LABELS,
  CREDIT_SOURCE_LABELS,
  DISCIPLINE_LABELS,
  NOT_COUNTED_REASON_LABELS,
  TITLE_LEVEL_LABELS,
  UNIT_LEVEL_LABELS,
} from "../../../../constants/enums";
import { formatCredits } from "../../../../utils/format";

const columns: TableColumnsType<Allocation> = [
  { title: "序号", dataIndex: "index", render: (i: number) => i + 1, width: 64 },
  { title: "类别", dataIndex: "kind", render: (k: Allocation["kind"]) => CREDIT_KIND_LABELS[k] },
  {
    title: "来源",
    dataIndex: "source",
    render: (s: Allocation["source"]) => (s ? CREDIT_SOURCE_LABELS[s] : "—"),
  },
  { title: "学分", dataIndex: "amount", align: "right", render: (v: number) => formatCredits(v) },
  { title: "计入I类", dataIndex: "counted_i", align: "right", render: (v: number) => formatCredits(v) },
  { title: "计入II类", dataIndex: "counted_ii", align: "right", render: (v: number) => formatCredits(v) },
  {
    title: "计入自管",
    dataIndex: "counted_self_managed",
    align: "right",
    render: (v: number) => formatCredits(v),
  },
  { title: "未计入", dataIndex: "not_counted", align: "right", render: (v: number) => formatCredits(v) },
  {
    title: "原因",
    dataIndex: "not_counted_reason",
    render: (r: Allocation["not_counted_reason"]) =>
      r ? <Tag color="warning">{NOT_COUNTED_REASON_LABELS[r]}</Tag> : "—",
  },
];

/** The verdict, its reasons, the applied standard and how each credit counted. */
export function ResultView({ result }: { result: EvaluateResponse }) {
  const { standard, buckets } = result;
  const requirement = standard.requirement;
  const profile = [
    `${standard.year} 年度（第 ${standard.version} 版）`,
    UNIT_LEVEL_LABELS[standard.unit_level],
    standard.title_level ? TITLE_LEVEL_LABELS[standard.title_level] : "不分职称",
    DISCIPLINE_LABELS[standard.discipline],
  ].join(" · ");

  return (
    <div data-testid="result">
      <div data-testid="verdict" data-compliant={result.compliant ? "true" : "false"}>
        <Result
          status={result.compliant ? "success" : "error"}
          title={
            <span style={{ color: result.compliant ? "#389e0d" : "#cf1322", fontSize: 32 }}>
              {result.compliant ? "达标" : "不达标"}
            </span>
          }
          subTitle={profile}
          style={{ padding: "16px 0" }}
        />
      </div>

      {result.shortfalls.length > 0 && (
        <Card title="不达标原因" size="small" style={{ marginBottom: 16 }}>
          <ul data-testid="shortfalls" style={{ margin: 0, paddingInlineStart: 20 }}>
            {result.shortfalls.map((s) => (
              <li key={s.code} data-code={s.code} style={{ padding: "4px 0" }}>
                <Typography.Text type="danger">{s.message}</Typography.Text>
              </li>
            ))}
          </ul>
        </Card>
      )}

      <Card title="适用标准" size="small" style={{ marginBottom: 16 }}>
        <Descriptions
          data-testid="requirement"
          size="small"
          bordered
          column={{ xs: 1, sm: 2, md: 3 }}
          items={[
            ...REQUIREMENT_LABELS.map(([key, label]) => ({
              key,
              label,
              // A missing cap means no limit; a missing minimum, no requirement.
              children: formatCredits(requirement[key], key.endsWith("_cap") ? "不限" : "不要求"),
            })),
            {
              key: "mandatory_course",
              label: "全员培训（公需科目）",
              children: standard.mandatory_course
                ? `${standard.mandatory_course.name}（截止 ${standard.mandatory_course.deadline}）`
                : "本年度无",
            },
          ]}
        />
      </Card>

      <Card title="计入学分" size="small" style={{ marginBottom: 16 }}>
        <Descriptions
          data-testid="buckets"
          size="small"
          bordered
          column={{ xs: 1, sm: 2, md: 3 }}
          items={BUCKET_LABELS.map(([key, label]) => ({
            key,
            label,
            children: formatCredits(buckets[key]),
          }))}
        />
      </Card>

      <Card title="学分计入明细" size="small">
        <Table<Allocation>
          data-testid="allocation"
          size="small"
          rowKey="index"
          columns={columns}
          dataSource={result.allocation}
          pagination={false}
          scroll={{ x: true }}
        />
      </Card>
    </div>
  );
}
