import { NumberOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Modal, Select, Space, Table, Tabs } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import type { NumbersResult, Verification } from "../../../api/types";
import { LoadMore } from "../../../components/LoadMore";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { useCursorList } from "../../../hooks/useCursorList";
import { CycleSelect, NoCycle, VerificationDrawer, columnsWidth, useCycleYear, verificationColumns } from "./shared";

/** Approved records waiting on this (final) office for their number. */
function Awaiting({ cycleYear, onOpen }: { cycleYear: number; onOpen: (id: string) => void }) {
  const [year, setYear] = useState<number | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [confirmAll, setConfirmAll] = useState(false);
  const [result, setResult] = useState<NumbersResult | null>(null);
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const queue = useCursorList<Verification>(["review-queue", cycleYear, { state: "approved", year }], (after) =>
    unwrap(api.GET("/api/v1/reviews/queue", { params: { query: { cycle_year: cycleYear, state: "approved", year, after, limit: 200 } } })),
  );
  const chosen = selected.filter((id) => queue.items.some((r) => r.id === id));
  // Approved records await their number: no number column yet.
  const awaitingColumns = verificationColumns({ showUnit: true, showCertificate: false, onOpen: (r) => onOpen(r.id) });
  const issued = {
    onSuccess(r: NumbersResult) {
      setResult(r);
      setSelected([]);
      setConfirmAll(false);
      message.success(`已生成 ${r.issued} 个证书编号`);
      void queryClient.invalidateQueries({ queryKey: ["review-queue"] });
      void queryClient.invalidateQueries({ queryKey: ["review-summary"] });
      void queryClient.invalidateQueries({ queryKey: ["verifications"] });
      void queryClient.invalidateQueries({ queryKey: ["verification-stats"] });
    },
  };
  const issueNumbers = (ids: string[] | undefined) =>
    unwrap(api.POST("/api/v1/certificate-numbers", { body: { cycle_year: cycleYear, year, ids } }));
  // The selection's button and the "all" modal each have their own, so that
  // the modal's OK button is never loading (and ignoring its click) for the other.
  const issue = useMutation({ mutationFn: issueNumbers, ...issued });
  const issueAll = useMutation({ mutationFn: issueNumbers, ...issued });
  const years = [cycleYear, cycleYear - 1, cycleYear - 2];
  return (
    <>
      <Space wrap style={{ marginBottom: 16 }}>
        <Select<number>
          allowClear
          placeholder="验证年度"
          value={year}
          onChange={setYear}
          options={years.map((y) => ({ value: y, label: `${y} 年度` }))}
          style={{ width: 120 }}
        />
        <Button
          type="primary"
          icon={<NumberOutlined />}
          disabled={chosen.length === 0}
          loading={issue.isPending}
          onClick={() => issue.mutate(chosen)}
          data-testid="issue-selected"
        >
          为所选生成（{chosen.length}）
        </Button>
        <Button
          disabled={queue.items.length === 0}
          onClick={() => {
            issueAll.reset();
            setConfirmAll(true);
          }}
          data-testid="issue-all"
        >
          全部生成{year ? `（${year} 年度）` : ""}
        </Button>
      </Space>
      {result && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setResult(null) }}
          style={{ marginBottom: 16 }}
          data-testid="numbers-result"
          title={
            result.issued > 0
              ? `已生成 ${result.issued} 个证书编号：${result.first}${result.last && result.last !== result.first ? ` 至 ${result.last}` : ""}`
              : "没有需要生成编号的记录"
          }
        />
      )}
      {issue.isError && <ProblemAlert problem={issue.error} />}
      {queue.isError && <ProblemAlert problem={queue.error} />}
      <Table<Verification>
        rowKey="id"
        size="middle"
        columns={awaitingColumns}
        dataSource={queue.items}
        loading={queue.isLoading}
        pagination={false}
        scroll={{ x: columnsWidth(awaitingColumns, true) }}
        rowSelection={{ selectedRowKeys: chosen, onChange: (keys) => setSelected(keys.map(String)) }}
        locale={{ emptyText: "没有等待生成证书编号的记录" }}
        data-testid="awaiting-numbers"
      />
      <LoadMore hasMore={queue.hasNextPage} loading={queue.isFetchingNextPage} onLoad={() => void queue.fetchNextPage()} count={queue.items.length} />
      <Modal
        title="全部生成证书编号"
        open={confirmAll}
        okText="确认生成"
        cancelText="取消"
        confirmLoading={issueAll.isPending}
        onOk={() => issueAll.mutate(undefined)}
        onCancel={() => setConfirmAll(false)}
      >
        为本机构所有已终审通过、尚无编号的{year ? ` ${year} 年度` : ""}记录生成证书编号。编号按年度连续、不重复，生成后不能撤销。
        {issueAll.isError && (
          <div style={{ marginTop: 16 }}>
            <ProblemAlert problem={issueAll.error} />
          </div>
        )}
      </Modal>
    </>
  );
}

/** Records numbered in the office's region. */
function Certified({ cycleYear, onOpen }: { cycleYear: number; onOpen: (id: string) => void }) {
  const list = useCursorList<Verification>(["verifications", { cycleYear, state: "certified" }], (after) =>
    unwrap(api.GET("/api/v1/verifications", { params: { query: { cycle_year: cycleYear, state: "certified", after, limit: 200 } } })),
  );
  const columns = verificationColumns({ showUnit: true, onOpen: (r) => onOpen(r.id) });
  return (
    <>
      {list.isError && <ProblemAlert problem={list.error} />}
      <Table<Verification>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.items}
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: columnsWidth(columns) }}
        data-testid="certified-table"
      />
      <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={list.items.length} />
    </>
  );
}

/** 生成证书编号: the final office numbers the approved records it selects, or all of them. */
export default function NumbersPage() {
  const [cycleYear, setCycleYear, cycles] = useCycleYear();
  const [openId, setOpenId] = useState<string | null>(null);
  return (
    <Card title="生成证书编号" extra={<CycleSelect value={cycleYear} onChange={setCycleYear} />} data-testid="certificate-numbers">
      {cycles.isError && <ProblemAlert problem={cycles.error} />}
      {!cycles.isLoading && cycleYear === undefined && <NoCycle />}
      {cycleYear !== undefined && (
        <Tabs
          destroyOnHidden
          items={[
            { key: "awaiting", label: "待生成", children: <Awaiting cycleYear={cycleYear} onOpen={setOpenId} /> },
            { key: "certified", label: "已生成", children: <Certified cycleYear={cycleYear} onOpen={setOpenId} /> },
          ]}
        />
      )}
      <VerificationDrawer id={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}
