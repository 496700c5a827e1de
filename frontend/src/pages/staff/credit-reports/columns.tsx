import { Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { Link } from "react-router";
import type { CreditItem, CreditReport } from "../../../api/types";
import { idNumberColumn } from "../../../components/PeopleTable";
import { categoryLabel } from "../../../components/PersonYearView";
import { CREDIT_STATE_COLORS, CREDIT_STATE_LABELS } from "../../../constants/enums";
import { formatCredits, formatDateTime } from "../../../utils/format";
import { ActorName } from "../../../components/ActorName";

/** The columns a record shows in a draft list or a report. */
export function creditItemColumns(): ColumnsType<CreditItem> {
  return [
    { title: "姓名", dataIndex: "person_name", width: 90 },
    idNumberColumn<CreditItem>({ width: 180 }),
    { title: "年度", dataIndex: "year", width: 70 },
    { title: "类别", key: "category", width: 110, render: (_, c) => categoryLabel(c) },
    { title: "学分", dataIndex: "amount", width: 60, align: "right", render: (v: number) => formatCredits(v) },
    { title: "项目/活动名称", dataIndex: "activity_name" },
    { title: "授予日期", dataIndex: "earned_on", width: 110, render: (d: string | null) => d ?? "—" },
    { title: "证书编号", dataIndex: "certificate_no", width: 150, render: (c: string | null) => c ?? "—" },
    {
      title: "状态",
      dataIndex: "state",
      width: 100,
      render: (s: CreditItem["state"]) => <Tag color={CREDIT_STATE_COLORS[s]}>{CREDIT_STATE_LABELS[s]}</Tag>,
    },
  ];
}

/** The columns of a report list. */
export function reportColumns(): ColumnsType<CreditReport> {
  return [
    { title: "科室", dataIndex: "department_name", width: 140 },
    { title: "记录数", dataIndex: "credit_count", width: 80, align: "right" },
    {
      title: "待审核",
      dataIndex: "pending",
      width: 80,
      align: "right",
      render: (n: number) => (n > 0 ? <Tag color="processing">{n}</Tag> : <Tag color="success">0</Tag>),
    },
    { title: "上报人", dataIndex: "submitted_by", width: 160, render: (login: string) => <ActorName login={login} /> },
    { title: "上报时间", dataIndex: "submitted_at", width: 170, render: (t: string) => formatDateTime(t) },
    { title: "完成时间", dataIndex: "closed_at", width: 170, render: (t: string | null) => formatDateTime(t) },
    { title: "说明", dataIndex: "note", render: (n: string | null) => n ?? "—" },
    {
      title: "操作",
      key: "open",
      width: 90,
      render: (_, r) => (
        <Link to={`/credit-reports/${r.id}`} data-testid="report-open">
          {r.pending > 0 ? "审核" : "查看"}
        </Link>
      ),
    },
  ];
}
