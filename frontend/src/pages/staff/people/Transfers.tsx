import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Form, Input, Modal, Radio, Space, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { api, toApiProblem } from "../../../api/client";
import { useAuth } from "../../../auth/AuthProvider";
import { LoadMore } from "../../../components/LoadMore";
import { IdNumber } from "../../../components/PeopleTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect } from "../../../components/pickers/DepartmentSelect";
import { DISCIPLINE_LABELS, labelOf } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { TRANSFER_STATE_COLORS, TRANSFER_STATE_LABELS } from "./transferLabels";
import type { Transfer, TransferPage } from "./types";
import { ActorName } from "../../../components/ActorName";

type Direction = "incoming" | "outgoing";
type Action = { kind: "accept" | "reject" | "cancel"; transfer: Transfer } | null;

/** 人员调动: transfers into the unit (accept or reject) and out of it (withdraw while pending). */
export function Transfers() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [direction, setDirection] = useState<Direction>("incoming");
  const [action, setAction] = useState<Action>(null);
  const [form] = Form.useForm<{ reason?: string; department_id?: string }>();
  const list = useCursorList<Transfer, TransferPage>(["transfers", direction], async (after) => {
    const { data, error, response } = await api.GET("/api/v1/transfers", {
      params: { query: { direction, after, limit: 50 } },
    });
    if (!response.ok || !data) throw toApiProblem(error, response);
    return data;
  });
  const decide = useMutation({
    mutationFn: async ({ a, v }: { a: NonNullable<Action>; v: { reason?: string; department_id?: string } }) => {
      const id = a.transfer.id;
      const call =
        a.kind === "accept"
          ? api.POST("/api/v1/transfers/{id}/accept", { params: { path: { id } }, body: { department_id: v.department_id ?? null } })
          : a.kind === "reject"
            ? api.POST("/api/v1/transfers/{id}/reject", { params: { path: { id } }, body: { reason: (v.reason ?? "").trim() } })
            : api.POST("/api/v1/transfers/{id}/cancel", { params: { path: { id } }, body: { reason: (v.reason ?? "").trim() } });
      const { error, response } = await call;
      if (!response.ok) throw toApiProblem(error, response);
    },
    onSuccess(_, { a }) {
      message.success(a.kind === "accept" ? "已接收，人员已转入本单位" : a.kind === "reject" ? "已拒收" : "已撤回");
      setAction(null);
      void queryClient.invalidateQueries({ queryKey: ["transfers"] });
      void queryClient.invalidateQueries({ queryKey: ["people"] });
    },
  });
  const finish = (v: { reason?: string; department_id?: string }) => action && decide.mutate({ a: action, v });
  const columns: ColumnsType<Transfer> = [
    { title: "姓名", key: "name", render: (_, t) => t.person.name },
    {
      title: "身份证号",
      key: "id",
      render: (_, t) => <IdNumber value={t.person.id_number_masked} />,
    },
    { title: "类别", key: "discipline", render: (_, t) => labelOf(DISCIPLINE_LABELS, t.person.discipline) },
    { title: direction === "incoming" ? "调出单位" : "接收单位", key: "unit", render: (_, t) => (direction === "incoming" ? t.from_unit.name : t.to_unit.name) },
    { title: "原因", dataIndex: "reason" },
    { title: "申请", key: "req", render: (_, t) => (<><ActorName login={t.requested_by} /> {formatDateTime(t.requested_at)}</>) },
    {
      title: "状态",
      dataIndex: "state",
      render: (s: Transfer["state"], t) => (
        <Space orientation="vertical" size={0}>
          <Tag color={TRANSFER_STATE_COLORS[s]}>{TRANSFER_STATE_LABELS[s]}</Tag>
          {t.decision_reason && <span>{t.decision_reason}</span>}
        </Space>
      ),
    },
    {
      title: "操作",
      key: "actions",
      render: (_, t) =>
        t.state !== "pending" ? null : direction === "incoming" ? (
          <Space>
            <Button size="small" type="primary" onClick={() => setAction({ kind: "accept", transfer: t })} data-testid="transfer-accept">
              接收
            </Button>
            <Button size="small" danger onClick={() => setAction({ kind: "reject", transfer: t })} data-testid="transfer-reject">
              拒收
            </Button>
          </Space>
        ) : (
          <Button size="small" onClick={() => setAction({ kind: "cancel", transfer: t })}>
            撤回
          </Button>
        ),
    },
  ];
  const titles = { accept: "接收调入人员", reject: "拒收", cancel: "撤回调出申请" };
  return (
    <>
      <Radio.Group
        value={direction}
        onChange={(e) => setDirection(e.target.value as Direction)}
        optionType="button"
        options={[
          { value: "incoming", label: "调入（待本单位接收）" },
          { value: "outgoing", label: "调出（本单位申请）" },
        ]}
        style={{ marginBottom: 16 }}
      />
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Transfer>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        data-testid={`transfers-${direction}`}
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      <Modal
        title={action ? `${titles[action.kind]}：${action.transfer.person.name}` : ""}
        open={action !== null}
        okText="确定"
        cancelText="取消"
        confirmLoading={decide.isPending}
        onOk={() => submitModalForm(form, finish)}
        onCancel={() => setAction(null)}
        destroyOnHidden
      >
        {decide.isError && <ProblemAlert problem={decide.error} />}
        <Form form={form} layout="vertical" name="transfer_decision" onFinish={finish}>
          {action?.kind === "accept" ? (
            <Form.Item name="department_id" label="转入科室（选填）">
              <DepartmentSelect unitId={me?.organisation.id} style={{ width: "100%" }} />
            </Form.Item>
          ) : (
            <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, message: "请填写原因" }]}>
              <Input.TextArea rows={2} maxLength={200} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
