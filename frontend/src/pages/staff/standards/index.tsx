import { CloudUploadOutlined, DeleteOutlined, EyeOutlined, PlusOutlined, SaveOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Input,
  InputNumber,
  Modal,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Switch,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { useEffect, useMemo, useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { Discipline, PreviewDto, PreviewRow, PublishResult, TitleLevel, UnitLevel } from "../../../api/types";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RateBar } from "../../../components/RateBar";
import { YearSelect } from "../../../components/pickers/YearSelect";
import { useStandardYears, useWorkingYear } from "../../../hooks/workingYear";
import { LIMIT_FIELDS, LIMIT_LABELS, type LimitField } from "../../../constants/compliance";
import { DISCIPLINE_LABELS, TITLE_LEVEL_LABELS, UNIT_LEVEL_LABELS, labelOf } from "../../../constants/enums";
import {
  DISCIPLINES,
  type EditorRow,
  type EditorState,
  TITLE_LEVELS,
  UNIT_LEVELS,
  changedCells,
  coverage,
  draftInputOf,
  editorFromStandard,
  emptyRow,
  previewDelta,
  rowKey,
  signed,
  signedPoints,
  sortRows,
  titleMatters,
  validateEditor,
} from "./logic";


/** The rate now and under the draft, as two bars (grey: now; blue or red: the draft). */
function CompareBars({ row }: { row: PreviewRow }) {
  const { drop } = previewDelta(row);
  return (
    <div>
      <RateBar permille={row.rate_now_permille} color="#bfbfbf" label="现行" labelWidth={28} passLine={false} testId="bar-now" />
      <RateBar
        permille={row.rate_draft_permille}
        color={drop ? "#ff4d4f" : "#1677ff"}
        label="草稿"
        labelWidth={28}
        passLine={false}
        testId="bar-draft"
      />
    </div>
  );
}

function previewColumns(first: string): ColumnsType<PreviewRow> {
  return [
    { title: first, dataIndex: "name", width: 180 },
    { title: "人数", dataIndex: "people", width: 80, align: "right" },
    { title: "现行达标", dataIndex: "compliant_now", width: 90, align: "right" },
    { title: "草稿达标", dataIndex: "compliant_draft", width: 90, align: "right" },
    {
      title: "变化",
      key: "delta",
      width: 150,
      render: (_, r) => {
        const d = previewDelta(r);
        return (
          <span style={{ color: d.drop ? "#cf1322" : d.people > 0 ? "#389e0d" : undefined, fontWeight: d.drop ? 600 : undefined }} data-testid="preview-delta">
            {signed(d.people)} 人（{signedPoints(d.permille)}）
          </span>
        );
      },
    },
    { title: "达标率", key: "bars", width: 280, render: (_, r) => <CompareBars row={r} /> },
  ];
}

function PreviewView({ preview }: { preview: PreviewDto }) {
  const t = preview.total;
  const d = previewDelta(t);
  const rowClass = (r: PreviewRow) => (previewDelta(r).drop ? "preview-drop" : "");
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="preview">
      <Typography.Text type="secondary">
        以 {preview.on_year} 年度的人员和学分，按草稿与现行标准分别测算（不保存任何结果）。标红的行达标人数减少。
      </Typography.Text>
      <Row gutter={[12, 12]} data-testid="preview-total">
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="测算人数" value={t.people} />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic title="现行标准达标" value={t.compliant_now} suffix={`人 · ${(t.rate_now_permille / 10).toFixed(1)}%`} data-testid="preview-now" />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="草稿达标"
              value={t.compliant_draft}
              suffix={`人 · ${(t.rate_draft_permille / 10).toFixed(1)}%`}
              styles={{ content: { color: d.drop ? "#cf1322" : undefined } }}
              data-testid="preview-draft"
            />
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small">
            <Statistic
              title="变化"
              value={`${signed(d.people)} 人`}
              suffix={signedPoints(d.permille)}
              styles={{ content: { color: d.drop ? "#cf1322" : d.people > 0 ? "#389e0d" : undefined } }}
              data-testid="preview-change"
            />
          </Card>
        </Col>
      </Row>
      <style>{`.preview-drop > td { background: #fff1f0 !important; }`}</style>
      <Card size="small" title="按州市">
        <Table<PreviewRow>
          rowKey={(r) => r.prefecture_id ?? r.name}
          size="small"
          columns={previewColumns("州市")}
          dataSource={preview.by_prefecture}
          rowClassName={rowClass}
          pagination={false}
          scroll={{ x: "max-content" }}
          data-testid="preview-by-prefecture"
        />
      </Card>
      <Card size="small" title="按职称级别">
        <Table<PreviewRow>
          rowKey={(r) => r.title_level ?? r.name}
          size="small"
          columns={previewColumns("职称级别")}
          dataSource={preview.by_title}
          rowClassName={rowClass}
          pagination={false}
          scroll={{ x: "max-content" }}
          data-testid="preview-by-title"
        />
      </Card>
    </Space>
  );
}

/** Adds a row for a profile (after one was removed, or an any-title row). */
function AddRow({ onAdd }: { onAdd: (row: EditorRow) => void }) {
  const [discipline, setDiscipline] = useState<Discipline>("clinical");
  const [unitLevel, setUnitLevel] = useState<UnitLevel>("county");
  const [title, setTitle] = useState<TitleLevel | "any">("any");
  return (
    <Space wrap>
      <Select<Discipline> value={discipline} onChange={setDiscipline} options={DISCIPLINES.map((d) => ({ value: d, label: DISCIPLINE_LABELS[d] }))} style={{ width: 190 }} />
      <Select<UnitLevel> value={unitLevel} onChange={setUnitLevel} options={UNIT_LEVELS.map((u) => ({ value: u, label: UNIT_LEVEL_LABELS[u] }))} style={{ width: 120 }} />
      <Select<TitleLevel | "any">
        value={titleMatters(unitLevel) ? title : "any"}
        onChange={setTitle}
        disabled={!titleMatters(unitLevel)}
        options={[{ value: "any" as const, label: "不分职称" }, ...TITLE_LEVELS.map((t) => ({ value: t, label: TITLE_LEVEL_LABELS[t] }))]}
        style={{ width: 110 }}
      />
      <Button
        icon={<PlusOutlined />}
        onClick={() => onAdd(emptyRow(discipline, unitLevel, titleMatters(unitLevel) && title !== "any" ? title : null))}
        data-testid="add-row"
      >
        添加行
      </Button>
    </Space>
  );
}

/** 学分标准维护: the province edits a year's next standard, previews who would pass, publishes. */
export default function StandardsPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const years = useStandardYears();
  const [year, setYear] = useState<number | undefined>();
  const workingYear = useWorkingYear();
  const shownYear = year ?? workingYear;
  const [state, setState] = useState<EditorState | null>(null);
  const [loadedFor, setLoadedFor] = useState<number | null>(null);
  const [dirty, setDirty] = useState(false);
  const [onYear, setOnYear] = useState<number | null>(null);
  const [preview, setPreview] = useState<PreviewDto | null>(null);
  const [published, setPublished] = useState<PublishResult | null>(null);
  const [confirmPublish, setConfirmPublish] = useState(false);

  // A year the list does not name has no standard yet: asking would only answer 404.
  const listed = shownYear !== undefined && (years.data ?? []).includes(shownYear);
  const inForce = useQuery({
    queryKey: ["standard", shownYear],
    queryFn: () => unwrap(api.GET("/api/v1/standards/{year}", { params: { path: { year: shownYear! } } })),
    enabled: listed,
  });
  /** The standard in force: `null` for a year without one, `undefined` while unknown. */
  const inForceStandard = listed ? inForce.data : shownYear !== undefined && years.isSuccess ? null : undefined;
  // Which years have a draft: a year without one is a state (start from the standard in
  // force), never a 404 asked for.
  const draftYears = useQuery({
    queryKey: ["standard-drafts"],
    queryFn: () => unwrap(api.GET("/api/v1/standards/drafts")),
  });
  const draftListed = shownYear !== undefined && (draftYears.data ?? []).includes(shownYear);
  const draft = useQuery({
    queryKey: ["standard-draft", shownYear],
    queryFn: () =>
      draftListed ? unwrap(api.GET("/api/v1/standards/{year}/draft", { params: { path: { year: shownYear! } } })) : Promise.resolve(null),
    enabled: shownYear !== undefined && draftYears.isSuccess,
  });
  // A year without a standard yet starts from the latest year before it that has one.
  const baseYear = inForceStandard === null && shownYear !== undefined ? (years.data ?? []).find((y) => y < shownYear) ?? years.data?.[0] : undefined;
  const base = useQuery({
    queryKey: ["standard", baseYear],
    queryFn: () => unwrap(api.GET("/api/v1/standards/{year}", { params: { path: { year: baseYear! } } })),
    enabled: baseYear !== undefined,
  });
  const inForceState = useMemo(() => {
    const source = inForceStandard ?? base.data;
    return source ? editorFromStandard(source) : null;
  }, [inForceStandard, base.data]);
  const [otherYear, setOtherYear] = useState<number | null>(null);

  // A year's saved draft opens in the editor; without one the editor waits for 以现行标准开始.
  useEffect(() => {
    if (shownYear === undefined || loadedFor === shownYear || !draft.isSuccess) return;
    setState(draft.data ? editorFromStandard(draft.data) : null);
    setLoadedFor(shownYear);
    setDirty(false);
    setPreview(null);
  }, [shownYear, loadedFor, draft.isSuccess, draft.data]);

  const chooseYear = (y: number) => {
    setYear(y);
    setLoadedFor(null);
    setState(null);
    setPreview(null);
    setPublished(null);
  };
  const edit = (next: EditorState) => {
    setState(next);
    setDirty(true);
    setPreview(null);
  };
  const setCell = (key: string, field: LimitField, value: number | null) =>
    state && edit({ ...state, rows: state.rows.map((r) => (r.key === key ? { ...r, [field]: value } : r)) });

  const save = useMutation({
    mutationFn: (s: EditorState) =>
      unwrap(api.PUT("/api/v1/standards/{year}/draft", { params: { path: { year: shownYear! } }, body: draftInputOf(s) })),
    onSuccess(saved) {
      queryClient.setQueryData(["standard-draft", shownYear], saved);
      queryClient.setQueryData<number[]>(["standard-drafts"], (years = []) => (years.includes(saved.year) ? years : [...years, saved.year]));
      setState(editorFromStandard(saved));
      setDirty(false);
      message.success("草稿已保存");
    },
  });
  const previewing = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST("/api/v1/standards/{year}/draft/preview", {
          params: { path: { year: shownYear! }, query: onYear ? { on_year: onYear } : {} },
        }),
      ),
    onSuccess: setPreview,
  });
  const publish = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/standards/{year}/draft/publish", { params: { path: { year: shownYear! } } })),
    onSuccess(result) {
      setPublished(result);
      setConfirmPublish(false);
      setPreview(null);
      setState(null);
      setDirty(false);
      queryClient.setQueryData(["standard-draft", shownYear], null);
      queryClient.setQueryData<number[]>(["standard-drafts"], (years = []) => years.filter((y) => y !== shownYear));
      void queryClient.invalidateQueries({ queryKey: ["standard", shownYear] });
      void queryClient.invalidateQueries({ queryKey: ["standards"] });
      void queryClient.invalidateQueries({ queryKey: ["compliance"] });
    },
  });

  const errors = state ? validateEditor(state) : [];
  const errorOf = new Map(errors.map((e) => [`${e.key}|${e.field}`, e.message]));
  const changed = state ? changedCells(state, inForceState) : new Set<string>();
  const cover = state ? coverage(state.rows) : { missing: [], duplicate: [] };
  const hasDraft = draft.data !== null && draft.data !== undefined;

  const columns: ColumnsType<EditorRow> = [
    {
      title: "专业类别",
      dataIndex: "discipline",
      width: 160,
      fixed: "left",
      render: (d: Discipline) => labelOf(DISCIPLINE_LABELS, d),
    },
    { title: "单位级别", dataIndex: "unit_level", width: 90, fixed: "left", render: (u: UnitLevel) => labelOf(UNIT_LEVEL_LABELS, u) },
    { title: "职称", dataIndex: "title_level", width: 80, fixed: "left", render: (t: TitleLevel | null) => (t ? labelOf(TITLE_LEVEL_LABELS, t) : "不分职称") },
    ...LIMIT_FIELDS.map((field) => ({
      title: LIMIT_LABELS[field],
      key: field,
      width: 104,
      render: (_: unknown, r: EditorRow) => {
        const error = errorOf.get(`${r.key}|${field}`);
        const isChanged = changed.has(`${r.key}|${field}`);
        return (
          <Tooltip title={error}>
            <InputNumber
              size="small"
              min={0}
              step={0.5}
              value={r[field]}
              placeholder={field === "total" ? "必填" : "不限"}
              status={error ? "error" : undefined}
              onChange={(v) => setCell(r.key, field, typeof v === "number" ? v : null)}
              style={{ width: 88, background: isChanged ? "#fffbe6" : undefined }}
              data-testid={`limit-${field}`}
              data-changed={isChanged ? "true" : undefined}
            />
          </Tooltip>
        );
      },
    })),
    {
      title: "",
      key: "remove",
      width: 50,
      render: (_: unknown, r: EditorRow) => (
        <Tooltip title="删除此行">
          <Button
            size="small"
            type="text"
            danger
            icon={<DeleteOutlined />}
            onClick={() => state && edit({ ...state, rows: state.rows.filter((x) => x !== r) })}
            data-testid="remove-row"
          />
        </Tooltip>
      ),
    },
  ];

  const loading = years.isLoading || inForce.isLoading || draft.isLoading || base.isLoading;
  return (
    <Card
      title="学分标准维护"
      extra={
        <Space wrap>
          <YearSelect value={shownYear} onChange={chooseYear} />
          <Space.Compact>
            <InputNumber
              min={2015}
              max={2100}
              value={otherYear}
              onChange={(v) => setOtherYear(typeof v === "number" ? v : null)}
              placeholder="其他年度"
              style={{ width: 110 }}
              data-testid="other-year"
            />
            <Button disabled={otherYear === null} onClick={() => otherYear !== null && chooseYear(otherYear)} data-testid="open-other-year">
              打开
            </Button>
          </Space.Compact>
        </Space>
      }
      data-testid="standard-editor"
    >
      <Typography.Paragraph type="secondary">
        编辑所选年度学分验证标准的下一版本：每个专业类别、单位级别、职称级别须恰好有一行；留空表示不作要求（总学分必填）。保存后可预览达标人数的变化，发布后立即按新标准重算该年度的达标情况。
      </Typography.Paragraph>
      {(years.isError || inForce.isError || draft.isError || base.isError) && (
        <ProblemAlert problem={(years.error ?? inForce.error ?? draft.error ?? base.error)!} />
      )}
      {published && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setPublished(null) }}
          style={{ marginBottom: 16 }}
          data-testid="publish-result"
          title={`已发布 ${published.standard.year} 年度学分验证标准第 ${published.standard.version} 版`}
          description={`按新标准重算 ${published.people} 人，达标 ${published.compliant} 人，改写结论 ${published.written} 条，用时 ${published.millis} 毫秒。`}
        />
      )}
      {loading && <Spin />}
      {inForceStandard === null && shownYear !== undefined && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          data-testid="new-year"
          title={`${shownYear} 年度尚无学分验证标准${base.data ? `：以 ${base.data.year} 年度标准为起点起草，发布后为第 1 版` : ""}`}
        />
      )}
      {inForceStandard && (
        <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginBottom: 12 }} data-testid="standard-info">
          <Descriptions.Item label="现行标准">
            {inForceStandard.year} 年度第 {inForceStandard.version} 版
          </Descriptions.Item>
          <Descriptions.Item label="草稿">
            {hasDraft ? <Tag color="processing" data-testid="draft-status">已保存草稿</Tag> : <Tag data-testid="draft-status">无草稿</Tag>}
            {dirty && <Tag color="orange">有未保存的修改</Tag>}
          </Descriptions.Item>
          <Descriptions.Item label="现行公需科目">
            {inForceStandard.mandatory_course ? `${inForceStandard.mandatory_course.name}（${inForceStandard.mandatory_course.deadline} 前）` : "无"}
          </Descriptions.Item>
        </Descriptions>
      )}
      {!loading && shownYear !== undefined && state === null && (
        <Empty description={`${shownYear} 年度没有正在编辑的草稿`} data-testid="no-draft">
          <Button
            type="primary"
            disabled={!inForceState}
            onClick={() => inForceState && edit(structuredClone(inForceState))}
            data-testid="start-draft"
          >
            {inForceStandard ? "以现行标准开始草稿" : `以 ${base.data?.year ?? ""} 年度标准开始草稿`}
          </Button>
        </Empty>
      )}
      {state && (
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Card size="small" title="公需科目（全员培训）">
            <Space wrap>
              <Switch
                checked={state.course !== null}
                onChange={(on) => edit({ ...state, course: on ? (state.course ?? { name: "", deadline: `${shownYear! + 1}-03-01` }) : null })}
                checkedChildren="有"
                unCheckedChildren="无"
                data-testid="course-enabled"
              />
              {state.course && (
                <>
                  <Input
                    value={state.course.name}
                    onChange={(e) => edit({ ...state, course: { ...state.course!, name: e.target.value } })}
                    placeholder="科目名称"
                    style={{ width: 280 }}
                    status={state.course.name.trim() ? undefined : "error"}
                    data-testid="course-name"
                  />
                  <DatePicker
                    value={state.course.deadline ? dayjs(state.course.deadline) : null}
                    onChange={(d) => edit({ ...state, course: { ...state.course!, deadline: d ? d.format("YYYY-MM-DD") : "" } })}
                    placeholder="完成截止日期"
                    data-testid="course-deadline"
                  />
                </>
              )}
            </Space>
          </Card>
          {(cover.missing.length > 0 || cover.duplicate.length > 0) && (
            <Alert
              type="warning"
              showIcon
              data-testid="coverage"
              title="每个专业类别、单位级别、职称级别须恰好有一行，否则保存会被拒绝"
              description={
                <div>
                  {cover.missing.length > 0 && <div>缺少：{cover.missing.join("；")}</div>}
                  {cover.duplicate.length > 0 && <div>重复：{cover.duplicate.join("；")}</div>}
                </div>
              }
            />
          )}
          <Table<EditorRow>
            rowKey="key"
            size="small"
            bordered
            columns={columns}
            dataSource={state.rows}
            pagination={false}
            scroll={{ x: "max-content" }}
            data-testid="standard-rows"
          />
          <AddRow onAdd={(row) => edit({ ...state, rows: sortRows([...state.rows, { ...row, key: state.rows.some((r) => r.key === row.key) ? `${row.key}#${Date.now()}` : rowKey(row.discipline, row.unit_level, row.title_level) }]) })} />
          {errors.length > 0 && (
            <Alert type="error" showIcon title={`有 ${errors.length} 处数值需要修改（最多一位小数，不能为负，总学分必填）`} data-testid="editor-errors" />
          )}
          {save.isError && <ProblemAlert problem={save.error} />}
          <Space wrap>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={errors.length > 0 || !dirty}
              loading={save.isPending}
              onClick={() => save.mutate(state)}
              data-testid="save-draft"
            >
              保存草稿
            </Button>
            {hasDraft && dirty && (
              <Button onClick={() => setLoadedFor(null)} data-testid="reload-draft">
                放弃修改
              </Button>
            )}
            {inForceState && (
              <Button onClick={() => edit(structuredClone(inForceState))} data-testid="reset-to-in-force">
                {inForceStandard ? "恢复为现行标准" : `恢复为 ${base.data?.year ?? ""} 年度标准`}
              </Button>
            )}
          </Space>
          <Card size="small" title="预览与发布">
            <Space wrap style={{ marginBottom: 12 }}>
              <span>测算年度</span>
              <InputNumber
                min={2015}
                max={2100}
                value={onYear}
                onChange={(v) => setOnYear(typeof v === "number" ? v : null)}
                placeholder="默认：最近结束的验证年度"
                style={{ width: 220 }}
                data-testid="preview-on-year"
              />
              <Tooltip title={dirty ? "请先保存草稿" : !hasDraft ? "请先保存草稿" : undefined}>
                <Button icon={<EyeOutlined />} disabled={dirty || !hasDraft} loading={previewing.isPending} onClick={() => previewing.mutate()} data-testid="preview-draft">
                  预览
                </Button>
              </Tooltip>
              <Tooltip title={dirty || !hasDraft ? "请先保存草稿" : undefined}>
                <Button
                  type="primary"
                  danger
                  icon={<CloudUploadOutlined />}
                  disabled={dirty || !hasDraft}
                  onClick={() => setConfirmPublish(true)}
                  data-testid="publish-draft"
                >
                  发布
                </Button>
              </Tooltip>
            </Space>
            {previewing.isError && <ProblemAlert problem={previewing.error} />}
            {preview && <PreviewView preview={preview} />}
          </Card>
        </Space>
      )}
      <Modal
        title={`发布 ${shownYear ?? ""} 年度学分验证标准`}
        open={confirmPublish}
        okText="确认发布"
        cancelText="取消"
        okButtonProps={{ danger: true }}
        confirmLoading={publish.isPending}
        onOk={() => publish.mutate()}
        onCancel={() => setConfirmPublish(false)}
      >
        <p>草稿将作为 {shownYear} 年度标准的新版本立即生效，并按新标准重算该年度所有人员的达标情况。已发布的版本不能撤回（可再编辑新草稿并发布）。</p>
        {preview && (
          <p data-testid="publish-preview-summary">
            预览：达标 {preview.total.compliant_now} 人 → {preview.total.compliant_draft} 人（{signed(previewDelta(preview.total).people)}）。
          </p>
        )}
        {publish.isError && <ProblemAlert problem={publish.error} />}
      </Modal>
    </Card>
  );
}
