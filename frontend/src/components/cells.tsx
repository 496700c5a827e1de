// Compact table cells, so that a list fits the 1280 px screen without scrolling sideways:
// a long value cut with its whole text in a tooltip, two values stacked in one cell.
import { Tooltip, Typography } from "antd";
import type { ReactNode } from "react";

/** One line, cut with an ellipsis; the whole text in a tooltip. */
export function Clipped({ text, testId }: { text: string | null | undefined; testId?: string }) {
  if (!text) return <>—</>;
  return (
    <Tooltip title={text} placement="topLeft">
      <span style={{ display: "block", overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }} data-testid={testId}>
        {text}
      </span>
    </Tooltip>
  );
}

/** A value with a secondary one under it (a name and its ID number, a title and its discipline). */
export function Stacked({ main, sub, tip }: { main: ReactNode; sub: ReactNode; tip?: string }) {
  return (
    <div style={{ minWidth: 0 }} title={tip}>
      <div style={{ overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>{main}</div>
      <Typography.Text type="secondary" style={{ display: "block", fontSize: 12, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}>
        {sub}
      </Typography.Text>
    </div>
  );
}
