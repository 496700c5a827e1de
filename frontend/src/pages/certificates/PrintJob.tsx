import { DownloadOutlined, StopOutlined } from "@ant-design/icons";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Button, Modal, Progress, Space, Typography } from "antd";
import { useEffect, useRef } from "react";
import { api, unwrap } from "../../api/client";
import type { PrintJob, PrintJobState } from "../../api/certificateTypes";
import { ProblemAlert } from "../../components/ProblemAlert";

/** Hands a same-origin download address to the browser's download manager (streamed to disk, never held in the page). */
function saveFrom(url: string, fileName: string) {
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
}

const WAITING: readonly PrintJobState[] = ["queued", "running"];

/** Where a job stands, in words. */
export function jobLine(job: PrintJob): string {
  switch (job.state) {
    case "queued":
      return `排队中，共 ${job.total} 份…`;
    case "running":
      return `已打印 ${job.done} / ${job.total} 份，可以离开本页，打印不会中断`;
    case "finished":
      return `已打印 ${job.total} 份（另有封面），文件已开始下载；未开始时请点“下载文件”`;
    case "cancelled":
      return `已取消（取消前打印了 ${job.done} / ${job.total} 份，文件已删除）`;
    case "expired":
      return "文件已超过保留期（1 天）被删除，请重新打印";
    default:
      return job.message ?? "打印失败，请稍后重新打印";
  }
}

/**
 * A batch print running on the server: n of N, read every second; cancel
 * while it runs; the file downloads when it is done (kept a day).
 */
export function PrintJobModal({ started, onClose }: { started: PrintJob; onClose: () => void }) {
  const job = useQuery({
    queryKey: ["print-job", started.id],
    queryFn: () => unwrap(api.GET("/api/v1/certificates/print-jobs/{id}", { params: { path: { id: started.id } } })),
    initialData: started,
    refetchInterval: (q) => (WAITING.includes(q.state.data?.state ?? "queued") ? 1000 : false),
  });
  const cancel = useMutation({
    mutationFn: () => unwrap(api.POST("/api/v1/certificates/print-jobs/{id}/cancel", { params: { path: { id: started.id } } })),
    onSuccess: () => void job.refetch(),
  });
  const download = useMutation({
    mutationFn: async () => {
      const address = await unwrap(api.POST("/api/v1/certificates/print-jobs/{id}/download", { params: { path: { id: started.id } } }));
      saveFrom(address.url, started.file_name);
    },
  });
  const data = job.data;
  const running = WAITING.includes(data.state);
  // The file is offered once, as soon as it is ready.
  const offered = useRef(false);
  useEffect(() => {
    if (data.state === "finished" && !offered.current) {
      offered.current = true;
      download.mutate();
    }
  }, [data.state, download]);
  const percent = data.total > 0 ? Math.floor((data.done * 100) / data.total) : 0;
  const status = data.state === "failed" || data.state === "cancelled" ? "exception" : running ? "active" : "success";
  return (
    <Modal
      open
      title={running ? "正在打印证书…" : data.state === "finished" ? "证书已打印" : "证书打印"}
      maskClosable={false}
      onCancel={onClose}
      footer={
        <Space>
          {running && (
            <Button danger icon={<StopOutlined />} loading={cancel.isPending} onClick={() => cancel.mutate()} data-testid="print-job-cancel">
              取消打印
            </Button>
          )}
          {data.state === "finished" && (
            <Button icon={<DownloadOutlined />} loading={download.isPending} onClick={() => download.mutate()} data-testid="print-job-download">
              下载文件
            </Button>
          )}
          <Button type="primary" onClick={onClose}>
            {running ? "在后台继续" : "知道了"}
          </Button>
        </Space>
      }
    >
      <Space orientation="vertical" style={{ width: "100%" }} data-testid="print-job" data-state={data.state} data-done={data.done} data-total={data.total}>
        <Typography.Text strong>{data.file_name}</Typography.Text>
        <Progress percent={percent} status={status} />
        <span data-testid="print-job-line">{jobLine(data)}</span>
        <Typography.Text type="secondary">证书按科室、再按姓名拼音排序，第一页为封面：单位、科室、年度、份数和未打印人员及原因。</Typography.Text>
        {job.isError && <ProblemAlert problem={job.error} />}
        {cancel.isError && <ProblemAlert problem={cancel.error} />}
        {download.isError && <ProblemAlert problem={download.error} />}
      </Space>
    </Modal>
  );
}
