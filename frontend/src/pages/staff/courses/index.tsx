import { DownloadOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Radio, Space, Statistic, Typography, Upload } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import { fileBody, saveBlob } from "../../../api/download";
import type { CompletionImportReport, ImportMode } from "../../../api/types";
import { ImportErrorsTable } from "../../../components/ImportErrorsTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { UploadProgress, useUploadProgress } from "../../../components/UploadProgress";
import { PageTitle } from "../../../components/PageTitle";
import { IMPORT_MODE_LABELS, options } from "../../../constants/enums";

const TEMPLATE = "身份证号,年度,完成日期\n";

function Report({ report }: { report: CompletionImportReport }) {
  const bad = report.rows - report.valid_rows;
  const outcome =
    report.mode === "check"
      ? bad === 0
        ? { type: "success" as const, text: "校验通过：全部行正确，可以导入。" }
        : { type: "warning" as const, text: `校验发现 ${bad} 行有问题，未写入任何数据。` }
      : report.written > 0
        ? { type: "success" as const, text: `已登记 ${report.written} 人的完成情况。` }
        : { type: "error" as const, text: "文件有错误，未写入任何数据。" };
  return (
    <div data-testid="course-import-report" style={{ marginTop: 16 }}>
      <Alert type={outcome.type} showIcon title={outcome.text} style={{ marginBottom: 12 }} />
      <Space size="large" style={{ marginBottom: 12 }}>
        <Statistic title="数据行" value={report.rows} />
        <Statistic title="正确行" value={report.valid_rows} />
        <Statistic title="已写入" value={report.written} />
      </Space>
      {report.errors.length > 0 && <ImportErrorsTable errors={report.errors} />}
    </div>
  );
}

const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/** The content type a chosen file is sent as: XLSX by its name, else CSV (the server reads UTF-8 or GBK). */
export function contentTypeOf(file: { name: string }): string {
  return /\.xlsx$/i.test(file.name) ? XLSX_TYPE : "text/csv";
}

/** 公需科目: import completions of the year's mandatory course from an XLSX or CSV file. */
export default function CoursesPage() {
  const [file, setFile] = useState<File | null>(null);
  const [mode, setMode] = useState<ImportMode>("check");
  const queryClient = useQueryClient();
  const progress = useUploadProgress();
  const upload = useMutation({
    mutationFn: ({ file, mode }: { file: File; mode: ImportMode }) => {
      progress.reset();
      return unwrap<CompletionImportReport>(
        api.POST("/api/v1/course-completions/import", {
          params: { query: { mode } },
          body: file,
          bodySerializer: fileBody,
          headers: { "Content-Type": contentTypeOf(file) },
          fetch: progress.fetch,
        }),
      );
    },
    onSuccess(report) {
      if (report.written > 0) {
        void queryClient.invalidateQueries({ queryKey: ["compliance"] });
        void queryClient.invalidateQueries({ queryKey: ["person-year"] });
      }
    },
  });
  return (
    <Card title={<PageTitle>公需科目（全员培训）完成情况导入</PageTitle>} data-testid="courses">
      <Typography.Paragraph type="secondary">
        上传 XLSX 或 CSV 文件（CSV 可为 UTF-8 或 Excel 另存的 GBK 编码），每行一人：身份证号、年度、完成日期（YYYY-MM-DD）。先“校验”查看每一行的问题；“全部导入”仅在全部正确时写入；“仅导入正确的行”跳过有问题的行。
        文件不超过 4 MB。单个人员的完成情况也可在“达标情况查询”的人员详情中登记。
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => saveBlob(new Blob(["\ufeff" + TEMPLATE], { type: "text/csv;charset=utf-8" }), "公需科目完成情况模板.csv")}
        >
          下载 CSV 模板
        </Button>
        <Upload
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          showUploadList={false}
          beforeUpload={(chosen) => {
            setFile(chosen);
            upload.reset();
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} data-testid="course-import-file">
            选择文件（XLSX/CSV）
          </Button>
        </Upload>
        <Typography.Text data-testid="course-import-name">{file ? `已选择：${file.name}` : "尚未选择文件"}</Typography.Text>
      </Space>
      <div>
        <Space wrap>
          <Radio.Group
            value={mode}
            onChange={(e) => setMode(e.target.value as ImportMode)}
            options={options(IMPORT_MODE_LABELS)}
            aria-label="导入方式"
          />
          <Button
            type="primary"
            loading={upload.isPending}
            disabled={!file}
            onClick={() => file && upload.mutate({ file, mode })}
            data-testid="course-import-submit"
          >
            {mode === "check" ? "校验" : "导入"}
          </Button>
        </Space>
      </div>
      {upload.isError && (
        <div style={{ marginTop: 16 }}>
          <ProblemAlert problem={upload.error} />
        </div>
      )}
      <UploadProgress transfer={progress.transfer} active={upload.isPending} />
      {upload.data && <Report report={upload.data} />}
    </Card>
  );
}
