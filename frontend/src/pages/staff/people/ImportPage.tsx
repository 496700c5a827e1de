import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Breadcrumb, Button, Card, Space, Statistic, Steps, Typography, Upload } from "antd";
import { useState } from "react";
import { Link } from "react-router";
import { ApiProblem, api, unwrap } from "../../../api/client";
import { downloadFile, formData } from "../../../api/download";
import type { ImportMode } from "../../../api/types";
import { useAuth } from "../../../auth/AuthProvider";
import { ImportErrorsTable } from "../../../components/ImportErrorsTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UploadProgress, useUploadProgress } from "../../../components/UploadProgress";
import { UnitSelect } from "../../../components/pickers/UnitSelect";
import type { StaffImportReport } from "./types";


/** What a report means, in one sentence. */
export function importOutcome(report: Pick<StaffImportReport, "mode" | "rows" | "valid_rows" | "created" | "written">): {
  type: "success" | "warning" | "error";
  text: string;
} {
  const bad = report.rows - report.valid_rows;
  if (report.mode === "check") {
    return bad === 0
      ? { type: "success", text: `校验通过：${report.rows} 行全部正确，可以导入。` }
      : { type: "warning", text: `校验发现 ${bad} 行有问题（共 ${report.rows} 行），未写入任何数据。` };
  }
  if (!report.written) return { type: "error", text: `文件有 ${bad} 行错误，未写入任何数据。` };
  return bad === 0
    ? { type: "success", text: `已导入 ${report.created} 人。` }
    : { type: "warning", text: `已导入正确的 ${report.created} 人，跳过 ${bad} 行有问题的数据。` };
}

/**
 * 人员批量导入: the template, a file checked row by row (every bad cell
 * reported with its row, column and reason, also as a downloadable
 * report), then written whole or only its valid rows.
 */
export default function StaffImportPage() {
  const { me } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const needsUnit = me?.organisation.kind !== "unit" && me?.organisation.kind !== "department";
  const [unitId, setUnitId] = useState<string | undefined>();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<StaffImportReport | null>(null);
  const query = (mode: ImportMode) => ({ mode, ...(needsUnit && unitId ? { unit_id: unitId } : {}) });

  const progress = useUploadProgress();
  const send = useMutation({
    mutationFn: (mode: ImportMode): Promise<StaffImportReport> => {
      progress.reset();
      return unwrap(
        api.POST("/api/v1/people/import", { params: { query: query(mode) }, body: { file: file! }, bodySerializer: formData, fetch: progress.fetch }),
      );
    },
    onSuccess(r) {
      setReport(r);
      if (r.written) void queryClient.invalidateQueries({ queryKey: ["people"] });
    },
  });
  const errorsFile = useMutation({
    mutationFn: () =>
      downloadFile(
        api.POST("/api/v1/people/import/errors", {
          params: { query: query("check") },
          body: { file: file! },
          bodySerializer: formData,
          parseAs: "blob",
        }),
        "导入错误报告.xlsx",
      ),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "下载失败"),
  });
  const template = useMutation({
    mutationFn: (format: "xlsx" | "csv") =>
      downloadFile(
        api.GET("/api/v1/people/import-template", { params: { query: { format } }, parseAs: "blob" }),
        `人员导入模板.${format}`,
      ),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "下载失败"),
  });

  const ready = file !== null && (!needsUnit || unitId !== undefined);
  const outcome = report ? importOutcome(report) : null;
  const step = report?.written ? 3 : report ? 2 : file ? 1 : 0;

  return (
    <>
      <Breadcrumb style={{ marginBottom: 16 }} items={[{ title: <Link to="/staff">人员维护</Link> }, { title: "批量导入" }]} />
      <Card title="人员批量导入" data-testid="staff-import-page">
        <Steps
          current={step}
          style={{ marginBottom: 24, maxWidth: 900 }}
          items={[{ title: "下载模板" }, { title: "选择文件" }, { title: "校验" }, { title: "导入" }]}
        />
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Space wrap>
            <Button icon={<DownloadOutlined />} loading={template.isPending && template.variables === "xlsx"} onClick={() => template.mutate("xlsx")} data-testid="template-xlsx">
              下载模板（XLSX）
            </Button>
            <Button icon={<DownloadOutlined />} loading={template.isPending && template.variables === "csv"} onClick={() => template.mutate("csv")} data-testid="template-csv">
              下载模板（CSV）
            </Button>
            <Typography.Text type="secondary">带 * 的列为必填；科室须为本单位已有科室，职称须为规范名称。</Typography.Text>
          </Space>
          {needsUnit && (
            <Space>
              <span>导入到单位：</span>
              <UnitSelect value={unitId} onChange={setUnitId} />
            </Space>
          )}
          <div data-testid="import-file">
          <Upload.Dragger
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            multiple={false}
            maxCount={1}
            fileList={file ? [{ uid: "1", name: file.name, status: "done" }] : []}
            beforeUpload={(f) => {
              setFile(f);
              setReport(null);
              send.reset();
              return false;
            }}
            onRemove={() => {
              setFile(null);
              setReport(null);
            }}
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">点击或拖入 XLSX / CSV 文件</p>
            <p className="ant-upload-hint">最大 5 MB、10,000 行；第一行为表头。</p>
          </Upload.Dragger>
          </div>
          <Space wrap>
            <Button type="primary" disabled={!ready} loading={send.isPending && send.variables === "check"} onClick={() => send.mutate("check")} data-testid="import-check">
              校验
            </Button>
            <Button disabled={!ready} loading={send.isPending && send.variables === "all"} onClick={() => send.mutate("all")} data-testid="import-all">
              全部导入（有错误则不写入）
            </Button>
            <Button
              disabled={!ready || (report !== null && report.valid_rows === 0)}
              loading={send.isPending && send.variables === "valid_only"}
              onClick={() => send.mutate("valid_only")}
              data-testid="import-valid-only"
            >
              仅导入正确的行
            </Button>
            {report && report.errors.length > 0 && (
              <Button icon={<DownloadOutlined />} loading={errorsFile.isPending} onClick={() => errorsFile.mutate()} data-testid="import-errors-download">
                下载错误报告
              </Button>
            )}
          </Space>
          <UploadProgress transfer={progress.transfer} active={send.isPending} />
          {send.isError && <ProblemAlert problem={send.error} />}
          {report && outcome && (
            <div data-testid="import-report" data-written={report.written ? "true" : "false"}>
              <Alert type={outcome.type} showIcon title={outcome.text} style={{ marginBottom: 12 }} data-testid="import-outcome" />
              <Space size="large" style={{ marginBottom: 12 }}>
                <Statistic title="数据行" value={report.rows} />
                <Statistic title="正确行" value={report.valid_rows} />
                <Statistic title="有问题的行" value={report.rows - report.valid_rows} styles={{ content: { color: report.rows > report.valid_rows ? "#cf1322" : undefined } }} />
                <Statistic title="已新增" value={report.created} />
              </Space>
              {report.errors.length > 0 && (
                <ImportErrorsTable
                  errors={report.errors.map((e) => ({ row: e.row, column: e.field, column_label: e.column || "整行", reason: e.reason }))}
                />
              )}
            </div>
          )}
        </Space>
      </Card>
    </>
  );
}
