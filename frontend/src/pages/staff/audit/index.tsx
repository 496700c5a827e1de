import { Card, Space, Table, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { api, unwrap } from "../../../api/client";
import type { AuditEntry } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { ROLE_LABELS, labelOf } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatDateTime } from "../../../utils/format";

const PAGE_SIZE = 50;

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined || detail === "") return "";
  return typeof detail === "string" ? detail : JSON.stringify(detail);
}

/** 审计日志: who did what, when and from where, within the caller's jurisdiction; newest first. */
export default function AuditPage() {
  const list = useCursorList<AuditEntry>(["audit"], (after) =>
    unwrap(api.GET("/api/v1/audit", { params: { query: { after, limit: PAGE_SIZE } } })),
  );
  const columns: ColumnsType<AuditEntry> = [
    { title: "时间（北京时间）", dataIndex: "at", width: 180, render: (t: string) => formatDateTime(t) },
    {
      title: "操作人",
      key: "actor",
      render: (_, e) => (
        <Space direction="vertical" size={0}>
          <span>{e.actor_name ?? "—"}</span>
          {e.actor_role && <Typography.Text type="secondary">{labelOf(ROLE_LABELS, e.actor_role)}</Typography.Text>}
        </Space>
      ),
    },
    { title: "操作", dataIndex: "action", render: (a: string) => <code>{a}</code> },
    {
      title: "对象",
      key: "target",
      render: (_, e) => (e.target_type ? `${e.target_type}${e.target_id ? ` ${e.target_id}` : ""}` : "—"),
    },
    { title: "IP", dataIndex: "ip", width: 140, render: (ip: string | null) => ip ?? "—" },
    {
      title: "详情",
      dataIndex: "detail",
      ellipsis: true,
      render: (d: unknown) => {
        const text = detailText(d);
        return text ? <Typography.Text ellipsis={{ tooltip: text }} style={{ maxWidth: 320 }}>{text}</Typography.Text> : "—";
      },
    },
  ];
  return (
    <Card title="审计日志">
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<AuditEntry> rowKey="seq" size="middle" columns={columns} dataSource={list.items} loading={list.isLoading} pagination={false} data-testid="audit-table" />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
    </Card>
  );
}
