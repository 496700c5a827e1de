import { SendOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  Modal,
  Radio,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Candidate, Evidence, ListKind, SpecialReason, SubmissionItem, Verification, VerificationPath } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { EvidenceUpload } from "../../../components/EvidenceUpload";
import { LoadMore } from "../../../components/LoadMore";
import { idNumberColumn } from "../../../components/PeopleTable";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { DepartmentSelect } from "../../../components/pickers/DepartmentSelect";
import { OUTCOME_COLORS, OUTCOME_LABELS, labelOf, options } from "../../../constants/enums";
import { LIST_KIND_LABELS, SPECIAL_REASON_LABELS, VERIFICATION_PATH_LABELS, VERIFICATION_STATE_LABELS } from "../../../constants/verification";
import { useCursorList } from "../../../hooks/useCursorList";
import { submitModalForm } from "../../../utils/modalForm";
import {
  WINDOW_STATUS_COLORS,
  WINDOW_STATUS_LABELS,
  candidateStatus,
  evidenceProblem,
  listYears,
  nameSubmissionErrors,
  selectableSelection,
  windowStatus,
} from "./logic";
import { CycleSelect, NoCycle, VerificationDrawer, columnsWidth, useCycleYear, verificationColumns } from "./shared";

/** A refusal: the problem's detail, and each refused person by name. */
function SubmissionProblem({ problem, names }: { problem: ApiProblem; names: string[] }) {
  if (problem.errors.length === 0) return <ProblemAlert problem={problem} />;
  return (
    <div data-testid="problem">
      <Alert
        type="error"
        showIcon
        title={`上报未成功（${problem.status}），所选人员均未上报`}
        description={
          <ul style={{ margin: 0, paddingInlineStart: 20 }} data-testid="field-errors">
            {nameSubmissionErrors(problem.errors, names).map((e, i) => (
              <li key={i}>
                {e.who}：{e.message}
              </li>
            ))}
          </ul>
        }
      />
    </div>
  );
}

interface SpecialForm {
  reason: SpecialReason;
  period: [Dayjs, Dayjs];
  note?: string;
}


/** One list's candidates: who may go on it, why not, selected and submitted (a department: prepared). */
function CandidatesPanel({ cycleYear, list, isDepartment, unitId }: { cycleYear: number; list: ListKind; isDepartment: boolean; unitId?: string }) {
  const years = listYears(list, cycleYear);
  const [year, setYear] = useState(years[0]!);
  const [departmentId, setDepartmentId] = useState<string | undefined>();
  const [eligibleOnly, setEligibleOnly] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [evidence, setEvidence] = useState<Evidence[]>([]);
  // 纸质验证 (normal and make-up lists): one person at a time, with the scans of his paper certificates.
  const [path, setPath] = useState<VerificationPath>("electronic");
  const paper = list !== "special" && path === "paper";
  const [form] = Form.useForm<SpecialForm>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();

  const candidates = useCursorList<Candidate>(
    ["verification-candidates", { cycleYear, list, year, departmentId, eligibleOnly, paper }],
    (after) =>
      unwrap(
        api.GET("/api/v1/verifications/candidates", {
          params: {
            query: {
              cycle_year: cycleYear,
              list,
              path: paper ? "paper" : undefined,
              year: list === "make_up" ? year : undefined,
              department_id: departmentId,
              eligible_only: eligibleOnly || undefined,
              after,
              limit: 200,
            },
          },
        }),
      ),
  );
  const chosen = selectableSelection(candidates.items, selected);
  const chosenPeople = candidates.items.filter((c) => chosen.includes(c.person_id));

  const submit = useMutation({
    mutationFn: (people: SubmissionItem[]) =>
      unwrap(
        api.POST("/api/v1/verifications", {
          body: { cycle_year: cycleYear, list, path: paper ? "paper" : undefined, year: list === "make_up" ? year : undefined, people },
        }),
      ),
    onSuccess(result) {
      message.success(
        isDepartment ? `已准备 ${result.prepared} 人，等待单位上报` : `已上报 ${result.submitted} 人，进入初审后的审核流程`,
      );
      setConfirming(false);
      setSelected([]);
      setEvidence([]);
      void queryClient.invalidateQueries({ queryKey: ["verification-candidates"] });
      void queryClient.invalidateQueries({ queryKey: ["verifications"] });
      void queryClient.invalidateQueries({ queryKey: ["verification-stats"] });
    },
  });

  const finishSpecial = (v: SpecialForm) => {
    const special = {
      reason: v.reason,
      period_from: v.period[0].format("YYYY-MM-DD"),
      period_to: v.period[1].format("YYYY-MM-DD"),
      deemed_compliant: v.reason === "front_line",
    };
    submit.mutate(
      chosen.map((person_id) => ({
        person_id,
        special,
        evidence_ids: evidence.map((e) => e.id),
        note: v.note?.trim() || null,
      })),
    );
  };
  const onConfirm = () => {
    if (list === "special") return submitModalForm(form, finishSpecial);
    const evidence_ids = evidence.map((e) => e.id);
    submit.mutate(chosen.map((person_id) => (paper ? { person_id, evidence_ids } : { person_id })));
    return undefined;
  };

  const columns: ColumnsType<Candidate> = [
    { title: "姓名", dataIndex: "name", width: 90 },
    idNumberColumn<Candidate>({ width: 180 }),
    { title: "科室", dataIndex: "department_name", width: 110, render: (d: string | null) => d ?? "—" },
    {
      title: `${year} 年度达标情况`,
      dataIndex: "outcome",
      width: 120,
      render: (o: Candidate["outcome"]) => <Tag color={OUTCOME_COLORS[o]}>{labelOf(OUTCOME_LABELS, o)}</Tag>,
    },
    {
      title: "能否上报",
      key: "eligible",
      render: (_, c) => {
        const s = candidateStatus(c);
        return (
          <Space size={4} wrap data-testid="candidate-status" data-eligible={c.eligible ? "true" : "false"}>
            <Tag color={s.color}>{s.label}</Tag>
            {s.reason && <Typography.Text type="secondary">{s.reason}</Typography.Text>}
          </Space>
        );
      },
    },
  ];

  const action = isDepartment ? "准备上报" : "上报";
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        {list !== "special" && (
          <Radio.Group
            value={path}
            onChange={(e) => {
              setPath(e.target.value as VerificationPath);
              setSelected([]);
              setEvidence([]);
            }}
            optionType="button"
            options={options(VERIFICATION_PATH_LABELS)}
            aria-label="验证方式"
            data-testid="verification-path"
          />
        )}
        {list === "make_up" && (
          <Select<number>
            value={year}
            onChange={(y) => {
              setYear(y);
              setSelected([]);
            }}
            options={years.map((y) => ({ value: y, label: `补验 ${y} 年度` }))}
            aria-label="补验年度"
            style={{ width: 140 }}
            data-testid="make-up-year"
          />
        )}
        {!isDepartment && unitId && (
          <DepartmentSelect unitId={unitId} value={departmentId} onChange={setDepartmentId} />
        )}
        <Space>
          <Switch checked={eligibleOnly} onChange={setEligibleOnly} aria-label="只看可上报" data-testid="eligible-only" />
          只看可上报
        </Space>
        <Button
          type="primary"
          icon={<SendOutlined />}
          disabled={chosen.length === 0}
          onClick={() => {
            submit.reset();
            setConfirming(true);
          }}
          data-testid="submit-selected"
        >
          {list === "special" ? `填写特殊情况并${action}` : paper ? `上传扫描件并${action}` : `${action}所选`}（{chosen.length}）
        </Button>
      </Space>
      {candidates.isError && <ProblemAlert problem={candidates.error} />}
      <Table<Candidate>
        rowKey="person_id"
        size="middle"
        columns={columns}
        dataSource={candidates.items}
        loading={candidates.isLoading}
        pagination={false}
        scroll={{ x: 900 }}
        rowSelection={{
          // On paper each person comes with his own scans: one at a time.
          type: paper ? "radio" : "checkbox",
          selectedRowKeys: chosen,
          onChange: (keys) => setSelected(keys.map(String)),
          getCheckboxProps: (c) => ({ disabled: !c.eligible, name: c.name }),
        }}
        locale={{ emptyText: "没有可列入名单的人员" }}
        data-testid="candidates-table"
      />
      <LoadMore
        hasMore={candidates.hasNextPage}
        loading={candidates.isFetchingNextPage}
        onLoad={() => void candidates.fetchNextPage()}
        count={candidates.items.length}
      />
      <Modal
        title={`${LIST_KIND_LABELS[list]}名单${paper ? "（纸质验证）" : ""} · ${action} ${chosen.length} 人`}
        open={confirming}
        okText={`确认${action}`}
        cancelText="取消"
        confirmLoading={submit.isPending}
        okButtonProps={{ disabled: paper && evidence.length === 0 }}
        onOk={() => void onConfirm()}
        onCancel={() => setConfirming(false)}
        destroyOnHidden
        width={640}
      >
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            isDepartment
              ? `将为 ${chosenPeople.map((p) => p.name).join("、")} 准备 ${year} 年度的验证记录，由单位审核后上报。`
              : `将上报 ${chosenPeople.map((p) => p.name).join("、")} 的 ${year} 年度学分验证（单位初审），提交后进入上级审核。全部通过校验才会上报。`
          }
        />
        {paper && (
          <Space orientation="vertical" style={{ width: "100%" }} data-testid="paper-scans">
            <Typography.Text>
              纸质验证：由各级继教委办公室审核纸质学分证书。请上传{chosenPeople.map((p) => p.name).join("、")}本人的纸质学分证书扫描件（必填），原件留单位备查。
            </Typography.Text>
            <EvidenceUpload
              files={evidence}
              onChange={setEvidence}
              check={evidenceProblem}
              multiple
              buttonText="上传纸质学分证书扫描件（PDF/PNG/JPEG，10 MB 以内）"
              testIdPrefix="paper-"
            />
          </Space>
        )}
        {list === "special" && (
          <Form form={form} layout="vertical" name="special" initialValues={{ reason: "further_study" }} onFinish={finishSpecial}>
            <Form.Item name="reason" label="特殊原因" rules={[{ required: true, message: "请选择原因" }]}>
              <Select options={options(SPECIAL_REASON_LABELS)} />
            </Form.Item>
            <Form.Item
              name="period"
              label="外出期间（至少半年；援外或抗疫一线不限）"
              rules={[{ required: true, message: "请选择期间" }]}
            >
              <DatePicker.RangePicker style={{ width: "100%" }} />
            </Form.Item>
            <Form.Item label="证明材料（派出通知、进修证明等）" required>
              <EvidenceUpload
                files={evidence}
                onChange={setEvidence}
                check={evidenceProblem}
                buttonText="上传证明材料（PDF/PNG/JPEG，10 MB 以内）"
              />
            </Form.Item>
            <Form.Item name="note" label="备注（选填）">
              <Input.TextArea rows={2} maxLength={500} showCount />
            </Form.Item>
          </Form>
        )}
        {submit.isError && <SubmissionProblem problem={submit.error} names={chosenPeople.map((p) => p.name)} />}
      </Modal>
    </>
  );
}

/** The unit's (or department's) own records: states, returns, and submitting what waits on the unit. */
function RecordsPanel({ cycleYear, isDepartment }: { cycleYear: number; isDepartment: boolean }) {
  const [state, setState] = useState<Verification["state"] | undefined>();
  const [list, setList] = useState<ListKind | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [openId, setOpenId] = useState<string | null>(null);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const records = useCursorList<Verification>(["verifications", { cycleYear, state, list }], (after) =>
    unwrap(api.GET("/api/v1/verifications", { params: { query: { cycle_year: cycleYear, state, list, after, limit: 200 } } })),
  );
  const waiting = records.items.filter((r) => r.state === "prepared" || r.state === "returned");
  const chosen = selected.filter((id) => waiting.some((r) => r.id === id));
  const submit = useMutation({
    mutationFn: (ids: string[]) => unwrap(api.POST("/api/v1/verifications/submit", { body: { ids } })),
    onSuccess(result) {
      message.success(`已上报 ${result.submitted} 条`);
      setSelected([]);
      void queryClient.invalidateQueries({ queryKey: ["verifications"] });
      void queryClient.invalidateQueries({ queryKey: ["verification-candidates"] });
    },
  });
  const columns = verificationColumns({ showUnit: false, onOpen: (r) => setOpenId(r.id) });
  if (!isDepartment) {
    columns.push({
      title: "操作",
      key: "actions",
      width: 96,
      render: (_, r) =>
        r.state === "prepared" || r.state === "returned" ? (
          <Button size="small" type="link" onClick={() => submit.mutate([r.id])} loading={submit.isPending} data-testid="resubmit-one">
            {r.state === "returned" ? "重新上报" : "上报"}
          </Button>
        ) : null,
    });
  }
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder="状态"
          aria-label="状态"
          value={state}
          onChange={setState}
          options={options(VERIFICATION_STATE_LABELS)}
          style={{ width: 140 }}
          data-testid="records-state"
        />
        <Select
          allowClear
          placeholder="名单"
          aria-label="名单"
          value={list}
          onChange={setList}
          options={options(LIST_KIND_LABELS)}
          style={{ width: 120 }}
        />
        {!isDepartment && (
          <Button
            type="primary"
            icon={<SendOutlined />}
            disabled={chosen.length === 0}
            loading={submit.isPending}
            onClick={() => submit.mutate(chosen)}
            data-testid="submit-records"
          >
            上报所选待上报/已退回记录（{chosen.length}）
          </Button>
        )}
      </Space>
      {submit.isError && <ProblemAlert problem={submit.error} />}
      {records.isError && <ProblemAlert problem={records.error} />}
      <Table<Verification>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={records.items}
        loading={records.isLoading}
        pagination={false}
        scroll={{ x: columnsWidth(columns, !isDepartment) }}
        rowSelection={
          isDepartment
            ? undefined
            : {
                selectedRowKeys: chosen,
                onChange: (keys) => setSelected(keys.map(String)),
                getCheckboxProps: (r) => ({ disabled: r.state !== "prepared" && r.state !== "returned" }),
              }
        }
        locale={{ emptyText: "本年度还没有验证记录" }}
        data-testid="records-table"
      />
      <LoadMore hasMore={records.hasNextPage} loading={records.isFetchingNextPage} onLoad={() => void records.fetchNextPage()} count={records.items.length} />
      <VerificationDrawer id={openId} onClose={() => setOpenId(null)} />
    </>
  );
}

/** The unit's window, and whether submissions are accepted now. */
function WindowBanner({ cycleYear }: { cycleYear: number }) {
  const windows = useQuery({
    queryKey: ["windows", cycleYear],
    queryFn: () => unwrap(api.GET("/api/v1/cycles/{year}/windows", { params: { path: { year: cycleYear } } })),
  });
  const w = windows.data?.unit_window;
  if (!w) return null;
  const status = windowStatus(w);
  return (
    <Alert
      type={status === "open" ? "info" : "warning"}
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="unit-window"
      title={
        <Space wrap>
          <span>上报时间：{w.label}</span>
          <Tag color={WINDOW_STATUS_COLORS[status]}>{WINDOW_STATUS_LABELS[status]}</Tag>
        </Space>
      }
      description={status === "open" ? undefined : "不在上报时间内，上报将被拒绝；请联系上级继教委办公室。"}
    />
  );
}

/** 验证信息上报: the unit puts its people on the normal, make-up and special lists; a department prepares them. */
export default function SubmitPage() {
  const { me } = useAuth();
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [tab, setTab] = useState<string>("normal");
  const isDepartment = me?.organisation.kind === "department";
  const unitId = me?.organisation.kind === "unit" ? (me.organisation.id ?? undefined) : undefined;
  return (
    <Card
      title={<PageTitle>{isDepartment ? "验证信息上报（科室准备）" : "验证信息上报"}</PageTitle>}
      extra={<CycleSelect value={cycleYear} onChange={setCycleYear} />}
      data-testid="verification-submit"
    >
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {cycleYear !== undefined && (
        <>
          <WindowBanner cycleYear={cycleYear} />
          {isDepartment && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 16 }}
              title="科室准备的名单由单位核对后上报（单位初审）。"
            />
          )}
          <Tabs
            activeKey={tab}
            onChange={setTab}
            destroyOnHidden
            items={[
              ...(["normal", "make_up", "special"] as const).map((l) => ({
                key: l,
                label: `${LIST_KIND_LABELS[l]}名单`,
                children: <CandidatesPanel key={`${cycleYear}-${l}`} cycleYear={cycleYear} list={l} isDepartment={isDepartment} unitId={unitId} />,
              })),
              {
                key: "records",
                label: isDepartment ? "已准备的记录" : "上报记录",
                children: <RecordsPanel key={cycleYear} cycleYear={cycleYear} isDepartment={isDepartment} />,
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
