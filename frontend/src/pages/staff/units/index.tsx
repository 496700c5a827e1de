import { PlusOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Table, Tag, type FormInstance } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { Link } from "react-router";
import { ApiProblem, api, fieldPath, unwrap } from "../../../api/client";
import type { Medicine, Unit, UnitLevel } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { SecretModal } from "../../../components/SecretModal";
import { RegionTreeSelect } from "../../../components/pickers/RegionTreeSelect";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { MEDICINE_LABELS, UNIT_LEVEL_LABELS, labelOf } from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { submitModalForm } from "../../../utils/modalForm";

const PAGE_SIZE = 50;
const UNITS_KEY = ["units", "upkeep"];

const LEVELS = Object.keys(UNIT_LEVEL_LABELS) as UnitLevel[];
const MEDICINES = Object.keys(MEDICINE_LABELS) as Medicine[];

interface OpenForm {
  name: string;
  level: UnitLevel;
  medicine: Medicine;
  region_id: string;
  code: string;
  username?: string;
}

interface Secret {
  unit: string;
  username: string;
  password: string;
}

/** Puts a problem's field errors on the form's fields; answers whether there were any. */
function onFields<T>(form: FormInstance<T>, problem: unknown): boolean {
  if (problem instanceof ApiProblem && problem.errors.length > 0) {
    form.setFields(problem.errors.map((e) => ({ name: fieldPath(e.field) as never, errors: [e.message] })));
    return true;
  }
  return false;
}

/** 开通单位: the unit and its CME office account, whose one-time password is shown once. */
function OpenUnitModal({ open, onClose, onOpened }: { open: boolean; onClose: () => void; onOpened: (s: Secret) => void }) {
  const queryClient = useQueryClient();
  const [form] = Form.useForm<OpenForm>();
  const mutation = useMutation({
    mutationFn: (body: OpenForm) => unwrap(api.POST("/api/v1/units", { body })),
    onSuccess(opened) {
      void queryClient.invalidateQueries({ queryKey: ["units"] });
      form.resetFields();
      onClose();
      onOpened({ unit: opened.unit.name, username: opened.username, password: opened.initial_password });
    },
    onError: (problem) => void onFields(form, problem),
  });
  const finish = (v: OpenForm) =>
    mutation.mutate({ ...v, name: v.name.trim(), code: v.code.trim(), username: v.username?.trim() || undefined });
  return (
    <Modal
      title="开通单位"
      open={open}
      okText="开通"
      cancelText="取消"
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
    >
      {mutation.isError && mutation.error instanceof ApiProblem && mutation.error.errors.length === 0 && (
        <ProblemAlert problem={mutation.error} />
      )}
      <Form<OpenForm> form={form} name="open_unit" layout="vertical" preserve={false} onFinish={finish}>
        <Form.Item name="name" label="单位名称" rules={[{ required: true, whitespace: true, message: "请输入单位名称" }]}>
          <Input placeholder="例如：宜良县狗街镇小哨村卫生室" />
        </Form.Item>
        <Form.Item name="level" label="单位级别" rules={[{ required: true, message: "请选择单位级别" }]}>
          <Select options={LEVELS.map((l) => ({ value: l, label: labelOf(UNIT_LEVEL_LABELS, l) }))} />
        </Form.Item>
        <Form.Item name="medicine" label="中西医类别" rules={[{ required: true, message: "请选择中西医类别" }]}>
          <Select options={MEDICINES.map((m) => ({ value: m, label: labelOf(MEDICINE_LABELS, m) }))} />
        </Form.Item>
        <Form.Item name="region_id" label="所属地区" rules={[{ required: true, message: "请选择所属地区" }]}>
          <RegionTreeSelect aria-label="所属地区" />
        </Form.Item>
        <Form.Item
          name="code"
          label="统一社会信用代码或执业许可证登记号"
          rules={[{ required: true, whitespace: true, message: "请输入代码" }]}
        >
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item name="username" label="继教办账号登录名" extra="可不填，默认为代码的小写。">
          <Input autoComplete="off" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

type Action = { kind: "rename" | "move" | "merge" | "close"; unit: Unit };

const ACTION_TITLES: Record<Action["kind"], string> = { rename: "单位更名", move: "变更所属地区", merge: "合并到其他单位", close: "撤销单位" };

/** One upkeep action on a unit, in a modal of its own. */
function ActionModal({ action, onClose }: { action: Action | null; onClose: () => void }) {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ name?: string; region_id?: string; into_unit_id?: string; reason?: string }>();
  const mutation = useMutation({
    mutationFn: async (v: { name?: string; region_id?: string; into_unit_id?: string; reason?: string }) => {
      const id = action!.unit.id;
      const path = { params: { path: { id } } };
      switch (action!.kind) {
        case "rename":
          return unwrap(api.PATCH("/api/v1/units/{id}", { ...path, body: { name: v.name!.trim() } })).then(() => "已更名");
        case "move":
          return unwrap(api.POST("/api/v1/units/{id}/move", { ...path, body: { region_id: v.region_id! } })).then(() => "已变更所属地区，人员随单位迁移");
        case "merge":
          return unwrap(api.POST("/api/v1/units/{id}/merge", { ...path, body: { into_unit_id: v.into_unit_id! } })).then(
            (r) => `已合并：${r.people} 名人员、${r.departments} 个科室转入${r.into.name}`,
          );
        case "close":
          return unwrap(api.POST("/api/v1/units/{id}/close", { ...path, body: { reason: v.reason!.trim() } })).then(() => "单位已撤销");
      }
    },
    onSuccess(text) {
      message.success(text);
      void queryClient.invalidateQueries({ queryKey: ["units"] });
      onClose();
    },
    onError: (problem) => void onFields(form, problem),
  });
  const finish = (v: { name?: string; region_id?: string; into_unit_id?: string; reason?: string }) => mutation.mutate(v);
  const kind = action?.kind;
  return (
    <Modal
      title={action ? `${ACTION_TITLES[action.kind]}：${action.unit.name}` : ""}
      open={action !== null}
      okText="确定"
      cancelText="取消"
      okButtonProps={{ danger: kind === "close" || kind === "merge" }}
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
    >
      {mutation.isError && mutation.error instanceof ApiProblem && mutation.error.errors.length === 0 && (
        <ProblemAlert problem={mutation.error} />
      )}
      <Form form={form} layout="vertical" preserve={false} onFinish={finish} initialValues={{ name: action?.unit.name }}>
        {kind === "rename" && (
          <Form.Item name="name" label="新名称" rules={[{ required: true, whitespace: true, message: "请输入新名称" }]}>
            <Input />
          </Form.Item>
        )}
        {kind === "move" && (
          <Form.Item name="region_id" label="新的所属地区" rules={[{ required: true, message: "请选择地区" }]} extra="单位的人员随单位迁移；已上报的验证记录保留上报时的地区。">
            <RegionTreeSelect aria-label="新的所属地区" />
          </Form.Item>
        )}
        {kind === "merge" && (
          <Form.Item
            name="into_unit_id"
            label="并入单位"
            rules={[{ required: true, message: "请选择并入的单位" }]}
            extra="人员、学分、科室、验证记录与证书转入并入单位；本单位保留为已撤销，其账号停用。"
          >
            <UnitSelect aria-label="并入单位" />
          </Form.Item>
        )}
        {kind === "close" && (
          <Form.Item
            name="reason"
            label="撤销原因"
            rules={[{ required: true, whitespace: true, min: 2, message: "请填写撤销原因（至少 2 个字）" }]}
            extra="仍有在职人员或未办结的记录时不能撤销。撤销后单位保留，其账号停用。"
          >
            <Input.TextArea rows={3} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** 单位管理: the units of the office's jurisdiction, opened, renamed, moved, merged and closed here. */
export default function UnitsPage() {
  const [name, setName] = useState("");
  const [withClosed, setWithClosed] = useState(false);
  const [opening, setOpening] = useState(false);
  const [secret, setSecret] = useState<Secret | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const list = useCursorList<Unit>([...UNITS_KEY, { name, withClosed }], (after) =>
    unwrap(api.GET("/api/v1/units", { params: { query: { after, limit: PAGE_SIZE, name: name || undefined, closed: withClosed || undefined } } })),
  );
  const columns: ColumnsType<Unit> = [
    { title: "单位名称", dataIndex: "name" },
    { title: "级别", dataIndex: "level", render: (l: string) => labelOf(UNIT_LEVEL_LABELS, l) },
    { title: "类别", dataIndex: "medicine", render: (m: string) => labelOf(MEDICINE_LABELS, m) },
    { title: "代码", dataIndex: "code" },
    {
      title: "状态",
      key: "state",
      render: (_, u) => (u.merged_into ? <Tag>已合并</Tag> : u.closed ? <Tag color="red">已撤销</Tag> : <Tag color="green">正常</Tag>),
    },
    {
      title: "操作",
      key: "actions",
      render: (_, u) =>
        u.closed ? null : (
          <Space size={0} wrap>
            {(["rename", "move", "merge", "close"] as const).map((kind) => (
              <Button key={kind} type="link" size="small" danger={kind === "close"} onClick={() => setAction({ kind, unit: u })}>
                {{ rename: "更名", move: "变更地区", merge: "合并", close: "撤销" }[kind]}
              </Button>
            ))}
          </Space>
        ),
    },
  ];
  return (
    <Card
      title={<PageTitle>单位管理</PageTitle>}
      extra={
        <Space>
          <Link to="/units/import">
            <Button icon={<UploadOutlined />} data-testid="units-import">
              批量开通
            </Button>
          </Link>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpening(true)} data-testid="unit-open">
            开通单位
          </Button>
        </Space>
      }
    >
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder="单位名称" aria-label="单位名称" onSearch={(v) => setName(v.trim())} style={{ width: 260 }} />
        <Checkbox checked={withClosed} onChange={(e) => setWithClosed(e.target.checked)}>
          含已撤销、已合并的单位
        </Checkbox>
      </Space>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Unit> rowKey="id" size="middle" columns={columns} dataSource={list.items} loading={list.isLoading} pagination={false} data-testid="units-table" />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      <OpenUnitModal open={opening} onClose={() => setOpening(false)} onOpened={setSecret} />
      <ActionModal action={action} onClose={() => setAction(null)} />
      <SecretModal
        open={secret !== null}
        title={secret ? `已开通：${secret.unit}` : ""}
        onClose={() => setSecret(null)}
        note="这是该单位继教办账号的一次性初始密码，仅显示这一次；首次登录时须修改密码。"
        fields={
          secret
            ? [
                { label: "登录名", value: secret.username },
                { label: "初始密码", value: secret.password, testId: "initial-password" },
              ]
            : []
        }
      />
    </Card>
  );
}
