import { CheckOutlined, LockOutlined, ReloadOutlined, SaveOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Input,
  Modal,
  Radio,
  Result,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Tooltip,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo, useState } from "react";
import { Link, useParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import type { CheckItem, CheckUnit, CloseResult, ItemResult, SpotCheck } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { idNumberColumn } from "../../../components/PeopleTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { RateBar } from "../../../components/RateBar";
import { labelOf } from "../../../constants/enums";
import { PASS_LINE_PERMILLE, REVIEW_TIER_LABELS } from "../../../constants/verification";
import { formatDateTime, formatRate } from "../../../utils/format";
import {
  type ResultEdit,
  closeSummary,
  effectiveResult,
  formatSamplingRate,
  markPassed,
  resultsToSave,
  tally,
  unitOutcome,
} from "./logic";
import { ClosedTag, KIND_LABELS, RESULT_COLORS, RESULT_LABELS, SeedText, drawLink, isProvinceOffice } from "./shared";
import { pagesOf } from "../../../components/paging";
import { ActorName } from "../../../components/ActorName";

/** An institution's pass rate: green from the 95% line up, red below. */
function PassRateBar({ permille }: { permille: number | null }) {
  const color = permille !== null && permille >= PASS_LINE_PERMILLE ? "#52c41a" : "#ff4d4f";
  return <RateBar permille={permille} color={color} width={120} testId="rate-bar" valueTestId="unit-rate" />;
}

function CloseResultAlert({ result, onClose }: { result: CloseResult; onClose: () => void }) {
  const summary = closeSummary(result);
  return (
    <Alert
      type={summary.sentBack.length > 0 ? "warning" : "success"}
      showIcon
      closable={{ onClose }}
      title="抽验已结束"
      data-testid="close-result"
      description={
        <div>
          {summary.sentBack.length > 0 ? (
            <div data-testid="close-sent-back">
              合格率低于95%，退回单位重新验证（证书暂停使用）：
              {summary.sentBack.map((s) => (
                <Tag key={s.unitId} color="error" style={{ marginInlineStart: 4 }}>
                  {s.name}（{s.records} 条记录）
                </Tag>
              ))}
            </div>
          ) : (
            <div>没有单位被退回。</div>
          )}
          {summary.released.length > 0 && (
            <div data-testid="close-released" style={{ marginTop: 4 }}>
              复查合格，解除证书暂停：
              {summary.released.map((r) => (
                <Tag key={r.unitId} color="success" style={{ marginInlineStart: 4 }}>
                  {r.name}
                </Tag>
              ))}
            </div>
          )}
        </div>
      }
    />
  );
}

/** One check: its seed and parameters, its institutions, its sample with results, closing. */
export default function CheckPage() {
  const { checkId = "" } = useParams();
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [edits, setEdits] = useState<Record<string, ResultEdit>>({});
  const [unitFilter, setUnitFilter] = useState<string | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [closed, setClosed] = useState<CloseResult | null>(null);
  const [missing, setMissing] = useState<string[]>([]);

  const query = useQuery({
    queryKey: ["spot-check", checkId],
    queryFn: () => unwrap(api.GET("/api/v1/spot-checks/{id}", { params: { path: { id: checkId } } })),
  });
  const check = query.data;
  const setCheck = (c: SpotCheck) => {
    queryClient.setQueryData(["spot-check", c.id], c);
    void queryClient.invalidateQueries({ queryKey: ["spot-checks"] });
  };

  const save = useMutation({
    mutationFn: (results: ReturnType<typeof resultsToSave>["results"]) =>
      unwrap(api.POST("/api/v1/spot-checks/{id}/results", { params: { path: { id: checkId } }, body: { results } })),
    onSuccess(c, results) {
      setCheck(c);
      setEdits({});
      setSelected([]);
      message.success(`已保存 ${results.length} 人的检查结果`);
    },
  });
  const close = useMutation({
    mutationFn: (rowVersion: number) =>
      unwrap(api.POST("/api/v1/spot-checks/{id}/close", { params: { path: { id: checkId } }, body: { row_version: rowVersion } })),
    onSuccess(r) {
      setCheck(r.check);
      setClosed(r);
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: ["verifications"] });
      void queryClient.invalidateQueries({ queryKey: ["verification-stats"] });
    },
  });

  const items = useMemo(() => check?.items ?? [], [check]);
  const unitNames = useMemo(() => new Map((check?.units ?? []).map((u) => [u.unit_id, u.unit_name])), [check]);
  const pending = useMemo(() => resultsToSave(items, edits), [items, edits]);
  const dirty = Object.keys(edits).length > 0;
  const counts = tally(items, edits);

  if (query.isLoading) return <Spin />;
  if (query.isError) return <ProblemAlert problem={query.error} />;
  if (!check) return <Result status="404" title="抽验不存在" />;

  // Only the office that drew it records and closes; others only read it.
  const editable = check.owned && !check.closed;
  const setEdit = (item: CheckItem, patch: Partial<ResultEdit>) =>
    setEdits((all) => ({ ...all, [item.id]: { ...effectiveResult(item, all), ...patch } }));
  const onSave = () => {
    setMissing(pending.missingReason);
    if (pending.missingReason.length > 0) return;
    if (pending.results.length === 0) {
      setEdits({});
      return;
    }
    save.mutate(pending.results);
  };

  const unitColumns: ColumnsType<CheckUnit> = [
    { title: "单位", dataIndex: "unit_name", width: 220 },
    { title: "已完成验证", dataIndex: "finalised", width: 100, align: "right" },
    { title: "抽取", dataIndex: "sampled", width: 70, align: "right" },
    {
      title: "合格",
      key: "passed",
      width: 70,
      align: "right",
      render: (_, u) => u.passed ?? tally(items, edits, u.unit_id).pass,
    },
    {
      title: "不合格",
      key: "failed",
      width: 70,
      align: "right",
      render: (_, u) => <span data-testid="unit-failed">{u.failed ?? tally(items, edits, u.unit_id).fail}</span>,
    },
    {
      title: "合格率",
      key: "rate",
      width: 200,
      render: (_, u) => <PassRateBar permille={u.pass_permille ?? tally(items, edits, u.unit_id).permille ?? null} />,
    },
    {
      title: "结论",
      key: "outcome",
      width: 260,
      render: (_, u) => {
        const o = unitOutcome(u, tally(items, edits, u.unit_id).permille);
        return (
          <Tag color={o.color} data-testid="unit-outcome" data-outcome={u.outcome ?? "open"}>
            {o.text}
          </Tag>
        );
      },
    },
    {
      title: "操作",
      key: "actions",
      width: 110,
      render: (_, u) =>
        u.outcome === "sent_back" && isProvinceOffice(me?.role) ? (
          <Link
            to={drawLink({ kind: "on_site", year: check.year, unit_id: u.unit_id, rate_permille: check.rate_permille, per_unit_min: check.per_unit_min })}
            data-testid="reinspect"
          >
            现场复查
          </Link>
        ) : null,
    },
  ];

  const itemColumns: ColumnsType<CheckItem> = [
    { title: "姓名", dataIndex: "name", width: 90 },
    idNumberColumn<CheckItem>({ dataIndex: "id_number", width: 180 }),
    { title: "单位", dataIndex: "unit_id", width: 200, render: (id: string) => unitNames.get(id) ?? "—" },
    {
      title: "检查结果",
      key: "result",
      width: 170,
      render: (_, item) => {
        const e = effectiveResult(item, edits);
        if (!editable) return <Tag color={RESULT_COLORS[e.result]} data-testid="item-result">{labelOf(RESULT_LABELS, e.result)}</Tag>;
        return (
          <Radio.Group
            size="small"
            optionType="button"
            buttonStyle="solid"
            value={e.result === "pending" ? undefined : e.result}
            onChange={(ev) => setEdit(item, { result: ev.target.value as ItemResult })}
          >
            <Radio.Button value="pass">
              <span data-testid="result-pass">合格</span>
            </Radio.Button>
            <Radio.Button value="fail">
              <span data-testid="result-fail">不合格</span>
            </Radio.Button>
          </Radio.Group>
        );
      },
    },
    {
      title: "不合格原因",
      key: "note",
      width: 260,
      render: (_, item) => {
        const e = effectiveResult(item, edits);
        if (!editable || e.result !== "fail") return e.note || "—";
        return (
          <Input
            size="small"
            value={e.note}
            maxLength={500}
            placeholder="必填：不合格原因"
            status={e.note.trim() === "" ? "error" : undefined}
            onChange={(ev) => setEdit(item, { note: ev.target.value })}
            data-testid="result-note"
          />
        );
      },
    },
    {
      title: "登记",
      key: "recorded",
      width: 200,
      render: (_, item) =>
        edits[item.id] ? (
          <Tag color="orange">未保存</Tag>
        ) : item.recorded_by ? (
          <Typography.Text type="secondary">
            <ActorName login={item.recorded_by} /> {formatDateTime(item.recorded_at)}
          </Typography.Text>
        ) : (
          "—"
        ),
    },
  ];

  const shown = unitFilter ? items.filter((i) => i.unit_id === unitFilter) : items;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="spot-check">
      <Card
        title={
          <Space>
            {labelOf(KIND_LABELS, check.kind)} · {check.year} 年度
            <ClosedTag closed={check.closed} />
          </Space>
        }
        extra={
          <Space>
            <Link to="/spot-checks">返回列表</Link>
            <Link
              to={drawLink({
                kind: check.kind,
                year: check.year,
                rate_permille: check.rate_permille,
                per_unit_min: check.per_unit_min,
                institutions: check.institutions,
                unit_id: check.only_unit_id,
                seed: check.seed,
              })}
              data-testid="redraw"
            >
              <ReloadOutlined /> 用此种子重新抽取
            </Link>
          </Space>
        }
      >
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={
            <Space wrap>
              随机种子
              <Typography.Text copyable={{ text: check.seed }}>
                <SeedText seed={check.seed} />
              </Typography.Text>
            </Space>
          }
          description="样本可复现：以相同的种子、参数对相同的已完成验证记录重新抽取，得到相同的人员。"
        />
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} bordered data-testid="check-params">
          <Descriptions.Item label="方式">{labelOf(KIND_LABELS, check.kind)}</Descriptions.Item>
          <Descriptions.Item label="验证年度">{check.year}</Descriptions.Item>
          <Descriptions.Item label="抽验机构">{labelOf(REVIEW_TIER_LABELS, check.office)}</Descriptions.Item>
          <Descriptions.Item label="抽样比例">{formatSamplingRate(check.rate_permille)}</Descriptions.Item>
          <Descriptions.Item label="每单位至少">{check.per_unit_min} 人</Descriptions.Item>
          <Descriptions.Item label="候选记录">{check.candidates} 条</Descriptions.Item>
          {check.kind === "on_site" && (
            <Descriptions.Item label="抽取单位">
              {check.only_unit_id ? `复查：${unitNames.get(check.only_unit_id) ?? check.only_unit_id}` : `${check.institutions ?? "—"} 个`}
            </Descriptions.Item>
          )}
          <Descriptions.Item label="抽取">
            <ActorName login={check.created_by} /> {formatDateTime(check.created_at)}
          </Descriptions.Item>
          {check.closed && (
            <Descriptions.Item label="结束">
              <ActorName login={check.closed_by} /> {formatDateTime(check.closed_at)}
            </Descriptions.Item>
          )}
          {check.note && <Descriptions.Item label="备注">{check.note}</Descriptions.Item>}
        </Descriptions>
      </Card>

      {closed && <CloseResultAlert result={closed} onClose={() => setClosed(null)} />}

      <Card title={`抽取单位（${check.units.length}）`} size="small">
        <Table<CheckUnit>
          rowKey="unit_id"
          size="small"
          columns={unitColumns}
          dataSource={check.units}
          pagination={pagesOf(check.units.length, 20)}
          scroll={{ x: "max-content" }}
          data-testid="check-units"
        />
      </Card>

      <Card
        title={`抽取人员（${items.length}）`}
        size="small"
        extra={
          <Space wrap>
            <Typography.Text type="secondary" data-testid="check-counts">
              合格 {counts.pass} · 不合格 {counts.fail} · 待检查 {counts.pending}
            </Typography.Text>
            <Select<string>
              allowClear
              placeholder="按单位筛选"
              value={unitFilter}
              onChange={setUnitFilter}
              options={check.units.map((u) => ({ value: u.unit_id, label: u.unit_name }))}
              style={{ width: 220 }}
              data-testid="item-unit-filter"
            />
          </Space>
        }
      >
        {editable && (
          <Space wrap style={{ marginBottom: 12 }}>
            <Button
              icon={<CheckOutlined />}
              disabled={selected.length === 0}
              onClick={() => setEdits((all) => markPassed(items, all, selected))}
              data-testid="mark-selected-pass"
            >
              所选标记合格（{selected.length}）
            </Button>
            <Button onClick={() => setEdits((all) => markPassed(shown, all))} disabled={counts.pending === 0} data-testid="mark-rest-pass">
              其余待检查的标记合格
            </Button>
            <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} loading={save.isPending} onClick={onSave} data-testid="save-results">
              保存结果（{pending.results.length + pending.missingReason.length}）
            </Button>
            {dirty && (
              <Button onClick={() => setEdits({})} data-testid="discard-results">
                放弃修改
              </Button>
            )}
            <Tooltip title={dirty ? "请先保存或放弃修改" : undefined}>
              <Button danger icon={<LockOutlined />} disabled={dirty} onClick={() => setConfirming(true)} data-testid="close-check">
                结束抽验
              </Button>
            </Tooltip>
          </Space>
        )}
        {missing.length > 0 && (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            title={`不合格须填写原因：${missing.join("、")}`}
            data-testid="missing-reason"
          />
        )}
        {save.isError && (
          <div style={{ marginBottom: 12 }}>
            <ProblemAlert problem={save.error} />
          </div>
        )}
        {close.isError && !confirming && (
          <div style={{ marginBottom: 12 }}>
            <ProblemAlert problem={close.error} />
          </div>
        )}
        <Table<CheckItem>
          rowKey="id"
          size="small"
          columns={itemColumns}
          dataSource={shown}
          pagination={pagesOf(shown.length, 50)}
          scroll={{ x: "max-content" }}
          rowSelection={editable ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
          data-testid="check-items"
        />
      </Card>

      <Modal
        title="结束抽验"
        open={confirming}
        okText="确认结束"
        cancelText="取消"
        okButtonProps={{ danger: true }}
        confirmLoading={close.isPending}
        onOk={() => close.mutate(check.row_version)}
        onCancel={() => setConfirming(false)}
        destroyOnHidden
      >
        <Space orientation="vertical" style={{ width: "100%" }}>
          <div>结束后不能再登记结果。各单位按合格率得出结论：</div>
          {counts.pending > 0 && <Alert type="warning" showIcon title={`还有 ${counts.pending} 人待检查：须全部登记后才能结束。`} />}
          <ul style={{ paddingInlineStart: 20, margin: 0 }}>
            {check.units.map((u) => {
              const t = tally(items, edits, u.unit_id);
              const o = unitOutcome(u, t.permille);
              return (
                <li key={u.unit_id}>
                  {u.unit_name}：合格 {t.pass}/{t.pass + t.fail + t.pending}，{formatRate(t.permille)} — {o.text}
                </li>
              );
            })}
          </ul>
          <div>合格率低于 95% 的单位，本年度全部已完成验证的人员退回单位重新验证，证书暂停使用；复查合格的单位解除暂停。</div>
          {close.isError && <ProblemAlert problem={close.error} />}
        </Space>
      </Modal>
    </Space>
  );
}
