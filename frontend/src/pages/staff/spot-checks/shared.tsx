// Labels and small pieces shared by the spot-check pages.
import * as L from "../../../constants/labels.generated";
import { Tag } from "antd";
import type { ItemResult, SpotCheckKind } from "../../../api/types";

export const KIND_LABELS: Record<SpotCheckKind, string> = L.SPOT_CHECK_KIND;

export const RESULT_LABELS: Record<ItemResult, string> = L.ITEM_RESULT;

export const RESULT_COLORS: Record<ItemResult, string> = {
  pending: "default",
  pass: "success",
  fail: "error",
};

export function ClosedTag({ closed }: { closed: boolean }) {
  return closed ? (
    <Tag color="default" data-testid="check-status">
      已结束
    </Tag>
  ) : (
    <Tag color="processing" data-testid="check-status">
      进行中
    </Tag>
  );
}

/** A seed, set apart so it reads as the thing that reproduces the draw. */
export function SeedText({ seed }: { seed: string }) {
  return (
    <span style={{ fontFamily: "monospace", fontSize: 15, fontWeight: 600, letterSpacing: 0.5 }} data-testid="check-seed">
      {seed}
    </span>
  );
}

/** Whether the caller is a province office (现场抽验 is theirs). */
export function isProvinceOffice(role: string | undefined): boolean {
  return role === "province_western" || role === "province_tcm";
}

/** The query string of a draw form (a redraw, a re-inspection). */
export function drawLink(params: Record<string, string | number | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== "") q.set(k, String(v));
  return `/spot-checks?${q.toString()}`;
}

