import { FilePdfOutlined, FileExcelOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { App, Button, Space } from "antd";
import { ApiProblem, api } from "../api/client";
import { downloadFile } from "../api/download";

type Format = "pdf" | "xlsx";

/**
 * 学分登记表 as PDF or XLSX: of a person (`personId`) or, without it, of the
 * signed-in trainee himself.
 */
export function RegistrationFormButtons({
  personId,
  year,
  name,
  block = false,
}: {
  personId?: string;
  year: number;
  name?: string;
  block?: boolean;
}) {
  const { message } = App.useApp();
  const download = useMutation({
    mutationFn: (format: Format) =>
      downloadFile(
        personId
          ? api.GET("/api/v1/people/{id}/registration-form/{year}", {
              params: { path: { id: personId, year }, query: { format } },
              parseAs: "blob",
            })
          : api.GET("/api/v1/me/registration-form/{year}", { params: { path: { year }, query: { format } }, parseAs: "blob" }),
        `学分登记表_${name ?? ""}${year}.${format}`,
      ),
    onError: (e) => message.error(e instanceof ApiProblem ? (e.detail ?? e.title) : "下载失败"),
  });
  const pending = download.isPending ? download.variables : null;
  return (
    <Space wrap style={block ? { width: "100%" } : undefined}>
      <Button
        icon={<FilePdfOutlined />}
        loading={pending === "pdf"}
        onClick={() => download.mutate("pdf")}
        data-testid="registration-form-pdf"
      >
        学分登记表 PDF
      </Button>
      <Button
        icon={<FileExcelOutlined />}
        loading={pending === "xlsx"}
        onClick={() => download.mutate("xlsx")}
        data-testid="registration-form-xlsx"
      >
        学分登记表 XLSX
      </Button>
    </Space>
  );
}
