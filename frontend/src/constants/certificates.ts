// Chinese labels for certificates and title corrections (exhaustive over the generated types).
import type { CertificateStatus, CorrectionEvent, CorrectionState } from "../api/certificateTypes";

export const CERTIFICATE_STATUS_LABELS: Record<CertificateStatus, string> = {
  valid: "有效",
  superseded: "已被更正后的新版本取代",
  revoked: "已撤销",
  held: "暂停使用（单位复验中）",
};

export const CERTIFICATE_STATUS_COLORS: Record<CertificateStatus, string> = {
  valid: "success",
  superseded: "default",
  revoked: "error",
  held: "warning",
};

export const CORRECTION_STATE_LABELS: Record<CorrectionState, string> = {
  in_review: "审核中",
  approved: "已批准",
  rejected: "已驳回",
};

export const CORRECTION_STATE_COLORS: Record<CorrectionState, string> = {
  in_review: "processing",
  approved: "success",
  rejected: "error",
};

export const CORRECTION_EVENT_LABELS: Record<CorrectionEvent, string> = {
  request: "提出申请",
  approve: "审核通过",
  reject: "驳回",
};

/** A multi-year proof holds at most this many years (the server's limit). */
export const MAX_PROOF_YEARS = 5;

/** Certificates exist from this year on (SPEC §8). */
export const FIRST_CERTIFICATE_YEAR = 2015;
