import { DownloadOutlined, FilePdfOutlined, ReloadOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Card, Col, Form, Input, Row, Select, Space, Statistic, Table, Tooltip, Typography } from "antd";
import { useEffect, useMemo } from "react";
import { useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { cleanQuery, downloadFile } from "../../../api/download";
import type { CompliancePage as Page, ComplianceRow, Outcome, OutcomeCounts } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageLoading } from "../../../auth/guards";
import { LoadMore } from "../../../components/LoadMore";
import { PageHeader } from "../../../components/PageHeader";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect } from "../../../components/pickers/DepartmentSelect";
import { RegionTreeSelect } from "../../../components/pickers/RegionTreeSelect";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { YearSelect } from "../../../components/pickers/YearSelect";
import { DISCIPLINE_LABELS, OUTCOME_LABELS, options } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { useWorkingYear } from "../../../hooks/workingYear";
import { formatDateTime } from "../../../utils/format";
import { type Viewer, complianceColumns, minimumWidth } from "./columns";
import { type ComplianceFilters, filtersFromSearch, filtersToSearch, toApiQuery } from "./filters";

const PAGE_SIZE = 50;

function totalOf(counts: OutcomeCounts): number {
  return counts.compliant + counts.non_compliant + counts.not_counted + counts.undetermined;
}

function Counts({ counts, active, onPick }: { counts: OutcomeCounts; active?: Outcome; onPick: (o?: Outcome) => void }) {
  const total = totalOf(counts);
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

/** 人员达标情况查询: a year's verdicts in the caller's jurisdiction, filtered, counted, exported, printed. */
export default function CompliancePage() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const workingYear = useWorkingYear();
  const [search, setSearch] = useSearchParams();
  // Until the working year is known the list waits (`ready`); the URL's year wins.
  const fallbackYear = workingYear ?? 0;
  const filters = useMemo(() => filtersFromSearch(search, fallbackYear), [search, fallbackYear]);
  const [form] = Form.useForm<ComplianceFilters>();
  useEffect(() => form.setFieldsValue({ discipline: undefined, outcome: undefined, ...filters }), [filters, form]);

  const kind = me?.organisation.kind;
  const isOffice = kind === "province" || kind === "region";
  const ownUnit = kind === "unit" ? (me?.organisation.id ?? undefined) : undefined;
  const unitForDepartments = ownUnit ?? filters.unit_id;
  const chosenUnit = Form.useWatch("unit_id", form);
  const chosenRegion = Form.useWatch("region_id", form);

  const ready = filters.year > 0;
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
  const printing = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/compliance/export", { params: { query: { ...cleanQuery(toApiQuery(filters)), format: "pdf" } }, parseAs: "blob" }),
        `人员达标情况_${filters.year}.pdf`,
      ),
    onSuccess: (name) => message.success(`已生成 ${name}`),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "打印失败"),
  });

  if (!me) return null;
  if (!ready) return <PageLoading />;

  const viewer: Viewer = isOffice ? "office" : kind === "department" ? "department" : "unit";
  const columns = complianceColumns(viewer, filters.year);
  // The query's total: the server counts every outcome; the outcome filter picks one.
  const total = counts ? (filters.outcome ? counts[filters.outcome] : totalOf(counts)) : undefined;

  return (
    <div data-testid="compliance-page">
      <PageHeader title="人员达标情况查询" description={`${filters.year} 年度，辖区内人员的学分达标结论与不达标原因。`} />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Form<ComplianceFilters>
          form={form}
          name="compliance_filters"
          layout="inline"
          initialValues={filters}
          onFinish={(v) => apply({ ...v, year: v.year ?? filters.year })}
          style={{ rowGap: 8 }}
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
          {kind !== "department" && (ownUnit ?? chosenUnit ?? unitForDepartments) && (
            <Form.Item name="department_id">
              <DepartmentSelect unitId={ownUnit ?? chosenUnit ?? unitForDepartments} />
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
      </Card>
      {counts && <Counts counts={counts} active={filters.outcome} onPick={(outcome) => apply({ ...filters, outcome })} />}
      {list.data?.pages[0]?.counts_at && (
        <Typography.Paragraph type="secondary" data-testid="counts-at">
          人数统计于 {formatDateTime(list.data.pages[0].counts_at)}
        </Typography.Paragraph>
      )}
      <Card
        size="small"
        title={total === undefined ? "查询结果" : `查询结果（共 ${total} 人）`}
        extra={
          <Space>
            <Tooltip title="刷新">
              <Button
                icon={<ReloadOutlined />}
                aria-label="刷新"
                loading={list.isRefetching && !list.isFetchingNextPage}
                onClick={() => void list.refetch()}
                data-testid="compliance-refresh"
              />
            </Tooltip>
            <Button icon={<DownloadOutlined />} loading={exporting.isPending} onClick={() => exporting.mutate()} data-testid="compliance-export">
              导出 XLSX
            </Button>
            <Button icon={<FilePdfOutlined />} loading={printing.isPending} onClick={() => printing.mutate()} data-testid="compliance-pdf">
              打印 PDF
            </Button>
          </Space>
        }
      >
        {list.isError && <ProblemAlert problem={list.error} />}
        <Table<ComplianceRow>
          rowKey="person_id"
          size="small"
          columns={columns}
          dataSource={list.items}
          loading={list.isLoading}
          pagination={false}
          // Below the columns' minimum the table scrolls, the name column staying put.
          scroll={{ x: minimumWidth(columns) }}
          data-testid="compliance-table"
        />
        <LoadMore
          hasMore={list.hasNextPage}
          loading={list.isFetchingNextPage}
          onLoad={() => void list.fetchNextPage()}
          count={list.items.length}
          total={total}
        />
      </Card>
    </div>
  );
}
