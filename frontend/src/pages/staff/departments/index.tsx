import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Form, Input, Modal, Space, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import type { Department } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { submitModalForm } from "../../../utils/modalForm";

type Edit = { kind: "create" } | { kind: "rename" | "close"; department: Department };

/** Adds, renames or closes one department, in a modal of its own. */
function EditModal({ unitId, edit, onClose }: { unitId: string; edit: Edit | null; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name?: string; reason?: string }>();
  const mutation = useMutation({
    mutationFn: async (v: { name?: string; reason?: string }) => {
      if (!edit) return "";
      if (edit.kind === "create") {
        await unwrap(api.POST("/api/v1/units/{id}/departments", { params: { path: { id: unitId } }, body: { name: v.name!.trim() } }));
        return "科室已新增";
      }
      const path = { params: { path: { id: edit.department.id } } };
      if (edit.kind === "rename") {
        await unwrap(api.PATCH("/api/v1/departments/{id}", { ...path, body: { name: v.name!.trim() } }));
        return "科室已更名";
      }
      const res = await api.POST("/api/v1/departments/{id}/close", { ...path, body: { reason: v.reason!.trim() } });
      if (res.error !== undefined || !res.response.ok) await unwrap(Promise.resolve(res));
      return "科室已撤销";
    },
    onSuccess(text) {
      message.success(text);
      void queryClient.invalidateQueries({ queryKey: ["departments", unitId] });
      onClose();
    },
    onError(problem) {
      if (problem instanceof ApiProblem && problem.errors.length > 0) {
        form.setFields(problem.errors.map((e) => ({ name: fieldPath(e.field) as ["name"], errors: [e.message] })));
      }
    },
  });
  const finish = (v: { name?: string; reason?: string }) => mutation.mutate(v);
  const title = !edit ? "" : edit.kind === "create" ? "新增科室" : edit.kind === "rename" ? `科室更名：${edit.department.name}` : `撤销科室：${edit.department.name}`;
  return (
    <Modal
      title={title}
      open={edit !== null}
      okText="确定"
      cancelText="取消"
      okButtonProps={{ danger: edit?.kind === "close" }}
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
    >
      {mutation.isError && mutation.error instanceof ApiProblem && mutation.error.errors.length === 0 && (
        <ProblemAlert problem={mutation.error} />
      )}
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        onFinish={finish}
        initialValues={{ name: edit && edit.kind !== "create" ? edit.department.name : undefined }}
      >
        {edit?.kind === "close" ? (
          <Form.Item
            name="reason"
            label="撤销原因"
            rules={[{ required: true, whitespace: true, min: 2, message: "请填写撤销原因（至少 2 个字）" }]}
            extra="科室仍有在职人员或未办结的记录时不能撤销；撤销后科室保留，不再列出，其账号停用。"
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        ) : (
          <Form.Item name="name" label="科室名称" rules={[{ required: true, whitespace: true, message: "请输入科室名称" }]}>
            <Input placeholder="例如：康复医学科" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 科室管理: a unit's CME office keeps its own departments. */
export default function DepartmentsPage() {
  const { me } = useAuth();
  const unitId = me?.organisation.kind === "unit" ? (me.organisation.id ?? undefined) : undefined;
  const [edit, setEdit] = useState<Edit | null>(null);
  const departments = useQuery({
    queryKey: ["departments", unitId],
    queryFn: () => unwrap(api.GET("/api/v1/units/{id}/departments", { params: { path: { id: unitId! } } })),
    enabled: unitId !== undefined,
  });
  const columns: ColumnsType<Department> = [
    { title: "科室名称", dataIndex: "name" },
    {
      title: "操作",
      key: "actions",
      render: (_, d) => (
        <Space size={0}>
          <Button type="link" size="small" onClick={() => setEdit({ kind: "rename", department: d })}>
            更名
          </Button>
          <Button type="link" size="small" danger onClick={() => setEdit({ kind: "close", department: d })}>
            撤销
          </Button>
        </Space>
      ),
    },
  ];
  return (
    <Card
      title={<PageTitle>科室管理</PageTitle>}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEdit({ kind: "create" })} disabled={!unitId} data-testid="department-create">
          新增科室
        </Button>
      }
    >
      {departments.isError && <ProblemAlert problem={departments.error} />}
      <Table<Department>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={departments.data ?? []}
        loading={departments.isLoading}
        pagination={false}
        data-testid="departments-table"
      />
      {unitId && <EditModal unitId={unitId} edit={edit} onClose={() => setEdit(null)} />}
    </Card>
  );
}
