import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  AutoComplete,
  Button,
  DatePicker,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Spin,
  Table,
  Tabs,
  Tag,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState, type ReactNode } from "react";
import { Link } from "react-router";
import { ApiProblem, api, toApiProblem } from "../../../api/client";
import type { Discipline, TitleLevel } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { IdNumber, titleText } from "../../../components/PeopleTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect, useDepartments } from "../../../components/pickers/DepartmentSelect";
import {
  DISCIPLINE_LABELS,
  GENDER_LABELS,
  PERSON_STATUS_LABELS,
  TITLE_LEVEL_LABELS,
  labelOf,
  options,
} from "../../../constants/enums";
import { useWorkingYear } from "../../../hooks/workingYear";
import { formatDateTime } from "../../../utils/format";
import { applyProblem } from "../../../utils/formErrors";
import { submitModalForm } from "../../../utils/modalForm";
import type { CatalogueTitle, GenderValue as Gender, PersonFull, StatusChange, StatusValue as PersonStatus, Transfer } from "./types";
import { TRANSFER_STATE_COLORS, TRANSFER_STATE_LABELS } from "./transferLabels";
import { type VersionedPerson, isStale, personKey, usePerson } from "./usePerson";
import { ActorName } from "../../../components/ActorName";

type Answer<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/** Sends a change guarded by `If-Match` and returns the person and his new ETag. */
async function versioned(call: Answer<PersonFull>): Promise<VersionedPerson> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined || !data) throw toApiProblem(error, response);
  return { person: data, etag: response.headers.get("ETag") };
}

const STALE_MESSAGE = "该人员信息已被他人修改，已载入最新信息，请核对后重新提交。";

/** The titles of the catalogue, for the title picker. */
export function useTitleCatalogue() {
  return useQuery({
    queryKey: ["title-catalogue"],
    queryFn: async () => {
      const { data, error, response } = await api.GET("/api/v1/title-catalogue");
      if (!response.ok || !data) throw toApiProblem(error, response);
      return data;
    },
    staleTime: 60 * 60_000,
  });
}

/** 职称名称 with suggestions from the catalogue; a name it lacks needs a level. */
export function TitleNameInput({ value, onChange, id }: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const catalogue = useTitleCatalogue();
  const q = (value ?? "").trim();
  const list = (catalogue.data ?? []).filter((t) => !q || t.name.includes(q)).slice(0, 50);
  return (
    <AutoComplete
      id={id}
      value={value}
      onChange={onChange}
      options={list.map((t) => ({ value: t.name, label: `${t.name}（${t.series_label} · ${labelOf(TITLE_LEVEL_LABELS, t.level)}）` }))}
      placeholder="如 主治医师"
      style={{ width: "100%" }}
    />
  );
}

export function catalogueLevel(catalogue: readonly CatalogueTitle[] | undefined, name: string | undefined) {
  return catalogue?.find((t) => t.name === (name ?? "").trim())?.level;
}

/** A modal form whose submit sends one guarded change. */
function ChangeModal<V extends object>({
  title,
  open,
  onClose,
  fields,
  submit,
  formName,
  initialValues,
  known,
  okText = "保存",
}: {
  title: string;
  open: boolean;
  onClose: () => void;
  fields: (form: ReturnType<typeof Form.useForm<V>>[0]) => ReactNode;
  submit: (values: V) => Promise<unknown>;
  formName: string;
  initialValues?: Partial<V>;
  known: string[];
  okText?: string;
}) {
  const [form] = Form.useForm<V>();
  const [rest, setRest] = useState<string[]>([]);
  const mutation = useMutation({
    mutationFn: submit,
    onSuccess() {
      setRest([]);
      onClose();
    },
    onError(e) {
      if (!(e instanceof ApiProblem)) return setRest(["保存失败"]);
      if (isStale(e)) return setRest([STALE_MESSAGE]);
      setRest(applyProblem(form, e, known));
    },
  });
  const finish = (v: V) => mutation.mutate(v);
  return (
    <Modal
      title={title}
      open={open}
      okText={okText}
      cancelText="取消"
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => {
        if (visible) setRest([]);
      }}
    >
      {rest.length > 0 && <Alert type="warning" showIcon title={rest.join("；")} style={{ marginBottom: 16 }} data-testid="change-problem" />}
      <Form<V>
        form={form}
        name={formName}
        layout="vertical"
        initialValues={initialValues as V}
        onFinish={finish}
      >
        {fields(form)}
      </Form>
    </Modal>
  );
}

interface EditValues {
  name: string;
  gender: Gender;
  discipline: Discipline;
  department_id?: string | null;
  phone?: string;
  reason?: string;
}
interface TitleValues {
  name: string;
  level?: TitleLevel;
  obtained_on: Dayjs;
  reason?: string;
}
interface StatusValues {
  status: PersonStatus;
  effective_on?: Dayjs;
  reason: string;
}
interface TransferValues {
  to_unit_code: string;
  reason: string;
}

type Dialog = "edit" | "title" | "status" | "transfer" | null;

/** 人员维护: one person's details and histories, with guarded edits. */
export function PersonUpkeepDrawer({ personId, onClose }: { personId: string | null; onClose: () => void }) {
  const { me } = useAuth();
  const workingYear = useWorkingYear();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const person = usePerson(personId);
  const catalogue = useTitleCatalogue();
  const [dialog, setDialog] = useState<Dialog>(null);
  const p = person.data?.person;
  const departments = useDepartments(p?.unit_id);
  const transfers = useQuery({
    queryKey: ["person", personId, "transfers"],
    queryFn: async () => {
      const { data, error, response } = await api.GET("/api/v1/people/{id}/transfers", {
        params: { path: { id: personId! } },
      });
      if (!response.ok || !data) throw toApiProblem(error, response);
      return data;
    },
    enabled: personId !== null && me?.organisation.kind !== "department",
  });

  /** After a change: the answer is the new version; on a stale version, the latest is loaded. */
  const guarded = async (send: (etag: string) => Promise<VersionedPerson>) => {
    const etag = person.data?.etag ?? "";
    try {
      const next = await send(etag);
      queryClient.setQueryData(personKey(personId), next);
      void queryClient.invalidateQueries({ queryKey: ["people"] });
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
      message.success("已保存");
    } catch (e) {
      if (e instanceof ApiProblem && isStale(e)) await person.refetch();
      throw e;
    }
  };

  const id = personId ?? "";
  const departmentName = (d: string | null | undefined) => (d ? (departments.data?.find((x) => x.id === d)?.name ?? "—") : "—");
  const isUnitSide = me?.organisation.kind !== "department";

  return (
    <Drawer title={p?.name ?? "人员"} open={personId !== null} onClose={onClose} size={720} data-testid="upkeep-drawer">
      {person.isLoading && <Spin />}
      {person.isError && <ProblemAlert problem={person.error} />}
      {p && (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Space wrap>
            <Button type="primary" onClick={() => setDialog("edit")} data-testid="person-edit">
              编辑
            </Button>
            <Button onClick={() => setDialog("title")} data-testid="person-title">
              职称维护
            </Button>
            <Button onClick={() => setDialog("status")} data-testid="person-status">
              状态维护
            </Button>
            {isUnitSide && (
              <Button onClick={() => setDialog("transfer")} data-testid="person-transfer">
                调出
              </Button>
            )}
            {workingYear !== undefined && (
              <Link to={`/compliance/people/${p.id}/${workingYear}`}>
                <Button type="link">学分达标详情</Button>
              </Link>
            )}
          </Space>
          <Descriptions column={2} bordered size="small" data-testid="upkeep-details">
            <Descriptions.Item label="姓名">{p.name}</Descriptions.Item>
            <Descriptions.Item label="性别">{labelOf(GENDER_LABELS, p.gender)}</Descriptions.Item>
            <Descriptions.Item label="身份证号">
              <IdNumber value={p.id_number_masked} />
            </Descriptions.Item>
            <Descriptions.Item label="手机号">{p.phone_masked ?? "—"}</Descriptions.Item>
            <Descriptions.Item label="科室">{departmentName(p.department_id)}</Descriptions.Item>
            <Descriptions.Item label="专业类别">{labelOf(DISCIPLINE_LABELS, p.discipline)}</Descriptions.Item>
            <Descriptions.Item label="职称">
              {titleText(p.title?.name, p.title?.level)}
            </Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag>{labelOf(PERSON_STATUS_LABELS, p.status)}</Tag>
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: "titles",
                label: `职称记录（${p.titles.length}）`,
                children: (
                  <Table
                    rowKey={(t) => `${t.name}-${t.obtained_on}`}
                    size="small"
                    pagination={false}
                    dataSource={[...p.titles].reverse()}
                    columns={[
                      { title: "职称", dataIndex: "name" },
                      { title: "级别", dataIndex: "level", render: (l: string) => labelOf(TITLE_LEVEL_LABELS, l) },
                      { title: "取得日期", dataIndex: "obtained_on" },
                    ]}
                    data-testid="title-history"
                  />
                ),
              },
              {
                key: "status",
                label: `状态记录（${p.status_changes.length}）`,
                children: (
                  <Table<StatusChange>
                    rowKey={(s) => `${s.at}-${s.to}`}
                    size="small"
                    pagination={false}
                    dataSource={[...p.status_changes].reverse()}
                    columns={[
                      {
                        title: "变更",
                        key: "change",
                        render: (_, s) =>
                          `${s.from ? labelOf(PERSON_STATUS_LABELS, s.from) : "—"} → ${labelOf(PERSON_STATUS_LABELS, s.to)}`,
                      },
                      { title: "生效日期", dataIndex: "effective_on", render: (d: string | null) => d ?? "—" },
                      { title: "原因", dataIndex: "reason", render: (r: string | null) => r ?? "—" },
                      { title: "操作人", dataIndex: "changed_by", render: (r: string | null) => <ActorName login={r} /> },
                      { title: "时间", dataIndex: "at", render: (t: string) => formatDateTime(t) },
                    ]}
                    data-testid="status-history"
                  />
                ),
              },
              ...(isUnitSide
                ? [
                    {
                      key: "transfers",
                      label: "调动记录",
                      children: (
                        <Table<Transfer>
                          rowKey="id"
                          size="small"
                          pagination={false}
                          loading={transfers.isLoading}
                          dataSource={transfers.data ?? []}
                          columns={[
                            { title: "调出单位", key: "from", render: (_, t) => t.from_unit.name },
                            { title: "接收单位", key: "to", render: (_, t) => t.to_unit.name },
                            {
                              title: "状态",
                              dataIndex: "state",
                              render: (s: Transfer["state"]) => (
                                <Tag color={TRANSFER_STATE_COLORS[s]}>{TRANSFER_STATE_LABELS[s]}</Tag>
                              ),
                            },
                            { title: "原因", dataIndex: "reason" },
                            { title: "申请时间", dataIndex: "requested_at", render: (t: string) => formatDateTime(t) },
                          ]}
                        />
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Space>
      )}

      {p && (
        <>
          <ChangeModal<EditValues>
            title="编辑人员信息"
            formName="person_edit"
            open={dialog === "edit"}
            onClose={() => setDialog(null)}
            known={["name", "gender", "discipline", "department_id", "phone", "reason"]}
            initialValues={{
              name: p.name,
              gender: p.gender,
              discipline: p.discipline,
              department_id: p.department_id ?? null,
            }}
            submit={(v) =>
              guarded((etag) =>
                versioned(
                  api.PATCH("/api/v1/people/{id}", {
                    params: { path: { id }, header: { "If-Match": etag } },
                    body: {
                      name: v.name.trim(),
                      gender: v.gender,
                      discipline: v.discipline,
                      department_id: v.department_id ?? null,
                      ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
                      ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
                    },
                  }),
                ),
              )
            }
            fields={() => (
              <>
                <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: "请填写姓名" }]}>
                  <Input maxLength={50} />
                </Form.Item>
                <Form.Item name="gender" label="性别" rules={[{ required: true }]}>
                  <Radio.Group options={options(GENDER_LABELS)} />
                </Form.Item>
                <Form.Item name="discipline" label="专业类别" rules={[{ required: true }]}>
                  <Select options={options(DISCIPLINE_LABELS)} />
                </Form.Item>
                <Form.Item name="department_id" label="科室">
                  <DepartmentSelect unitId={p.unit_id} style={{ width: "100%" }} />
                </Form.Item>
                <Form.Item name="phone" label="手机号" extra={p.phone_masked ? `现为 ${p.phone_masked}；不填则不变` : undefined}>
                  <Input maxLength={20} inputMode="tel" />
                </Form.Item>
                <Form.Item name="reason" label="修改原因（选填）">
                  <Input maxLength={200} />
                </Form.Item>
              </>
            )}
          />
          <ChangeModal<TitleValues>
            title="职称维护：新增职称"
            formName="person_title"
            open={dialog === "title"}
            onClose={() => setDialog(null)}
            known={["name", "level", "obtained_on", "reason"]}
            submit={(v) =>
              guarded((etag) =>
                versioned(
                  api.POST("/api/v1/people/{id}/titles", {
                    params: { path: { id }, header: { "If-Match": etag } },
                    body: {
                      name: v.name.trim(),
                      level: catalogueLevel(catalogue.data, v.name) ?? v.level ?? null,
                      obtained_on: v.obtained_on.format("YYYY-MM-DD"),
                      ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
                    },
                  }),
                ),
              )
            }
            fields={(form) => (
              <>
                <Alert type="info" showIcon style={{ marginBottom: 16 }} title="职称历史保留；每年按 12 月 31 日所持职称确定适用的学分标准。" />
                <Form.Item name="name" label="职称" rules={[{ required: true, whitespace: true, message: "请填写职称" }]}>
                  <TitleNameInput />
                </Form.Item>
                <Form.Item noStyle shouldUpdate={(a, b) => a.name !== b.name}>
                  {() =>
                    catalogueLevel(catalogue.data, form.getFieldValue("name")) ? null : (
                      <Form.Item name="level" label="职称级别" rules={[{ required: true, message: "目录外职称须选择级别" }]}>
                        <Radio.Group options={options(TITLE_LEVEL_LABELS)} />
                      </Form.Item>
                    )
                  }
                </Form.Item>
                <Form.Item name="obtained_on" label="取得日期" rules={[{ required: true, message: "请选择取得日期" }]}>
                  <DatePicker style={{ width: "100%" }} disabledDate={(d) => d.isAfter(dayjs(), "day")} />
                </Form.Item>
                <Form.Item name="reason" label="说明（选填）">
                  <Input maxLength={200} placeholder="如 晋升" />
                </Form.Item>
              </>
            )}
          />
          <ChangeModal<StatusValues>
            title="状态维护"
            formName="person_status"
            open={dialog === "status"}
            onClose={() => setDialog(null)}
            known={["status", "effective_on", "reason"]}
            initialValues={{ status: p.status }}
            submit={(v) =>
              guarded((etag) =>
                versioned(
                  api.POST("/api/v1/people/{id}/status", {
                    params: { path: { id }, header: { "If-Match": etag } },
                    body: {
                      status: v.status,
                      reason: v.reason.trim(),
                      effective_on: v.effective_on ? v.effective_on.format("YYYY-MM-DD") : null,
                    },
                  }),
                ),
              )
            }
            fields={() => (
              <>
                <Form.Item name="status" label="状态" rules={[{ required: true }]}>
                  <Radio.Group options={options(PERSON_STATUS_LABELS)} />
                </Form.Item>
                <Form.Item name="effective_on" label="生效日期" extra="不填则为今天">
                  <DatePicker style={{ width: "100%" }} />
                </Form.Item>
                <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, message: "请填写原因" }]}>
                  <Input.TextArea rows={2} maxLength={200} />
                </Form.Item>
              </>
            )}
          />
          <ChangeModal<TransferValues>
            title="调出申请"
            formName="person_transfer"
            okText="提交申请"
            open={dialog === "transfer"}
            onClose={() => setDialog(null)}
            known={["to_unit_code", "reason"]}
            submit={async (v) => {
              const { error, response } = await api.POST("/api/v1/people/{id}/transfers", {
                params: { path: { id } },
                body: { to_unit_code: v.to_unit_code.trim(), reason: v.reason.trim() },
              });
              if (!response.ok) throw toApiProblem(error, response);
              message.success("已提交调出申请，等待接收单位确认");
              void queryClient.invalidateQueries({ queryKey: ["person", personId, "transfers"] });
              void queryClient.invalidateQueries({ queryKey: ["transfers"] });
            }}
            fields={() => (
              <>
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 16 }}
                  title="接收单位确认后，人员转入该单位；学分和历史记录随人员保留。"
                />
                <Form.Item
                  name="to_unit_code"
                  label="接收单位代码"
                  rules={[{ required: true, whitespace: true, message: "请填写接收单位代码" }]}
                >
                  <Input maxLength={50} placeholder="接收单位的单位代码" />
                </Form.Item>
                <Form.Item name="reason" label="调动原因" rules={[{ required: true, whitespace: true, message: "请填写调动原因" }]}>
                  <Input.TextArea rows={2} maxLength={200} />
                </Form.Item>
              </>
            )}
          />
        </>
      )}
    </Drawer>
  );
}
