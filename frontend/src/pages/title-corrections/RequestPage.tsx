import { SendOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, AutoComplete, Button, Card, DatePicker, Form, Input, List, Select, Space, Spin, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../api/client";
import type { Certificate, Correction } from "../../api/certificateTypes";
import type { Evidence, TitleLevel } from "../../api/types";
import { useAuth } from "../../auth/AuthProvider";
import { EvidenceUpload } from "../../components/EvidenceUpload";
import { ProblemAlert } from "../../components/ProblemAlert";
import { PersonSelect } from "../../components/pickers/PersonSelect";
import { OUTCOME_LABELS, TITLE_LEVEL_LABELS, labelOf, options } from "../../constants/enums";
import { evidenceFileProblem, proofYears } from "../certificates/logic";
import { CorrectionDrawer, CorrectionStateTag, waitingLabel } from "./shared";

interface RequestForm {
  person_id?: string;
  year?: number;
  new_title?: string;
  new_level?: TitleLevel;
  obtained_on?: Dayjs;
  reason?: string;
}

/** A value once it has stopped changing for `ms`. */
function useSettled<T>(value: T, ms = 400): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/** The title catalogue when the account may read it (staff); trainees type the title. */
function useCatalogue(enabled: boolean) {
  return useQuery({
    queryKey: ["title-catalogue"],
    queryFn: () => unwrap(api.GET("/api/v1/title-catalogue")),
    enabled,
    staleTime: 60 * 60_000,
    retry: false,
  });
}


/** 提出更正申请: the year's certificate, the title held, when, why, documents; the engine's verdict first. */
function NewRequest({ initialYear, onDone }: { initialYear?: number; onDone: (c: Correction) => void }) {
  const { me, can } = useAuth();
  const isTrainee = me?.role === "trainee";
  const [form] = Form.useForm<RequestForm>();
  const [evidence, setEvidence] = useState<Evidence[]>([]);
  const personId = Form.useWatch("person_id", form);
  const year = Form.useWatch("year", form);
  const newTitle = Form.useWatch("new_title", form);
  const newLevel = Form.useWatch("new_level", form);
  const catalogue = useCatalogue(can("read_hierarchy"));
  const queryClient = useQueryClient();

  const certificates = useQuery({
    queryKey: isTrainee ? ["me", "certificates"] : ["person-certificates", personId],
    queryFn: () =>
      isTrainee
        ? unwrap(api.GET("/api/v1/me/certificates"))
        : unwrap(api.GET("/api/v1/people/{id}/certificates", { params: { path: { id: personId! } } })),
    enabled: isTrainee || Boolean(personId),
  });
  const years = proofYears(certificates.data ?? []);
  const current: Certificate | undefined = (certificates.data ?? []).find((c) => c.year === year && c.status === "valid");

  // The year from the link (我的证书 → 职称更正) once the certificates are known.
  useEffect(() => {
    if (initialYear && years.includes(initialYear) && form.getFieldValue("year") === undefined) form.setFieldValue("year", initialYear);
  }, [initialYear, years, form]);

  const known = (catalogue.data ?? []).find((t) => t.name === (newTitle ?? "").trim());
  const title = useSettled((newTitle ?? "").trim());
  const previewReady = year !== undefined && title !== "" && (isTrainee || Boolean(personId));
  const preview = useQuery({
    queryKey: ["title-correction-preview", personId, year, title, newLevel],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/title-corrections/preview", {
          params: { query: { person_id: isTrainee ? undefined : personId, year: year!, new_title: title, new_level: newLevel } },
        }),
      ),
    enabled: previewReady,
    retry: false,
  });
  const settled = title === (newTitle ?? "").trim();
  const allowed = previewReady && settled && preview.data?.allowed === true && !preview.isFetching;

  const submit = useMutation({
    mutationFn: (v: RequestForm) =>
      unwrap(
        api.POST("/api/v1/title-corrections", {
          body: {
            person_id: isTrainee ? undefined : v.person_id,
            year: v.year!,
            new_title: v.new_title!.trim(),
            new_level: v.new_level,
            obtained_on: v.obtained_on!.format("YYYY-MM-DD"),
            reason: v.reason!.trim(),
            evidence_ids: evidence.map((e) => e.id),
          },
        }),
      ),
    onSuccess(c) {
      void queryClient.invalidateQueries({ queryKey: ["title-corrections"] });
      form.resetFields();
      setEvidence([]);
      onDone(c);
    },
  });

  return (
    <Form<RequestForm> form={form} layout="vertical" name="correction" onFinish={(v) => submit.mutate(v)} data-testid="correction-form">
      {!isTrainee && (
        <Form.Item name="person_id" label="人员" rules={[{ required: true, message: "请选择人员" }]}>
          <PersonSelect onChange={() => form.setFieldValue("year", undefined)} />
        </Form.Item>
      )}
      <Form.Item
        name="year"
        label="证书年度"
        rules={[{ required: true, message: "请选择有有效证书的年度" }]}
        extra={current ? `原证书：${current.number}，职称 ${current.title}` : undefined}
      >
        <Select<number>
          placeholder={certificates.isLoading ? "读取证书…" : "有有效证书的年度"}
          loading={certificates.isLoading}
          options={years.map((y) => ({ value: y, label: `${y} 年度` }))}
          notFoundContent="没有有效证书"
          data-testid="correction-year"
        />
      </Form.Item>
      <Form.Item name="new_title" label="实际取得的职称" rules={[{ required: true, whitespace: true, message: "请填写职称" }]}>
        <AutoComplete
          placeholder="如 主治医师"
          options={(catalogue.data ?? [])
            .filter((t) => !newTitle || t.name.includes(newTitle.trim()))
            .slice(0, 50)
            .map((t) => ({ value: t.name, label: `${t.name}（${labelOf(TITLE_LEVEL_LABELS, t.level)}）` }))}
          data-testid="correction-title"
        />
      </Form.Item>
      {!known && (
        <Form.Item
          name="new_level"
          label="职称级别"
          extra={catalogue.data ? "职称目录中没有的名称须注明级别" : "目录中的职称可不填；目录外的职称须注明级别"}
        >
          <Select<TitleLevel> allowClear placeholder="级别" options={options(TITLE_LEVEL_LABELS)} data-testid="correction-level" />
        </Form.Item>
      )}
      <Form.Item name="obtained_on" label="取得日期" rules={[{ required: true, message: "请选择取得该职称的日期" }]}>
        <DatePicker style={{ width: "100%" }} inputReadOnly={false} data-testid="correction-obtained" />
      </Form.Item>
      <Form.Item
        name="reason"
        label="更正理由"
        rules={[
          { required: true, whitespace: true, message: "请说明更正理由" },
          { min: 2, max: 1000, message: "更正理由为 2–1000 字" },
        ]}
      >
        <Input.TextArea rows={3} maxLength={1000} showCount placeholder="例如：2021 年 3 月已取得主治医师资格，证书上仍为医师" />
      </Form.Item>
      <Form.Item label="证明材料" required>
        <EvidenceUpload
          files={evidence}
          onChange={setEvidence}
          check={evidenceFileProblem}
          buttonText="上传证明材料（职称证书、聘任文件等）"
          multiple
          max={10}
          testIdPrefix="correction-"
        />
      </Form.Item>
      <div style={{ marginBottom: 16 }} data-testid="correction-preview">
        {!previewReady && <Typography.Text type="secondary">选择年度并填写职称后，系统按新职称的标准核算该年度学分。</Typography.Text>}
        {previewReady && (preview.isFetching || !settled) && <Spin size="small" />}
        {previewReady && settled && preview.isError && <ProblemAlert problem={preview.error} />}
        {previewReady && settled && !preview.isFetching && preview.data && (
          <Alert
            type={preview.data.allowed ? "success" : "error"}
            showIcon
            data-testid="correction-preview-result"
            data-allowed={preview.data.allowed ? "true" : "false"}
            title={
              preview.data.allowed
                ? `按新职称（${labelOf(TITLE_LEVEL_LABELS, preview.data.new_level)}）核算：${year} 年度学分达标，可以申请更正`
                : `按新职称（${labelOf(TITLE_LEVEL_LABELS, preview.data.new_level)}）核算：${year} 年度学分${labelOf(OUTCOME_LABELS, preview.data.outcome)}，不能申请更正`
            }
            description={
              preview.data.shortfalls.length > 0 ? (
                <ul style={{ margin: 0, paddingInlineStart: 20 }}>
                  {preview.data.shortfalls.map((s) => (
                    <li key={s}>{s}</li>
                  ))}
                </ul>
              ) : undefined
            }
          />
        )}
      </div>
      {submit.isError && (
        <div style={{ marginBottom: 16 }}>
          <ProblemAlert problem={submit.error} />
        </div>
      )}
      <Button
        type="primary"
        htmlType="submit"
        icon={<SendOutlined />}
        block
        disabled={!allowed || evidence.length === 0}
        loading={submit.isPending}
        data-testid="correction-submit"
      >
        提交更正申请
      </Button>
      {allowed && evidence.length === 0 && (
        <Typography.Text type="secondary" style={{ display: "block", marginTop: 8 }}>
          请先上传证明材料。
        </Typography.Text>
      )}
    </Form>
  );
}

/** 职称更正申请: file a request (a trainee for himself, a unit for its staff) and follow one's requests. */
export default function RequestPage() {
  const { me } = useAuth();
  const [search] = useSearchParams();
  const initialYear = Number(search.get("year")) || undefined;
  const [openId, setOpenId] = useState<string | null>(null);
  const { message } = App.useApp();
  const list = useQuery({ queryKey: ["title-corrections", "mine"], queryFn: () => unwrap(api.GET("/api/v1/title-corrections")) });
  const mine = [...(list.data ?? [])].sort((a, b) => b.requested_at.localeCompare(a.requested_at));
  const isTrainee = me?.role === "trainee";
  return (
    <div style={{ maxWidth: isTrainee ? 720 : 960, margin: "0 auto" }} data-testid="title-corrections">
      <Card size="small" title="提出职称更正申请" style={{ marginBottom: 12 }}>
        <Typography.Paragraph type="secondary">
          证书上的职称与实际取得职称的时间不符时，可申请更正：经单位和各级继教委办公室审核、省继教委办公室决定；更正后该年度学分须达到新职称的标准，证书以同一编号重新颁发新版本。
        </Typography.Paragraph>
        <NewRequest
          initialYear={initialYear}
          onDone={(c) => {
            message.success("已提交更正申请");
            setOpenId(c.id);
          }}
        />
      </Card>
      <Card size="small" title={isTrainee ? "我的更正申请" : "本单位的更正申请"}>
        {list.isLoading && <Spin />}
        {list.isError && <ProblemAlert problem={list.error} />}
        {list.data && (
          <List<Correction>
            dataSource={mine}
            locale={{ emptyText: "暂无更正申请" }}
            data-testid="my-corrections"
            renderItem={(c) => (
              <List.Item key={c.id} data-testid="my-correction" data-state={c.state} onClick={() => setOpenId(c.id)} style={{ cursor: "pointer" }}>
                <Space orientation="vertical" size={2} style={{ width: "100%" }}>
                  <Space style={{ justifyContent: "space-between", width: "100%" }} wrap>
                    <Typography.Text strong>
                      {isTrainee ? "" : `${c.person_name} · `}
                      {c.year} 年度：{c.old_title} → {c.new_title}
                    </Typography.Text>
                    <CorrectionStateTag state={c.state} />
                  </Space>
                  <Typography.Text type="secondary">
                    {c.state === "in_review" ? `等待 ${waitingLabel(c)} 审核` : c.state === "approved" ? "已批准，证书已重新颁发" : "已驳回"}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </Card>
      <CorrectionDrawer id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}

