import { CheckOutlined, CloseOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Form, Input, Modal, Space, Table, Tabs } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import type { Correction } from "../../api/certificateTypes";
import { ProblemAlert } from "../../components/ProblemAlert";
import { submitModalForm } from "../../utils/modalForm";
import { CorrectionDrawer, correctionColumns } from "./shared";
import { pagesOf } from "../../components/paging";

type Deciding = { correction: Correction; decision: "approve" | "reject" };

/** The queue waiting on the caller's tier, or every request of its place. */
function CorrectionTable({ waiting, onOpen, onDecide }: { waiting: boolean; onOpen: (id: string) => void; onDecide: (d: Deciding) => void }) {
  const list = useQuery({
    queryKey: ["title-corrections", waiting ? "waiting" : "all"],
    queryFn: () => unwrap(api.GET("/api/v1/title-corrections", { params: { query: { waiting: waiting || undefined } } })),
  });
  const columns = correctionColumns((c) => onOpen(c.id));
  if (waiting)
    columns.push({
      title: "操作",
      key: "actions",
      width: 150,
      fixed: "right",
      render: (_, c) => (
        <Space>
          <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => onDecide({ correction: c, decision: "approve" })} data-testid="correction-approve">
            通过
          </Button>
          <Button size="small" danger icon={<CloseOutlined />} onClick={() => onDecide({ correction: c, decision: "reject" })} data-testid="correction-reject">
            驳回
          </Button>
        </Space>
      ),
    });
  return (
    <>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Correction>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data ?? []}
        loading={list.isLoading}
        pagination={pagesOf(list.data?.length ?? 0, 20)}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: waiting ? "没有等待本机构审核的更正申请" : "暂无更正申请" }}
        data-testid={waiting ? "correction-queue" : "correction-all"}
      />
    </>
  );
}

/** 职称更正审核: the unit and each office above approve or reject (with a reason); the province decides. */
export default function ReviewPage() {
  const [openId, setOpenId] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<Deciding | null>(null);
  const [form] = Form.useForm<{ reason?: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["title-corrections"] });
    void queryClient.invalidateQueries({ queryKey: ["title-correction"] });
  };
  const decide = useMutation({
    mutationFn: ({ correction, decision, reason }: Deciding & { reason?: string }) =>
      unwrap(
        api.POST("/api/v1/title-corrections/{id}/decision", {
          params: { path: { id: correction.id } },
          body: { row_version: correction.row_version, decision, reason: reason || undefined },
        }),
      ),
    onSuccess(c) {
      message.success(
        c.state === "approved" ? "已批准：证书已按新职称重新颁发" : c.state === "rejected" ? "已驳回" : "已通过，送上一级审核",
      );
      setDeciding(null);
      refresh();
    },
    onError(error) {
      if (error.status === 409) refresh();
    },
  });
  const isReject = deciding?.decision === "reject";
  const finish = (v: { reason?: string }) => deciding && decide.mutate({ ...deciding, reason: v.reason?.trim() });
  return (
    <Card title="职称更正审核" data-testid="correction-review">
      <Tabs
        destroyOnHidden
        items={[
          {
            key: "waiting",
            label: "待我审核",
            children: (
              <CorrectionTable
                waiting
                onOpen={setOpenId}
                onDecide={(d) => {
                  decide.reset();
                  setDeciding(d);
                }}
              />
            ),
          },
          { key: "all", label: "全部申请", children: <CorrectionTable waiting={false} onOpen={setOpenId} onDecide={setDeciding} /> },
        ]}
      />
      <CorrectionDrawer id={openId} onClose={() => setOpenId(null)} />
      <Modal
        title={isReject ? "驳回更正申请" : "通过更正申请"}
        open={deciding !== null}
        okText={isReject ? "确认驳回" : "确认通过"}
        okButtonProps={{ danger: isReject }}
        cancelText="取消"
        confirmLoading={decide.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        {deciding && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 16 }}
            title={`${deciding.correction.person_name} ${deciding.correction.year} 年度：${deciding.correction.old_title} → ${deciding.correction.new_title}`}
            description={
              isReject
                ? "驳回后申请结束，本人或单位可重新申请。"
                : "通过后送上一级审核；省继教委办公室通过即按新职称重新颁发证书（同一编号，新版本），原证书显示为已被取代。"
            }
          />
        )}
        {decide.isError && (
          <div style={{ marginBottom: 16 }}>
            {decide.error.status === 409 && (
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="申请已被他人处理或已变更，列表已刷新。" />
            )}
            <ProblemAlert problem={decide.error} />
          </div>
        )}
        <Form form={form} layout="vertical" name="correction_decision" onFinish={finish}>
          <Form.Item
            name="reason"
            label={isReject ? "驳回原因" : "审核意见（可选）"}
            rules={isReject ? [{ required: true, whitespace: true, message: "请填写驳回原因" }] : []}
          >
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
