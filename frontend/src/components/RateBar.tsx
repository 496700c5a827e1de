import { PASS_LINE_PERMILLE } from "../constants/verification";
import { formatRate } from "../utils/format";

/** A bar's filled width in percent of its track (0–100). */
export function barWidth(permille: number | null): number {
  if (permille === null) return 0;
  return Math.max(0, Math.min(100, permille / 10));
}

/**
 * A rate (per mille) as a horizontal bar: plain CSS, so it prints as drawn and
 * needs no chart library. Callers colour it (each page has its own scale); the
 * 95% pass line is marked unless `passLine` is false. The track and the fill
 * carry the classes `rate-bar-track` and `rate-bar` for print stylesheets.
 */
export function RateBar({
  permille,
  color,
  label,
  labelWidth = 64,
  showValue = true,
  passLine = true,
  width,
  height = 10,
  testId,
  valueTestId,
}: {
  permille: number | null;
  color: string;
  /** A caption before the bar (达标率, 现行…). */
  label?: string;
  labelWidth?: number;
  /** The rate as text after the bar (`95.3%`, `—`). */
  showValue?: boolean;
  passLine?: boolean;
  /** A fixed track width in pixels; by default the track takes the room left. */
  width?: number;
  height?: number;
  testId?: string;
  valueTestId?: string;
}) {
  return (
    <div style={{ display: "flex", alignItems: "center", gap: 8 }} data-testid={testId} data-permille={permille ?? ""}>
      {label !== undefined && <span style={{ width: labelWidth, color: "rgba(0,0,0,0.55)", fontSize: 12, flex: "none" }}>{label}</span>}
      <div
        className="rate-bar-track"
        style={{
          position: "relative",
          height,
          background: "#f0f0f0",
          borderRadius: 2,
          ...(width !== undefined ? { width, flex: "none" } : { flex: 1, minWidth: 120 }),
        }}
      >
        <div className="rate-bar" style={{ width: `${barWidth(permille)}%`, height: "100%", background: color, borderRadius: 2 }} />
        {passLine && (
          <div
            style={{ position: "absolute", top: -2, bottom: -2, left: `${PASS_LINE_PERMILLE / 10}%`, width: 1, background: "rgba(0,0,0,0.65)" }}
            title="95% 合格线"
            data-testid="rate-bar-pass-line"
          />
        )}
      </div>
      {showValue && (
        <span style={{ width: 52, textAlign: "right", fontVariantNumeric: "tabular-nums", flex: "none" }} data-testid={valueTestId}>
          {formatRate(permille)}
        </span>
      )}
    </div>
  );
}
