import { Timeline, Typography } from "antd";
import type { Key } from "react";
import { formatDateTime } from "../utils/format";
import { ActorName } from "./ActorName";

/** One step of a record's history, in words (the caller labels its own states and events). */
export interface Transition {
  key: Key;
  /** What was done: 提交, 通过, 退回… */
  event: string;
  /** The actor's login: shown as the account's name and organisation. */
  actorName: string;
  /** The actor's tier (shown until, or when, the name is unknown): 单位, 县市区继教委办公室… */
  actorTier: string;
  /** When, a UTC instant from the wire (shown in Beijing time). */
  at: string;
  /** The state before (null: the record's creation) and after. */
  from: string | null;
  to: string;
  /** A reviewer's reason or opinion, if given. */
  reason?: string | null;
  /** The dot: red for a refusal, green for an approval, blue otherwise. */
  color: "red" | "green" | "blue";
}

/**
 * The history of a record under review (a verification record, a title
 * correction): who did what, when, and the state it led to.
 */
export function TransitionTimeline({
  transitions,
  reasonLabel,
  testId,
  entryTestId,
  reasonTestId,
}: {
  transitions: Transition[];
  /** The word before a reason: 原因, 意见. */
  reasonLabel: string;
  testId?: string;
  entryTestId?: string;
  reasonTestId?: string;
}) {
  return (
    <Timeline
      data-testid={testId}
      items={transitions.map((t) => ({
        key: t.key,
        color: t.color,
        content: (
          <div data-testid={entryTestId}>
            <Typography.Text strong>{t.event}</Typography.Text>
            <span style={{ marginInlineStart: 8 }}>
              <ActorName login={t.actorName} fallback={t.actorTier} />
            </span>
            <div style={{ color: "rgba(0,0,0,0.45)" }}>
              {formatDateTime(t.at)} · {t.from ?? "—"} → {t.to}
            </div>
            {t.reason && (
              <div data-testid={reasonTestId}>
                {reasonLabel}：{t.reason}
              </div>
            )}
          </div>
        ),
      }))}
    />
  );
}
