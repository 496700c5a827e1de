// Chinese labels for certificates and title corrections (exhaustive over the generated types).
import * as L from "./labels.generated";
import type { CertificateStatus, CorrectionEvent, CorrectionState } from "../api/certificateTypes";

export const CERTIFICATE_STATUS_LABELS: Record<CertificateStatus, string> = L.CERTIFICATE_STATUS;

export const CERTIFICATE_STATUS_COLORS: Record<CertificateStatus, string> = {
  valid: "success",
  superseded: "default",
  revoked: "error",
  held: "warning",
};

export const CORRECTION_STATE_LABELS: Record<CorrectionState, string> = L.CORRECTION_STATE;

export const CORRECTION_STATE_COLORS: Record<CorrectionState, string> = {
  in_review: "processing",
  approved: "success",
  rejected: "error",
};

export const CORRECTION_EVENT_LABELS: Record<CorrectionEvent, string> = L.CORRECTION_EVENT;

/** A multi-year proof holds at most this many years (the server's limit). */
export const MAX_PROOF_YEARS = 5;

/** Certificates exist from this year on (SPEC §8). */
export const FIRST_CERTIFICATE_YEAR = 2015;
