// Chinese labels for the verification cycle's wire enums (exhaustive over the generated types).
import * as L from "./labels.generated";
import type { Grouping, ListKind, ReviewDecision, ReviewTier, SpecialReason, VerificationPath, VerificationState, WindowTier } from "../api/types";

export const LIST_KIND_LABELS: Record<ListKind, string> = L.LIST_KIND;

/** 验证方式: 电子验证, or 纸质验证 (the offices judge the scanned paper certificates). */
export const VERIFICATION_PATH_LABELS: Record<VerificationPath, string> = L.VERIFICATION_PATH;

export const VERIFICATION_STATE_LABELS: Record<VerificationState, string> = L.VERIFICATION_STATE;

export const VERIFICATION_STATE_COLORS: Record<VerificationState, string> = {
  prepared: "default",
  in_review: "processing",
  returned: "error",
  approved: "success",
  certified: "green",
};

export const WINDOW_TIER_LABELS: Record<WindowTier, string> = L.WINDOW_TIER;

export const SPECIAL_REASON_LABELS: Record<SpecialReason, string> = L.SPECIAL_REASON;

export const REVIEW_TIER_LABELS: Record<ReviewTier, string> = L.REVIEW_TIER;

export const DECISION_LABELS: Record<ReviewDecision, string> = L.REVIEW_DECISION;

/** The pass rate below which an institution goes back to re-verify (SPEC §5): the 95% line. */
export const PASS_LINE_PERMILLE = 950;

/** What a row of the statistics (and of the report) stands for: 单位, 县市区, 州市. */
export const GROUPING_LABELS: Record<Grouping, string> = L.STATS_GROUPING;
