import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import type { Account, CreateAccountRequest, Role } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SecretModal } from "../../../components/SecretModal";
import { ROLE_LABELS, labelOf } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatDateTime } from "../../../utils/format";
import { submitModalForm } from "../../../utils/modalForm";
import { OrganisationPicker } from "./OrganisationPicker";

const PAGE_SIZE = 50;
const ACCOUNTS_KEY = ["accounts"];

interface Secret {
  title: string;
  username: string;
  password: string;
}

/** The form's values: the role is picked from the caller's `manageable_roles`. */
type AccountForm = Omit<CreateAccountRequest, "role"> & { role: Role };

function CreateAccountModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (s: Secret) => void }) {
  const { me } = useAuth();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<AccountForm>();
  const role = Form.useWatch("role", form);
  const mutation = useMutation({
    mutationFn: (body: CreateAccountRequest) => unwrap(api.POST("/api/v1/accounts", { body })),
    onSuccess(created) {
      void queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY });
      form.resetFields();
      onClose();
      onCreated({ title: "账号已创建", username: created.account.username, password: created.initial_password });
    },
    onError(problem) {
      if (problem instanceof ApiProblem && problem.errors.length > 0) {
        form.setFields(problem.errors.map((e) => ({ name: fieldPath(e.field) as ["username"], errors: [e.message] })));
      }
    },
  });
  const roles = me?.manageable_roles ?? [];
  const finish = (v: AccountForm) =>
    mutation.mutate({ ...v, username: v.username.trim(), display_name: v.display_name.trim() });
  return (
    <Modal
      title="新建账号"
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
      <Form<AccountForm>
        form={form}
        name="create_account"
        layout="vertical"
        preserve={false}
        onFinish={finish}
      >
        <Form.Item
          name="username"
          label="用户名"
          rules={[
            { required: true, whitespace: true, message: "请输入用户名" },
            { pattern: /^[A-Za-z0-9_.-]{3,32}$/, message: "3–32 位字母、数字、下划线、点或连字符" },
          ]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="display_name" label="名称" rules={[{ required: true, whitespace: true, message: "请输入名称" }]}>
          <Input placeholder="例如：宜良县卫生健康局继教办" />
        </Form.Item>
        <Form.Item name="role" label="角色" rules={[{ required: true, message: "请选择角色" }]}>
          <Select
            options={roles.map((r) => ({ value: r, label: labelOf(ROLE_LABELS, r) }))}
            onChange={() => form.setFieldValue("organisation_id", undefined)}
            data-testid="role-select"
          />
        </Form.Item>
        <Form.Item name="organisation_id" label="所属机构" rules={[{ required: true, message: "请选择所属机构" }]}>
          <OrganisationPicker role={role} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 账号管理: the accounts of the tiers below the caller. */
export default function AccountsPage() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const list = useCursorList<Account>(ACCOUNTS_KEY, (after) =>
    unwrap(api.GET("/api/v1/accounts", { params: { query: { after, limit: PAGE_SIZE } } })),
  );

  const toggle = useMutation({
    mutationFn: (account: Account) =>
      unwrap(
        api.PATCH("/api/v1/accounts/{id}", {
          params: { path: { id: account.id } },
          body: { disabled: !account.disabled },
        }),
      ),
    onSuccess(updated) {
      message.success(updated.disabled ? "账号已停用，其登录已全部退出" : "账号已启用");
      void queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY });
    },
    onError: (problem) => message.error(problem instanceof ApiProblem ? (problem.detail ?? problem.title) : "操作失败"),
  });
  const reset = useMutation({
    mutationFn: (account: Account) =>
      unwrap(api.POST("/api/v1/accounts/{id}/reset-password", { params: { path: { id: account.id } } })).then((r) => ({
        account,
        password: r.initial_password,
      })),
    onSuccess({ account, password }) {
      setSecret({ title: "密码已重置", username: account.username, password });
      void queryClient.invalidateQueries({ queryKey: ACCOUNTS_KEY });
    },
    onError: (problem) => message.error(problem instanceof ApiProblem ? (problem.detail ?? problem.title) : "操作失败"),
  });

  const columns: ColumnsType<Account> = [
    { title: "用户名", dataIndex: "username" },
    { title: "名称", dataIndex: "display_name" },
    { title: "角色", dataIndex: "role", render: (r: string) => labelOf(ROLE_LABELS, r) },
    { title: "所属机构", dataIndex: ["organisation", "name"] },
    {
      title: "状态",
      key: "status",
      render: (_, a) => (
        <Space size={4}>
          {a.disabled ? <Tag color="red">已停用</Tag> : <Tag color="green">正常</Tag>}
          {a.must_change_password && <Tag color="orange">待修改密码</Tag>}
        </Space>
      ),
    },
    { title: "创建时间", dataIndex: "created_at", render: (t: string) => formatDateTime(t) },
    {
      title: "操作",
      key: "actions",
      render: (_, a) =>
        a.id === me?.id ? null : (
          <Space>
            <Popconfirm
              title={a.disabled ? `启用“${a.display_name}”的账号？` : `停用“${a.display_name}”的账号？`}
              description={a.disabled ? undefined : "停用后该账号的所有登录立即失效。"}
              okText="确定"
              cancelText="取消"
              onConfirm={() => toggle.mutateAsync(a).catch(() => {})}
            >
              <Button type="link" size="small" danger={!a.disabled}>
                {a.disabled ? "启用" : "停用"}
              </Button>
            </Popconfirm>
            <Popconfirm
              title={`重置“${a.display_name}”的密码？`}
              description="将生成一次性初始密码，该账号下次登录须修改密码。"
              okText="重置"
              cancelText="取消"
              onConfirm={() => reset.mutateAsync(a).catch(() => {})}
            >
              <Button type="link" size="small">
                重置密码
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];

  return (
    <Card
      title="账号管理"
      extra={
        (me?.manageable_roles.length ?? 0) > 0 && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="account-create">
            新建账号
          </Button>
        )
      }
    >
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Account>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        data-testid="accounts-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      <CreateAccountModal open={creating} onClose={() => setCreating(false)} onCreated={setSecret} />
      <SecretModal
        open={secret !== null}
        title={secret?.title ?? ""}
        onClose={() => setSecret(null)}
        note="这是一次性初始密码，仅显示这一次；该账号首次登录时须修改密码。"
        fields={
          secret
            ? [
                { label: "用户名", value: secret.username },
                { label: "初始密码", value: secret.password, testId: "initial-password" },
              ]
            : []
        }
      />
    </Card>
  );
}
