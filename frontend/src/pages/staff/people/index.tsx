import { ImportOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Radio, Select, Space, Tabs } from "antd";
import type { Dayjs } from "dayjs";
import dayjs from "dayjs";
import { useState } from "react";
import { Link } from "react-router";
import { ApiProblem, api, toApiProblem, unwrap } from "../../../api/client";
import type { Discipline, PersonStatus, PersonSummary, TitleLevel } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { LoadMore } from "../../../components/LoadMore";
import { PeopleTable } from "../../../components/PeopleTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect, useDepartments } from "../../../components/pickers/DepartmentSelect";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import {
  DISCIPLINE_LABELS,
  GENDER_LABELS,
  PERSON_STATUS_LABELS,
  TITLE_LEVEL_LABELS,
  options,
} from "../../../constants/enums";
import { useCursorList } from "../../../hooks/useCursorList";
import { applyProblem } from "../../../utils/formErrors";
import { idNumberProblem } from "../../../utils/idNumber";
import { submitModalForm } from "../../../utils/modalForm";
import { PersonUpkeepDrawer, TitleNameInput, catalogueLevel, useTitleCatalogue } from "./PersonUpkeep";
import { Transfers } from "./Transfers";
import type { GenderValue, NewPersonRequest } from "./types";

interface NewPersonValues {
  name: string;
  gender: GenderValue;
  id_number: string;
  discipline: Discipline;
  department_id?: string;
  phone?: string;
  title_name?: string;
  title_level?: TitleLevel;
  title_obtained_on?: Dayjs;
}

/** 新增人员. */
function CreatePerson({ unitId, open, onClose, onCreated }: { unitId: string | undefined; open: boolean; onClose: () => void; onCreated: (id: string) => void }) {
  const { me } = useAuth();
  const [form] = Form.useForm<NewPersonValues>();
  const [rest, setRest] = useState<string[]>([]);
  const catalogue = useTitleCatalogue();
  const isDepartment = me?.organisation.kind === "department";
  const mutation = useMutation({
    mutationFn: async (v: NewPersonValues) => {
      const title = v.title_name?.trim();
      const body: NewPersonRequest = {
        name: v.name.trim(),
        gender: v.gender,
        id_number: v.id_number.trim().toUpperCase(),
        discipline: v.discipline,
        ...(v.department_id ? { department_id: v.department_id } : {}),
        ...(v.phone?.trim() ? { phone: v.phone.trim() } : {}),
        ...(title && v.title_obtained_on
          ? {
              title: {
                name: title,
                level: catalogueLevel(catalogue.data, title) ?? v.title_level ?? null,
                obtained_on: v.title_obtained_on.format("YYYY-MM-DD"),
              },
            }
          : {}),
        ...(unitId && !isDepartment && me?.organisation.kind !== "unit" ? { unit_id: unitId } : {}),
      };
      return unwrap(api.POST("/api/v1/people", { body }));
    },
    onSuccess(person) {
      form.resetFields();
      onCreated(person.id);
    },
    onError(e) {
      setRest(
        e instanceof ApiProblem
          ? applyProblem(form, e, ["name", "gender", "id_number", "discipline", "department_id", "phone", "title_name", "title_level", "title_obtained_on"], {
              rename: { "title.name": "title_name", "title.level": "title_level", "title.obtained_on": "title_obtained_on" },
            })
          : ["保存失败"],
      );
    },
  });
  const finish = (v: NewPersonValues) => {
    setRest([]);
    mutation.mutate(v);
  };
  return (
    <Modal
      title="新增人员"
      open={open}
      okText="保存"
      cancelText="取消"
      width={640}
      confirmLoading={mutation.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      destroyOnHidden
    >
      {rest.length > 0 && <Alert type="error" showIcon title={rest.join("；")} style={{ marginBottom: 16 }} />}
      <Form<NewPersonValues>
        form={form}
        name="person_new"
        layout="vertical"
        initialValues={{ department_id: isDepartment ? (me?.organisation.id ?? undefined) : undefined }}
        onFinish={finish}
      >
        <Space size="large" wrap style={{ width: "100%" }}>
          <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, message: "请填写姓名" }]}>
            <Input maxLength={50} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="gender" label="性别" rules={[{ required: true, message: "请选择性别" }]}>
            <Radio.Group options={options(GENDER_LABELS)} />
          </Form.Item>
        </Space>
        <Form.Item
          name="id_number"
          label="身份证号"
          rules={[
            {
              validator: (_, value: string | undefined) => {
                const why = idNumberProblem(value);
                return why ? Promise.reject(new Error(why)) : Promise.resolve();
              },
            },
          ]}
        >
          <Input maxLength={18} style={{ fontFamily: "monospace" }} />
        </Form.Item>
        <Space size="large" wrap style={{ width: "100%" }}>
          <Form.Item name="discipline" label="专业类别" rules={[{ required: true, message: "请选择专业类别" }]}>
            <Select options={options(DISCIPLINE_LABELS)} style={{ width: 220 }} />
          </Form.Item>
          <Form.Item name="department_id" label="科室">
            <DepartmentSelect unitId={isDepartment ? undefined : unitId} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="phone" label="手机号">
            <Input maxLength={20} inputMode="tel" style={{ width: 180 }} />
          </Form.Item>
        </Space>
        <Space size="large" wrap style={{ width: "100%" }} align="start">
          <Form.Item name="title_name" label="职称（选填）" style={{ width: 260 }}>
            <TitleNameInput />
          </Form.Item>
          <Form.Item noStyle shouldUpdate={(a, b) => a.title_name !== b.title_name}>
            {() => {
              const name = form.getFieldValue("title_name") as string | undefined;
              if (!name?.trim()) return null;
              return (
                <>
                  {!catalogueLevel(catalogue.data, name) && (
                    <Form.Item name="title_level" label="职称级别" rules={[{ required: true, message: "目录外职称须选择级别" }]}>
                      <Select options={options(TITLE_LEVEL_LABELS)} style={{ width: 120 }} />
                    </Form.Item>
                  )}
                  <Form.Item name="title_obtained_on" label="取得日期" rules={[{ required: true, message: "请选择取得日期" }]}>
                    <DatePicker disabledDate={(d) => d.isAfter(dayjs(), "day")} />
                  </Form.Item>
                </>
              );
            }}
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

interface Filters {
  name?: string;
  status?: PersonStatus;
  department_id?: string;
  unit_id?: string;
}

function StaffList() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const kind = me?.organisation.kind;
  const ownUnit = kind === "unit" ? (me?.organisation.id ?? undefined) : undefined;
  const [filters, setFilters] = useState<Filters>({});
  const unitId = ownUnit ?? filters.unit_id;
  const [openId, setOpenId] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const departments = useDepartments(unitId);
  const list = useCursorList<PersonSummary>(["people", "staff", { ...filters, unitId }], async (after) => {
    const { data, error, response } = await api.GET("/api/v1/people", {
      params: {
        query: {
          unit_id: unitId,
          department_id: filters.department_id,
          name: filters.name || undefined,
          status: filters.status,
          after,
          limit: 50,
        },
      },
    });
    if (!response.ok || !data) throw toApiProblem(error, response);
    return data;
  });
  // A department's own list has no 科室 column.
  const departmentNames = kind === "department" ? undefined : new Map((departments.data ?? []).map((d) => [d.id, d.name]));
  return (
    <>
      <Space wrap style={{ marginBottom: 16, justifyContent: "space-between", width: "100%" }}>
        <Form<Filters> layout="inline" onFinish={setFilters} name="staff_filters" style={{ rowGap: 8 }}>
          {!ownUnit && kind !== "department" && (
            <Form.Item name="unit_id">
              <UnitSelect />
            </Form.Item>
          )}
          {kind !== "department" && (
            <Form.Item name="department_id">
              <DepartmentSelect unitId={unitId} />
            </Form.Item>
          )}
          <Form.Item name="name">
            <Input placeholder="姓名" allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="status">
            <Select placeholder="状态" allowClear style={{ width: 110 }} options={options(PERSON_STATUS_LABELS)} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            查询
          </Button>
        </Form>
        <Space>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} disabled={!unitId && kind !== "department"} data-testid="staff-create">
            新增人员
          </Button>
          <Link to="/staff/import">
            <Button icon={<ImportOutlined />} data-testid="staff-import">
              批量导入
            </Button>
          </Link>
        </Space>
      </Space>
      {list.isError && <ProblemAlert problem={list.error} />}
      <PeopleTable
        people={list.items}
        loading={list.isLoading}
        onOpen={setOpenId}
        departmentNames={departmentNames}
        disciplineTitle="专业类别"
        openTestId="staff-open"
        testId="staff-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
      <CreatePerson
        unitId={unitId}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => {
          setCreating(false);
          message.success("已新增人员");
          void queryClient.invalidateQueries({ queryKey: ["people"] });
          setOpenId(id);
        }}
      />
      <PersonUpkeepDrawer personId={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

/** 人员维护: the staff list with upkeep, and the unit's transfers. */
export default function StaffPage() {
  const { me } = useAuth();
  const unitSide = me?.organisation.kind !== "department";
  return (
    <Card title="人员维护" data-testid="staff-page">
      <Tabs
        destroyOnHidden
        items={[
          { key: "people", label: "人员", children: <StaffList /> },
          ...(unitSide ? [{ key: "transfers", label: "人员调动", children: <Transfers /> }] : []),
        ]}
      />
    </Card>
  );
}
