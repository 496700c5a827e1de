import { SendOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Tabs } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { CreditItem, CreditReport } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatCredits } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { creditItemColumns, reportColumns } from "../credit-reports/columns";

function Drafts() {
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ note?: string }>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const drafts = useQuery({ queryKey: ["credit-drafts"], queryFn: () => unwrap(api.GET("/api/v1/credit-drafts")) });
  const report = useMutation({
    mutationFn: (note: string | undefined) =>
      unwrap(api.POST("/api/v1/credit-reports", { body: { credit_ids: selected, note: note?.trim() || null } })),
    onSuccess(r) {
      message.success(`已上报 ${r.credit_count} 条记录，等待单位审核`);
      setOpen(false);
      setSelected([]);
      void queryClient.invalidateQueries({ queryKey: ["credit-drafts"] });
      void queryClient.invalidateQueries({ queryKey: ["credit-reports"] });
      navigate(`/credit-reports/${r.id}`);
    },
  });
  const finish = (v: { note?: string }) => report.mutate(v.note);
  const rows = drafts.data ?? [];
  const chosen = rows.filter((r) => selected.includes(r.id));
  const total = chosen.reduce((sum, r) => sum + Math.round(r.amount * 10), 0) / 10;
  return (
    <>
      {drafts.isError && <ProblemAlert problem={drafts.error} />}
      <Space style={{ marginBottom: 16 }} wrap>
        <Button
          type="primary"
          icon={<SendOutlined />}
          disabled={selected.length === 0}
          onClick={() => setOpen(true)}
          data-testid="report-drafts"
        >
          上报所选（{selected.length}）
        </Button>
        <Link to="/credit-entry">
          <Button>录入学分</Button>
        </Link>
      </Space>
      <Table<CreditItem>
        rowKey="id"
        size="middle"
        columns={creditItemColumns()}
        dataSource={rows}
        loading={drafts.isLoading}
        pagination={false}
        scroll={{ x: 1200 }}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
        locale={{ emptyText: "没有待上报的草稿" }}
        data-testid="drafts-table"
      />
      <Modal
        title="上报学分记录"
        open={open}
        okText="上报"
        cancelText="取消"
        confirmLoading={report.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={`将上报 ${chosen.length} 条记录，共 ${formatCredits(total)} 分。上报后由单位逐条审核，审核通过的记录才计入学分。`}
        />
        {report.isError && <ProblemAlert problem={report.error} />}
        <Form form={form} layout="vertical" name="report" onFinish={finish}>
          <Form.Item name="note" label="说明（选填）">
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function MyReports() {
  const list = useCursorList<CreditReport>(["credit-reports", "mine"], (after) =>
    unwrap(api.GET("/api/v1/credit-reports", { params: { query: { after, limit: 50 } } })),
  );
  return (
    <>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<CreditReport>
        rowKey="id"
        size="middle"
        columns={reportColumns()}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        data-testid="my-reports-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
    </>
  );
}

/** 科室学分上报: the department's drafts, reported in batches; its reports and their decisions. */
export default function CreditDraftsPage() {
  return (
    <Card title="科室学分上报" data-testid="credit-drafts">
      <Tabs
        items={[
          { key: "drafts", label: "待上报草稿", children: <Drafts /> },
          { key: "reports", label: "已上报", children: <MyReports /> },
        ]}
      />
    </Card>
  );
}
