import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Radio, Space, Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Activity, CreditSource, NewActivityRequest } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { LoadMore } from "../../../components/LoadMore";
import { categoryLabel } from "../../../components/PersonYearView";
import { useCursorList } from "../../../hooks/useCursorList";
import { formatCredits } from "../../../utils/format";
import { ActivityStatus } from "./ActivityStatus";
import { applyProblem } from "../../../utils/formErrors";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { submitModalForm } from "../../../utils/modalForm";
import { CLASS_OPTIONS, type CreditClass, LEVEL_OPTIONS, toCategory } from "../credit-entry/mapping";

interface ActivityForm {
  name: string;
  organiser: string;
  credit_class: CreditClass;
  source?: CreditSource;
  amount: number;
  dates: [Dayjs, Dayjs];
}

const FORM_FIELDS = ["name", "organiser", "credit_class", "source", "amount", "dates"];

/** 新建继教活动. */
function CreateActivity({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [form] = Form.useForm<ActivityForm>();
  const { me } = useAuth();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [rest, setRest] = useState<string[]>([]);
  const creditClass = Form.useWatch("credit_class", form) as CreditClass | undefined;
  const isUnit = me?.organisation.kind === "unit";
  const mutation = useMutation({
    mutationFn: (body: NewActivityRequest) => unwrap(api.POST("/api/v1/activities", { body })),
    onSuccess(activity) {
      message.success(`已创建活动 ${activity.code}`);
      void queryClient.invalidateQueries({ queryKey: ["activities"] });
      onClose();
      navigate(`/activities/${activity.id}`);
    },
    onError(e) {
      setRest(
        e instanceof ApiProblem
          ? applyProblem(form, e, FORM_FIELDS, { rename: { kind: "credit_class", starts_on: "dates", ends_on: "dates" } })
          : ["创建失败"],
      );
    },
  });
  const submit = (v: ActivityForm) => {
    setRest([]);
    const category = toCategory(v.credit_class, v.source);
    if (!category) return;
    mutation.mutate({
      name: v.name.trim(),
      organiser: v.organiser.trim(),
      kind: category.kind,
      ...(category.source ? { source: category.source } : {}),
      amount: v.amount,
      starts_on: v.dates[0].format("YYYY-MM-DD"),
      ends_on: v.dates[1].format("YYYY-MM-DD"),
    });
  };
  return (
    <Modal
      title="新建继教活动"
      open={open}
      okText="创建"
      cancelText="取消"
      width={640}
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, submit)}
      onCancel={onClose}
      destroyOnHidden
    >
      {rest.length > 0 && <Alert type="error" showIcon title={rest.join("；")} style={{ marginBottom: 16 }} />}
      <Form<ActivityForm>
        form={form}
        name="activity"
        layout="vertical"
        onFinish={submit}
        initialValues={{ organiser: me?.organisation.name ?? "" }}
        onValuesChange={(changed) => {
          if ("credit_class" in changed) form.setFieldValue("source", undefined);
        }}
      >
        <Form.Item name="name" label="活动名称" rules={[{ required: true, whitespace: true, message: "请填写活动名称" }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="organiser" label="主办单位" rules={[{ required: true, whitespace: true, message: "请填写主办单位" }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="credit_class" label="学分类别" rules={[{ required: true, message: "请选择学分类别" }]}>
          <Radio.Group
            options={CLASS_OPTIONS.filter((o) => isUnit || o.value !== "self_managed").map((o) => ({ value: o.value, label: o.label }))}
          />
        </Form.Item>
        {(creditClass === "i" || creditClass === "ii") && (
          <Form.Item name="source" label="级别" rules={[{ required: true, message: "请选择级别" }]}>
            <Radio.Group optionType="button" buttonStyle="solid" options={LEVEL_OPTIONS[creditClass]} />
          </Form.Item>
        )}
        <Space size="large" wrap>
          <Form.Item name="amount" label="每人学分" rules={[{ required: true, message: "请填写学分" }]}>
            <InputNumber min={0.1} max={25} step={0.5} precision={1} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="dates" label="活动日期" rules={[{ required: true, message: "请选择活动日期" }]}>
            <DatePicker.RangePicker />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** 继教活动: the activities of the caller's organisation and below, with sign-in screens and rosters. */
export default function ActivitiesPage() {
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState("");
  const list = useCursorList<Activity>(["activities", { name }], (after) =>
    unwrap(api.GET("/api/v1/activities", { params: { query: { name: name || undefined, after, limit: 50 } } })),
  );
  const columns: ColumnsType<Activity> = [
    { title: "编号", dataIndex: "code", width: 150 },
    {
      title: "活动名称",
      dataIndex: "name",
      render: (n: string, a) => (
        <Link to={`/activities/${a.id}`} data-testid="activity-open">
          {n}
        </Link>
      ),
    },
    { title: "主办单位", dataIndex: "organiser", width: 200 },
    { title: "类别", key: "category", width: 110, render: (_, a) => categoryLabel(a) },
    { title: "学分", dataIndex: "amount", width: 60, align: "right", render: (v: number) => formatCredits(v) },
    {
      title: "日期",
      key: "dates",
      width: 210,
      render: (_, a) => (a.starts_on === a.ends_on ? a.starts_on : `${a.starts_on} 至 ${a.ends_on}`),
    },
    { title: "已签到", dataIndex: "sign_in_count", width: 80, align: "right" },
    { title: "状态", key: "status", width: 90, render: (_, a) => <ActivityStatus activity={a} /> },
  ];
  return (
    <Card
      title="继教活动"
      data-testid="activities"
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="activity-create">
          新建活动
        </Button>
      }
    >
      <Input.Search
        placeholder="活动名称"
        allowClear
        onSearch={setName}
        style={{ width: 260, marginBottom: 16 }}
      />
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Activity>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 1100 }}
        data-testid="activities-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      <CreateActivity open={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}
