import { DownloadOutlined, FilePdfOutlined, PrinterOutlined, ReloadOutlined, SearchOutlined, StopOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Form, Input, Modal, Select, Space, Table, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import type { Certificate, PrintJob, PrintRequest } from "../../api/certificateTypes";
import { cleanQuery, downloadFile } from "../../api/download";
import { useAuth } from "../../auth/AuthProvider";
import { LoadMore } from "../../components/LoadMore";
import { PageHeader } from "../../components/PageHeader";
import { IdNumber } from "../../components/PeopleTable";
import { Clipped, Stacked } from "../../components/cells";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DepartmentSelect } from "../../components/pickers/DepartmentSelect";
import { UnitSelect } from "../../components/pickers/UnitSelect";
import { MAX_PROOF_YEARS } from "../../constants/certificates";
import { useCursorList } from "../../hooks/useCursorList";
import { formatDateTime } from "../../utils/format";
import { submitModalForm } from "../../utils/modalForm";
import { useWorkingYear, yearInShanghai } from "../../hooks/workingYear";
import { canTickYear, certificateYears, formatTenths, proofParam, proofYears, toggleYear, versionLabel } from "./logic";
import { PrintJobModal } from "./PrintJob";
import { CertificateStatusTag, SealTag } from "./shared";

interface Filters {
  department_id?: string;
  unit_id?: string;
  name?: string;
  id_number?: string;
}

/** A person's certificates of every year, for a multi-year proof. */
function ProofModal({ person, onClose }: { person: Certificate | null; onClose: () => void }) {
  const [chosen, setChosen] = useState<number[]>([]);
  const { message } = App.useApp();
  const list = useQuery({
    queryKey: ["person-certificates", person?.person_id],
    queryFn: () => unwrap(api.GET("/api/v1/people/{id}/certificates", { params: { path: { id: person!.person_id } } })),
    enabled: person !== null,
  });
  const years = proofYears(list.data ?? []);
  const proof = useMutation({
    mutationFn: () =>
      downloadFile(
        api.GET("/api/v1/people/{id}/certificates/proof", {
          params: { path: { id: person!.person_id }, query: cleanQuery({ years: proofParam(chosen) }) },
          parseAs: "blob",
        }),
        `继续医学教育学分验证合格证明-${person!.name}.pdf`,
      ),
    onSuccess: (name) => {
      message.success(`已下载 ${name}`);
      onClose();
    },
  });
  return (
    <Modal
      title={`多年度合格证明：${person?.name ?? ""}`}
      open={person !== null}
      okText="下载 PDF"
      cancelText="取消"
      okButtonProps={{ disabled: chosen.length === 0, icon: <FilePdfOutlined /> }}
      confirmLoading={proof.isPending}
      onOk={() => proof.mutate()}
      onCancel={onClose}
      afterClose={() => {
        setChosen([]);
        proof.reset();
      }}
      destroyOnHidden
    >
      {list.isError && <ProblemAlert problem={list.error} />}
      <Typography.Paragraph type="secondary">勾选有有效证书的年度（最多 {MAX_PROOF_YEARS} 个），合成一份证明。</Typography.Paragraph>
      <Space wrap data-testid="proof-years">
        {years.map((y) => (
          <Checkbox key={y} checked={chosen.includes(y)} disabled={!canTickYear(chosen, y)} onChange={() => setChosen(toggleYear(chosen, y))}>
            {y} 年度
          </Checkbox>
        ))}
        {list.data && years.length === 0 && <Typography.Text type="secondary">没有有效证书</Typography.Text>}
      </Space>
      {proof.isError && <ProblemAlert problem={proof.error} />}
    </Modal>
  );
}

/** 撤销: the issuing office revokes a certificate version with a reason. */
function RevokeModal({ certificate, onClose }: { certificate: Certificate | null; onClose: () => void }) {
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const revoke = useMutation({
    mutationFn: (reason: string) =>
      unwrap(
        api.POST("/api/v1/certificates/{id}/revoke", {
          params: { path: { id: certificate!.id } },
          body: { row_version: certificate!.row_version, reason },
        }),
      ),
    onSuccess(c) {
      message.success(`证书 ${c.number} 已撤销`);
      void queryClient.invalidateQueries({ queryKey: ["certificates"] });
      onClose();
    },
    onError() {
      void queryClient.invalidateQueries({ queryKey: ["certificates"] });
    },
  });
  const finish = (v: { reason: string }) => revoke.mutate(v.reason.trim());
  return (
    <Modal
      title="撤销证书"
      open={certificate !== null}
      okText="确认撤销"
      okButtonProps={{ danger: true }}
      cancelText="取消"
      confirmLoading={revoke.isPending}
      onOk={() => submitModalForm(form, finish)}
      onCancel={onClose}
      afterClose={() => revoke.reset()}
      destroyOnHidden
    >
      {certificate && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={`${certificate.name} ${certificate.year} 年度证书 ${certificate.number}（${versionLabel(certificate.version)}）`}
          description="撤销后，公众查验页面显示“已撤销”及原因；撤销不能恢复。"
        />
      )}
      {revoke.isError && <ProblemAlert problem={revoke.error} />}
      <Form form={form} layout="vertical" name="revoke" onFinish={finish}>
        <Form.Item
          name="reason"
          label="撤销原因"
          rules={[
            { required: true, whitespace: true, message: "请填写撤销原因" },
            { min: 2, max: 500, message: "撤销原因为 2–500 字" },
          ]}
        >
          <Input.TextArea rows={3} maxLength={500} showCount placeholder="例如：抽验发现学分材料不实" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 证书打印: a year's certificates of the caller's place, printed in batches or one by one. */
export default function PrintPage() {
  const { me, can } = useAuth();
  const defaultYear = useWorkingYear();
  const [pickedYear, setYear] = useState<number | undefined>();
  const year = pickedYear ?? defaultYear;
  const [filters, setFilters] = useState<Filters>({});
  const [search, setSearch] = useState<{ name: string; id_number: string }>({ name: "", id_number: "" });
  const [selected, setSelected] = useState<string[]>([]);
  const [proofOf, setProofOf] = useState<Certificate | null>(null);
  const [revoking, setRevoking] = useState<Certificate | null>(null);
  const kind = me?.organisation.kind;
  const isUnit = kind === "unit";
  const isOffice = can("manage_seal") || kind === "region" || kind === "province";

  const list = useCursorList<Certificate>(
    ["certificates", year, filters],
    async (after) => {
      // A search, not a GET: the ID number travels in the body, never in a URL (which servers log).
      const page = await unwrap(
        api.POST("/api/v1/certificates/search", { body: { year: year!, ...filters, after, limit: 200 } }),
      );
      return { items: page.items, next_cursor: page.next };
    },
    { enabled: year !== undefined },
  );
  const shown = list.items;
  const chosen = shown.filter((c) => selected.includes(c.person_id) && c.status === "valid").map((c) => c.person_id);
  const printable = shown.filter((c) => c.status === "valid").length;

  // A batch prints on the server in the background (n of N, cancel, a file kept a day).
  const [job, setJob] = useState<PrintJob | null>(null);
  const print = useMutation({
    mutationFn: (body: PrintRequest) => unwrap(api.POST("/api/v1/certificates/print-jobs", { body })),
    onSuccess: setJob,
  });
  const one = useMutation({
    mutationFn: (c: Certificate) =>
      downloadFile(
        api.GET("/api/v1/certificates/{id}/pdf", { params: { path: { id: c.id } }, parseAs: "blob" }),
        `${c.year}年度学分验证合格证书-${c.name}-${c.number}.pdf`,
      ),
  });

  // Compact for a 1280 px screen with the selection column: name over ID number, unit over
  // title, number over version and date, state over seal; the actions scroll with the row
  // (a fixed column covered the seal and the number).
  const columns: ColumnsType<Certificate> = [
    {
      title: "姓名 / 身份证号",
      key: "person",
      width: 156,
      render: (_, c) => (
        <Stacked main={<span data-testid="certificate-name">{c.name}</span>} sub={<IdNumber value={c.id_number} />} />
      ),
    },
    isUnit || kind === "department"
      ? { title: "职称", dataIndex: "title", width: 96, render: (t: string) => <Clipped text={t} /> }
      : {
          title: "单位 / 职称",
          key: "unit",
          width: 150,
          render: (_, c) => <Stacked main={c.unit_name} sub={c.title || "—"} tip={`${c.unit_name} ${c.title ?? ""}`} />,
        },
    {
      title: "证书编号 / 版本",
      key: "number",
      width: 176,
      render: (_, c) => (
        <Stacked
          main={
            <span style={{ fontFamily: "monospace" }} data-testid="certificate-number">
              {c.number}
            </span>
          }
          sub={`${versionLabel(c.version)} · ${formatDateTime(c.issued_at).slice(0, 10)} 颁发`}
        />
      ),
    },
    {
      title: "状态 / 印章",
      key: "status",
      width: 168,
      render: (_, c) => (
        <Space orientation="vertical" size={4}>
          <CertificateStatusTag certificate={c} />
          <SealTag sealed={c.sealed} />
        </Space>
      ),
    },
    { title: "总学分", dataIndex: "total_tenths", width: 64, align: "right", render: (t: number) => formatTenths(t) },
    {
      title: "操作",
      key: "actions",
      width: 140,
      render: (_, c) => (
        <Space size={[4, 0]} wrap>
          <Button
            size="small"
            type="link"
            icon={<DownloadOutlined />}
            disabled={c.status !== "valid"}
            loading={one.isPending && one.variables?.id === c.id}
            onClick={() => one.mutate(c)}
            data-testid="certificate-pdf"
          >
            PDF
          </Button>
          <Button size="small" type="link" icon={<FilePdfOutlined />} onClick={() => setProofOf(c)} data-testid="certificate-proof">
            多年度证明
          </Button>
          {can("revoke_certificates") && c.status === "valid" && (
            <Button size="small" type="link" danger icon={<StopOutlined />} onClick={() => setRevoking(c)} data-testid="certificate-revoke">
              撤销
            </Button>
          )}
        </Space>
      ),
    },
  ];

  const applySearch = () => {
    setSelected([]);
    setFilters({ ...filters, name: search.name.trim() || undefined, id_number: search.id_number.trim().toUpperCase() || undefined });
  };

  return (
    <div data-testid="certificate-print">
      <PageHeader title="证书打印" description="打印本辖区人员的学分验证合格证书：批量合成一个 PDF 文件（每人一页，只打印有效证书），或逐人下载。" />
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select<number>
            value={year}
            onChange={(y) => {
              setYear(y);
              setSelected([]);
            }}
            // Year Y's certificates are issued in Y+1: none of this calendar year yet.
            options={certificateYears(Math.max(yearInShanghai() - 1, year ?? 0)).map((y) => ({ value: y, label: `${y} 年度` }))}
            style={{ width: 120 }}
            placeholder="年度"
            data-testid="certificate-year"
          />
          {isUnit && me && (
            <DepartmentSelect
              unitId={me.organisation.id}
              value={filters.department_id}
              onChange={(department_id) => {
                setSelected([]);
                setFilters({ ...filters, department_id });
              }}
            />
          )}
          {isOffice && (
            <UnitSelect
              value={filters.unit_id}
              onChange={(unit_id) => {
                setSelected([]);
                setFilters({ ...filters, unit_id });
              }}
            />
          )}
          <Input
            allowClear
            placeholder="姓名"
            value={search.name}
            onChange={(e) => setSearch({ ...search, name: e.target.value })}
            onPressEnter={applySearch}
            style={{ width: 120 }}
            data-testid="certificate-search-name"
          />
          <Input
            allowClear
            placeholder="身份证号（完整）"
            value={search.id_number}
            onChange={(e) => setSearch({ ...search, id_number: e.target.value })}
            onPressEnter={applySearch}
            style={{ width: 200 }}
            data-testid="certificate-search-id"
          />
          <Button type="primary" icon={<SearchOutlined />} onClick={applySearch} data-testid="certificate-search">
            查询
          </Button>
        </Space>
      </Card>
      <Card
        size="small"
        title={year === undefined ? "证书" : `${year} 年度证书`}
        extra={
          <Tooltip title="刷新">
            <Button
              icon={<ReloadOutlined />}
              aria-label="刷新"
              loading={list.isRefetching && !list.isFetchingNextPage}
              onClick={() => void list.refetch()}
              data-testid="certificates-refresh"
            />
          </Tooltip>
        }
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            disabled={chosen.length === 0 || year === undefined}
            loading={print.isPending && print.variables?.person_ids !== undefined}
            onClick={() => print.mutate({ year: year!, person_ids: chosen, department_id: filters.department_id, unit_id: filters.unit_id })}
            data-testid="print-selected"
          >
            打印所选（{chosen.length}）
          </Button>
          <Button
            icon={<PrinterOutlined />}
            disabled={printable === 0 || year === undefined}
            loading={print.isPending && print.variables?.person_ids === undefined}
            onClick={() => print.mutate({ year: year!, ...filters })}
            data-testid="print-all"
          >
            打印当前查询的全部有效证书{list.hasNextPage ? "" : `（${printable}）`}
          </Button>
        </Space>
        {print.isError && <ProblemAlert problem={print.error} />}
        {job && <PrintJobModal started={job} onClose={() => setJob(null)} />}
        {one.isError && <ProblemAlert problem={one.error} />}
        {list.isError && <ProblemAlert problem={list.error} />}
        <Table<Certificate>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={shown}
          loading={list.isLoading}
          pagination={false}
          scroll={{ x: columns.reduce((sum, c) => sum + Number(c.width ?? 0), 32) }}
          rowSelection={{
            selectedRowKeys: shown.filter((c) => chosen.includes(c.person_id)).map((c) => c.id),
            onChange: (_, rows) => setSelected(rows.map((r) => r.person_id)),
            getCheckboxProps: (c) => ({ disabled: c.status !== "valid", name: c.name }),
          }}
          locale={{ emptyText: year ? `${year} 年度没有证书` : "请选择年度" }}
          data-testid="certificates-table"
        />
        <LoadMore hasMore={list.hasNextPage} loading={list.isFetchingNextPage} onLoad={() => void list.fetchNextPage()} count={shown.length} />
      </Card>
      <ProofModal person={proofOf} onClose={() => setProofOf(null)} />
      <RevokeModal certificate={revoking} onClose={() => setRevoking(null)} />
    </div>
  );
}
