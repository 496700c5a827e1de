import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import type { ApiClientInfo, CreateApiClientRequest, CreatedApiClient } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SecretModal } from "../../../components/SecretModal";
import { OPERATION_LABELS, labelOf } from "../../../constants/enums";
import { formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";

const CLIENTS_KEY = ["api-clients"];

/** Operations a client may be granted: what the caller may do, minus administering access itself. */
const NOT_GRANTABLE: readonly string[] = ["manage_accounts", "manage_api_clients", "read_self"];

function CreateClientModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (c: CreatedApiClient) => void }) {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CreateApiClientRequest>();
  const grantable = (me?.permissions ?? []).filter((op) => !NOT_GRANTABLE.includes(op));
  const mutation = useMutation({
    mutationFn: (body: CreateApiClientRequest) => unwrap(api.POST("/api/v1/api-clients", { body })),
    onSuccess(created) {
      void queryClient.invalidateQueries({ queryKey: CLIENTS_KEY });
      form.resetFields();
      onClose();
      onCreated(created);
    },
    onError(problem) {
      if (problem instanceof ApiProblem && problem.errors.length > 0) {
        form.setFields(problem.errors.map((e) => ({ name: fieldPath(e.field) as ["name"], errors: [e.message] })));
      }
    },
  });
  const finish = (v: CreateApiClientRequest) => mutation.mutate({ name: v.name.trim(), scopes: v.scopes });
  return (
    <Modal
      title="新建接口客户端"
      open={open}
      okText="创建"
      cancelText="取消"
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
    >
      {mutation.isError && mutation.error instanceof ApiProblem && mutation.error.errors.length === 0 && (
        <ProblemAlert problem={mutation.error} />
      )}
      <Form<CreateApiClientRequest>
        form={form}
        name="create_api_client"
        layout="vertical"
        preserve={false}
        initialValues={{ scopes: grantable.includes("read_hierarchy") ? ["read_hierarchy"] : [] }}
        onFinish={finish}
      >
        <Form.Item name="name" label="名称" rules={[{ required: true, whitespace: true, message: "请输入名称" }]}>
          <Input placeholder="例如：医院人事系统" />
        </Form.Item>
        <Form.Item name="scopes" label="授权范围" rules={[{ required: true, type: "array", min: 1, message: "至少选择一项" }]}>
          <Checkbox.Group options={grantable.map((op) => ({ value: op, label: labelOf(OPERATION_LABELS, op) }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 接口客户端: outside systems' credentials, scoped to the caller's organisation. */
export default function ApiClientsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedApiClient | null>(null);
  const clients = useQuery({ queryKey: CLIENTS_KEY, queryFn: () => unwrap(api.GET("/api/v1/api-clients")) });
  const revoke = useMutation({
    mutationFn: (client: ApiClientInfo) => unwrap(api.DELETE("/api/v1/api-clients/{id}", { params: { path: { id: client.id } } })),
    onSuccess() {
      message.success("已吊销");
      void queryClient.invalidateQueries({ queryKey: CLIENTS_KEY });
    },
    onError: (problem) => message.error(problem instanceof ApiProblem ? (problem.detail ?? problem.title) : "操作失败"),
  });

  const columns: ColumnsType<ApiClientInfo> = [
    { title: "名称", dataIndex: "name" },
    { title: "客户端 ID", dataIndex: "client_id", render: (v: string) => <code>{v}</code> },
    {
      title: "授权范围",
      dataIndex: "scopes",
      render: (scopes: string[]) => (
        <Space size={4} wrap>
          {scopes.map((s) => (
            <Tag key={s}>{labelOf(OPERATION_LABELS, s)}</Tag>
          ))}
        </Space>
      ),
    },
    { title: "创建时间", dataIndex: "created_at", render: (t: string) => formatDateTime(t) },
    { title: "状态", dataIndex: "revoked", render: (r: boolean) => (r ? <Tag>已吊销</Tag> : <Tag color="green">有效</Tag>) },
    {
      title: "操作",
      key: "actions",
      render: (_, c) =>
        c.revoked ? null : (
          <Popconfirm
            title={`吊销 ${c.name}？`}
            description="吊销后该客户端立即无法再调用接口，且不可恢复。"
            okText="吊销"
            okButtonProps={{ danger: true }}
            cancelText="取消"
            onConfirm={() => revoke.mutateAsync(c).catch(() => {})}
          >
            <Button type="link" size="small" danger>
              吊销
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Card
      title="接口客户端"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="api-client-create">
          新建客户端
        </Button>
      }
    >
      {clients.isError && <ProblemAlert problem={clients.error} />}
      <Table<ApiClientInfo> rowKey="id" size="middle" columns={columns} dataSource={clients.data ?? []} loading={clients.isLoading} pagination={false} data-testid="api-clients-table" />
      <CreateClientModal open={creating} onClose={() => setCreating(false)} onCreated={setCreated} />
      <SecretModal
        open={created !== null}
        title="客户端已创建"
        onClose={() => setCreated(null)}
        note="客户端密钥仅显示这一次，关闭后无法再次查看；遗失只能吊销后重建。"
        fields={
          created
            ? [
                { label: "客户端 ID", value: created.client.client_id, testId: "client-id" },
                { label: "客户端密钥", value: created.client_secret, testId: "client-secret" },
              ]
            : []
        }
      />
    </Card>
  );
}
