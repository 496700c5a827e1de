import { Button, Card, Form, Input, Select, Space, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { Department, PersonStatus, PersonSummary } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import {
  DISCIPLINE_LABELS,
  GENDER_LABELS,
  PERSON_STATUS_LABELS,
  TITLE_LEVEL_LABELS,
  labelOf,
  options,
} from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import type { Discipline } from "../../../api/types";
import { PersonDrawer } from "./PersonDrawer";

const PAGE_SIZE = 50;

interface PeopleFilters {
  name?: string;
  status?: PersonStatus;
  discipline?: Discipline;
}

const STATUS_COLORS: Record<string, string> = { normal: "green", exempt: "orange", cancelled: "default" };

/** A unit's or a department's people: masked ID numbers, keyset "加载更多", a detail drawer. */
export function PeopleTable({
  unitId,
  departmentId,
  departments = [],
  title = "人员",
}: {
  unitId?: string;
  departmentId?: string;
  departments?: Department[];
  title?: string;
}) {
  const [filters, setFilters] = useState<PeopleFilters>({});
  const [openId, setOpenId] = useState<string | null>(null);
  const list = useCursorList<PersonSummary>(["people", { unitId, departmentId, ...filters }], (after) =>
    unwrap(
      api.GET("/api/v1/people", {
        params: {
          query: {
            unit_id: unitId,
            department_id: departmentId,
            name: filters.name || undefined,
            status: filters.status,
            discipline: filters.discipline,
            after,
            limit: PAGE_SIZE,
          },
        },
      }),
    ),
  );
  const departmentName = new Map(departments.map((d) => [d.id, d.name]));

  const columns: ColumnsType<PersonSummary> = [
    {
      title: "姓名",
      dataIndex: "name",
      render: (name: string, person) => (
        <Button type="link" style={{ padding: 0 }} onClick={() => setOpenId(person.id)} data-testid="person-open">
          {name}
        </Button>
      ),
    },
    { title: "性别", dataIndex: "gender", width: 70, render: (g: string) => labelOf(GENDER_LABELS, g) },
    {
      title: "身份证号",
      dataIndex: "id_number_masked",
      render: (v: string) => <span style={{ fontFamily: "monospace" }}>{v}</span>,
    },
    ...(departmentId
      ? []
      : [
          {
            title: "科室",
            dataIndex: "department_id",
            render: (id: string | null) => (id ? (departmentName.get(id) ?? "—") : "—"),
          },
        ]),
    { title: "类别", dataIndex: "discipline", render: (d: string) => labelOf(DISCIPLINE_LABELS, d) },
    {
      title: "职称",
      dataIndex: "title",
      render: (t: PersonSummary["title"]) => (t ? `${t.name}（${labelOf(TITLE_LEVEL_LABELS, t.level)}）` : "—"),
    },
    {
      title: "状态",
      dataIndex: "status",
      width: 100,
      render: (s: string) => <Tag color={STATUS_COLORS[s] ?? "default"}>{labelOf(PERSON_STATUS_LABELS, s)}</Tag>,
    },
  ];

  return (
    <Card title={title} data-testid="people">
      <Form<PeopleFilters> layout="inline" onFinish={setFilters} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item name="name">
          <Input placeholder="姓名" allowClear style={{ width: 160 }} />
        </Form.Item>
        <Form.Item name="status">
          <Select placeholder="状态" allowClear style={{ width: 120 }} options={options(PERSON_STATUS_LABELS)} />
        </Form.Item>
        <Form.Item name="discipline">
          <Select placeholder="类别" allowClear style={{ width: 200 }} options={options(DISCIPLINE_LABELS)} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Space>
      </Form>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<PersonSummary>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        data-testid="people-table"
      />
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
        count={list.items.length}
      />
      <PersonDrawer personId={openId} departments={departments} onClose={() => setOpenId(null)} />
    </Card>
  );
}
