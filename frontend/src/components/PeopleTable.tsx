import { Button, Table, Tag } from "antd";
import type { ColumnType, ColumnsType } from "antd/es/table";
import type { PersonSummary } from "../api/types";
import {
  DISCIPLINE_LABELS,
  GENDER_LABELS,
  PERSON_STATUS_COLORS,
  PERSON_STATUS_LABELS,
  TITLE_LEVEL_LABELS,
  labelOf,
} from "../constants/enums";

/** An ID number (masked or whole) in a fixed-width font, so that the digits line up. */
export function IdNumber({ value }: { value: string }) {
  return <span style={{ fontFamily: "monospace" }}>{value}</span>;
}

/** The 身份证号 column of any list of people. */
export function idNumberColumn<T>({ dataIndex = "id_number_masked", width }: { dataIndex?: string; width?: number } = {}): ColumnType<T> {
  return { title: "身份证号", dataIndex, width, render: (v: string) => <IdNumber value={v} /> };
}

/** A title with its level, `主治医师（中级）`; `—` without one. */
export function titleText(name: string | null | undefined, level: string | null | undefined): string {
  return name ? `${name}（${labelOf(TITLE_LEVEL_LABELS, level)}）` : "—";
}

/**
 * A list of people (`/people`): name (opens the person), gender, ID number,
 * department, discipline, title, status. The caller fetches, filters and pages.
 */
export function PeopleTable({
  people,
  loading,
  onOpen,
  departmentNames,
  disciplineTitle = "类别",
  openTestId,
  testId,
}: {
  people: PersonSummary[];
  loading: boolean;
  onOpen: (personId: string) => void;
  /** The 科室 column's names by id; no such column when left out (a department's own people). */
  departmentNames?: ReadonlyMap<string, string>;
  disciplineTitle?: string;
  openTestId: string;
  testId: string;
}) {
  const columns: ColumnsType<PersonSummary> = [
    {
      title: "姓名",
      dataIndex: "name",
      render: (name: string, person) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => onOpen(person.id)} data-testid={openTestId}>
          {name}
        </Button>
      ),
    },
    { title: "性别", dataIndex: "gender", width: 70, render: (g: string) => labelOf(GENDER_LABELS, g) },
    idNumberColumn<PersonSummary>(),
    ...(departmentNames
      ? [{ title: "科室", dataIndex: "department_id", render: (id: string | null) => (id ? (departmentNames.get(id) ?? "—") : "—") }]
      : []),
    { title: disciplineTitle, dataIndex: "discipline", render: (d: string) => labelOf(DISCIPLINE_LABELS, d) },
    { title: "职称", dataIndex: "title", render: (t: PersonSummary["title"]) => titleText(t?.name, t?.level) },
    {
      title: "状态",
      dataIndex: "status",
      width: 100,
      render: (s: PersonSummary["status"]) => <Tag color={PERSON_STATUS_COLORS[s] ?? "default"}>{labelOf(PERSON_STATUS_LABELS, s)}</Tag>,
    },
  ];
  return (
    <Table<PersonSummary>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={people}
      loading={loading}
      pagination={false}
      data-testid={testId}
    />
  );
}
