import { CloudUploadOutlined, DeleteOutlined, PaperClipOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { App, Button, List, Space, Typography, Upload } from "antd";
import { useRef } from "react";
import { api, unwrap } from "../api/client";
import { fileBody } from "../api/download";
import type { Evidence } from "../api/types";
import { formatSize } from "../utils/format";
import { ProblemAlert } from "./ProblemAlert";

/**
 * Evidence files (PDF, PNG, JPEG) uploaded to `/evidence` as soon as they are
 * chosen, listed with name and size, each removable. `check` refuses a file
 * before it is sent (each page words its own messages); `max` caps the list.
 * Test ids are `${testIdPrefix}evidence-upload`, `-list`, `-name`, `-size`.
 */
export function EvidenceUpload({
  files,
  onChange,
  check,
  buttonText,
  multiple = false,
  max,
  testIdPrefix = "",
}: {
  files: Evidence[];
  onChange: (files: Evidence[]) => void;
  check: (file: File) => string | null;
  buttonText: string;
  multiple?: boolean;
  max?: number;
  testIdPrefix?: string;
}) {
  const { message } = App.useApp();
  // Files chosen together upload at once: each one's arrival, and the cap,
  // count what is listed and on its way, not the list of the last render.
  const listed = useRef(files);
  listed.current = files;
  const inFlight = useRef(0);
  const upload = useMutation({
    mutationFn: (file: File): Promise<Evidence> =>
      unwrap(
        api.POST("/api/v1/evidence", {
          params: { query: { file_name: file.name } },
          body: file,
          bodySerializer: fileBody,
          headers: { "Content-Type": file.type },
        }),
      ),
    onSuccess: (e) => {
      listed.current = [...listed.current, e];
      onChange(listed.current);
    },
    onSettled: () => {
      inFlight.current -= 1;
    },
  });
  const id = (name: string) => `${testIdPrefix}evidence-${name}`;
  return (
    <Space orientation="vertical" style={{ width: "100%" }}>
      <Upload
        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
        showUploadList={false}
        multiple={multiple}
        beforeUpload={(file) => {
          const problem = check(file);
          if (problem) message.error(problem);
          else if (max !== undefined && listed.current.length + inFlight.current >= max) message.error(`最多上传 ${max} 份证明材料`);
          else {
            inFlight.current += 1;
            upload.mutate(file);
          }
          return false;
        }}
      >
        <Button icon={<CloudUploadOutlined />} loading={upload.isPending} data-testid={id("upload")}>
          {buttonText}
        </Button>
      </Upload>
      {upload.isError && <ProblemAlert problem={upload.error} />}
      {files.length > 0 && (
        <List
          size="small"
          bordered
          dataSource={files}
          data-testid={id("list")}
          renderItem={(f) => (
            <List.Item
              actions={[
                <Button
                  key="remove"
                  size="small"
                  type="text"
                  icon={<DeleteOutlined />}
                  onClick={() => onChange(files.filter((x) => x.id !== f.id))}
                  aria-label="移除"
                />,
              ]}
            >
              <Space>
                <PaperClipOutlined />
                <span data-testid={id("name")}>{f.file_name}</span>
                <Typography.Text type="secondary" data-testid={id("size")}>
                  {formatSize(f.size_bytes)}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Space>
  );
}
