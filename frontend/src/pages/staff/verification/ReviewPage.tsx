import { CheckOutlined, ReloadOutlined, RollbackOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Form, Input, Modal, Progress, Row, Select, Space, Statistic, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useRef, useState } from "react";
import { useSearchParams } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { DecisionItem, DecisionRequest, ListKind, MatchingApprovalResult, ReviewJob, Verification, VerificationPage, VerificationPath } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { PageTitle } from "../../../components/PageTitle";
import { pagesOf } from "../../../components/paging";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { options } from "../../../constants/enums";
import { LIST_KIND_LABELS, VERIFICATION_PATH_LABELS } from "../../../constants/verification";
import { useCursorList } from "../../../hooks/useCursorList";
import { submitModalForm } from "../../../utils/modalForm";
import { type UnitSummary, decisionItems, summaryByUnit } from "./logic";
import { RETURN_REASONS, reviewColumns } from "./reviewColumns";
import { CycleSelect, NoCycle, VerificationDrawer, useCycleYear } from "./shared";

interface Filters {
  unit_id?: string;
  list?: ListKind;
  path?: VerificationPath;
  year?: number;
  name?: string;
}

const LISTS: readonly string[] = ["normal", "make_up", "special"];
const PATHS: readonly string[] = ["electronic", "paper"];

/** The queue's filters, kept in the URL (`?list=&path=&year=&unit_id=&name=`): they survive navigation and can be shared. */
export function filtersFrom(search: URLSearchParams): Filters {
  const list = search.get("list");
  const path = search.get("path");
  const year = Number(search.get("year"));
  const unit = search.get("unit_id");
  const name = search.get("name");
  return {
    ...(name ? { name } : {}),
    ...(list && LISTS.includes(list) ? { list: list as ListKind } : {}),
    ...(path && PATHS.includes(path) ? { path: path as VerificationPath } : {}),
    ...(Number.isInteger(year) && year > 0 ? { year } : {}),
    ...(unit ? { unit_id: unit } : {}),
  };
}

function useFilters(): [Filters, (next: Filters) => void] {
  const [search, setSearch] = useSearchParams();
  const set = (next: Filters) => {
    const params = new URLSearchParams(search);
    for (const key of ["list", "path", "year", "unit_id", "name"] as const) {
      const value = next[key];
      if (value === undefined || value === null) params.delete(key);
      else params.set(key, String(value));
    }
    setSearch(params, { replace: true });
  };
  return [filtersFrom(search), set];
}

/** What waits on the office, per unit; a click filters the queue to that unit. */
function Summary({
  cycleYear,
  active,
  onPick,
}: {
  cycleYear: number;
  active?: string;
  onPick: (unit?: { id: string; name: string }) => void;
}) {
  const summary = useQuery({
    queryKey: ["review-summary", cycleYear],
    queryFn: () => unwrap(api.GET("/api/v1/reviews/summary", { params: { query: { cycle_year: cycleYear } } })),
    select: summaryByUnit,
  });
  const rows = summary.data ?? [];
  const inReview = rows.reduce((n, r) => n + r.in_review, 0);
  const awaiting = rows.reduce((n, r) => n + r.awaiting_number, 0);
  const columns: ColumnsType<UnitSummary> = [
    {
      title: "单位",
      dataIndex: "unit_name",
      render: (name: string, r) => (
        <a onClick={() => onPick(active === r.unit_id ? undefined : { id: r.unit_id, name: r.unit_name })} data-testid="summary-unit">
          {active === r.unit_id ? <b>{name}</b> : name}
        </a>
      ),
    },
    {
      title: "名单",
      key: "lists",
      render: (_, r) =>
        r.lists.map((l) => (
          <Tag key={l.list}>
            {l.label} {l.in_review}
            {l.awaiting_number > 0 ? ` / 待编号 ${l.awaiting_number}` : ""}
          </Tag>
        )),
    },
    { title: "待审核", dataIndex: "in_review", width: 90, align: "right" },
    { title: "待生成证书编号", dataIndex: "awaiting_number", width: 130, align: "right" },
  ];
  return (
    <Card size="small" title="按单位汇总" style={{ marginBottom: 16 }} data-testid="review-summary">
      {summary.isError && <ProblemAlert problem={summary.error} />}
      <Row gutter={16} style={{ marginBottom: 12 }}>
        <Col span={8}>
          <Statistic title="待审核" value={inReview} />
        </Col>
        <Col span={8}>
          <Statistic title="待生成证书编号" value={awaiting} />
        </Col>
        <Col span={8}>
          <Statistic title="单位数" value={rows.length} />
        </Col>
      </Row>
      <Table<UnitSummary>
        rowKey="unit_id"
        size="small"
        columns={columns}
        dataSource={rows}
        loading={summary.isLoading}
        pagination={pagesOf(rows.length, 10)}
        locale={{ emptyText: "没有等待本机构处理的记录" }}
      />
    </Card>
  );
}

/** j/k move, a approves, r returns, o opens: keys a reviewer clears a queue with. */
export function useQueueKeys(
  enabled: boolean,
  count: number,
  act: { approve: (i: number) => void; ret: (i: number) => void; open: (i: number) => void },
): number {
  const [focus, setFocus] = useState(0);
  const actRef = useRef(act);
  actRef.current = act;
  useEffect(() => {
    if (focus >= count && count > 0) setFocus(count - 1);
  }, [focus, count]);
  useEffect(() => {
    if (!enabled) return undefined;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey || (t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName)))) return;
      if (count === 0) return;
      if (e.key === "j") setFocus((f) => Math.min(f + 1, count - 1));
      else if (e.key === "k") setFocus((f) => Math.max(f - 1, 0));
      else if (e.key === "a") actRef.current.approve(focus);
      else if (e.key === "r") actRef.current.ret(focus);
      else if (e.key === "o") actRef.current.open(focus);
      else return;
      e.preventDefault();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [enabled, count, focus]);
  return focus;
}

/** The result of "approve all": what was approved, what changed since it was counted. */
function MatchingResult({ result, job }: { result: MatchingApprovalResult; job?: ReviewJob }) {
  const decided = job ? job.done : result.decided;
  return (
    <Space orientation="vertical" data-testid="matching-result">
      <span>
        已通过 <b>{decided}</b> 条（确认时为 {result.expected} 条）。
      </span>
      {result.gone > 0 && <span>{result.gone} 条已被他人处理，不在本级待审。</span>}
      {job && job.skipped > 0 && <span>{job.skipped} 条在处理过程中被他人处理，未予通过。</span>}
      {job?.state === "failed" && <Alert type="error" showIcon title={job.message ?? "批量审核中断"} />}
      {result.changed.length > 0 && (
        <>
          <span>以下 {result.changed.length} 条在统计后有变动，未予通过，请逐条查看：</span>
          <ul style={{ margin: 0 }}>
            {result.changed.map((c) => (
              <li key={c.id}>
                {c.person_name}（{c.unit_name}）
              </li>
            ))}
          </ul>
        </>
      )}
    </Space>
  );
}

/**
 * A large "approve all" runs on the server in the background: its progress,
 * read every second until it ends, then the result.
 */
function JobModal({ result, onClose }: { result: MatchingApprovalResult; onClose: () => void }) {
  const id = result.job?.id ?? "";
  const job = useQuery({
    queryKey: ["review-job", id],
    queryFn: () => unwrap(api.GET("/api/v1/reviews/jobs/{id}", { params: { path: { id } } })),
    initialData: result.job ?? undefined,
    refetchInterval: (q) => (q.state.data?.state === "running" ? 1000 : false),
  });
  const data = job.data;
  const running = !data || data.state === "running";
  const percent = data && data.total > 0 ? Math.floor(((data.done + data.skipped) * 100) / data.total) : 0;
  return (
    <Modal
      open
      title={running ? "正在全部通过…" : "全部通过完成"}
      closable={!running}
      maskClosable={false}
      onCancel={onClose}
      footer={
        <Button type="primary" disabled={running} onClick={onClose}>
          知道了
        </Button>
      }
    >
      <Space orientation="vertical" style={{ width: "100%" }} data-testid="matching-job">
        <Progress percent={percent} status={data?.state === "failed" ? "exception" : running ? "active" : "success"} />
        {data && (
          <span>
            已通过 {data.done} / {data.total} 条{running ? "，可以离开本页，处理不会中断" : ""}
          </span>
        )}
        {!running && data && <MatchingResult result={result} job={data} />}
        {job.isError && <ProblemAlert problem={job.error} />}
      </Space>
    </Modal>
  );
}

/** 审核: an office's queue with what it reviews on each row; filters in the URL; one, a selection, or all that match approved at once. */
export default function ReviewPage() {
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [filters, setFilters] = useFilters();
  const [idNumber, setIdNumber] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [returning, setReturning] = useState<DecisionItem[] | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();

  const queue = useCursorList<Verification, VerificationPage>(
    ["review-queue", cycleYear, filters],
    (after) =>
      unwrap(
        api.GET("/api/v1/reviews/queue", {
          params: { query: { cycle_year: cycleYear!, ...filters, after, limit: 100 } },
        }),
      ),
    { enabled: cycleYear !== undefined && idNumber === null },
  );
  // The ID number travels in a body: it never reaches the URL.
  const lookup = useQuery({
    queryKey: ["review-lookup", cycleYear, idNumber],
    queryFn: () => unwrap(api.POST("/api/v1/reviews/queue/lookup", { body: { cycle_year: cycleYear!, id_number: idNumber! } })),
    enabled: cycleYear !== undefined && idNumber !== null,
    gcTime: 0,
  });
  const rows = idNumber !== null ? (lookup.data?.items ?? []) : queue.items;
  const firstPage = queue.data?.pages[0];
  const total = idNumber !== null ? rows.length : firstPage?.total;
  const items = decisionItems(rows, selected);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["review-queue"] });
    void queryClient.invalidateQueries({ queryKey: ["review-lookup"] });
    void queryClient.invalidateQueries({ queryKey: ["review-summary"] });
    void queryClient.invalidateQueries({ queryKey: ["verification"] });
    void queryClient.invalidateQueries({ queryKey: ["verification-stats"] });
    void queryClient.invalidateQueries({ queryKey: ["workbench"] });
  };
  const decided = {
    onSuccess(result: { decision: DecisionRequest["decision"]; decided: number }) {
      message.success(`已${result.decision === "approve" ? "通过" : "退回"} ${result.decided} 条`);
      setSelected([]);
      setReturning(null);
      refresh();
    },
    onError(error: ApiProblem) {
      // Someone acted first: show the queue as it is now.
      if (error.status === 409) refresh();
    },
  };
  const sendDecision = (body: DecisionRequest) => unwrap(api.POST("/api/v1/reviews/decisions", { body }));
  // Two mutations, so that the return modal's OK button is never loading
  // (and ignoring its click) for an approval sent from the table.
  const decide = useMutation({ mutationFn: sendDecision, ...decided });
  const sendBack = useMutation({ mutationFn: sendDecision, ...decided });
  const [jobResult, setJobResult] = useState<MatchingApprovalResult | null>(null);
  const approveAll = useMutation({
    mutationFn: (body: { expected: number; counted_at: string }) =>
      unwrap(api.POST("/api/v1/reviews/decisions/matching", { body: { cycle_year: cycleYear!, ...filters, ...body } })),
    onSuccess(result) {
      if (result.job) setJobResult(result);
      else modal.info({ title: "全部通过完成", content: <MatchingResult result={result} />, okText: "知道了" });
      setSelected([]);
      refresh();
    },
    onError(error) {
      if (error instanceof ApiProblem && error.status === 409) refresh();
    },
  });
  const confirmApproveAll = () => {
    if (!firstPage?.total || !firstPage.counted_at) return;
    const expected = firstPage.total;
    const countedAt = firstPage.counted_at;
    modal.confirm({
      title: `全部通过 ${expected} 条记录？`,
      content: "将通过符合当前筛选条件、等待本级审核的全部记录（不只是已加载的）。统计之后有变动的记录不会通过，会逐条列出。",
      okText: `确认通过 ${expected} 条`,
      cancelText: "取消",
      onOk: () => approveAll.mutateAsync({ expected, counted_at: countedAt }).catch(() => undefined),
    });
  };

  const approveOne = (r: Verification) => decide.mutate({ decision: "approve", items: [{ id: r.id, row_version: r.row_version }] });
  const openReturn = (chosen: DecisionItem[]) => {
    sendBack.reset();
    setReturning(chosen);
  };
  const returnOne = (r: Verification) => openReturn([{ id: r.id, row_version: r.row_version }]);
  const idle = jobResult === null && returning === null && openId === null && !decide.isPending && !sendBack.isPending && !approveAll.isPending;
  const focus = useQueueKeys(idle, rows.length, {
    approve: (i) => rows[i] && approveOne(rows[i]),
    ret: (i) => rows[i] && returnOne(rows[i]),
    open: (i) => rows[i] && setOpenId(rows[i].id),
  });

  const finishReturn = (v: { reason: string }) => sendBack.mutate({ decision: "return", reason: v.reason.trim(), items: returning ?? [] });
  const columns = reviewColumns({ onOpen: (r) => setOpenId(r.id), onApprove: approveOne, onReturn: returnOne, busy: decide.isPending });

  const years = cycleYear ? [cycleYear, cycleYear - 1, cycleYear - 2] : [];
  return (
    <Card
      title={<PageTitle>验证审核</PageTitle>}
      extra={<CycleSelect value={cycleYear} onChange={setCycleYear} />}
      data-testid="verification-review"
    >
      {jobResult && (
        <JobModal
          result={jobResult}
          onClose={() => {
            setJobResult(null);
            refresh();
          }}
        />
      )}
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {cycleYear !== undefined && (
        <>
          <Summary cycleYear={cycleYear} active={filters.unit_id} onPick={(unit) => setFilters({ ...filters, unit_id: unit?.id })} />
          <Space wrap style={{ marginBottom: 12 }}>
            <Select
              allowClear
              placeholder="名单"
              aria-label="名单"
              value={filters.list}
              onChange={(list) => setFilters({ ...filters, list })}
              options={options(LIST_KIND_LABELS)}
              style={{ width: 120 }}
              data-testid="filter-list"
            />
            <Select
              allowClear
              placeholder="验证方式"
              aria-label="验证方式"
              value={filters.path}
              onChange={(path) => setFilters({ ...filters, path })}
              options={options(VERIFICATION_PATH_LABELS)}
              style={{ width: 120 }}
              data-testid="filter-path"
            />
            <Select<number>
              allowClear
              placeholder="验证年度"
              aria-label="验证年度"
              value={filters.year}
              onChange={(year) => setFilters({ ...filters, year })}
              options={years.map((y) => ({ value: y, label: `${y} 年度` }))}
              style={{ width: 120 }}
              data-testid="filter-year"
            />
            <UnitSelect value={filters.unit_id} onChange={(unit_id) => setFilters({ ...filters, unit_id })} />
            <Input.Search
              allowClear
              placeholder="姓名"
              aria-label="按姓名查找"
              defaultValue={filters.name}
              onSearch={(name) => setFilters({ ...filters, name: name.trim() || undefined })}
              style={{ width: 160 }}
              data-testid="filter-name"
            />
            <Input.Search
              allowClear
              placeholder="身份证号"
              aria-label="按身份证号查找"
              autoComplete="off"
              onSearch={(v) => setIdNumber(v.trim() || null)}
              style={{ width: 220 }}
              data-testid="filter-id-number"
            />
          </Space>
          <Space wrap style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }}>
            <Space wrap>
              <Button
                type="primary"
                icon={<CheckOutlined />}
                disabled={idNumber !== null || !firstPage?.total}
                loading={approveAll.isPending}
                onClick={confirmApproveAll}
                data-testid="approve-all"
              >
                全部通过（{firstPage?.total ?? 0}）
              </Button>
              <Button
                icon={<CheckOutlined />}
                disabled={items.length === 0}
                loading={decide.isPending}
                onClick={() => decide.mutate({ decision: "approve", items })}
                data-testid="approve-selected"
              >
                通过所选（{items.length}）
              </Button>
              <Button
                danger
                icon={<RollbackOutlined />}
                disabled={items.length === 0}
                onClick={() => openReturn(items)}
                data-testid="return-selected"
              >
                退回所选（{items.length}）
              </Button>
            </Space>
            <Space>
              <Typography.Text type="secondary" data-testid="queue-total">
                {total === undefined ? "" : `共 ${total} 条`}
              </Typography.Text>
              <Tooltip title="快捷键：j / k 上下移动，a 通过，r 退回，o 查看">
                <Typography.Text type="secondary">键盘操作</Typography.Text>
              </Tooltip>
              <Button icon={<ReloadOutlined />} onClick={refresh} aria-label="刷新" />
            </Space>
          </Space>
          {(decide.isError || approveAll.isError) && !returning && (
            <div style={{ marginBottom: 16 }}>
              {(decide.error ?? approveAll.error)?.status === 409 && (
                <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="记录已被他人处理或已变更，列表已刷新，请重新选择。" />
              )}
              <ProblemAlert problem={(decide.error ?? approveAll.error)!} />
            </div>
          )}
          {queue.isError && <ProblemAlert problem={queue.error} />}
          {lookup.isError && <ProblemAlert problem={lookup.error} />}
          <Table<Verification>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={rows}
            loading={queue.isLoading || lookup.isLoading}
            pagination={false}
            tableLayout="fixed"
            rowClassName={(_, i) => (i === focus ? "queue-row-focused" : "")}
            onRow={(_, i) => ({ "aria-selected": i === focus, style: i === focus ? { outline: "2px solid #0958d9", outlineOffset: -2 } : undefined })}
            rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
            locale={{ emptyText: idNumber !== null ? "本级待审记录中没有该身份证号的人员" : "没有等待本机构审核的记录" }}
            data-testid="review-queue"
          />
          {idNumber === null && (
            <LoadMore hasMore={queue.hasNextPage} loading={queue.isFetchingNextPage} onLoad={() => void queue.fetchNextPage()} count={queue.items.length} total={firstPage?.total ?? undefined} />
          )}
        </>
      )}
      <VerificationDrawer id={openId} onClose={() => setOpenId(null)} />
      <Modal
        title={`退回（${returning?.length ?? 0} 条）`}
        open={returning !== null}
        okText="确认退回"
        okButtonProps={{ danger: true }}
        cancelText="取消"
        confirmLoading={sendBack.isPending}
        onOk={() => submitModalForm(form, finishReturn)}
        onCancel={() => setReturning(null)}
        destroyOnHidden
      >
        <Alert type="info" showIcon style={{ marginBottom: 16 }} title="退回的记录回到单位，单位修改后可重新上报。" />
        {sendBack.isError && <ProblemAlert problem={sendBack.error} />}
        <Form form={form} layout="vertical" name="return" onFinish={finishReturn}>
          <Form.Item label="常用原因">
            <Space wrap>
              {RETURN_REASONS.map((r) => (
                <Tag.CheckableTag key={r} checked={false} onChange={() => form.setFieldsValue({ reason: r })} data-testid="preset-reason">
                  {r}
                </Tag.CheckableTag>
              ))}
            </Space>
          </Form.Item>
          <Form.Item name="reason" label="退回原因" rules={[{ required: true, whitespace: true, message: "请填写退回原因" }]}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder="点选常用原因，或直接填写" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
