// Shared pieces of the verification pages: the cycle picker, record columns
// and the record drawer (its chain as Steps, its timeline as a Timeline).
import { useQuery } from "@tanstack/react-query";
import { Alert, Descriptions, Drawer, Empty, Select, Space, Spin, Steps, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useSearchParams } from "react-router";
import { api, unwrap } from "../../../api/client";
import { downloadFile } from "../../../api/download";
import type { Verification, VerificationDetail } from "../../../api/types";
import { IdNumber } from "../../../components/PeopleTable";
import { PersonYearView } from "../../../components/PersonYearView";
import { Clipped, Stacked } from "../../../components/cells";
import { ProblemAlert } from "../../../components/ProblemAlert";
import { TransitionTimeline } from "../../../components/TransitionTimeline";
import { useCycles, useWorkingYear } from "../../../hooks/workingYear";
import {
  LIST_KIND_LABELS,
  REVIEW_TIER_LABELS,
  SPECIAL_REASON_LABELS,
  VERIFICATION_STATE_COLORS,
  VERIFICATION_STATE_LABELS,
} from "../../../constants/verification";
import { labelOf } from "../../../constants/enums";
import { formatDateTime, formatSize } from "../../../utils/format";
import { ActorName } from "../../../components/ActorName";
import { PathTag } from "./PathTag";

/**
 * The cycle a page shows: `?cycle_year=` when that cycle is open, else the
 * working year's cycle, else the latest opened. `undefined` while the cycles
 * load, and for a year whose cycle was never opened: the page shows
 * `<NoCycle />` rather than asking for what the list says is absent (a 404).
 */
export function useCycleYear(): [number | undefined, (year: number) => void, ReturnType<typeof useCycles>] {
  const cycles = useCycles();
  const working = useWorkingYear();
  const [search, setSearch] = useSearchParams();
  const opened = cycles.data?.map((c) => c.year) ?? [];
  const fromUrl = Number(search.get("cycle_year"));
  const asked = Number.isInteger(fromUrl) && fromUrl > 0 ? fromUrl : undefined;
  let year: number | undefined;
  if (asked !== undefined) year = opened.includes(asked) ? asked : undefined;
  else if (working !== undefined) year = opened.includes(working) ? working : opened[0];
  const setYear = (y: number) => {
    const next = new URLSearchParams(search);
    next.set("cycle_year", String(y));
    setSearch(next, { replace: true });
  };
  return [year, setYear, cycles];
}

/** 验证年度: an opened cycle. */
export function CycleSelect({ value, onChange }: { value?: number; onChange: (year: number) => void }) {
  const cycles = useCycles();
  return (
    <Select<number>
      value={value}
      onChange={onChange}
      loading={cycles.isLoading}
      placeholder="验证年度"
      aria-label="验证年度"
      options={(cycles.data ?? []).map((c) => ({ value: c.year, label: `${c.year} 年度验证` }))}
      style={{ width: 150 }}
      data-testid="cycle-select"
    />
  );
}

/** Shown when no cycle is open yet, or the one in the URL (`?cycle_year=`) never was. */
export function NoCycle() {
  const [search] = useSearchParams();
  const asked = Number(search.get("cycle_year"));
  const what = Number.isInteger(asked) && asked > 0 ? `${asked} 年度的学分验证尚未开启` : "尚未开启任何年度的学分验证";
  return <Empty description={`${what}（由省继教委办公室在“验证周期设置”中开启）`} data-testid="no-cycle" />;
}

export function StateTag({ state }: { state: Verification["state"] }) {
  return (
    <Tag color={VERIFICATION_STATE_COLORS[state] ?? "default"} data-testid="state-tag">
      {labelOf(VERIFICATION_STATE_LABELS, state)}
    </Tag>
  );
}

/**
 * Columns of a list of records (a unit's own, an office's queue), compact enough for a 1280 px
 * screen with a selection and an actions column: name over ID number, list over year, state over
 * the office awaited, the special case wrapped in full. `showCertificate` for lists that can hold
 * numbered records.
 */
export function verificationColumns({
  showUnit,
  showCertificate = true,
  onOpen,
}: {
  showUnit: boolean;
  showCertificate?: boolean;
  onOpen: (r: Verification) => void;
}): ColumnsType<Verification> {
  const columns: ColumnsType<Verification> = [
    {
      title: "姓名 / 身份证号",
      key: "person",
      width: 156,
      render: (_, r) => (
        <Stacked
          main={
            <Typography.Link onClick={() => onOpen(r)} data-testid="record-open">
              {r.person_name}
            </Typography.Link>
          }
          sub={<IdNumber value={r.id_number_masked} />}
        />
      ),
    },
  ];
  if (showUnit) columns.push({ title: "单位", dataIndex: "unit_name", width: 130, render: (u: string) => <Clipped text={u} /> });
  columns.push(
    {
      title: "名单 / 年度",
      key: "list",
      width: 88,
      render: (_, r) => (
        <Stacked
          main={
            <>
              {labelOf(LIST_KIND_LABELS, r.list)} <PathTag path={r.path} />
            </>
          }
          sub={`${r.year} 年度`}
        />
      ),
    },
    {
      title: "状态 / 当前环节",
      key: "state",
      width: 140,
      render: (_, r) => <Stacked main={<StateTag state={r.state} />} sub={r.waiting_on_label ?? "—"} tip={r.waiting_on_label ?? undefined} />,
    },
    {
      title: "特殊情况",
      dataIndex: "special",
      width: 140,
      render: (sp: Verification["special"]) =>
        sp ? (
          <span data-testid="record-special">
            {labelOf(SPECIAL_REASON_LABELS, sp.reason)} {sp.period_from} 至 {sp.period_to}
          </span>
        ) : (
          "—"
        ),
    },
  );
  if (showCertificate) {
    columns.push({
      title: "证书编号",
      dataIndex: "certificate_no",
      width: 170,
      render: (c: string | null) =>
        c ? (
          <span style={{ fontFamily: "monospace" }} data-testid="certificate-no">
            {c}
          </span>
        ) : (
          "—"
        ),
    });
  }
  columns.push({
    title: "更新时间",
    dataIndex: "updated_at",
    width: 96,
    render: (t: string) => {
      const [day, time] = formatDateTime(t).split(" ");
      return <Stacked main={day} sub={time ?? ""} />;
    },
  });
  return columns;
}

/** The width a list's columns need (antd's selection column: 32 more). */
export function columnsWidth<T>(columns: ColumnsType<T>, selectable = false): number {
  return columns.reduce((sum, c) => sum + (typeof c.width === "number" ? c.width : 0), selectable ? 32 : 0);
}

/** The current position of a record on its chain, for Steps (the final step once decided). */
export function chainCurrent(detail: Pick<VerificationDetail, "record" | "chain">): { current: number; status: "wait" | "process" | "finish" | "error" } {
  const { record, chain } = detail;
  switch (record.state) {
    case "prepared":
      return { current: 0, status: "wait" };
    case "returned":
      return { current: 0, status: "error" };
    case "in_review":
      // step 1 is the first office after the unit's own 初审 (chain[0]).
      return { current: Math.min(record.step ?? 1, chain.length - 1), status: "process" };
    case "approved":
    case "certified":
      return { current: chain.length - 1, status: "finish" };
    default:
      return { current: 0, status: "wait" };
  }
}

/** A record's detail: its data, its chain as Steps, its timeline, its evidence. */
export function VerificationDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const detail = useQuery({
    queryKey: ["verification", id],
    queryFn: () => unwrap(api.GET("/api/v1/verifications/{id}", { params: { path: { id: id! } } })),
    enabled: id !== null,
  });
  const data = detail.data;
  // The person-year as the verdict saw it: every credit, where it counted and why not.
  const personYear = useQuery({
    queryKey: ["person-year", data?.record.person_id, data?.record.year],
    queryFn: () =>
      unwrap(
        api.GET("/api/v1/people/{id}/compliance/{year}", {
          params: { path: { id: data!.record.person_id, year: data!.record.year } },
        }),
      ),
    enabled: id !== null && data !== undefined,
  });
  return (
    <Drawer title="验证记录" open={id !== null} onClose={onClose} size="large" destroyOnHidden data-testid="record-drawer">
      {detail.isLoading && <Spin />}
      {detail.isError && <ProblemAlert problem={detail.error} />}
      {data && (
        <Space orientation="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" column={2} bordered>
            <Descriptions.Item label="姓名">{data.record.person_name}</Descriptions.Item>
            <Descriptions.Item label="身份证号">{data.record.id_number_masked}</Descriptions.Item>
            <Descriptions.Item label="单位" span={2}>
              {data.record.unit_name}
            </Descriptions.Item>
            <Descriptions.Item label="名单">{labelOf(LIST_KIND_LABELS, data.record.list)}</Descriptions.Item>
            <Descriptions.Item label="验证方式">
              <span data-testid="record-path">{data.record.path_label}</span>
            </Descriptions.Item>
            <Descriptions.Item label="验证年度">{data.record.year}</Descriptions.Item>
            <Descriptions.Item label="状态">
              <StateTag state={data.record.state} />
            </Descriptions.Item>
            <Descriptions.Item label="证书编号">{data.record.certificate_no ?? "—"}</Descriptions.Item>
            {data.record.special && (
              <Descriptions.Item label="特殊情况" span={2}>
                {labelOf(SPECIAL_REASON_LABELS, data.record.special.reason)}，{data.record.special.period_from} 至{" "}
                {data.record.special.period_to}
                {data.record.special.deemed_compliant ? "（视为合格）" : ""}
              </Descriptions.Item>
            )}
            {data.record.note && (
              <Descriptions.Item label="备注" span={2}>
                {data.record.note}
              </Descriptions.Item>
            )}
          </Descriptions>
          <div>
            <Typography.Title level={5}>审核流程</Typography.Title>
            <Steps
              size="small"
              {...chainCurrent(data)}
              items={data.chain.map((s) => ({ title: s.stage_label, content: s.tier_label }))}
              data-testid="record-chain"
            />
          </div>
          <div>
            <Typography.Title level={5}>处理记录</Typography.Title>
            <TransitionTimeline
              testId="record-timeline"
              entryTestId="timeline-entry"
              reasonTestId="timeline-reason"
              reasonLabel="原因"
              transitions={data.timeline.map((e) => ({
                key: e.seq,
                color: e.to === "returned" ? "red" : e.to === "approved" || e.to === "certified" ? "green" : "blue",
                event: e.event_label,
                actorName: e.actor_name,
                actorTier: labelOf(REVIEW_TIER_LABELS, e.actor_tier),
                at: e.at,
                from: e.from ? labelOf(VERIFICATION_STATE_LABELS, e.from) : null,
                to: labelOf(VERIFICATION_STATE_LABELS, e.to),
                reason: e.reason,
              }))}
            />
          </div>
          <div data-testid="record-credits">
            <Typography.Title level={5}>学分与计入情况</Typography.Title>
            {personYear.isLoading && <Spin />}
            {personYear.isError && <ProblemAlert problem={personYear.error} />}
            {personYear.data && <PersonYearView data={personYear.data} plain />}
          </div>
          {data.evidence.length > 0 && (
            <div>
              <Typography.Title level={5}>{data.record.path === "paper" ? "纸质学分证书扫描件" : "证明材料"}</Typography.Title>
              {data.evidence.map((f) => (
                <div key={f.id}>
                  <Typography.Link
                    data-testid="evidence-file"
                    onClick={() => void downloadFile(api.GET("/api/v1/evidence/{id}", { params: { path: { id: f.id } }, parseAs: "blob" }), f.file_name)}
                  >
                    {f.file_name}
                  </Typography.Link>{" "}
                  <Typography.Text type="secondary">
                    {formatSize(f.size_bytes)} · <ActorName login={f.uploaded_by} /> {formatDateTime(f.uploaded_at)}
                  </Typography.Text>
                </div>
              ))}
            </div>
          )}
          {data.record.state === "returned" && (
            <Alert type="warning" showIcon title="已退回单位：修改后可在“验证信息上报”中重新上报。" />
          )}
        </Space>
      )}
    </Drawer>
  );
}
