import * as L from "../../../constants/labels.generated";
import type { TransferState } from "./types";

export const TRANSFER_STATE_LABELS: Record<TransferState, string> = L.TRANSFER_STATE;

export const TRANSFER_STATE_COLORS: Record<TransferState, string> = {
  pending: "processing",
  accepted: "success",
  rejected: "error",
  cancelled: "default",
};
