import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  Radio,
  Result,
  Space,
  Steps,
  Typography,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { Credit, CreditSource, PersonSummary } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { PageTitle } from "../../../components/PageTitle";
import { PersonSelect } from "../../../components/pickers/PersonSelect";
import { YearSelect } from "../../../components/pickers/YearSelect";
import { useWorkingYear } from "../../../hooks/workingYear";
import { CREDIT_STATE_LABELS, labelOf } from "../../../constants/enums";
import { formatCredits } from "../../../utils/format";
import { applyProblem } from "../../../utils/formErrors";
import {
  CLASS_OPTIONS,
  CONFLICT_FIELDS,
  type CreditClass,
  LEVEL_OPTIONS,
  STEP_FIELDS,
  WIRE_TO_FORM,
  type WizardValues,
  categoryText,
  parseAmount,
  stepOfProblem,
  toRequest,
} from "./mapping";

/** The form's own shape: the date is a Dayjs until sent. */
type FormValues = Omit<WizardValues, "earned_on"> & { earned_on?: Dayjs };

const ALL_FIELDS = STEP_FIELDS.flat();

function Done({ credit, person, onAgain, onNext }: { credit: Credit; person: PersonSummary | undefined; onAgain: () => void; onNext: () => void }) {
  const draft = credit.state === "draft";
  return (
    <Result
      status="success"
      data-testid="credit-entry-done"
      title={draft ? "已保存为科室草稿" : "学分已录入，即时生效"}
      subTitle={
        <Space orientation="vertical" size={2}>
          <span>
            {person?.name ?? ""} · {credit.activity_name} · {formatCredits(credit.amount)} 分 · 状态：
            {labelOf(CREDIT_STATE_LABELS, credit.state)}
          </span>
          {draft && <span>草稿需在“科室学分上报”中上报，单位审核通过后才计入学分。</span>}
        </Space>
      }
      extra={[
        <Button type="primary" key="again" onClick={onAgain} data-testid="entry-again">
          继续为此人录入
        </Button>,
        <Button key="next" onClick={onNext}>
          录入其他人员
        </Button>,
        draft ? (
          <Link key="drafts" to="/credit-drafts">
            <Button>去上报</Button>
          </Link>
        ) : (
          <Link key="detail" to={`/compliance/people/${credit.person_id}/${credit.year}`}>
            <Button>查看达标详情</Button>
          </Link>
        ),
      ]}
    />
  );
}

/**
 * 学分录入 (向导录入): a paper certificate typed in, by class and level.
 * A unit's entry counts at once; a department's is a draft until reported
 * and approved.
 */
export default function CreditEntryPage() {
  const { me } = useAuth();
  const [search] = useSearchParams();
  const workingYear = useWorkingYear();
  const [form] = Form.useForm<FormValues>();
  const queryClient = useQueryClient();
  const [personId, setPersonId] = useState<string | undefined>(search.get("person") ?? undefined);
  const [person, setPerson] = useState<PersonSummary | undefined>();
  const [step, setStep] = useState(0);
  const [problem, setProblem] = useState<string[]>([]);
  const [done, setDone] = useState<Credit | null>(null);
  const isDepartment = me?.organisation.kind === "department";

  // A person named in the URL (from his detail page).
  const initial = useQuery({
    queryKey: ["person", personId],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}", { params: { path: { id: personId! } } })),
    enabled: Boolean(personId) && !person,
  });
  useEffect(() => {
    if (initial.data && !person) setPerson(initial.data);
  }, [initial.data, person]);

  const urlYear = Number(search.get("year"));
  useEffect(() => {
    if (form.getFieldValue("year") !== undefined) return;
    if (Number.isInteger(urlYear) && urlYear >= 2015) form.setFieldValue("year", urlYear);
    else if (workingYear !== undefined) form.setFieldValue("year", workingYear);
  }, [workingYear, urlYear, form]);

  const creditClass = Form.useWatch("credit_class", form) as CreditClass | undefined;
  const year = Form.useWatch("year", form) as number | undefined;

  const mutation = useMutation({
    mutationFn: (values: WizardValues) =>
      unwrap(api.POST("/api/v1/people/{id}/credits", { params: { path: { id: personId! } }, body: toRequest(values) })),
    onSuccess(credit) {
      setDone(credit);
      void queryClient.invalidateQueries({ queryKey: ["person-year", credit.person_id] });
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
      void queryClient.invalidateQueries({ queryKey: ["credit-drafts"] });
    },
    onError(e) {
      if (!(e instanceof ApiProblem)) {
        setProblem(["录入失败"]);
        return;
      }
      // Every step's fields stay mounted (hidden), so the errors land at once.
      const target = stepOfProblem(e);
      if (target !== null) setStep(target);
      setProblem(applyProblem(form, e, ALL_FIELDS, { rename: WIRE_TO_FORM, conflicts: CONFLICT_FIELDS }));
    },
  });

  const values = (): WizardValues => {
    const v = form.getFieldsValue(true) as FormValues;
    return { ...v, earned_on: v.earned_on ? v.earned_on.format("YYYY-MM-DD") : "" };
  };

  const next = async () => {
    await form.validateFields(STEP_FIELDS[step] as string[]);
    setProblem([]);
    setStep(step + 1);
  };

  const restart = (keepPerson: boolean) => {
    const keepYear = form.getFieldValue("year");
    form.resetFields();
    form.setFieldValue("year", keepYear);
    setDone(null);
    setStep(0);
    setProblem([]);
    mutation.reset();
    if (!keepPerson) {
      setPersonId(undefined);
      setPerson(undefined);
    }
  };

  const v = step === 2 ? values() : null;

  return (
    <Card title={<PageTitle>学分录入（纸质证书）</PageTitle>} data-testid="credit-entry">
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        title={
          isDepartment
            ? "科室录入的学分为“科室草稿”，需上报单位审核通过后才计入。"
            : "单位录入的学分即时生效。同一纸质证书（证书编号）不能重复录入。"
        }
      />
      <Form.Item label="人员" htmlFor="credit_entry_person" required style={{ marginBottom: 24 }}>
        <PersonSelect
          id="credit_entry_person"
          value={personId}
          initial={person ?? null}
          onChange={(id, p) => {
            setPersonId(id);
            setPerson(p);
            setDone(null);
          }}
        />
      </Form.Item>
      {done ? (
        <Done credit={done} person={person} onAgain={() => restart(true)} onNext={() => restart(false)} />
      ) : (
        <>
          <Steps
            current={step}
            style={{ marginBottom: 24, maxWidth: 720 }}
            items={[{ title: "类别与级别" }, { title: "证书信息" }, { title: "确认" }]}
          />
          {problem.length > 0 && (
            <Alert type="error" showIcon title={problem.join("；")} style={{ marginBottom: 16 }} data-testid="entry-problem" />
          )}
          <Form<FormValues>
            form={form}
            name="credit_entry"
            layout="vertical"
            style={{ maxWidth: 640 }}
            onValuesChange={(changed) => {
              if ("credit_class" in changed) form.setFieldValue("source", undefined);
            }}
          >
            <div style={{ display: step === 0 ? "block" : "none" }}>
              <Form.Item name="year" label="学分年度" rules={[{ required: true, message: "请选择年度" }]}>
                <YearSelect />
              </Form.Item>
              <Form.Item name="credit_class" label="学分类别" rules={[{ required: true, message: "请选择学分类别" }]}>
                <Radio.Group>
                  <Space orientation="vertical">
                    {CLASS_OPTIONS.map((o) => (
                      <Radio key={o.value} value={o.value}>
                        {o.label} <Typography.Text type="secondary">{o.hint}</Typography.Text>
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              </Form.Item>
              {(creditClass === "i" || creditClass === "ii") && (
                <Form.Item name="source" label="级别" rules={[{ required: true, message: "请选择级别" }]}>
                  <Radio.Group optionType="button" buttonStyle="solid" options={LEVEL_OPTIONS[creditClass]} />
                </Form.Item>
              )}
            </div>
            <div style={{ display: step === 1 ? "block" : "none" }}>
              <Form.Item
                name="activity_name"
                label="项目/活动名称"
                rules={[{ required: true, whitespace: true, message: "请填写项目/活动名称" }]}
              >
                <Input maxLength={200} placeholder="证书上的项目名称" />
              </Form.Item>
              <Form.Item name="organiser" label="主办单位">
                <Input maxLength={200} placeholder="证书上的主办单位" />
              </Form.Item>
              <Space size="large" align="start" wrap>
                <Form.Item name="earned_on" label="授予日期" rules={[{ required: true, message: "请选择日期" }]}>
                  <DatePicker
                    style={{ width: 200 }}
                    defaultPickerValue={year ? dayjs(`${year}-01-01`) : undefined}
                    disabledDate={(d) => d.isAfter(dayjs(), "day") || (year !== undefined && d.year() !== year)}
                  />
                </Form.Item>
                <Form.Item
                  name="amount"
                  label="学分"
                  rules={[
                    {
                      validator: (_, value: string | undefined) => {
                        const parsed = parseAmount(value);
                        return "error" in parsed ? Promise.reject(new Error(parsed.error)) : Promise.resolve();
                      },
                    },
                  ]}
                >
                  <Input style={{ width: 160 }} inputMode="decimal" placeholder="如 2 或 2.5" suffix="分" />
                </Form.Item>
              </Space>
              <Form.Item
                name="certificate_no"
                label="证书编号"
                rules={[{ required: true, whitespace: true, message: "请填写证书编号" }]}
              >
                <Input maxLength={100} placeholder="纸质证书上的编号" />
              </Form.Item>
              <Form.Item name="note" label="备注">
                <Input.TextArea rows={2} maxLength={500} />
              </Form.Item>
            </div>
          </Form>
          {v && (
            <Descriptions
              bordered
              size="small"
              column={1}
              style={{ maxWidth: 640, marginBottom: 24 }}
              data-testid="entry-summary"
              items={[
                { key: "person", label: "人员", children: person ? `${person.name}（${person.id_number_masked}）` : "—" },
                { key: "year", label: "学分年度", children: `${v.year} 年度` },
                { key: "category", label: "类别与级别", children: categoryText(v.credit_class, v.source as CreditSource | undefined) },
                { key: "name", label: "项目/活动名称", children: v.activity_name },
                { key: "organiser", label: "主办单位", children: v.organiser || "—" },
                { key: "date", label: "授予日期", children: v.earned_on },
                { key: "amount", label: "学分", children: `${v.amount} 分` },
                { key: "cert", label: "证书编号", children: v.certificate_no },
                ...(v.note ? [{ key: "note", label: "备注", children: v.note }] : []),
                {
                  key: "effect",
                  label: "录入后",
                  children: isDepartment ? "科室草稿（待上报、审核）" : "即时生效",
                },
              ]}
            />
          )}
          <Space>
            {step > 0 && (
              <Button onClick={() => setStep(step - 1)} data-testid="entry-prev">
                上一步
              </Button>
            )}
            {step < 2 && (
              <Button type="primary" onClick={() => void next().catch(() => {})} disabled={!personId} data-testid="entry-next">
                下一步
              </Button>
            )}
            {step === 2 && (
              <Button
                type="primary"
                loading={mutation.isPending}
                disabled={!personId}
                onClick={() => {
                  setProblem([]);
                  mutation.mutate(values());
                }}
                data-testid="entry-submit"
              >
                {isDepartment ? "保存为草稿" : "确认录入"}
              </Button>
            )}
            {!personId && <Typography.Text type="secondary">请先选择人员</Typography.Text>}
          </Space>
        </>
      )}
    </Card>
  );
}
