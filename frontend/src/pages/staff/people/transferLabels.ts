import type { TransferState } from "./types";

export const TRANSFER_STATE_LABELS: Record<TransferState, string> = {
  pending: "待接收",
  accepted: "已接收",
  rejected: "已拒收",
  cancelled: "已撤回",
};

export const TRANSFER_STATE_COLORS: Record<TransferState, string> = {
  pending: "processing",
  accepted: "success",
  rejected: "error",
  cancelled: "default",
};
