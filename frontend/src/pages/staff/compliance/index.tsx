import { DownloadOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Card, Col, Form, Input, Row, Select, Space, Statistic, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useMemo } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { cleanQuery, downloadFile } from "../../../api/download";
import type { CompliancePage as Page, ComplianceRow, Outcome, OutcomeCounts } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { LoadMore } from "../../../components/LoadMore";
import { idNumberColumn, titleText } from "../../../components/PeopleTable";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect } from "../../../components/pickers/DepartmentSelect";
import { RegionTreeSelect } from "../../../components/pickers/RegionTreeSelect";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { YearSelect, defaultYear, useStandardYears } from "../../../components/pickers/YearSelect";
import {
  DISCIPLINE_LABELS,
  OUTCOME_COLORS,
  OUTCOME_LABELS,
  labelOf,
  options,
} from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatCredits } from "../../../utils/format";
import { type ComplianceFilters, filtersFromSearch, filtersToSearch, toApiQuery } from "./filters";

const PAGE_SIZE = 50;

function Counts({ counts, active, onPick }: { counts: OutcomeCounts; active?: Outcome; onPick: (o?: Outcome) => void }) {
  const total = counts.compliant + counts.non_compliant + counts.not_counted + counts.undetermined;
  const cells: { key?: Outcome; label: string; value: number; color?: string }[] = [
    { label: "总人数", value: total },
    { key: "compliant", label: "达标", value: counts.compliant, color: "#389e0d" },
    { key: "non_compliant", label: "不达标", value: counts.non_compliant, color: "#cf1322" },
    { key: "not_counted", label: "不计达标", value: counts.not_counted },
    { key: "undetermined", label: "无法判定", value: counts.undetermined, color: "#d48806" },
  ];
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="outcome-counts">
      {cells.map((c) => (
        <Col key={c.label} xs={12} sm={8} md={4}>
          <Card
            size="small"
            hoverable
            onClick={() => onPick(c.key)}
            style={{ borderColor: active === c.key ? "#1677ff" : undefined }}
            data-testid={`count-${c.key ?? "total"}`}
          >
            <Statistic title={c.label} value={c.value} styles={c.color ? { content: { color: c.color } } : undefined} />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** 人员达标情况查询: a year's verdicts in the caller's jurisdiction, filtered, counted, exported. */
export default function CompliancePage() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const years = useStandardYears();
  const [search, setSearch] = useSearchParams();
  const fallbackYear = defaultYear(years.data);
  const filters = useMemo(() => filtersFromSearch(search, fallbackYear), [search, fallbackYear]);
  const [form] = Form.useForm<ComplianceFilters>();
  useEffect(() => form.setFieldsValue({ discipline: undefined, outcome: undefined, ...filters }), [filters, form]);

  const kind = me?.organisation.kind;
  const isOffice = kind === "province" || kind === "region";
  const ownUnit = kind === "unit" ? (me?.organisation.id ?? undefined) : undefined;
  const unitForDepartments = ownUnit ?? filters.unit_id;
  const chosenUnit = Form.useWatch("unit_id", form);
  const chosenRegion = Form.useWatch("region_id", form);
  const departmentsOf = ownUnit ?? chosenUnit ?? unitForDepartments;

  const ready = !years.isLoading;
  const list = useCursorList<ComplianceRow, Page>(
    ["compliance", filters],
    (after) =>
      unwrap(api.GET("/api/v1/compliance", { params: { query: { ...toApiQuery(filters), after, limit: PAGE_SIZE } } })),
    { enabled: ready },
  );
  // The server counts on the first page only.
  const counts = list.data?.pages[0]?.counts ?? null;

  const apply = (next: ComplianceFilters) => setSearch(filtersToSearch(next));
  const exporting = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/compliance/export", { params: { query: cleanQuery(toApiQuery(filters)) }, parseAs: "blob" }),
        `人员达标情况_${filters.year}.xlsx`,
      ),
    onSuccess: (name) => message.success(`已导出 ${name}`),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "导出失败"),
  });

  if (!me) return null;
  if (!ready) return <PageLoading />;

  const columns: ColumnsType<ComplianceRow> = [
    {
      title: "姓名",
      dataIndex: "name",
      fixed: "left",
      width: 100,
      render: (name: string, row) => (
        <Link to={`/compliance/people/${row.person_id}/${filters.year}`} data-testid="compliance-person">
          {name}
        </Link>
      ),
    },
    idNumberColumn<ComplianceRow>({ width: 180 }),
    ...(ownUnit || kind === "department"
      ? []
      : [{ title: "单位", dataIndex: "unit_name", width: 180 } as ColumnsType<ComplianceRow>[number]]),
    ...(kind === "department"
      ? []
      : [{ title: "科室", dataIndex: "department_name", width: 100, render: (d: string | null) => d ?? "—" } as ColumnsType<ComplianceRow>[number]]),
    { title: "类别", dataIndex: "discipline", width: 170, render: (d: string) => labelOf(DISCIPLINE_LABELS, d) },
    {
      title: "职称",
      key: "title",
      width: 130,
      render: (_, r) => titleText(r.title_name, r.title_level),
    },
    { title: "I类", dataIndex: "counted_i", align: "right", width: 60, render: (v: number) => formatCredits(v) },
    { title: "II类", dataIndex: "counted_ii", align: "right", width: 60, render: (v: number) => formatCredits(v) },
    { title: "自管", dataIndex: "self_managed", align: "right", width: 60, render: (v: number) => formatCredits(v) },
    { title: "总学分", dataIndex: "total", align: "right", width: 70, render: (v: number) => formatCredits(v) },
    {
      title: "结果",
      dataIndex: "outcome",
      width: 90,
      render: (o: Outcome) => (
        <Tag color={OUTCOME_COLORS[o]} data-testid="outcome-tag">
          {OUTCOME_LABELS[o]}
        </Tag>
      ),
    },
    {
      title: "不达标原因",
      key: "shortfalls",
      width: 280,
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
  ];

  return (
    <Card
      title={<PageTitle>人员达标情况查询</PageTitle>}
      data-testid="compliance-page"
      extra={
        <Button
          icon={<DownloadOutlined />}
          loading={exporting.isPending}
          onClick={() => exporting.mutate()}
          data-testid="compliance-export"
        >
          导出 XLSX
        </Button>
      }
    >
      <Form<ComplianceFilters>
        form={form}
        name="compliance_filters"
        layout="inline"
        initialValues={filters}
        onFinish={(v) => apply({ ...v, year: v.year ?? filters.year })}
        style={{ marginBottom: 16, rowGap: 8 }}
      >
        <Form.Item name="year" label="年度">
          <YearSelect />
        </Form.Item>
        {isOffice && (
          <Form.Item name="region_id">
            <RegionTreeSelect />
          </Form.Item>
        )}
        {isOffice && (
          <Form.Item name="unit_id">
            <UnitSelect regionId={chosenRegion} />
          </Form.Item>
        )}
        {/* Shown once a unit is known: a greyed-out select that does nothing is noise, and unreadable (1.8:1). */}
        {kind !== "department" && departmentsOf && (
          <Form.Item name="department_id">
            <DepartmentSelect unitId={departmentsOf} />
          </Form.Item>
        )}
        <Form.Item name="discipline">
          <Select placeholder="类别" aria-label="类别" allowClear style={{ width: 190 }} options={options(DISCIPLINE_LABELS)} />
        </Form.Item>
        <Form.Item name="outcome">
          <Select placeholder="结果" aria-label="结果" allowClear style={{ width: 120 }} options={options(OUTCOME_LABELS)} />
        </Form.Item>
        <Form.Item name="name">
          <Input placeholder="姓名" aria-label="姓名" allowClear style={{ width: 140 }} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" data-testid="compliance-search">
            查询
          </Button>
          <Button onClick={() => apply({ year: filters.year })}>重置</Button>
        </Space>
      </Form>
      {counts && (
        <Counts counts={counts} active={filters.outcome} onPick={(outcome) => apply({ ...filters, outcome })} />
      )}
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<ComplianceRow>
        rowKey="person_id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 1600 }}
        data-testid="compliance-table"
      />
      <LoadMore
        hasMore={list.hasNextPage}
        loading={list.isFetchingNextPage}
        onLoad={() => void list.fetchNextPage()}
        count={list.items.length}
      />
    </Card>
  );
}
