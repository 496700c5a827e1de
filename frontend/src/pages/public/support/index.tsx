import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { unwrap } from "../../../api/client";
import { publicClient } from "../../../api/public";
import { Alert, Card, Loading, TextField } from "../../../light";
import { PublicFrame } from "../../../light/frames";

/** The help desk, as the API answers it (public, no sign-in). */
function fetchDesk() {
  return unwrap(publicClient.GET("/api/v1/public/support"));
}

type Desk = Awaited<ReturnType<typeof fetchDesk>>;
type Entry = Desk["entries"][number];

/** A number people can tap on a phone. */
function Phone({ number }: { number: string }) {
  return (
    <a href={`tel:${number.replace(/-/g, "")}`} className="lk-mono">
      {number}
    </a>
  );
}

function EntryCard({ entry }: { entry: Entry }) {
  return (
    <Card title={entry.area} testId="support-entry" data-area={entry.area}>
      <dl style={{ margin: 0, display: "grid", gridTemplateColumns: "auto 1fr", gap: "4px 12px" }}>
        {entry.phone && (
          <>
            <dt className="lk-muted">电话</dt>
            <dd style={{ margin: 0 }}>
              <Phone number={entry.phone} />
              {entry.hours && <span className="lk-muted">（{entry.hours}）</span>}
            </dd>
          </>
        )}
        {entry.contacts.map((c) => (
          <div key={`${c.name}${c.phone}`} style={{ display: "contents" }}>
            <dt className="lk-muted">联系人</dt>
            <dd style={{ margin: 0 }}>
              {c.name} <Phone number={c.phone} />
            </dd>
          </div>
        ))}
        {entry.qq_groups.length > 0 && (
          <>
            <dt className="lk-muted">QQ 群</dt>
            <dd style={{ margin: 0 }} className="lk-mono">
              {entry.qq_groups.join("、")}
            </dd>
          </>
        )}
        {entry.note && (
          <>
            <dt className="lk-muted">说明</dt>
            <dd style={{ margin: 0 }}>{entry.note}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}

/**
 * `/support`: 技术支持服务 (notice-2017 附件 4), reachable from both sign-in
 * pages: the province office's line, then every office's contacts and QQ
 * groups, filtered by the place a worker types.
 */
export default function SupportPage() {
  const desk = useQuery({ queryKey: ["public-support"], queryFn: fetchDesk, staleTime: 60_000 });
  const [place, setPlace] = useState("");
  const wanted = place.trim();
  const entries = (desk.data?.entries ?? []).filter((e) => wanted === "" || e.area.includes(wanted));
  return (
    <PublicFrame title="技术支持服务">
      <div className="lk-stack" data-testid="support-page">
        <Card title="省继续医学教育办公室">
          {desk.data?.office_phone ? (
            <p style={{ margin: 0 }}>
              办公室座机：<Phone number={desk.data.office_phone} />
              {desk.data.office_hours && <span className="lk-muted">（{desk.data.office_hours}）</span>}
            </p>
          ) : (
            <p className="lk-muted" style={{ margin: 0 }}>
              {desk.isLoading ? "加载中…" : "暂未公布办公室电话"}
            </p>
          )}
          <p className="lk-muted" style={{ marginBottom: 0 }}>
            使用中遇到问题，请先联系本单位继教管理员；仍无法解决的，联系所在州市或县区的技术支持人员，或加入技术服务 QQ 群。
          </p>
        </Card>
        {desk.isLoading && <Loading />}
        {desk.isError && <Alert type="error" title="技术支持信息暂时无法加载，请稍后再试" />}
        {desk.data && desk.data.entries.length > 3 && (
          <TextField
            id="support_place"
            label="所在州市或县区"
            placeholder="如 曲靖 或 宜良"
            value={place}
            onChange={(e) => setPlace(e.target.value)}
          />
        )}
        {entries.map((e) => (
          <EntryCard key={e.region_id} entry={e} />
        ))}
        {desk.data && entries.length === 0 && <p className="lk-muted">没有找到“{wanted}”的技术支持信息。</p>}
      </div>
    </PublicFrame>
  );
}
