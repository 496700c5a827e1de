import { CheckOutlined, CloseOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Breadcrumb, Button, Card, Descriptions, Form, Input, Modal, Space, Spin, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { Link, useParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { CreditItem, Decision } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { NotFoundOrForbidden } from "../../../auth/denied";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { creditItemColumns } from "./columns";
import { ActorName } from "../../../components/ActorName";

/** 审核上报: the unit approves or rejects (with a reason) each reported record. */
export default function ReportPage() {
  const { reportId = "" } = useParams();
  const { can, me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [selected, setSelected] = useState<string[]>([]);
  const [rejecting, setRejecting] = useState<CreditItem[] | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const mayDecide = can("review_credits");
  const detail = useQuery({
    queryKey: ["credit-report", reportId],
    queryFn: () => unwrap(api.GET("/api/v1/credit-reports/{id}", { params: { path: { id: reportId } } })),
  });
  const decided = {
    onSuccess(updated: NonNullable<typeof detail.data>, decisions: Decision[]) {
      queryClient.setQueryData(["credit-report", reportId], updated);
      void queryClient.invalidateQueries({ queryKey: ["credit-reports"] });
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
      void queryClient.invalidateQueries({ queryKey: ["person-year"] });
      const approved = decisions.filter((d) => d.approve).length;
      const rejected = decisions.length - approved;
      message.success([approved ? `通过 ${approved} 条` : "", rejected ? `不通过 ${rejected} 条` : ""].filter(Boolean).join("，"));
      setSelected([]);
      setRejecting(null);
    },
  };
  const sendDecisions = (decisions: Decision[]) =>
    unwrap(api.POST("/api/v1/credit-reports/{id}/decisions", { params: { path: { id: reportId } }, body: { decisions } }));
  // Two mutations, so that the reject modal's OK button is never loading
  // (and ignoring its click) for an approval sent from the table.
  const approval = useMutation({ mutationFn: sendDecisions, ...decided });
  const reject = useMutation({ mutationFn: sendDecisions, ...decided });
  const openReject = (rows: CreditItem[]) => {
    reject.reset();
    setRejecting(rows);
  };

  if (detail.isLoading) return <Spin size="large" />;
  if (detail.isError) {
    if (detail.error instanceof ApiProblem && detail.error.status === 404) {
      return <NotFoundOrForbidden backTo={mayDecide ? "/credit-reports" : "/credit-drafts"} />;
    }
    return <ProblemAlert problem={detail.error} />;
  }
  const { report, items } = detail.data!;
  const pending = items.filter((i) => i.state === "pending");
  const selectedPending = pending.filter((i) => selected.includes(i.id));
  const approve = (rows: CreditItem[]) => approval.mutate(rows.map((r) => ({ credit_id: r.id, approve: true })));
  const finishReject = (v: { reason: string }) =>
    reject.mutate((rejecting ?? []).map((r) => ({ credit_id: r.id, approve: false, reason: v.reason.trim() })));

  const columns: ColumnsType<CreditItem> = [
    ...creditItemColumns(),
    {
      title: "审核意见",
      key: "decision",
      width: 180,
      render: (_, c) =>
        c.decided_at ? (
          <>
            <ActorName login={c.decided_by} fallback="" /> {formatDateTime(c.decided_at)}
            {c.decision_reason ? `：${c.decision_reason}` : ""}
          </>
        ) : (
          "—"
        ),
    },
  ];
  if (mayDecide) {
    columns.push({
      title: "操作",
      key: "actions",
      width: 170,
      fixed: "right",
      render: (_, c) =>
        c.state === "pending" ? (
          <Space>
            <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => approve([c])} loading={approval.isPending} data-testid="approve-one">
              通过
            </Button>
            <Button size="small" danger icon={<CloseOutlined />} onClick={() => openReject([c])} data-testid="reject-one">
              不通过
            </Button>
          </Space>
        ) : null,
    });
  }

  const backTo = mayDecide ? "/credit-reports" : "/credit-drafts";
  const backLabel = mayDecide ? "学分审核" : "科室学分上报";
  return (
    <>
      <Breadcrumb style={{ marginBottom: 16 }} items={[{ title: <Link to={backTo}>{backLabel}</Link> }, { title: `${report.department_name}的上报` }]} />
      <Card title={`${report.department_name} · 学分上报`} style={{ marginBottom: 16 }} data-testid="report-detail">
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="上报人"><ActorName login={report.submitted_by} /></Descriptions.Item>
          <Descriptions.Item label="上报时间">{formatDateTime(report.submitted_at)}</Descriptions.Item>
          <Descriptions.Item label="记录数">{report.credit_count}</Descriptions.Item>
          <Descriptions.Item label="待审核">
            <span data-testid="report-pending">{report.pending}</span>
          </Descriptions.Item>
          <Descriptions.Item label="完成时间">{formatDateTime(report.closed_at)}</Descriptions.Item>
          <Descriptions.Item label="说明">{report.note ?? "—"}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card
        title="上报记录"
        extra={
          mayDecide && pending.length > 0 ? (
            <Space wrap>
              <Button
                type="primary"
                icon={<CheckOutlined />}
                disabled={selectedPending.length === 0}
                loading={approval.isPending}
                onClick={() => approve(selectedPending)}
                data-testid="approve-selected"
              >
                批量通过（{selectedPending.length}）
              </Button>
              <Button
                danger
                disabled={selectedPending.length === 0}
                onClick={() => openReject(selectedPending)}
                data-testid="reject-selected"
              >
                批量不通过（{selectedPending.length}）
              </Button>
            </Space>
          ) : null
        }
      >
        {!mayDecide && me?.organisation.kind === "department" && report.pending > 0 && (
          <Alert type="info" showIcon title="等待单位审核；审核通过的记录才计入学分。" style={{ marginBottom: 16 }} />
        )}
        {approval.isError && <ProblemAlert problem={approval.error} />}
        <Table<CreditItem>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items}
          pagination={false}
          scroll={{ x: "max-content" }}
          rowSelection={
            mayDecide && pending.length > 0
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(String)),
                  getCheckboxProps: (c) => ({ disabled: c.state !== "pending" }),
                }
              : undefined
          }
          data-testid="report-items"
        />
      </Card>
      <Modal
        title={`审核不通过（${rejecting?.length ?? 0} 条）`}
        open={rejecting !== null}
        okText="确认不通过"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={reject.isPending}
        onOk={() => submitModalForm(form, finishReject)}
        onCancel={() => setRejecting(null)}
        destroyOnHidden
      >
        {reject.isError && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert problem={reject.error} />
          </div>
        )}
        <Form form={form} layout="vertical" name="reject" onFinish={finishReject}>
          <Form.Item name="reason" label="不通过原因" rules={[{ required: true, whitespace: true, message: "请填写不通过原因" }]}>
            <Input.TextArea rows={3} maxLength={200} showCount placeholder="例如：证书学分与录入不符" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
