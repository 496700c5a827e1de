import { Button, Space, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { Verification } from "../../../api/types";
import { LIST_KIND_LABELS, SPECIAL_REASON_LABELS } from "../../../constants/verification";
import { PathTag } from "./PathTag";
import { OUTCOME_COLORS, OUTCOME_LABELS, labelOf } from "../../../constants/enums";
import { formatCredits } from "../../../utils/format";

type Verdict = NonNullable<Verification["verdict"]>;
type Requirement = NonNullable<Verdict["required"]>;

/** "12 / 10": counted against required; red when short. */
export function againstRequired(counted: number | string, required: number | string | null | undefined): { text: string; short: boolean } {
  const c = Number(counted);
  if (required === null || required === undefined) return { text: formatCredits(counted), short: false };
  const r = Number(required);
  return { text: `${formatCredits(counted)} / ${formatCredits(required)}`, short: c < r };
}

function Figure({ counted, required, testId }: { counted: number | string; required?: number | string | null; testId: string }) {
  const f = againstRequired(counted, required);
  return (
    <Typography.Text type={f.short ? "danger" : undefined} strong={f.short} data-testid={testId}>
      {f.text}
    </Typography.Text>
  );
}

/** The reasons of a verdict in one line: "II类学分差 2.5 分；未完成全员培训". */
export function shortfallText(v: Verdict | null | undefined): string {
  if (!v) return "—";
  if (v.note) return v.note;
  return v.shortfalls.map((s) => s.message).join("；") || "—";
}

function requiredOf(v: Verdict | null | undefined, key: keyof Requirement): number | string | null | undefined {
  return v?.required ? (v.required[key] as number | string | null | undefined) : undefined;
}

/**
 * The review queue's columns: who, what the reviewer reviews (the title held
 * on 31 December, I / II / 自管 / 总 against the standard, the verdict and
 * its reasons, the list and the special claim) and the actions. Narrow
 * enough to show the verdict at 1280 px without scrolling.
 */
export function reviewColumns({
  onOpen,
  onApprove,
  onReturn,
  busy,
}: {
  onOpen: (r: Verification) => void;
  onApprove: (r: Verification) => void;
  onReturn: (r: Verification) => void;
  busy: boolean;
}): ColumnsType<Verification> {
  return [
    {
      title: "姓名",
      dataIndex: "person_name",
      width: 96,
      render: (name: string, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Link onClick={() => onOpen(r)} data-testid="record-open">
            {name}
          </Typography.Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.id_number_masked}
          </Typography.Text>
        </Space>
      ),
    },
    { title: "单位", dataIndex: "unit_name", ellipsis: { showTitle: true } },
    {
      title: "名单",
      key: "list",
      width: 80,
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{labelOf(LIST_KIND_LABELS, r.list)}</span>
          <PathTag path={r.path} />
          {r.year !== r.cycle_year && <Typography.Text type="secondary">{r.year} 年度</Typography.Text>}
          {r.special && (
            <Tooltip title={`${r.special.period_from} 至 ${r.special.period_to}`}>
              <Tag color="purple" data-testid="special-claim">
                {labelOf(SPECIAL_REASON_LABELS, r.special.reason)}
              </Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    {
      title: "职称（12月31日）",
      key: "title",
      width: 100,
      ellipsis: true,
      render: (_, r) => r.verdict?.title_name ?? <Typography.Text type="secondary">无职称</Typography.Text>,
    },
    {
      title: "I类",
      key: "i",
      width: 64,
      align: "right",
      render: (_, r) => (r.verdict ? <Figure counted={r.verdict.counted_i} required={requiredOf(r.verdict, "i_subtotal_min")} testId="figure-i" /> : "—"),
    },
    {
      title: "II类",
      key: "ii",
      width: 64,
      align: "right",
      render: (_, r) => (r.verdict ? <Figure counted={r.verdict.counted_ii} required={requiredOf(r.verdict, "ii_subtotal_min")} testId="figure-ii" /> : "—"),
    },
    {
      title: "自管",
      key: "self",
      width: 64,
      align: "right",
      render: (_, r) =>
        r.verdict ? <Figure counted={r.verdict.self_managed} required={requiredOf(r.verdict, "self_managed_min")} testId="figure-self" /> : "—",
    },
    {
      title: "总学分",
      key: "total",
      width: 72,
      align: "right",
      render: (_, r) => (r.verdict ? <Figure counted={r.verdict.total} required={requiredOf(r.verdict, "total")} testId="figure-total" /> : "—"),
    },
    {
      title: "结论",
      key: "verdict",
      width: 160,
      render: (_, r) =>
        r.verdict ? (
          <Space orientation="vertical" size={0}>
            <Tag color={OUTCOME_COLORS[r.verdict.outcome]} data-testid="verdict-outcome">
              {labelOf(OUTCOME_LABELS, r.verdict.outcome)}
            </Tag>
            {r.verdict.outcome !== "compliant" && (
              <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="verdict-reasons">
                {shortfallText(r.verdict)}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">尚无达标结论</Typography.Text>
        ),
    },
    {
      title: "操作",
      key: "actions",
      width: 116,
      render: (_, r) => (
        <Space size={4}>
          <Button size="small" type="primary" loading={busy} onClick={() => onApprove(r)} data-testid="approve-one">
            通过
          </Button>
          <Button size="small" danger onClick={() => onReturn(r)} data-testid="return-one">
            退回
          </Button>
        </Space>
      ),
    },
  ];
}

/** Reasons an office returns records for most often: one click, then edited if need be. */
export const RETURN_REASONS: readonly string[] = [
  "学分证书与系统记录不符，请核对后重新上报",
  "职称信息有误，请更正后重新上报",
  "缺少特殊情况证明材料，请补充上传",
  "纸质学分证书扫描件不清晰或不全，请重新上传",
  "人员信息（姓名、身份证号、所在单位）有误，请核对",
  "学分未达到本年度标准要求",
];
