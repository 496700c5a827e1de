import { DownloadOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Input, Radio, Space, Statistic, Typography, Upload } from "antd";
import { useState } from "react";
import { api, unwrap } from "../../../api/client";
import { fileBody, saveBlob } from "../../../api/download";
import type { CompletionImportReport, ImportMode } from "../../../api/types";
import { ImportErrorsTable } from "../../../components/ImportErrorsTable";
import { ProblemAlert } from "../../../components/ProblemAlert";
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

/** 公需科目: import completions of the year's mandatory course from a CSV file. */
export default function CoursesPage() {
  const [text, setText] = useState(TEMPLATE);
  const [mode, setMode] = useState<ImportMode>("check");
  const queryClient = useQueryClient();
  const upload = useMutation({
    mutationFn: ({ csv, mode }: { csv: string; mode: ImportMode }) =>
      unwrap<CompletionImportReport>(
        api.POST("/api/v1/course-completions/import", {
          params: { query: { mode } },
          body: new Blob([csv]),
          bodySerializer: fileBody,
          headers: { "Content-Type": "text/csv; charset=utf-8" },
        }),
      ),
    onSuccess(report) {
      if (report.written > 0) {
        void queryClient.invalidateQueries({ queryKey: ["compliance"] });
        void queryClient.invalidateQueries({ queryKey: ["person-year"] });
      }
    },
  });
  return (
    <Card title="公需科目（全员培训）完成情况导入" data-testid="courses">
      <Typography.Paragraph type="secondary">
        每行一人：身份证号、年度、完成日期（YYYY-MM-DD）。先“校验”查看每一行的问题；“全部导入”仅在全部正确时写入；“仅导入正确的行”跳过有问题的行。
        单个人员的完成情况也可在“达标情况查询”的人员详情中登记。
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => saveBlob(new Blob(["\ufeff" + TEMPLATE], { type: "text/csv;charset=utf-8" }), "公需科目完成情况模板.csv")}
        >
          下载 CSV 模板
        </Button>
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then((content) => setText(content.replace(/^\ufeff/, "")));
            return false;
          }}
        >
          <Button icon={<UploadOutlined />}>选择 CSV 文件</Button>
        </Upload>
      </Space>
      <Input.TextArea
        rows={10}
        value={text}
        onChange={(e) => setText(e.target.value)}
        style={{ fontFamily: "monospace", marginBottom: 12 }}
        data-testid="course-import-text"
      />
      <Space wrap>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as ImportMode)} options={options(IMPORT_MODE_LABELS)} />
        <Button
          type="primary"
          loading={upload.isPending}
          disabled={text.trim() === ""}
          onClick={() => upload.mutate({ csv: text, mode })}
          data-testid="course-import-submit"
        >
          {mode === "check" ? "校验" : "导入"}
        </Button>
      </Space>
      {upload.isError && (
        <div style={{ marginTop: 16 }}>
          <ProblemAlert problem={upload.error} />
        </div>
      )}
      {upload.data && <Report report={upload.data} />}
    </Card>
  );
}
