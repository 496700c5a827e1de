import { Button, Card, Form, Input, Select, Space } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { Department, PersonStatus, PersonSummary } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { PeopleTable } from "../../../components/PeopleTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DISCIPLINE_LABELS, PERSON_STATUS_LABELS, options } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import type { Discipline } from "../../../api/types";
import { PersonDrawer } from "./PersonDrawer";

const PAGE_SIZE = 50;

interface PeopleFilters {
  name?: string;
  status?: PersonStatus;
  discipline?: Discipline;
}

/** A unit's or a department's people: masked ID numbers, keyset "加载更多", a detail drawer. */
export function OrgPeople({
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
  // A department's own list has no 科室 column.
  const departmentNames = departmentId ? undefined : new Map(departments.map((d) => [d.id, d.name]));

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
      <PeopleTable
        people={list.items}
        loading={list.isLoading}
        onOpen={setOpenId}
        departmentNames={departmentNames}
        openTestId="person-open"
        testId="people-table"
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
