import { Progress, Space, Typography } from "antd";
import { useCallback, useMemo, useState } from "react";
import { fetchWithProgress, transferLine, type Transfer } from "../api/progress";

/**
 * An import's upload progress: `fetch` goes in openapi-fetch's request
 * options, `view` on the page while the request runs, `reset` before the
 * next one.
 */
export function useUploadProgress() {
  const [transfer, setTransfer] = useState<Transfer | null>(null);
  const fetch = useMemo(() => fetchWithProgress(setTransfer), []);
  const reset = useCallback(() => setTransfer(null), []);
  return { transfer, fetch, reset };
}

/** The bar and its words; nothing once the request ended (`active` false). */
export function UploadProgress({ transfer, active }: { transfer: Transfer | null; active: boolean }) {
  if (!active || !transfer) return null;
  const percent = transfer.phase === "processing" ? 100 : transfer.total > 0 ? Math.floor((transfer.sent * 100) / transfer.total) : 0;
  return (
    <Space orientation="vertical" style={{ width: "100%", maxWidth: 480 }} data-testid="upload-progress" data-phase={transfer.phase}>
      <Progress percent={percent} status="active" showInfo={transfer.phase === "uploading"} />
      <Typography.Text type="secondary">{transferLine(transfer)}</Typography.Text>
    </Space>
  );
}
