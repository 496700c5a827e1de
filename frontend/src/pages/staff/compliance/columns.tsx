// The compliance list's columns, compact enough that the verdict and its reasons show at
// 1280 px without scrolling sideways: name over ID number, unit over department, title over
// discipline, the three classes in one cell.
import { Space, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { Link } from "react-router";
import type { ComplianceRow, Outcome } from "../../../api/types";
import { IdNumber, titleText } from "../../../components/PeopleTable";
import { Clipped, Stacked } from "../../../components/cells";
import { DISCIPLINE_LABELS, OUTCOME_COLORS, OUTCOME_LABELS, labelOf } from "../../../constants/enums";
import { formatCredits } from "../../../utils/format";

/** Whose list it is: an office sees units, a unit its departments, a department neither. */
export type Viewer = "office" | "unit" | "department";

/** The narrowest the reasons column gets (its width is what the others leave). */
export const REASONS_MIN_WIDTH = 180;

export function complianceColumns(viewer: Viewer, year: number): ColumnsType<ComplianceRow> {
  const columns: ColumnsType<ComplianceRow> = [
    {
      title: "姓名 / 身份证号",
      key: "person",
      fixed: "left",
      width: 156,
      render: (_, r) => (
        <Stacked
          main={
            <Link to={`/compliance/people/${r.person_id}/${year}`} data-testid="compliance-person">
              {r.name}
            </Link>
          }
          sub={<IdNumber value={r.id_number_masked} />}
        />
      ),
    },
  ];
  if (viewer === "office") {
    columns.push({
      title: "单位 / 科室",
      key: "place",
      width: 168,
      render: (_, r) => <Stacked main={r.unit_name} sub={r.department_name ?? "—"} tip={[r.unit_name, r.department_name].filter(Boolean).join(" ")} />,
    });
  } else if (viewer === "unit") {
    columns.push({ title: "科室", dataIndex: "department_name", width: 96, render: (d: string | null) => <Clipped text={d} /> });
  }
  columns.push(
    {
      title: "职称 / 类别",
      key: "title",
      width: 150,
      render: (_, r) => {
        const title = titleText(r.title_name, r.title_level);
        const discipline = labelOf(DISCIPLINE_LABELS, r.discipline);
        return <Stacked main={title} sub={discipline} tip={`${title} ${discipline}`} />;
      },
    },
    {
      title: "I类 / II类 / 自管",
      key: "classes",
      width: 112,
      align: "right",
      render: (_, r) => (
        <span data-testid="row-classes">
          {formatCredits(r.counted_i)} / {formatCredits(r.counted_ii)} / {formatCredits(r.self_managed)}
        </span>
      ),
    },
    {
      title: "总学分",
      dataIndex: "total",
      width: 64,
      align: "right",
      render: (v: number) => <Typography.Text strong>{formatCredits(v)}</Typography.Text>,
    },
    {
      title: "结果",
      dataIndex: "outcome",
      width: 88,
      render: (o: Outcome) => (
        <Tag color={OUTCOME_COLORS[o]} data-testid="outcome-tag">
          {OUTCOME_LABELS[o]}
        </Tag>
      ),
    },
    {
      title: "不达标原因",
      key: "shortfalls",
      render: (_, r) =>
        r.shortfalls.length > 0 ? (
          <Space orientation="vertical" size={0} data-testid="row-shortfalls">
            {r.shortfalls.map((s) => (
              <Typography.Text key={s.code} type="danger">
                {s.message}
              </Typography.Text>
            ))}
          </Space>
        ) : r.note ? (
          <Typography.Text type="warning">{r.note}</Typography.Text>
        ) : (
          "—"
        ),
    },
  );
  return columns;
}

/** The width the columns need at least: the fixed ones and the reasons' minimum. */
export function minimumWidth(columns: ColumnsType<ComplianceRow>): number {
  return columns.reduce((sum, c) => sum + (typeof c.width === "number" ? c.width : REASONS_MIN_WIDTH), 0);
}
