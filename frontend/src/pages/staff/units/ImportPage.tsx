import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Breadcrumb, Button, Card, Space, Steps, Table, Typography, Upload } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { downloadFile, fileBody } from "../../../api/download";
import type { components } from "../../../api/schema";
import { PageTitle } from "../../../components/PageTitle";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UploadProgress, useUploadProgress } from "../../../components/UploadProgress";
import { MEDICINE_LABELS, UNIT_LEVEL_LABELS, labelOf } from "../../../constants/enums";

type ImportResult = components["schemas"]["UnitImportResult"];
type Opened = components["schemas"]["OpenedUnit"];

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The opened units' accounts as a CSV file (UTF-8 with BOM, for Excel), made in the browser. */
export function accountsCsv(units: readonly Opened[]): string {
  const cell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [["单位名称", "登录名", "初始密码"], ...units.map((u) => [u.unit.name, u.username, u.initial_password])];
  return "\uFEFF" + lines.map((l) => l.map(cell).join(",")).join("\r\n") + "\r\n";
}

/**
 * 批量开通单位: the template, a file checked whole (a dry run names every bad
 * row and column), then every unit and its CME office account opened in one
 * go, or none; the one-time passwords are shown once.
 */
export default function UnitImportPage() {
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const progress = useUploadProgress();
  const send = useMutation({
    mutationFn: (dryRun: boolean): Promise<ImportResult> => {
      progress.reset();
      return unwrap(
        api.POST("/api/v1/units/import", {
          params: { query: { dry_run: dryRun } },
          body: file!,
          bodySerializer: fileBody,
          headers: { "Content-Type": file!.name.toLowerCase().endsWith(".csv") ? "text/csv" : XLSX },
          fetch: progress.fetch,
        }),
      );
    },
    onSuccess(r) {
      setResult(r);
      if (r.saved) void queryClient.invalidateQueries({ queryKey: ["units"] });
    },
    onError: () => setResult(null),
  });
  const template = useMutation({
    mutationFn: () => downloadFile(api.GET("/api/v1/units/import/template", { parseAs: "blob" }), "开通单位导入模板.xlsx"),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "下载失败"),
  });
  const saveAccounts = () => {
    if (!result) return;
    const url = URL.createObjectURL(new Blob([accountsCsv(result.units)], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "开通单位账号.csv";
    a.click();
    URL.revokeObjectURL(url);
  };
  const problem = send.error instanceof ApiProblem ? send.error : null;
  const step = result?.saved ? 3 : result ? 2 : file ? 1 : 0;
  return (
    <>
      <Breadcrumb style={{ marginBottom: 16 }} items={[{ title: <Link to="/units">单位管理</Link> }, { title: "批量开通" }]} />
      <Card title={<PageTitle>批量开通单位</PageTitle>} data-testid="unit-import-page">
        <Steps current={step} style={{ marginBottom: 24, maxWidth: 900 }} items={[{ title: "下载模板" }, { title: "选择文件" }, { title: "校验" }, { title: "开通" }]} />
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Space wrap>
            <Button icon={<DownloadOutlined />} loading={template.isPending} onClick={() => template.mutate()} data-testid="units-template">
              下载模板（XLSX）
            </Button>
            <Typography.Text type="secondary">每行开通一个单位并创建其继教办账号；一次最多 2000 行，任何一行有误则整批不保存。</Typography.Text>
          </Space>
          <div data-testid="units-file">
            <Upload.Dragger
              accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
              multiple={false}
              maxCount={1}
              fileList={file ? [{ uid: "1", name: file.name, status: "done" }] : []}
              beforeUpload={(f) => {
                setFile(f);
                setResult(null);
                send.reset();
                return false;
              }}
              onRemove={() => {
                setFile(null);
                setResult(null);
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">点击或拖入 XLSX / CSV 文件</p>
              <p className="ant-upload-hint">最大 4 MB；第一行为表头。</p>
            </Upload.Dragger>
          </div>
          <Space wrap>
            <Button disabled={!file || result?.saved === true} loading={send.isPending && send.variables} onClick={() => send.mutate(true)} data-testid="units-check">
              校验
            </Button>
            <Button type="primary" disabled={!file || result?.saved === true} loading={send.isPending && !send.variables} onClick={() => send.mutate(false)} data-testid="units-save">
              开通
            </Button>
          </Space>
          <UploadProgress transfer={progress.transfer} active={send.isPending} />
          {problem && problem.errors.length > 0 && (
            <div data-testid="units-errors">
              <Alert type="error" showIcon title={problem.detail ?? problem.title} style={{ marginBottom: 12 }} />
              <Table
                rowKey={(e) => `${e.field}:${e.message}`}
                size="small"
                dataSource={problem.errors}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                columns={[{ title: "问题", dataIndex: "message" }]}
              />
            </div>
          )}
          {problem && problem.errors.length === 0 && <ProblemAlert problem={problem} />}
          {result && !result.saved && (
            <div data-testid="units-checked">
              <Alert type="success" showIcon title={`校验通过：${result.rows} 行全部正确，可以开通。`} style={{ marginBottom: 12 }} />
              <Table
                rowKey="row"
                size="small"
                dataSource={result.checked}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                columns={[
                  { title: "行号", dataIndex: "row", width: 80 },
                  { title: "单位名称", dataIndex: "name" },
                  { title: "级别", dataIndex: "level", render: (l: string) => labelOf(UNIT_LEVEL_LABELS, l) },
                  { title: "类别", dataIndex: "medicine", render: (m: string) => labelOf(MEDICINE_LABELS, m) },
                  { title: "所属地区", dataIndex: "region_name" },
                  { title: "代码", dataIndex: "code" },
                  { title: "登录名", dataIndex: "username" },
                ]}
              />
            </div>
          )}
          {result?.saved && (
            <div data-testid="units-opened">
              <Alert
                type="warning"
                showIcon
                title={`已开通 ${result.units.length} 个单位。下列初始密码只显示这一次，请下载或复制后转交各单位；首次登录须修改密码。`}
                style={{ marginBottom: 12 }}
              />
              <Button icon={<DownloadOutlined />} onClick={saveAccounts} style={{ marginBottom: 12 }} data-testid="units-accounts-download">
                下载账号清单（CSV）
              </Button>
              <Table<Opened>
                rowKey={(u) => u.unit.id}
                size="small"
                dataSource={result.units}
                pagination={{ pageSize: 50, hideOnSinglePage: true }}
                columns={[
                  { title: "单位名称", key: "name", render: (_, u) => u.unit.name },
                  { title: "登录名", dataIndex: "username" },
                  {
                    title: "初始密码",
                    dataIndex: "initial_password",
                    render: (p: string) => (
                      <Typography.Text code copyable={{ text: p, tooltips: ["复制", "已复制"] }} data-testid="opened-password">
                        {p}
                      </Typography.Text>
                    ),
                  },
                ]}
              />
            </div>
          )}
        </Space>
      </Card>
    </>
  );
}
