// Pieces shared by the title correction pages: the state tag, the columns of
// a list of requests and the drawer with the chain (Steps) and the log.
import { useQuery } from "@tanstack/react-query";
import { Descriptions, Drawer, Space, Spin, Steps, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { api, unwrap } from "../../api/client";
import type { Correction } from "../../api/certificateTypes";
import { downloadFile } from "../../api/download";
import { ProblemAlert } from "../../components/ProblemAlert";
import { TransitionTimeline } from "../../components/TransitionTimeline";
import { CORRECTION_EVENT_LABELS, CORRECTION_STATE_COLORS, CORRECTION_STATE_LABELS } from "../../constants/certificates";
import { OUTCOME_COLORS, OUTCOME_LABELS, TITLE_LEVEL_LABELS, labelOf } from "../../constants/enums";
import { REVIEW_TIER_LABELS } from "../../constants/verification";
import { formatDateTime } from "../../utils/format";
import { correctionCurrent } from "../certificates/logic";
import { ActorName } from "../../components/ActorName";

export function CorrectionStateTag({ state }: { state: Correction["state"] }) {
  return (
    <Tag color={CORRECTION_STATE_COLORS[state] ?? "default"} data-testid="correction-state" data-state={state}>
      {labelOf(CORRECTION_STATE_LABELS, state)}
    </Tag>
  );
}

/** 审核中（等待 县市区继教委办公室）. */
export function waitingLabel(c: Pick<Correction, "state" | "waiting_on">): string {
  if (c.state !== "in_review" || !c.waiting_on) return "—";
  return labelOf(REVIEW_TIER_LABELS, c.waiting_on);
}

/** Columns of a list of requests. */
export function correctionColumns(onOpen: (c: Correction) => void): ColumnsType<Correction> {
  return [
    {
      title: "姓名",
      dataIndex: "person_name",
      width: 90,
      render: (name: string, c) => (
        <Typography.Link onClick={() => onOpen(c)} data-testid="correction-open">
          {name}
        </Typography.Link>
      ),
    },
    { title: "年度", dataIndex: "year", width: 70 },
    {
      title: "职称更正",
      key: "titles",
      width: 220,
      render: (_, c) => (
        <span>
          {c.old_title} → <b>{c.new_title}</b>
        </span>
      ),
    },
    { title: "取得日期", dataIndex: "obtained_on", width: 110 },
    {
      title: "新职称下达标",
      dataIndex: "outcome_preview",
      width: 110,
      render: (o: Correction["outcome_preview"]) => <Tag color={OUTCOME_COLORS[o]}>{labelOf(OUTCOME_LABELS, o)}</Tag>,
    },
    { title: "状态", dataIndex: "state", width: 90, render: (s: Correction["state"]) => <CorrectionStateTag state={s} /> },
    { title: "当前环节", key: "waiting", width: 160, render: (_, c) => waitingLabel(c) },
    { title: "申请时间", dataIndex: "requested_at", width: 170, render: (t: string) => formatDateTime(t) },
  ];
}

/** A request with its chain (Steps), its documents and its log (Timeline). */
export function CorrectionDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const detail = useQuery({
    queryKey: ["title-correction", id],
    queryFn: () => unwrap(api.GET("/api/v1/title-corrections/{id}", { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
  const c = detail.data;
  return (
    <Drawer title="职称更正申请" open={id !== null} onClose={onClose} size="large" destroyOnHidden data-testid="correction-drawer">
      {detail.isLoading && <Spin />}
      {detail.isError && <ProblemAlert problem={detail.error} />}
      {c && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" column={{ xs: 1, sm: 2 }} bordered>
            <Descriptions.Item label="姓名">{c.person_name}</Descriptions.Item>
            <Descriptions.Item label="验证年度">{c.year}</Descriptions.Item>
            <Descriptions.Item label="原职称">{c.old_title}</Descriptions.Item>
            <Descriptions.Item label="更正为">
              {c.new_title}（{labelOf(TITLE_LEVEL_LABELS, c.new_level)}）
            </Descriptions.Item>
            <Descriptions.Item label="取得日期">{c.obtained_on}</Descriptions.Item>
            <Descriptions.Item label="新职称下达标">
              <Tag color={OUTCOME_COLORS[c.outcome_preview]}>{labelOf(OUTCOME_LABELS, c.outcome_preview)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="状态">
              <CorrectionStateTag state={c.state} />
            </Descriptions.Item>
            <Descriptions.Item label="当前环节">{waitingLabel(c)}</Descriptions.Item>
            <Descriptions.Item label="更正理由" span={2}>
              {c.reason}
            </Descriptions.Item>
            <Descriptions.Item label="申请人" span={2}>
              <ActorName login={c.requested_by} /> {formatDateTime(c.requested_at)}
            </Descriptions.Item>
            {c.new_certificate_id && (
              <Descriptions.Item label="新证书" span={2}>
                <span data-testid="correction-reissued">已按新职称重新颁发证书（同一编号，新版本）</span>
              </Descriptions.Item>
            )}
          </Descriptions>
          <div>
            <Typography.Title level={5}>审核流程</Typography.Title>
            <Steps
              size="small"
              {...correctionCurrent(c)}
              items={c.chain.map((tier) => ({ title: labelOf(REVIEW_TIER_LABELS, tier) }))}
              data-testid="correction-chain"
            />
          </div>
          <div>
            <Typography.Title level={5}>处理记录</Typography.Title>
            <TransitionTimeline
              testId="correction-log"
              entryTestId="correction-log-entry"
              reasonTestId="correction-log-reason"
              reasonLabel="意见"
              transitions={c.log.map((l) => ({
                key: l.seq,
                color: l.event === "reject" ? "red" : l.to === "approved" ? "green" : "blue",
                event: labelOf(CORRECTION_EVENT_LABELS, l.event),
                actorName: l.actor_name,
                actorTier: labelOf(REVIEW_TIER_LABELS, l.actor_tier),
                at: l.at,
                from: l.from ? labelOf(CORRECTION_STATE_LABELS, l.from) : null,
                to: labelOf(CORRECTION_STATE_LABELS, l.to),
                reason: l.reason,
              }))}
            />
          </div>
          {c.evidence_ids.length > 0 && (
            <div>
              <Typography.Title level={5}>证明材料</Typography.Title>
              {c.evidence_ids.map((e, i) => (
                <div key={e}>
                  <Typography.Link onClick={() => void downloadFile(api.GET("/api/v1/evidence/{id}", { params: { path: { id: e } }, parseAs: "blob" }), `证明材料${i + 1}`)}>
                    证明材料 {i + 1}
                  </Typography.Link>
                </div>
              ))}
            </div>
          )}
        </Space>
      )}
    </Drawer>
  );
}
