import { Button, Card, DatePicker, Form, Input, Select, Space, Table, Typography, message } from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs, { type Dayjs } from "dayjs";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import { cleanQuery, downloadFile } from "../../../api/download";
import type { AuditEntry } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { PageHeader } from "../../../components/PageHeader";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { AUDIT_ACTION, AUDIT_TARGET } from "../../../constants/labels.generated";
import { ROLE_LABELS, labelOf } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatDateTime } from "../../../utils/format";
import { auditFilters, auditSearch, type AuditFilters } from "./filters";

const PAGE_SIZE = 50;

const ACTION_OPTIONS = Object.entries(AUDIT_ACTION).map(([value, label]) => ({ value, label }));
const TARGET_OPTIONS = Object.entries(AUDIT_TARGET).map(([value, label]) => ({ value, label }));

type FormValues = { actor?: string; action?: string; target_type?: string; days?: [Dayjs, Dayjs] | null };

/**
 * 审计日志: who (a name and an organisation) did what, to what, when and from where, within
 * the caller's jurisdiction; newest first. The filters live in the URL; the same entries
 * export as XLSX.
 */
export default function AuditPage() {
  const [search, setSearch] = useSearchParams();
  const filters = auditFilters(search);
  const [form] = Form.useForm<FormValues>();
  const list = useCursorList<AuditEntry>(["audit", filters], (after) =>
    unwrap(api.GET("/api/v1/audit", { params: { query: cleanQuery({ ...filters, after, limit: PAGE_SIZE }) } })),
  );
  const apply = (v: FormValues) => {
    const next: AuditFilters = {
      actor: v.actor?.trim() || undefined,
      action: v.action || undefined,
      target_type: v.target_type || undefined,
      from: v.days?.[0]?.format("YYYY-MM-DD"),
      to: v.days?.[1]?.format("YYYY-MM-DD"),
    };
    setSearch(auditSearch(next), { replace: true });
  };
  const exportXlsx = () =>
    downloadFile(api.GET("/api/v1/audit/export", { params: { query: cleanQuery({ ...filters }) }, parseAs: "blob" }), "审计日志.xlsx").catch(
      () => void message.error("导出失败，请稍后再试"),
    );
  const columns: ColumnsType<AuditEntry> = [
    { title: "时间（北京时间）", dataIndex: "at", width: 170, render: (t: string) => formatDateTime(t) },
    {
      title: "操作人",
      key: "actor",
      width: 260,
      render: (_, e) => (
        <Space orientation="vertical" size={0}>
          <span>{e.actor}</span>
          {e.actor_role && <Typography.Text type="secondary">{labelOf(ROLE_LABELS, e.actor_role)}</Typography.Text>}
        </Space>
      ),
    },
    { title: "操作", dataIndex: "action_label", width: 160 },
    { title: "对象", dataIndex: "target_label", width: 160, render: (t: string | null) => t ?? "—" },
    {
      title: "内容",
      dataIndex: "summary",
      render: (s: string) => (s ? <Typography.Text ellipsis={{ tooltip: s }} style={{ maxWidth: 360 }}>{s}</Typography.Text> : "—"),
    },
    { title: "IP 地址", dataIndex: "ip", width: 130, render: (ip: string | null) => ip ?? "—" },
  ];
  return (
    <>
      <PageHeader
        title="审计日志"
        description="本辖区内的登录、数据修改与审核操作，按时间倒序"
        extra={
          <Button onClick={() => void exportXlsx()} data-testid="audit-export">
            导出 Excel
          </Button>
        }
      />
      <Card>
        <Form<FormValues>
          form={form}
          layout="inline"
          onFinish={apply}
          initialValues={{
            actor: filters.actor,
            action: filters.action,
            target_type: filters.target_type,
            days: filters.from && filters.to ? [dayjs(filters.from), dayjs(filters.to)] : null,
          }}
          style={{ marginBottom: 16, rowGap: 8 }}
          data-testid="audit-filters"
        >
          <Form.Item name="actor" label="操作人">
            <Input allowClear placeholder="姓名" style={{ width: 140 }} aria-label="操作人" />
          </Form.Item>
          <Form.Item name="action" label="操作">
            <Select allowClear showSearch optionFilterProp="label" options={ACTION_OPTIONS} style={{ width: 200 }} aria-label="操作" placeholder="全部" />
          </Form.Item>
          <Form.Item name="target_type" label="对象">
            <Select allowClear options={TARGET_OPTIONS} style={{ width: 150 }} aria-label="对象" placeholder="全部" />
          </Form.Item>
          <Form.Item name="days" label="日期">
            <DatePicker.RangePicker aria-label="日期" />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                查询
              </Button>
              <Button
                onClick={() => {
                  form.resetFields();
                  form.setFieldsValue({ actor: undefined, action: undefined, target_type: undefined, days: null });
                  setSearch(new URLSearchParams(), { replace: true });
                }}
              >
                重置
              </Button>
            </Space>
          </Form.Item>
        </Form>
        {list.isError && <ProblemAlert problem={list.error} />}
        <Table<AuditEntry>
          rowKey="seq"
          size="middle"
          columns={columns}
          dataSource={list.items}
          loading={list.isLoading}
          pagination={false}
          data-testid="audit-table"
          locale={{ emptyText: "没有符合条件的记录" }}
        />
        <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      </Card>
    </>
  );
}
