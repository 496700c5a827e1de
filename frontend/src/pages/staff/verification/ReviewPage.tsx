import { CheckOutlined, RollbackOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Statistic, Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { ApiProblem, api, unwrap } from "../../../api/client";
import type { DecisionItem, DecisionRequest, ListKind, ReviewDecision, Verification } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import { options } from "../../../constants/enums";
import { LIST_KIND_LABELS } from "../../../constants/verification";
import { useCursorList } from "../../../hooks/useCursorList";
import { submitModalForm } from "../../../utils/modalForm";
import { type UnitSummary, decisionItems, summaryByUnit } from "./logic";
import { CycleSelect, NoCycle, VerificationDrawer, useCycleYear, verificationColumns } from "./shared";

interface Filters {
  unit_id?: string;
  list?: ListKind;
  year?: number;
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
        pagination={rows.length > 10 ? { pageSize: 10 } : false}
        locale={{ emptyText: "没有等待本机构处理的记录" }}
      />
    </Card>
  );
}

/** 审核: an office's queue, filtered by unit, list and year; approved or returned one by one or in batches. */
export default function ReviewPage() {
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [filters, setFilters] = useState<Filters>({});
  const [selected, setSelected] = useState<string[]>([]);
  const [returning, setReturning] = useState<DecisionItem[] | null>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();

  const queue = useCursorList<Verification>(
    ["review-queue", cycleYear, filters],
    (after) =>
      unwrap(
        api.GET("/api/v1/reviews/queue", {
          params: { query: { cycle_year: cycleYear!, ...filters, after, limit: 200 } },
        }),
      ),
    { enabled: cycleYear !== undefined },
  );
  const items = decisionItems(queue.items, selected);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["review-queue"] });
    void queryClient.invalidateQueries({ queryKey: ["review-summary"] });
    void queryClient.invalidateQueries({ queryKey: ["verification"] });
    void queryClient.invalidateQueries({ queryKey: ["verification-stats"] });
  };
  const decided = {
    onSuccess(result: { decision: ReviewDecision; decided: number }) {
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
  const approve = useMutation({ mutationFn: sendDecision, ...decided });
  const sendBack = useMutation({ mutationFn: sendDecision, ...decided });
  const openReturn = (chosen: DecisionItem[]) => {
    sendBack.reset();
    setReturning(chosen);
  };

  const finishReturn = (v: { reason: string }) => sendBack.mutate({ decision: "return", reason: v.reason.trim(), items: returning ?? [] });

  const columns = verificationColumns({ showUnit: true, onOpen: (r) => setOpenId(r.id) });
  columns.push({
    title: "操作",
    key: "actions",
    width: 150,
    fixed: "right",
    render: (_, r) => (
      <Space>
        <Button
          size="small"
          type="primary"
          icon={<CheckOutlined />}
          loading={approve.isPending}
          onClick={() => approve.mutate({ decision: "approve", items: [{ id: r.id, row_version: r.row_version }] })}
          data-testid="approve-one"
        >
          通过
        </Button>
        <Button size="small" danger onClick={() => openReturn([{ id: r.id, row_version: r.row_version }])} data-testid="return-one">
          退回
        </Button>
      </Space>
    ),
  });

  const years = cycleYear ? [cycleYear, cycleYear - 1, cycleYear - 2] : [];
  return (
    <Card title={<PageTitle>验证审核</PageTitle>} extra={<CycleSelect value={cycleYear} onChange={setCycleYear} />} data-testid="verification-review">
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {cycleYear !== undefined && (
        <>
          <Summary cycleYear={cycleYear} active={filters.unit_id} onPick={(unit) => setFilters({ ...filters, unit_id: unit?.id })} />
          <Space wrap style={{ marginBottom: 16 }}>
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
            <Button
              type="primary"
              icon={<CheckOutlined />}
              disabled={items.length === 0}
              loading={approve.isPending}
              onClick={() => approve.mutate({ decision: "approve", items })}
              data-testid="approve-selected"
            >
              批量通过（{items.length}）
            </Button>
            <Button
              danger
              icon={<RollbackOutlined />}
              disabled={items.length === 0}
              onClick={() => openReturn(items)}
              data-testid="return-selected"
            >
              批量退回（{items.length}）
            </Button>
          </Space>
          {approve.isError && (
            <div style={{ marginBottom: 16 }}>
              {approve.error.status === 409 && (
                <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="记录已被他人处理或已变更，列表已刷新，请重新选择。" />
              )}
              <ProblemAlert problem={approve.error} />
            </div>
          )}
          {queue.isError && <ProblemAlert problem={queue.error} />}
          <Table<Verification>
            rowKey="id"
            size="middle"
            columns={columns}
            dataSource={queue.items}
            loading={queue.isLoading}
            pagination={false}
            scroll={{ x: "max-content" }}
            rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) }}
            locale={{ emptyText: "没有等待本机构审核的记录" }}
            data-testid="review-queue"
          />
          <LoadMore hasMore={queue.hasNextPage} loading={queue.isFetchingNextPage} onLoad={() => void queue.fetchNextPage()} count={queue.items.length} />
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
        {sendBack.isError && (
          <div style={{ marginBottom: 16 }}>
            {sendBack.error.status === 409 && (
              <Alert type="warning" showIcon style={{ marginBottom: 8 }} title="记录已被他人处理或已变更，列表已刷新，请重新选择。" />
            )}
            <ProblemAlert problem={sendBack.error} />
          </div>
        )}
        <Form form={form} layout="vertical" name="return" onFinish={finishReturn}>
          <Form.Item name="reason" label="退回原因" rules={[{ required: true, whitespace: true, message: "请填写退回原因" }]}>
            <Input.TextArea rows={3} maxLength={500} showCount placeholder="例如：学分证书与系统记录不符，请核对后重新上报" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
